"""Write the course notebooks from their Markdown sources, and check that the committed copies are current."""

from __future__ import annotations

from pathlib import Path

import nbformat

from .sources import read_source, source_names

__all__ = ["build_notebooks", "course_notebooks", "render_notebook", "stale_notebooks"]

_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def course_notebooks() -> list[str]:
    """The course notebooks' file names, in the order of the course's ``sommaire.yml``."""
    return source_names("notebooks")


def new_notebook(cells: list, id_prefix: str) -> nbformat.NotebookNode:
    """A notebook of ``cells`` with deterministic cell ids (``<prefix>-000``…), validated."""
    nb = nbformat.v4.new_notebook(metadata=dict(_METADATA))
    nb.cells = cells
    for index, cell in enumerate(nb.cells):
        cell.id = f"{id_prefix}-{index:03d}"
    nbformat.validate(nb)
    return nb


def render_notebook(name: str) -> str:
    """The JSON text of notebook ``name`` (deterministic: cell ids derive from the name and position)."""
    nb = new_notebook(read_source("notebooks", name), Path(name).stem[:2])
    return nbformat.writes(nb) + "\n"


def build_notebooks(folder: str | Path) -> list[Path]:
    """Write every course notebook (without outputs) into ``folder``; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in course_notebooks():
        path = folder / name
        path.write_text(render_notebook(name), encoding="utf-8")
        written.append(path)
    return written


def stale_notebooks(folder: str | Path) -> list[str]:
    """Names of the notebooks in ``folder`` missing or different from their source (empty: in sync)."""
    folder = Path(folder)
    return [name for name in course_notebooks()
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != render_notebook(name)]
