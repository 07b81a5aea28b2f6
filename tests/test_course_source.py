"""The course's text as MyST Markdown sources: the build reproduces the notebooks, a trainer's edit
reaches every copy, and the check catches a faulty source."""

from __future__ import annotations

import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

from o2c_lab.authoring import (COURSE_DIR_ENV, build_exercises, build_notebooks, check_exercises, course_exercises,
                               course_notebooks, render_notebook, stale_notebooks)
from o2c_lab.authoring.checks import source_problems
from o2c_lab.authoring.exercises import exercise_source, split_notebook
from o2c_lab.cohort.kit import participant_exercise, participant_notebook

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"

#: Differences between the notebooks built from the Markdown sources and the committed notebooks
#: written by the former Python source: none was intended (cell id → reason).
INTENDED_DIFFERENCES: dict[str, str] = {}


def _cells(nb) -> list[tuple]:
    return [(c.get("id"), c.cell_type, c.source, sorted(c.metadata.get("tags", [])), dict(c.metadata))
            for c in nb.cells]


def _differences(built, committed) -> list[str]:
    if len(built.cells) != len(committed.cells):
        return [f"{len(built.cells)} cellules construites, {len(committed.cells)} dans la copie"]
    return [f"cellule {a[0]} : {field}" for a, b in zip(_cells(built), _cells(committed))
            for field, x, y in zip(("id", "type", "source", "étiquettes", "métadonnées"), a, b)
            if x != y and a[0] not in INTENDED_DIFFERENCES]


@pytest.mark.parametrize("name", course_notebooks())
def test_markdown_source_reproduces_the_committed_notebook(name):
    built = nbformat.reads(render_notebook(name), as_version=4)
    committed = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    assert _differences(built, committed) == []
    assert built.metadata == committed.metadata


@pytest.mark.parametrize("name", course_exercises())
def test_markdown_source_reproduces_the_committed_exercise_and_solution(name):
    exercise, solution = split_notebook(exercise_source(name))
    for folder, built in (("exercises", exercise), ("solutions", solution)):
        assert _differences(built, nbformat.read(ROOT / folder / name, as_version=4)) == [], folder


def test_every_source_opens_as_a_myst_notebook():
    """JupyterLab (Jupytext) opens a source as a notebook: the header names the MyST format."""
    sources = sorted(COURSE.glob("*/*.md"))
    assert len(sources) == len(course_notebooks()) + len(course_exercises())
    for path in sources:
        nb = jupytext.read(path)
        assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "myst", path.name
        assert any(c.cell_type == "code" for c in nb.cells), path.name
        assert "source_hidden" not in path.read_text(encoding="utf-8"), path.name  # the build hides, not the source


def test_the_real_course_sources_are_sound():
    assert source_problems() == []


@pytest.fixture
def course_copy(tmp_path, monkeypatch) -> Path:
    """A trainer's copy of the course sources, used by the library instead of the project's."""
    copy = tmp_path / "cours"
    shutil.copytree(COURSE, copy)
    monkeypatch.setenv(COURSE_DIR_ENV, str(copy))
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_one_edited_sentence_reaches_the_notebook_the_exercise_and_the_cohort_kit(course_copy, tmp_path):
    notebook, exercise = "03_balance_agee.ipynb", "exercice_03_balance_agee.ipynb"
    old = "## 1. Situation : la balance âgée au jour de l'arrêté"
    new = "## 1. Situation : la balance âgée de notre secteur, au jour de l'arrêté"
    _edit(course_copy / "notebooks" / "03_balance_agee.md", old, new)
    old_ex = "Vous retrouvez deux chiffres clés de la balance âgée"
    new_ex = "Vous retrouvez, comme chaque lundi, deux chiffres clés de la balance âgée"
    _edit(course_copy / "exercises" / "exercice_03_balance_agee.md", old_ex, new_ex)

    # the committed copies are now stale, and only those
    assert stale_notebooks(ROOT / "notebooks") == [notebook]
    stale = check_exercises(ROOT)
    assert len(stale) == 2 and all(exercise in line and "périmé" in line for line in stale)

    out = tmp_path / "construit"
    build_notebooks(out / "notebooks")
    build_exercises(out)
    assert stale_notebooks(out / "notebooks") == [] and check_exercises(out) == []
    built = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.ipynb")}
    assert len(built) == len(course_notebooks()) + 2 * len(course_exercises())
    assert [p for p, text in built.items() if new in text] == [f"notebooks/{notebook}"]
    assert sorted(p for p, text in built.items() if new_ex in text) == [f"exercises/{exercise}", f"solutions/{exercise}"]
    assert not [p for p, text in built.items() if old in text or old_ex in text]  # nowhere stale
    # the cohort kit writes its notebooks and exercises from the same sources
    assert new in participant_notebook(notebook, 11) and old not in participant_notebook(notebook, 11)
    assert new_ex in participant_exercise(exercise, 11)


