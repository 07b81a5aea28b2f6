"""The files participants send back: their journal (``journal-<nom>.json``, as the notebooks'
« fichier à envoyer » button writes it) and/or a ZIP holding it (the toolkit archive). A folder of such
files is read whole; a file that is not one (unreadable, corrupt, another JSON, another kind of file)
is reported in French with what to do, never fatal and never silently skipped. A shared server's
folder of users (``hub``) is read too: there, only the journals whose participant agreed to the
cohort report are kept, the others are counted and never named.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError

__all__ = ["Exports", "last_activity", "read_exports"]

_JOURNAL_PARTS = {"answers": dict, "timings": list, "self_assessments": list}
#: Parts a journal may lack when an older version of the course wrote it (empty then).
_LATER_PARTS = {"prompts": list, "fact_checks": list, "forms": dict, "quizzes": dict, "visits": dict}
_HUB_JOURNAL = "journal-*.json"


@dataclass
class Exports:
    """Journals read (one per participant, data dicts), and the French notes on files set aside."""

    folder: Path
    journals: list[dict] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)


def _journal_problem(data, *, nameless: bool = False) -> str:
    """Why ``data`` is not a participant journal ('' when it is one); ``nameless``: a journal
    without a name is one (a server's user who never gave a name)."""
    if not isinstance(data, dict) or "participant" not in data or "version" not in data:
        return "ce n'est pas un journal de participant o2c_lab (autre fichier JSON)"
    if data.get("version") != 1 or not all(isinstance(data.get(k), kind) for k, kind in _JOURNAL_PARTS.items()):
        return "journal dont la structure n'est pas reconnue (version ou parties manquantes)"
    if not nameless and not str(data.get("participant", "")).strip():
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


def _parse(raw: bytes, where: str, notes: list[str], *, nameless: bool = False):
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        notes.append(f"{where} : fichier illisible ({type(exc).__name__}), peut-être abîmé pendant l'envoi — "
                     "demandez au participant de l'envoyer à nouveau.")
        return None
    problem = _journal_problem(data, nameless=nameless)
    if problem:
        notes.append(f"{where} : {problem} ; demandez au participant le fichier préparé par son carnet.")
        return None
    return {**{key: kind() for key, kind in _LATER_PARTS.items()}, **data}


def _handed_over(folder: Path, notes: list[str]) -> list[tuple[str, dict]]:
    """(label, journal) of every journal file and archive in ``folder``; anything else is noted."""
    candidates = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if path.name.startswith("."):
            notes.append(f"{name} : fichier caché, ignoré.")
        elif path.suffix.lower() == ".json":
            data = _parse(path.read_bytes(), name, notes)
            if data is not None:
                candidates.append((name, data))
        elif path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    members = [m for m in archive.namelist()
                               if Path(m).name.startswith("journal-") and m.endswith(".json")]
                    if not members:
                        notes.append(f"{name} : archive sans journal (journal-….json) — demandez au "
                                     "participant le fichier préparé par son carnet.")
                    for member in members:
                        data = _parse(archive.read(member), f"{name} › {member}", notes)
                        if data is not None:
                            candidates.append((f"{name} › {member}", data))
            except (zipfile.BadZipFile, OSError) as exc:
                notes.append(f"{name} : archive ZIP illisible ({type(exc).__name__}) — demandez au "
                             "participant de l'envoyer à nouveau.")
        else:
            notes.append(f"{name} : ni journal (.json) ni archive (.zip), ignoré.")
    return candidates


def _on_the_hub(hub: Path, notes: list[str]) -> list[tuple[str, dict]]:
    """(label, journal) of the users' journals that agreed to the report; the others are counted.

    A user's folder holds other files (her notebooks, her toolkit): only journal files are read.
    """
    candidates, refused = [], 0
    for path in sorted(hub.rglob(_HUB_JOURNAL)):
        name = f"{hub.name}/{path.relative_to(hub).as_posix()}"
        if not path.is_file() or ".corrompu-" in path.name:  # the journal's own backup of a damaged copy
            continue
        data = _parse(path.read_bytes(), name, notes, nameless=True)
        if data is None:
            continue
        if data.get("consent_report") is not True:
            refused += 1
        else:
            candidates.append((name, data))
    if refused:
        notes.append(f"{refused} journal(aux) du serveur sans accord du participant pour le bilan : non lus.")
    return candidates


def _folder(folder: str | Path, option: str) -> Path:
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFileError("dossier des fichiers des participants introuvable.", path=folder,
                            todo=f"indiquez avec {option} le dossier où sont les journaux des participants")
    return folder


def read_exports(folder: str | Path | None = None, *, hub: str | Path | None = None) -> Exports:
    """Read every journal in ``folder`` (``*.json`` files and ``*.zip`` archives, sub-folders included)
    and, with ``hub``, the journals of a shared server's users who agreed to the report.

    Two copies of one participant's journal: the one with the latest activity is kept, and it is said.
    A server's journals without a name stay apart (one participant each).

    Raises:
        DataFileError: ``folder`` or ``hub`` is not a folder.
    """
    found = Exports(_folder(folder, "--from") if folder is not None else _folder(hub, "--hub"))
    candidates = _handed_over(found.folder, found.set_aside) if folder is not None else []
    if hub is not None:
        candidates += _on_the_hub(_folder(hub, "--hub"), found.set_aside)
    kept: dict[str, tuple[str, dict]] = {}
    for name, data in candidates:
        who = str(data["participant"]).strip()
        key = who.casefold() or f"sans nom : {name}"
        if key in kept:
            older, newer = sorted([kept[key], (name, data)], key=lambda item: last_activity(item[1]))
            found.set_aside.append(f"{older[0]} : autre copie du journal de {who}, plus ancienne que {newer[0]} "
                                   "(gardée).")
            kept[key] = newer
        else:
            kept[key] = (name, data)
    found.journals = [kept[key][1] for key in sorted(kept)]
    return found
