"""Write the course notebooks from their source, and check that the committed copies are current."""

from __future__ import annotations

from pathlib import Path

import nbformat

from .course import NOTEBOOKS

__all__ = ["build_notebooks", "render_notebook", "stale_notebooks"]

_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def render_notebook(name: str) -> str:
    """The JSON text of notebook ``name`` (deterministic: cell ids derive from the name and position)."""
    nb = nbformat.v4.new_notebook(metadata=dict(_METADATA))
    nb.cells = NOTEBOOKS[name]()
    stem = Path(name).stem
    for index, cell in enumerate(nb.cells):
        cell.id = f"{stem[:2]}-{index:03d}"
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def build_notebooks(folder: str | Path) -> list[Path]:
    """Write every course notebook (without outputs) into ``folder``; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in NOTEBOOKS:
        path = folder / name
        path.write_text(render_notebook(name), encoding="utf-8")
        written.append(path)
    return written


def stale_notebooks(folder: str | Path) -> list[str]:
    """Names of the notebooks in ``folder`` missing or different from their source (empty: in sync)."""
    folder = Path(folder)
    return [name for name in NOTEBOOKS
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != render_notebook(name)]
