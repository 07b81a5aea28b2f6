"""The course's text: one MyST Markdown notebook per course notebook and per exercise set.

The sources live in the ``course/`` folder of the project (or ``$O2C_LAB_COURSE_DIR``)::

    course/sommaire.yml              the order of the notebooks and of the exercises
    course/notebooks/<name>.md       → notebooks/<name>.ipynb
    course/exercises/<name>.md       → exercises/<name>.ipynb (without solutions) and solutions/<name>.ipynb

A source is a Jupytext « MyST notebook »: Markdown cells are plain Markdown, code cells are
``{code-cell}`` blocks. Code cells are hidden and locked in the built notebook (trainees run them,
never read or edit them) unless the block says ``open: true`` (an exercise answer the trainee
types); the ``parameters`` cell stays editable for the trainer. A cell tagged ``remove-cell`` (the
Jupyter Book convention) is left out of the built notebook: that is how a section is hidden for a
half day without deleting it.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from ..errors import InvalidParameterError

__all__ = ["COURSE_DIR_ENV", "HIDDEN", "course_folder", "read_source", "source_names", "source_path"]

#: Environment variable pointing at another copy of the course sources (a trainer's adapted course).
COURSE_DIR_ENV = "O2C_LAB_COURSE_DIR"

#: What a code cell carries in the built notebook unless its source says ``open: true``.
HIDDEN = {"jupyter": {"source_hidden": True}, "editable": False, "deletable": False}

_KINDS = {"notebooks": "carnets", "exercises": "exercices"}
_REMOVED = "remove-cell"


def course_folder() -> Path:
    """The folder of the course sources: ``$O2C_LAB_COURSE_DIR`` if set, else ``course/`` of the project."""
    env = os.environ.get(COURSE_DIR_ENV)
    folder = Path(env) if env else Path(__file__).resolve().parents[2] / "course"
    if not (folder / "sommaire.yml").is_file():
        raise InvalidParameterError(f"Sources du cours introuvables : « {folder / 'sommaire.yml'} » n'existe pas.",
                                    todo=f"lancez la commande depuis le dossier du projet, ou indiquez le dossier "
                                         f"des sources avec la variable {COURSE_DIR_ENV}")
    return folder


def source_names(kind: str) -> list[str]:
    """The built file names of ``kind`` (``notebooks`` or ``exercises``), in the order of ``sommaire.yml``."""
    import yaml

    if kind not in _KINDS:
        raise InvalidParameterError(f"Type de source inconnu : « {kind} ».", valid=", ".join(_KINDS))
    toc = yaml.safe_load((course_folder() / "sommaire.yml").read_text(encoding="utf-8")) or {}
    return [f"{stem}.ipynb" for stem in toc.get(_KINDS[kind]) or []]


def source_path(kind: str, name: str) -> Path:
    """The Markdown source of the built notebook ``name`` (``03_balance_agee.ipynb``)."""
    return course_folder() / kind / f"{Path(name).stem}.md"


def read_source(kind: str, name: str) -> list:
    """The cells of notebook ``name`` as the build writes them (hidden and locked code, no removed cell)."""
    import jupytext

    path = source_path(kind, name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidParameterError(f"Source absente : « {path} » (citée dans sommaire.yml).",
                                    todo="créez ce fichier, ou retirez la ligne du sommaire") from None
    cells = []
    for cell in jupytext.reads(text, fmt="md:myst").cells:
        if _REMOVED in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.metadata = _built_metadata(dict(cell.metadata))
        cell.pop("id", None)
        cells.append(cell)
    return cells


def _built_metadata(options: dict) -> nbformat.NotebookNode:
    """The metadata of a built code cell from the options of its ``{code-cell}`` block."""
    opened = options.pop("open", False)
    metadata = {} if opened else {**HIDDEN, "jupyter": dict(HIDDEN["jupyter"])}
    if "parameters" in options.get("tags", []) and not opened:
        metadata.pop("editable")  # the trainer may change the parameters
    return nbformat.from_dict({**metadata, **options})
