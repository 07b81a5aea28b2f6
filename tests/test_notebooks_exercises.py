"""Exercises and solutions from one source: marker handling, stale and leak checks, execution, feedback."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from o2c_lab.authoring.exercises import (build_exercises, check_exercises, course_exercises, exercise_source,
                                         split_notebook, strip_solutions)
from o2c_lab.errors import InvalidParameterError

ROOT = Path(__file__).resolve().parents[1]


def test_strip_solutions_blocks_and_lines():
    source = "x = 1\nif x:\n    # BEGIN SOLUTION\n    y = 2\n    z = 3\n    # END SOLUTION\nreponse = 42  # SOLUTION\nverifier(reponse)"
    assert strip_solutions(source) == "x = 1\nif x:\n    ...\nreponse = ...\nverifier(reponse)"


@pytest.mark.parametrize("source", ["# BEGIN SOLUTION\nx = 1", "x = 1\n# END SOLUTION",
                                    "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION"])
def test_unbalanced_markers_are_refused(source):
    with pytest.raises(InvalidParameterError):
        strip_solutions(source)


def test_split_removes_trainer_cells_and_hides_solution_cells():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Question"),
                nbformat.v4.new_code_cell("reponse = 12  # SOLUTION\nverifier('q', reponse)"),
                nbformat.v4.new_markdown_cell("Corrigé : 12", metadata={"tags": ["solution"]}),
                nbformat.v4.new_markdown_cell("Note formateur", metadata={"tags": ["formateur"]})]
    exercise, solution = split_notebook(nb)
    assert [c.source for c in exercise.cells] == ["Question", "reponse = ...\nverifier('q', reponse)",
                                                  "_Votre réponse ici._"]
    assert [c.source for c in solution.cells] == ["Question", "reponse = 12\nverifier('q', reponse)",
                                                  "Corrigé : 12", "Note formateur"]


@pytest.mark.parametrize("name", course_exercises())
def test_exercise_text_is_french(name):
    from o2c_lab.authoring.language import leftovers

    nb = exercise_source(name)
    found = {c.id: leftovers(c.source) for c in nb.cells if c.cell_type == "markdown"}
    assert {k: v for k, v in found.items() if v} == {}


def test_committed_copies_are_current_and_leak_nothing():
    assert check_exercises(ROOT) == []


def test_check_detects_stale_and_leaking_copies(tmp_path):
    build_exercises(tmp_path)
    assert check_exercises(tmp_path) == []
    name = course_exercises()[0]
    solution = exercise_source(name)
    secret = next(line.split("#")[0].strip() for c in solution.cells for line in c.source.splitlines()
                  if line.rstrip().endswith("# SOLUTION"))
    path = tmp_path / "exercises" / name
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(secret))
    nbformat.write(nb, path)
    problems = check_exercises(tmp_path)
    assert any("périmé" in p for p in problems) and any("contient une solution" in p for p in problems)
    (tmp_path / "solutions" / name).unlink()
    assert any("manquant" in p for p in check_exercises(tmp_path))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    papermill = pytest.importorskip("papermill")
    out = tmp_path_factory.mktemp("exercices")
    results = {}
    with pytest.MonkeyPatch.context() as patch:  # the kernels inherit it: never the user's journal
        patch.setenv("O2C_LAB_JOURNAL_DIR", str(out / "journal"))
        _run_all(papermill, out, results)
    return results


def _run_all(papermill, out, results):
    for folder in ("exercises", "solutions"):
        for name in course_exercises():
            target = out / folder / name
            target.parent.mkdir(exist_ok=True)
            papermill.execute_notebook(str(ROOT / folder / name), str(target), kernel_name="python3",
                                       cwd=str(ROOT / folder), parameters={"seed": 7, "data_folder": None},
                                       progress_bar=False, execution_timeout=120)
            results[(folder, name)] = nbformat.read(target, as_version=4)


def _feedback(nb) -> list[str]:
    return [o["data"]["text/plain"] for c in nb.cells for o in c.get("outputs", [])
            if str(o.get("data", {}).get("text/plain", "")).startswith("Feedback(")]


def test_solutions_pass_and_exercises_wait_for_an_answer(executed):
    for (folder, name), nb in executed.items():
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"], name
        feedback = _feedback(nb)
        assert feedback, name
        if folder == "solutions":
            assert all("ok=True" in f for f in feedback), (name, feedback)
        else:
            assert all("ok=None" in f for f in feedback), (name, feedback)


def test_wrong_answers_get_hints_not_answers():
    from o2c_lab import generate_company
    from o2c_lab.coaching.checks import Verifier
    from o2c_lab.money import format_eur

    company = generate_company(seed=5, customers=80)
    verifier = Verifier(company)
    truth = company.truth["dispute_truth"].set_index("dispute_id").loc["LIT-A"]
    expected = int(truth["credit_note_due_cents"])
    assert verifier("05_avoir_litige_A", format_eur(expected)).ok is True
    wrong = verifier("05_avoir_litige_A", format_eur(expected + 5_000))
    assert wrong.ok is False and format_eur(expected) not in wrong.message
    whole = verifier("05_avoir_litige_A", format_eur(int(truth["amount_at_stake_cents"])))
    assert "toute la facture" in whole.message
    assert verifier("05_responsable_litige_A", "Entreprise").ok is True
    assert verifier("05_responsable_litige_A", "peut-être").ok is False
    assert verifier("06_dso", "pas un nombre").ok is False
    with pytest.raises(InvalidParameterError):
        verifier("question_inconnue", 1)


def test_alert_and_reminder_questions_check_against_the_truth(many_companies):
    from o2c_lab.coaching.checks import Verifier
    from o2c_lab.law import add_months

    company = many_companies[3]
    verifier = Verifier(company)
    roles = company.scenario["roles"]
    assert verifier("02_client_bodacc", roles["insolvent_customer"].lower()).ok is True
    wrong = verifier("02_client_bodacc", roles["drifting_customer"])
    assert wrong.ok is False and roles["insolvent_customer"] not in wrong.message
    published = company.external_signals.query("source == 'BODACC'")["published_on"].iloc[0].date()
    assert verifier("02_delai_declaration", f"{add_months(published, 2):%d/%m/%Y}").ok is True
    assert verifier("02_delai_declaration", f"{add_months(published, 1):%d/%m/%Y}").ok is False
    assert verifier("02_delai_declaration", "dans deux mois").ok is False
    assert verifier("04_client_deja_paye", roles["already_paid_customer"]).ok is True
    assert verifier("04_client_deja_paye", roles["chronic_late_payer"]).ok is False
    assert verifier("04_niveau_plus_ancien", 7).ok is False