def test_a_cell_tagged_remove_cell_is_left_out(course_copy):
    name = "03_balance_agee.ipynb"
    before = nbformat.reads(render_notebook(name), as_version=4)
    _edit(course_copy / "notebooks" / "03_balance_agee.md", "```{code-cell}\n# Afficher la répartition de l'encours",
          "```{code-cell}\n:tags: [remove-cell]\n\n# Afficher la répartition de l'encours")
    after = nbformat.reads(render_notebook(name), as_version=4)
    assert len(after.cells) == len(before.cells) - 1
    assert not any("# Afficher la répartition de l'encours" in c.source for c in after.cells)


SETUP_LINE = "course.banner()\n```"


@pytest.mark.parametrize("faulty, expected", [
    (("```{code-cell}\n# Afficher la répartition de l'encours", "```{code-cell}\nshares = 1\n# Afficher la répartition de l'encours"),
     "première ligne doit être un court commentaire en français"),
    (("```{code-cell}\n# Afficher la répartition de l'encours", "```{code-cell}\n# Show the chart"),
     "première ligne doit être un court commentaire en français"),
    ((SETUP_LINE, "course.banner()\nBalanceMagique(course)\n```"), "nom inconnu : « BalanceMagique »"),
    ((SETUP_LINE, "course.banner()\nfrom o2c_lab.ui import TableauInexistant\n```"),
     "« TableauInexistant » n'existe pas dans « o2c_lab.ui »"),
    ((SETUP_LINE, "course.banner()\nimport o2c_lab\no2c_lab.charger_entreprise(seed)\n```"),
     "« o2c_lab.charger_entreprise » n'existe pas"),
    ((SETUP_LINE, "course.banner()\nPromptLab(course, \"prompt_qui_n_existe_pas\")\n```"),
     "prompt inconnu de la bibliothèque"),
])
def test_check_catches_a_faulty_source(course_copy, faulty, expected):
    _edit(course_copy / "notebooks" / "03_balance_agee.md", *faulty)
    problems = source_problems()
    assert len(problems) == 1 and problems[0].startswith("notebooks/03_balance_agee.md, cellule ")
    assert expected in problems[0]


def test_check_catches_a_source_missing_from_the_table_of_contents(course_copy):
    shutil.copy(course_copy / "notebooks" / "03_balance_agee.md", course_copy / "notebooks" / "03b_demi_journee.md")
    _edit(course_copy / "sommaire.yml", "  - 05_litiges\n", "  - 05_litiges\n  - 05b_absent\n")
    assert source_problems() == ["notebooks/03b_demi_journee.md : absent du sommaire (course/sommaire.yml).",
                                 "notebooks/05b_absent.md : cité dans le sommaire mais absent."]


def test_build_refuses_a_faulty_source_and_writes_nothing(course_copy, capsys):
    from o2c_lab.cli import main

    _edit(course_copy / "notebooks" / "03_balance_agee.md", SETUP_LINE, "course.banner()\nBalanceMagique(course)\n```")
    committed = {p: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert main(["build"]) == 1
    assert "rien n'a été régénéré" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")} == committed
    assert main(["build", "--check"]) == 1
