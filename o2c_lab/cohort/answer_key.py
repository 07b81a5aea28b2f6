"""Answer keys: for each exercise, the expected answer of every question for one company.

Questions, their order, the reference computation and the trainer notes come from the exercises'
single source (``course/exercises/``); the expected values come from
:meth:`o2c_lab.coaching.checks.Verifier.expected`, i.e. from the company's truth.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..deliverables.document import Document, Section, Table
from ..money import format_date

__all__ = ["ExerciseQuestion", "answer_key", "exercise_questions", "expected_answers"]

_CHECK = re.compile(r'verifier\("(?P<question>\w+)"')


def _plain(markdown: str) -> str:
    return markdown.replace("**", "").replace("`", "").strip()


@dataclass(frozen=True)
class ExerciseQuestion:
    """One exercise question: its id, its text and the solution's reference computation."""

    question_id: str
    text: str
    computation: str


def exercise_questions(name: str) -> list[ExerciseQuestion]:
    """The questions of exercise ``name`` in their order, from the single source."""
    from ..authoring.exercises import exercise_source

    cells = exercise_source(name).cells
    found = []
    for index, cell in enumerate(cells):
        match = _CHECK.search(cell.source) if cell.cell_type == "code" else None
        if match:
            text = next((_plain(c.source) for c in reversed(cells[:index]) if c.cell_type == "markdown"), "")
            text = re.sub(r"^Question( \d+)?\.\s*", "", text)
            computation = next((line.split("# SOLUTION")[0].strip() for line in cell.source.splitlines()
                                if line.rstrip().endswith("# SOLUTION")), "")
            found.append(ExerciseQuestion(match["question"], text, computation))
    return found


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def expected_answers(verifier) -> dict[str, dict]:
    """Every exercise question's expected answer: ``{id: {"exercice", "valeur", "affichage", "tolerance"}}``."""
    from ..authoring import course_exercises

    out = {}
    for name in course_exercises():
        for question in exercise_questions(name):
            expected = verifier.expected(question.question_id)
            out[question.question_id] = {"exercice": name, "valeur": _json_value(expected.value),
                                         "affichage": expected.display, "tolerance": expected.tolerance}
    return out


def _title(name: str) -> str:
    from ..authoring.exercises import exercise_source

    first = exercise_source(name).cells[0].source.splitlines()[0]
    return first.lstrip("#").strip()


def answer_key(name: str, verifier) -> Document:
    """The answer key of exercise ``name`` for the verifier's company (.md / .docx / .pdf source)."""
    from ..authoring.exercises import exercise_source

    company = verifier.company
    questions = exercise_questions(name)
    rows = []
    sections = []
    for number, question in enumerate(questions, start=1):
        expected = verifier.expected(question.question_id)
        rows.append([f"Question {number}", expected.display, expected.tolerance or "exacte"])
        sections.append(Section(f"Question {number} ({question.question_id})", paragraphs=[
            question.text,
            f"Réponse attendue : {expected.display}" + (f" ({expected.tolerance})" if expected.tolerance else ""),
            f"Calcul de référence dans le corrigé : {question.computation}"]))
    notes = [_plain(c.source) for c in exercise_source(name).cells
             if {"formateur", "solution"} & set(c.metadata.get("tags", [])) and c.cell_type == "markdown"]
    if notes:
        sections.append(Section("Notes pour le formateur", paragraphs=[  # one paragraph per block of text
            " ".join(chunk.lstrip("#").split()) for note in notes for chunk in note.split("\n\n") if chunk.strip()]))
    sections.insert(0, Section("Réponses attendues", table=Table(["question", "réponse attendue", "tolérance"], rows)))
    return Document(
        f"cle_{name.removesuffix('.ipynb')}", f"Clé de correction — {_title(name)}",
        f"{company.name}, situation au {format_date(company.as_of)} (graine {company.seed}, "
        f"{len(company.customers)} clients). Les réponses attendues sont calculées sur la vérité terrain de "
        "cette entreprise : une autre graine donne d'autres réponses. Document réservé au formateur.",
        sections)
