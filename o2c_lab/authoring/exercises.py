"""Exercises and solutions from one source (otter-style markers), and the stale / leak check.

- ``# BEGIN SOLUTION`` … ``# END SOLUTION`` in a code cell: the block becomes ``...`` in the
  exercise (at the block's indentation); ``name = value  # SOLUTION`` becomes ``name = ...``;
- a cell tagged ``solution``: its source becomes ``...`` (code) or an invitation to answer (text);
- a cell tagged ``formateur``: trainer-only, removed from the exercise.

The solution copy keeps everything except the marker comments.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from ..errors import InvalidParameterError
from .build import new_notebook
from .sources import read_source, source_names

__all__ = ["BEGIN", "END", "build_exercises", "check_exercises", "course_exercises", "exercise_source",
           "solution_leaks", "solution_lines", "split_notebook", "strip_solutions"]

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
_LINE = re.compile(r"^(?P<indent>\s*)(?P<target>[^=#]+?)\s*=\s*.+?\s*# SOLUTION\s*$")
_ANSWER_HERE = "_Votre réponse ici._"


def strip_solutions(source: str) -> str:
    """The exercise version of a code cell's source."""
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise InvalidParameterError("« # BEGIN SOLUTION » ouvert deux fois sans « # END SOLUTION ».")
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + "...")
        elif stripped == END:
            if not inside:
                raise InvalidParameterError("« # END SOLUTION » sans « # BEGIN SOLUTION » avant.")
            inside = False
        elif not inside:
            match = _LINE.match(line)
            out.append(f"{match['indent']}{match['target']} = ..." if match else line)
    if inside:
        raise InvalidParameterError("« # BEGIN SOLUTION » sans « # END SOLUTION ».",
                                    todo="fermez le bloc de solution")
    return "\n".join(out)


def _solution_source(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip() not in (BEGIN, END)]
    return "\n".join(re.sub(r"\s*# SOLUTION\s*$", "", line) for line in lines)


def solution_lines(nb) -> set[str]:
    """The stripped lines that only the solution shows (to detect a leak in an exercise copy)."""
    found = set()
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "solution" in tags or "formateur" in tags:
            found |= {line.strip() for line in cell.source.splitlines() if line.strip()}
        elif cell.cell_type == "code":
            inside = False
            for line in cell.source.splitlines():
                stripped = line.strip()
                if stripped in (BEGIN, END):
                    inside = stripped == BEGIN
                elif inside or stripped.endswith("# SOLUTION"):
                    found.add(re.sub(r"\s*# SOLUTION$", "", stripped))
    return {line for line in found if len(line) > 3 and line != "..."}


def solution_leaks(nb, secret: set[str]) -> list[str]:
    """What a trainee copy ``nb`` gives away: solution markers, lines of ``secret`` (see
    :func:`solution_lines`) and trainer-only cells; empty when the copy is clean."""
    shown = {line.strip() for cell in nb.cells for line in cell.source.splitlines()}
    found = [m for m in (BEGIN, END, "# SOLUTION") if any(m in line for line in shown)]
    found += sorted(secret & shown)
    found += ["cellule étiquetée « formateur »" for c in nb.cells if "formateur" in c.metadata.get("tags", [])]
    return found


def split_notebook(nb):
    """(exercise, solution) copies of a source notebook."""
    exercise, solution = copy.deepcopy(nb), copy.deepcopy(nb)
    kept = []
    for cell in exercise.cells:
        tags = cell.metadata.get("tags", [])
        if "formateur" in tags:
            continue
        if "solution" in tags:
            cell.source = "..." if cell.cell_type == "code" else _ANSWER_HERE
        elif cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
        kept.append(cell)
    exercise.cells = kept
    for cell in solution.cells:
        if cell.cell_type == "code":
            cell.source = _solution_source(cell.source)
    return exercise, solution


def course_exercises() -> list[str]:
    """The exercise notebooks' file names, in the order of the course's ``sommaire.yml``."""
    return source_names("exercises")


def exercise_source(name: str):
    """The source notebook ``name`` (with its solutions), with deterministic cell ids."""
    return new_notebook(read_source("exercises", name), f"ex-{Path(name).stem.split('_')[1]}")


def _texts(name: str) -> tuple[str, str]:
    exercise, solution = split_notebook(exercise_source(name))
    return nbformat.writes(exercise) + "\n", nbformat.writes(solution) + "\n"


def build_exercises(root: str | Path) -> list[Path]:
    """Write ``exercises/`` and ``solutions/`` under ``root`` from the single source; return the files."""
    root = Path(root)
    written = []
    for name in course_exercises():
        for folder, text in zip(("exercises", "solutions"), _texts(name)):
            path = root / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def check_exercises(root: str | Path) -> list[str]:
    """French problems: a copy missing or stale (differs from the source), or an exercise leaking a solution."""
    root = Path(root)
    problems = []
    for name in course_exercises():
        for folder, text in zip(("exercises", "solutions"), _texts(name)):
            path = root / folder / name
            if not path.is_file():
                problems.append(f"{folder}/{name} manquant : régénérez les exercices.")
            elif path.read_text(encoding="utf-8") != text:
                problems.append(f"{folder}/{name} périmé (différent de la source) : régénérez les exercices.")
        exercise_path = root / "exercises" / name
        if exercise_path.is_file():
            leaks = solution_leaks(nbformat.read(exercise_path, as_version=4), solution_lines(exercise_source(name)))
            if leaks:
                problems.append(f"exercises/{name} contient une solution : {leaks[:3]}")
    return problems
