"""The preparation and J+40 notebooks: questionnaire widgets, the J+40 comparison (« non mesuré »
wherever nothing was entered, recorded values shown as recorded), the practice company the exercises
then open, and both notebooks executed headless by papermill for two seeds."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import nbformat
import pytest

from o2c_lab.ai import Assistant
from o2c_lab.authoring.language import leftovers, visible_problems
from o2c_lab.coaching import NOT_MEASURED, OBJECTIVES, PHASES, Journal, load_settings, self_assessment_table
from o2c_lab.coaching.followup import j40_table, plan_cases
from o2c_lab.coaching.practice import exercise_company
from o2c_lab.ui import Course
from o2c_lab.ui.preparation import FollowUpForm, JournalExport, PracticeCompany, PreparationForm, followup_view

from test_notebooks import _visible_texts

ROOT = Path(__file__).resolve().parents[1]
PLAN_1 = "Tâche : relances écrites\nPrompt : …\nJe passe de 3 heures à 40 minutes par semaine."
PLAN_2 = "Tâche : lettrage\nRoutine : chaque lundi"


def _journal(tmp_path) -> Journal:
    journal = Journal.open("Camille", folder=tmp_path)
    journal.record_answer("06_plan_cas_1", PLAN_1)
    journal.record_answer("06_plan_cas_2", PLAN_2)
    journal.record_self_assessment("prompts", "avant", 2)
    journal.record_self_assessment("prompts", "apres", 4)
    journal.record_self_assessment("prompts", "j40", 5)
    journal.record_self_assessment("relances", "avant", 1)
    journal.record_self_assessment("litiges", "j40", 3)
    return journal


def test_plan_estimate_is_read_only_when_stated():
    data = {"answers": {"06_plan_cas_1": {"text": PLAN_1}, "06_plan_cas_2": {"text": PLAN_2},
                        "06_plan_cas_3": {"text": "Je passe de 1,5 h à 20 min"}}}
    cases = plan_cases(data)
    assert [(c.hours_before, c.minutes_after) for c in cases] == [(3.0, 40.0), (None, None), (1.5, 20.0)]


def test_j40_comparison_shows_not_measured_wherever_nothing_was_entered(tmp_path):
    journal = _journal(tmp_path)
    form = FollowUpForm(journal)
    form.applied["06_plan_cas_1"].value = "oui"
    form.what["06_plan_cas_1"].value = "Relances du lundi avec Copilot"
    form.before["06_plan_cas_1"].value = "3,5"
    form.now["06_plan_cas_1"].value = "50"
    form.applied["06_plan_cas_2"].value = "en_partie"
    form.button.click()
    recorded = Journal.open("Camille", folder=tmp_path).data["forms"]["j40"]["answers"]["cases"]
    assert recorded["06_plan_cas_1"] == {"applied": "oui", "what": "Relances du lundi avec Copilot",
                                         "hours_before": 3.5, "minutes_now": 50.0}
    assert recorded["06_plan_cas_2"]["hours_before"] is None and recorded["06_plan_cas_3"]["applied"] is None

    table = j40_table(journal.data).set_index(j40_table(journal.data)["cas d'usage"].str[:13])
    first, second, third = (table.loc[f"Cas d'usage {n}"] for n in (1, 2, 3))
    assert first["estimation fin de journée"] == "3 h → 40 min"
    assert (first["je passais (par semaine)"], first["je passe (par semaine)"]) == ("3,5 h", "50 min")
    assert first["gain_minutes"] == 3.5 * 60 - 50 and first["gain par semaine"] == "2 h 40 min"
    assert first["appliqué à J+40"] == "oui, en routine" and second["appliqué à J+40"] == "en partie"
    for column in ("estimation fin de journée", "je passais (par semaine)", "je passe (par semaine)",
                   "gain par semaine"):
        assert second[column] == NOT_MEASURED and third[column] == NOT_MEASURED
    assert third["appliqué à J+40"] == NOT_MEASURED

    rows = self_assessment_table(journal.data, ("avant", "apres", "j40")).set_index("objectif")
    prompts, relances, litiges = (rows.loc[OBJECTIVES[k]] for k in ("prompts", "relances", "litiges"))
    assert list(prompts[[PHASES["avant"], PHASES["apres"], PHASES["j40"]]]) == ["2/5", "4/5", "5/5"]
    assert (prompts["progrès"], prompts["progrès à J+40"]) == ("+2", "+3")
    assert list(relances[[PHASES["apres"], PHASES["j40"]]]) == [NOT_MEASURED, NOT_MEASURED]
    assert relances["progrès à J+40"] == "—" and litiges[PHASES["avant"]] == NOT_MEASURED
    assert litiges["progrès à J+40"] == "—"
    unrated = [OBJECTIVES[k] for k in OBJECTIVES if k not in ("prompts", "relances", "litiges")]
    assert (rows.loc[unrated, [PHASES[p] for p in PHASES]] == NOT_MEASURED).all().all()
    # the notebook's view shows the same table, and follows the journal
    view = followup_view(journal)
    assert view.result.count(NOT_MEASURED) >= 20 and "3,5 h" in view.result
    journal.record_self_assessment("relances", "j40", 4)
    assert "+3" in view.result


def test_existing_callers_keep_their_two_columns(tmp_path):
    table = self_assessment_table(_journal(tmp_path).data)
    assert list(table.columns) == ["objectif", PHASES["avant"], PHASES["apres"], "progrès"]


def test_a_time_that_is_not_a_number_is_refused_and_nothing_recorded(tmp_path):
    journal = _journal(tmp_path)
    form = FollowUpForm(journal)
    form.before["06_plan_cas_1"].value = "trois heures"
    form.button.click()
    assert "n'est pas un nombre" in form.panel.result and "j40" not in journal.data["forms"]


def test_preparation_form_records_answers_name_and_consent(tmp_path):
    journal = Journal.open("", folder=tmp_path)
    form = PreparationForm(journal)
    form.name.value, form.role.value = "Camille Martin", "comptable clients"
    form.tasks[0].value, form.hours[0].value = "Relances", 4.5
    form.tasks[1].value = "Lettrage"  # no hours: refused, never guessed
    form.button.click()
    assert "Lettrage" in form.panel.result and "preparation" not in journal.data["forms"]
    form.hours[1].value = 2
    form.tools[1].value = form.consent.value = True
    form.goals.value = "Gagner du temps"
    form.button.click()
    saved = Journal.open("Camille Martin", folder=tmp_path).data
    assert saved["forms"]["preparation"]["answers"]["tasks"] == [
        {"task": "Relances", "hours_per_week": 4.5}, {"task": "Lettrage", "hours_per_week": 2.0}]
    assert saved["forms"]["preparation"]["answers"]["ai_tools"] == ["ChatGPT"] and saved["consent_report"] is True
    assert load_settings(tmp_path).participant == "Camille Martin"
    export = JournalExport(journal, "preparation", folder=tmp_path / "envoi")
    export.button.click()
    assert json.loads(export.result.read_text(encoding="utf-8")) == saved
    assert export.result.name in export.links_html and "download=" in export.links_html


def test_new_company_button_points_the_exercises_at_another_seed(tmp_path, monkeypatch, small_company):
    monkeypatch.setenv("O2C_LAB_JOURNAL_DIR", str(tmp_path))
    course = Course(small_company, Journal.open("Camille", folder=tmp_path), Assistant("hors_ligne"))
    button = PracticeCompany(course, rng=random.Random(4), customers=40)
    button.button.click()
    assert button.panel.result == "" and button.result.parent.parent == tmp_path
    seed = int(re.search(r"graine (\d+)", button.status.value)[1])
    assert seed != small_company.seed and button.result.name == f"graine-{seed}"
    # the exercises' own first cells (parameters, then setup), run as the notebook runs them
    exercise = nbformat.read(ROOT / "exercises" / "exercice_03_balance_agee.ipynb", as_version=4)
    cells = [c.source for c in exercise.cells if c.cell_type == "code"][:2]
    namespace: dict = {}
    for source in cells:
        exec(source, namespace)  # noqa: S102 - the committed notebook's code, as Jupyter would run it
    practice = namespace["company"]
    assert practice.seed == seed and practice.seed != small_company.seed
    assert practice.summary()["receivables_cents"] != small_company.summary()["receivables_cents"]
    assert set(practice.customers["name"]) != set(small_company.customers["name"])
    company, notice = exercise_company(2026, None, tmp_path)
    assert company.seed == seed and f"graine {seed}" in notice
    button.back.click()
    company, notice = exercise_company(small_company.seed, None, tmp_path)
    assert company.seed == small_company.seed and notice == ""


# ----------------------------------------------------------------------------- notebooks, headless

NOTEBOOKS = ("avant_1_preparation.ipynb", "apres_j40_suivi.ipynb")


@pytest.mark.parametrize("seed", [5, 2026])
def test_notebooks_run_headless_in_french(seed, tmp_path, monkeypatch):
    papermill = pytest.importorskip("papermill")
    monkeypatch.setenv("O2C_LAB_JOURNAL_DIR", str(tmp_path / "journal"))
    for name in NOTEBOOKS:
        papermill.execute_notebook(
            str(ROOT / "notebooks" / name), str(tmp_path / name), kernel_name="python3", cwd=str(ROOT / "notebooks"),
            parameters={"seed": seed, "data_folder": None, "ai_mode": "hors_ligne", "participant": ""},
            progress_bar=False, execution_timeout=120)
        nb = nbformat.read(tmp_path / name, as_version=4)
        outputs = [o for c in nb.cells for o in c.get("outputs", [])]
        assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"], name
        shown = _visible_texts(nb)
        texts = shown + [c.source for c in nb.cells if c.cell_type == "markdown"]
        assert [(t[:80], leftovers(t)) for t in texts if leftovers(t)] == [], name
        assert sorted({p for t in shown for p in visible_problems(t)}) == [], name
    followup = "\n".join(_visible_texts(nbformat.read(tmp_path / NOTEBOOKS[1], as_version=4)))
    assert NOT_MEASURED in followup and "Me donner une nouvelle entreprise" in followup
    journal = json.loads((tmp_path / "journal" / "journal-participant.json").read_text(encoding="utf-8"))
    assert set(journal["visits"]) == set(NOTEBOOKS)  # each notebook notes its opening
    assert not (ROOT / "notebooks" / "a_envoyer_au_formateur").exists()
