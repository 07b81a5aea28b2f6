"""The participant's settings (name, role, AI mode), chosen once in the welcome notebook and read
by every notebook, and the practice company the exercises use after the day (see
:mod:`o2c_lab.coaching.practice`). Stored as JSON next to the journals, in the participant's
user-data folder."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..errors import OutputFolderError
from .journal import default_journal_folder

__all__ = ["Settings", "load_settings", "save_settings", "settings_path"]

_FILE = "reglages.json"


@dataclass(frozen=True)
class Settings:
    """What the participant chose; empty values mean « not chosen yet »."""

    participant: str = ""
    role: str = ""
    ai_mode: str = "hors_ligne"
    #: Folder of the practice company the exercises open instead of the course company ("" : none).
    practice_data: str = ""


def settings_path(folder: Path | str | None = None) -> Path:
    return Path(folder if folder is not None else default_journal_folder()) / _FILE


def load_settings(folder: Path | str | None = None) -> Settings:
    """The saved settings, or the defaults when none were saved or the file is unreadable."""
    path = settings_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return Settings()
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: str(v) for k, v in data.items() if k in known} if isinstance(data, dict) else {})


def save_settings(settings: Settings, folder: Path | str | None = None) -> Path:
    path = settings_path(folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        raise OutputFolderError(f"Impossible d'enregistrer vos réglages dans « {path.parent} » ({exc.strerror}).",
                                todo="vérifiez les droits sur ce dossier ou prévenez le formateur") from exc
    return path
