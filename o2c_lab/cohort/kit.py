"""The layout of a cohort folder and what create, check and record share.

A cohort folder ``<out>/<NAME>/`` holds::

    manifeste.json               seed, size, date, versions, SHA-256 of every file
    <NAME>_participant.zip       the participant kit, ready to hand out
    participant/                 what trainees get: no solution, no truth, no trainer note
        LISEZMOI.md              how to open the kit (French)
        carnets/                 the course notebooks, parameters pointing at ../donnees
        exercices/               the self-paced exercises (without their solutions)
        donnees/                 the company's files, without verite/
        ia/enregistrements.json  recorded AI answers for the « rejeu » mode (after cohort record)
    formateur/                   the trainer kit
        donnees/                 the company's files with verite/
        corriges/                the solutions, executed on the cohort's data
        cles/                    an answer key per exercise (.md, .docx, .pdf) and reponses_attendues.json
        guide/                   the facilitator guide (.md, .docx, .pdf)
        ia/                      the recordings and their cost (after cohort record)

The notebooks' parameters cell is rewritten in place (its default values), rather than
injected by papermill: trainees open the notebooks directly in JupyterLab, so the defaults in
the file must already point at the kit's data (``data_folder = "../donnees"``) and seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from pathlib import Path

import nbformat

from ..errors import DataFileError, InvalidParameterError
from ..ui.course import recordings_path

__all__ = ["AI", "DATA", "EXERCISES", "GUIDE", "KEYS", "MANIFEST", "NOTEBOOKS", "PARTICIPANT", "SOLUTIONS",
           "TRAINER", "cohort_folder", "digests", "participant_exercise", "participant_notebook",
           "read_manifest", "recordings_file", "set_parameters", "solution_notebook",
           "write_manifest", "write_zip", "zip_name"]

PARTICIPANT, TRAINER = "participant", "formateur"
DATA, NOTEBOOKS, EXERCISES, SOLUTIONS = "donnees", "carnets", "exercices", "corriges"
KEYS, GUIDE, AI = "cles", "guide", "ia"
MANIFEST = "manifeste.json"

_NAME = re.compile(r"^\w[\w.-]*$")
_PARAM = re.compile(r"^(?P<name>\w+)\s*=\s*(?P<value>.*?)(?P<comment>\s+#.*)?$")
_COMMENTS = {
    "data_folder": "dossier des données de la cohorte",
    "seed": "graine de l'entreprise de la cohorte",
    ("ai_mode", "rejeu"): "« rejeu » : réponses enregistrées par le formateur, sans réseau ni clé",
}
_FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def cohort_folder(name: str, out: str | Path) -> Path:
    """``out/name``, after checking that ``name`` can be a folder name on every system."""
    if not isinstance(name, str) or not _NAME.match(name) or name.endswith("."):
        raise InvalidParameterError(f"Nom de cohorte invalide : « {name} ».",
                                    valid="des lettres, des chiffres, des tirets et des soulignés, "
                                          "par exemple paris-2026-12",
                                    todo="choisissez un nom sans espace ni barre oblique")
    return Path(out) / name


def zip_name(name: str) -> str:
    return f"{name}_participant.zip"


def recordings_file(kit: Path) -> Path:
    """``<kit>/ia/enregistrements.json``: where :meth:`o2c_lab.ui.Course.start` looks in « rejeu » mode."""
    return recordings_path(kit / DATA)


def _literal(value) -> str:
    return "None" if value is None else json.dumps(value, ensure_ascii=False)


def set_parameters(nb, **values):
    """Rewrite the default values of the notebook's parameters cell (papermill's ``parameters`` tag).

    Each ``name = value  # comment`` line named in ``values`` gets the new value; the comment
    keeps its column and says what the value now is when :data:`_COMMENTS` has a text for it.
    """
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        raise InvalidParameterError("Ce carnet n'a pas de cellule de paramètres (étiquette « parameters »).")
    lines, missing = [], set(values)
    for line in cell.source.splitlines():
        match = _PARAM.match(line)
        if match and match["name"] in values:
            name, value = match["name"], values[match["name"]]
            missing.discard(name)
            code = f"{name} = {_literal(value)}"
            comment = (_COMMENTS.get((name, value)) or _COMMENTS.get(name)
                       or (match["comment"] or "").strip().lstrip("#").strip())
            column = line.index("#") if match["comment"] else 0
            line = f"{code.ljust(max(column, len(code) + 2))}# {comment}" if comment else code
        lines.append(line)
    if missing:
        raise InvalidParameterError(f"Paramètre(s) absent(s) de la cellule de paramètres : {', '.join(sorted(missing))}.")
    cell.source = "\n".join(lines)
    return nb


def _text(nb) -> str:
    return nbformat.writes(nb) + "\n"


def participant_notebook(name: str, seed: int, ai_mode: str | None = None) -> str:
    """The JSON text of course notebook ``name`` for a participant kit.

    Without ``ai_mode`` the notebook keeps the mode the participant chooses in notebook 00's
    settings (offline until she chooses); a recorded cohort pins « rejeu »."""
    from ..authoring import render_notebook

    nb = nbformat.reads(render_notebook(name), as_version=4)
    values = {"seed": seed, "data_folder": f"../{DATA}"} | ({"ai_mode": ai_mode} if ai_mode else {})
    return _text(set_parameters(nb, **values))


def _exercise_copies(name: str):
    from ..authoring.exercises import exercise_source, split_notebook

    return split_notebook(exercise_source(name))


def participant_exercise(name: str, seed: int) -> str:
    """The JSON text of exercise ``name`` (without its solutions) for a participant kit."""
    return _text(set_parameters(_exercise_copies(name)[0], seed=seed, data_folder=f"../{DATA}"))


def solution_notebook(name: str, seed: int):
    """The solution notebook of exercise ``name`` for the trainer kit (not executed)."""
    return set_parameters(_exercise_copies(name)[1], seed=seed, data_folder=f"../{DATA}")


def write_zip(folder: Path, archive: Path, root: str) -> Path:
    """ZIP every file of ``folder`` under ``root/`` with fixed dates: same files, same bytes."""
    tmp = archive.with_name(archive.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{root}/{path.relative_to(folder).as_posix()}", date_time=_FIXED_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    tmp.replace(archive)
    return archive


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` but the manifest, by POSIX relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST}


def write_manifest(folder: Path, meta: dict) -> Path:
    """``manifeste.json``: ``meta`` plus the date, the versions of what shapes the data, every file's SHA-256."""
    import platform

    import faker
    import numpy
    import pandas

    from .. import __version__

    manifest = {"format": "o2c_lab.cohorte", "version": 1, **meta,
                "created_at": meta.get("created_at") or dt.datetime.now(dt.timezone.utc).replace(
                    microsecond=0).isoformat(),
                "versions": {"o2c_lab": __version__, "numpy": numpy.__version__, "faker": faker.VERSION,
                             "pandas": pandas.__version__, "python": platform.python_version()},
                "files": digests(folder)}
    path = folder / MANIFEST
    tmp = path.with_name(MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_manifest(folder: Path) -> dict:
    """The cohort's manifest; a French error when the folder is not a cohort."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise DataFileError("cohorte introuvable.", path=folder,
                            todo="vérifiez le nom et --out, ou créez-la avec « o2c-lab cohort create »")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != "o2c_lab.cohorte" or not isinstance(manifest.get("files"), dict):
            raise ValueError
    except (OSError, ValueError):
        raise DataFileError("manifeste de cohorte absent ou illisible.", path=path,
                            todo="recréez la cohorte avec « o2c-lab cohort create … --force »") from None
    return manifest


