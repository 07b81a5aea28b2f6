"""The files participants send back: their journal (``journal-<nom>.json``, as the notebooks'
« fichier à envoyer » button writes it) and/or a ZIP holding it. A folder of such files is read
whole; a file that is not one (unreadable, corrupt, another JSON, another kind of file) is reported
in French with what to do, never fatal and never silently skipped.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError

__all__ = ["Exports", "last_activity", "read_exports"]

_JOURNAL_PARTS = {"answers": dict, "timings": list, "self_assessments": list}


@dataclass
class Exports:
    """Journals read (one per participant, data dicts), and the French notes on files set aside."""

    folder: Path
    journals: list[dict] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)


def _journal_problem(data) -> str:
    """Why ``data`` is not a participant journal ('' when it is one)."""
    if not isinstance(data, dict) or "participant" not in data or "version" not in data:
        return "ce n'est pas un journal de participant o2c_lab (autre fichier JSON)"
    if data.get("version") != 1 or not all(isinstance(data.get(k), kind) for k, kind in _JOURNAL_PARTS.items()):
        return "journal dont la structure n'est pas reconnue (version ou parties manquantes)"
    if not str(data.get("participant", "")).strip():
        return "journal sans nom de participant : impossible de savoir de qui il vient"
    return ""


def last_activity(data: dict) -> str:
    """The latest date-time written in a journal (ISO text), to keep the newest of two copies."""
    stamps = [str(item.get("at", "")) for part in ("timings", "self_assessments", "prompts", "fact_checks")
              for item in data.get(part, [])]
    stamps += [str(v.get("at", "")) for part in ("answers", "forms") for v in data.get(part, {}).values()]
    stamps += [str(v.get("last", "")) for v in data.get("visits", {}).values()]
    stamps += [str(i.get("at", "")) for quiz in data.get("quizzes", {}).values() for i in quiz.values()]
    return max(stamps + [str(data.get("created", ""))])


def _parse(raw: bytes, where: str, notes: list[str]):
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        notes.append(f"{where} : fichier illisible ({type(exc).__name__}), peut-être abîmé pendant l'envoi — "
                     "demandez au participant de l'envoyer à nouveau.")
        return None
    problem = _journal_problem(data)
    if problem:
        notes.append(f"{where} : {problem} ; demandez au participant le fichier préparé par son carnet.")
        return None
    return data


def read_exports(folder: str | Path) -> Exports:
    """Read every journal in ``folder`` (``*.json`` files and ``*.zip`` archives, sub-folders included).

    Two copies of one participant's journal: the one with the latest activity is kept, and it is said.

    Raises:
        DataFileError: ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFileError("dossier des fichiers des participants introuvable.", path=folder,
                            todo="indiquez avec --from le dossier où vous avez rangé les fichiers reçus")
    found = Exports(folder)
    candidates: list[tuple[str, dict]] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if path.name.startswith("."):
            found.set_aside.append(f"{name} : fichier caché, ignoré.")
        elif path.suffix.lower() == ".json":
            data = _parse(path.read_bytes(), name, found.set_aside)
            if data is not None:
                candidates.append((name, data))
        elif path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    members = [m for m in archive.namelist()
                               if Path(m).name.startswith("journal-") and m.endswith(".json")]
                    if not members:
                        found.set_aside.append(f"{name} : archive sans journal (journal-….json) — demandez au "
                                               "participant le fichier préparé par son carnet.")
                    for member in members:
                        data = _parse(archive.read(member), f"{name} › {member}", found.set_aside)
                        if data is not None:
                            candidates.append((f"{name} › {member}", data))
            except (zipfile.BadZipFile, OSError) as exc:
                found.set_aside.append(f"{name} : archive ZIP illisible ({type(exc).__name__}) — demandez au "
                                       "participant de l'envoyer à nouveau.")
        else:
            found.set_aside.append(f"{name} : ni journal (.json) ni archive (.zip), ignoré.")
    kept: dict[str, tuple[str, dict]] = {}
    for name, data in candidates:
        who = str(data["participant"]).strip()
        if who in kept:
            older, newer = sorted([kept[who], (name, data)], key=lambda item: last_activity(item[1]))
            found.set_aside.append(f"{older[0]} : autre copie du journal de {who}, plus ancienne que {newer[0]} "
                                   "(gardée).")
            kept[who] = newer
        else:
            kept[who] = (name, data)
    for who in sorted(kept):
        found.journals.append(kept[who][1])
    return found
