"""The trainee's day without code: settings panel, try first then compare, live measures and banner,
honest before/after labels, the toolkit exported next to the notebooks. Driven by ``.click()``."""

from __future__ import annotations

import html
import json
import os
import re

import pytest
from test_ui_widgets import FakeClock

from o2c_lab.coaching import COURSE_TASKS, Journal, Settings, load_settings
from o2c_lab.coaching.scores import GENERATIVE, MATCHING, MEASURES, RULE, STATISTICS
from o2c_lab.ui import (MODULES, Course, LetterCheck, PromptLab, Reveal, SettingsPanel, Stopwatch, TakeAway,
                        ToolkitExport)
from o2c_lab.ui.measures import measure_chart, scoreboard_view, timing_view


@pytest.fixture
def course(small_company, tmp_path):
    from o2c_lab.ai import Anonymizer, Assistant

    return Course(small_company, Journal.open("", folder=tmp_path),
                  Assistant("hors_ligne", anonymizer=Anonymizer.from_company(small_company)),
                  module="03_balance_agee.ipynb")


def _time(journal, task, mode, seconds):
    clock = FakeClock()
    watch = Stopwatch(journal, task, COURSE_TASKS.get(task, task), clock=clock)
    watch.mode.value = mode
    watch.button.click()
    clock.now += seconds
    watch.button.click()
    return watch


# ----------------------------------------------------------------------------- settings

def test_settings_panel_renames_the_journal_instead_of_forking_it(course, tmp_path):
    course.journal.record_answer("00_note", "ma note d'avant")
    old = course.journal.path
    panel = SettingsPanel(course)
    panel.name.value, panel.role.value, panel.mode.value = "Camille", "comptable clients", "copier_coller"
    panel.save_button.click()
    assert panel.panel.result == "" and "Réglages enregistrés" in panel.status.value
    assert not old.exists() and course.journal.path.name == "journal-camille.json"
    kept = json.loads(course.journal.path.read_text(encoding="utf-8"))
    assert kept["participant"] == "Camille" and kept["answers"]["00_note"]["text"] == "ma note d'avant"
    assert load_settings(tmp_path) == Settings("Camille", "comptable clients", "copier_coller")


def test_course_start_reads_the_saved_settings(tmp_path, small_company, monkeypatch):
    import o2c_lab
    from o2c_lab.coaching import save_settings

    monkeypatch.setattr(o2c_lab, "load_company", lambda folder: small_company)  # the loading is tested elsewhere
    save_settings(Settings("Zoé", "", "copier_coller"), tmp_path / "journal")
    course = Course.start(data_folder=str(tmp_path), journal_folder=tmp_path / "journal")
    assert course.journal.participant == "Zoé" and course.assistant.mode == "copier_coller"
    # papermill's parameters still win, for trainers and tests
    course = Course.start(data_folder=str(tmp_path), ai_mode="hors_ligne", participant="",
                          journal_folder=tmp_path / "journal")
    assert course.journal.participant == "" and course.assistant.mode == "hors_ligne"


def test_a_name_that_has_a_journal_asks_and_never_forks(course, tmp_path):
    Journal.open("Léa", folder=tmp_path).record_answer("00_x", "journal de Léa")
    course.journal.record_answer("00_y", "journal anonyme")
    panel = SettingsPanel(course)
    panel.name.value = "Léa"
    panel.save_button.click()
    assert "existe déjà" in panel.status.value and len(panel.choice.children) == 2
    assert not (tmp_path / "reglages.json").exists()  # nothing saved before she chose
    assert course.journal.path.name == "journal-participant.json"
    keep = panel.choice.children[1]
    keep.click()
    assert panel.name.value == "" and course.journal.path.name == "journal-participant.json"
    panel.name.value = "Léa"
    panel.save_button.click()
    panel.choice.children[0].click()  # « Reprendre le journal de Léa »
    assert course.journal.path.name == "journal-lea.json" and "00_x" in course.journal.data["answers"]
    assert (tmp_path / "journal-participant.json").exists()  # her other journal is kept as it was
    assert load_settings(tmp_path).participant == "Léa"


def test_connection_test_says_there_is_nothing_to_test_offline(course):
    panel = SettingsPanel(course)
    panel.test_button.click()
    assert "Aucune connexion à tester" in panel.status.value


# ----------------------------------------------------------------------------- try first

def test_reference_is_locked_until_a_try_then_follows_the_journal(course):
    from o2c_lab.ui.references import priority_list_html

    view = Reveal(course, "03_priorites", priority_list_html)
    assert view.gate.show_button.disabled and view.output.value == "" and view.result is None
    _time(course.journal, "03_priorites", "manuel", 40)  # a stopwatch in another cell
    assert not view.gate.show_button.disabled
    view.gate.show_button.click()
    first_reason = course.analysis.worklist.iloc[0]["why"]
    assert view.panel.result == "" and first_reason.split(";")[0][:40] in view.output.value
    assert "<th>rang</th>" in view.output.value and "customer_id" not in view.output.value


def test_skipping_the_step_reveals_without_a_try(course):
    from o2c_lab.ui.references import dispute_reference_html

    view = Reveal(course, "05_litige", lambda c: dispute_reference_html(c, "LIT-A"))
    assert view.gate.show_button.disabled
    view.gate.skip_button.click()
    assert "Référence générée sans IA" in view.output.value and view.gate.hint.value == ""


def test_prompt_reference_needs_a_pasted_answer_or_a_skip(course):
    lab = PromptLab(course, "relance_niveau1_courtoise")
    assert lab.gate.show_button.disabled and lab.output.value == ""
    lab.answer.value = "Madame, Monsieur, merci de régler la facture."
    lab.check_button.click()
    assert not lab.gate.show_button.disabled
    other = PromptLab(course, "relance_niveau2_ferme")
    other.gate.skip_button.click()
    assert other.result["answer"].text in other.output.value or "référence" in other.output.value.lower()


def test_prompt_to_copy_has_no_coded_value_and_confirms_the_copy(course):
    lab = PromptLab(course, "analyse_litige", dispute_id="LIT-B")
    shown = lab.copy_area.outputs[0]["data"]["text/html"]
    assert shown == lab.copy_html
    assert "penalite_deduite" not in shown and "Prompt copié" in shown


# ----------------------------------------------------------------------------- live measures

def test_timing_table_updates_when_the_stopwatch_stops(course):
    _time(course.journal, "01_prompt_relance", "manuel", 30)  # timed in another notebook
    view = timing_view(course.journal, {"03_priorites": COURSE_TASKS["03_priorites"]})
    assert "01_prompt_relance" not in view.result and COURSE_TASKS["01_prompt_relance"] not in view.result
    assert view.result.count("non mesuré") == 3
    _time(course.journal, "03_priorites", "manuel", 5.4)
    _time(course.journal, "03_priorites", "avec_ia", 2.6)
    # Whole seconds shown, and a gain that adds up: 5 s → 3 s is 2 s gained (not 3).
    assert "5 s" in view.result and "3 s" in view.result and "2 s gagnées (40 %)" in view.result
    assert "<img" in view.result and "non mesuré" not in view.result


def test_scoreboard_view_follows_checked_letters_and_computes_measures_once(course, small_company, monkeypatch):
    calls = []
    original = type(course.analysis).measured

    def counting(self, key):
        calls.append(key)
        return original(self, key)

    monkeypatch.setattr(type(course.analysis), "measured", counting)
    view = scoreboard_view(course.analysis, course.journal)
    facts = view.result.split("Faits confirmés", 1)[1]
    assert facts.count("non mesuré") == 2
    invoice = small_company.invoices.iloc[3]
    from o2c_lab.money import format_eur
    letter = LetterCheck(course, "04_cinq_relances")
    letter.letter.value = (f"Notre facture {invoice['invoice_id']} de {format_eur(int(invoice['total_ttc_cents']))} "
                           "reste impayée.")
    letter.button.click()
    facts = view.result.split("Faits confirmés", 1)[1]
    assert facts.count("non mesuré") == 1  # the « avant » side is measured now, without re-running
    assert course.analysis.__dict__["_measured"].keys() == {m.key for m in MEASURES}
    assert len(calls) == 2 * len(MEASURES)  # asked twice, each computed once (cache per company)


def test_every_before_after_names_what_made_the_difference(course):
    kinds = {RULE, STATISTICS, MATCHING, GENERATIVE}
    for m in MEASURES:
        chart = measure_chart(course.analysis, m.key)
        names = list(chart.result.series)
        assert names[0].startswith("avant : ") and names[1].startswith("après : ")
        assert any(f"({k})" in names[1] for k in kinds), names
        assert not any("avec IA" in n for n in names)  # rules and statistics are not « IA »
    assert {m.kind for m in MEASURES} == {RULE, STATISTICS, MATCHING}


# ----------------------------------------------------------------------------- banner

def test_banner_says_where_she_is_and_follows_the_journal(course):
    banner = course.banner()
    assert "Module 4/7" in banner.result and "chronométrages faits : 0/2" in banner.result
    assert "href='02_risque_facture.ipynb'" in banner.result and "href='04_relances.ipynb'" in banner.result
    _time(course.journal, "03_priorites", "manuel", 90)
    assert "chronométrages faits : 1/2" in banner.result and "1 min 30 s" in banner.result
    assert len(MODULES) == 7


# ----------------------------------------------------------------------------- toolkit

def test_toolkit_is_exported_on_click_next_to_the_notebook_with_links(course, tmp_path, monkeypatch):
    notebooks = tmp_path / "carnets"
    notebooks.mkdir()
    monkeypatch.chdir(notebooks)  # a kernel runs in the notebook's folder
    course.journal.rename("Camille")
    plan = TakeAway(course.journal, "06_plan_cas_1", "Cas d'usage 1")
    plan.text.value = "Tâche : lettrage du lundi\nJe passe de 2 heures à 30 minutes par semaine."
    plan.button.click()
    export = ToolkitExport(course)
    assert not (notebooks / "ma_boite_a_outils").exists()  # nothing written before the click
    export.button.click()
    assert export.panel.result == "" and export.output.outputs[0]["data"]["text/html"] == export.links_html
    files = sorted(p.name for p in (notebooks / "ma_boite_a_outils").iterdir())
    assert len(files) == len(export.result) >= 23 and "livrables_Camille.zip" in files
    links = re.findall(r"href='([^']+)'", export.links_html)
    assert len(links) == len(files) and all(link.startswith("ma_boite_a_outils/") for link in links)
    assert not any(os.path.isabs(link) for link in links)
    text = html.unescape(re.sub(r"<[^>]+>", " ", export.links_html))
    assert "Plan d'action à 30 jours" in text and "_" not in text.replace("ma_boite_a_outils", "")
    written = (notebooks / "ma_boite_a_outils" / "09_plan_action_30_jours.md").read_text(encoding="utf-8")
    assert "Je passe de 2 heures à 30 minutes par semaine." in written


def test_a_new_name_after_the_preparation_prepares_her_kit_again(course, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    course.journal.rename("Alix")
    export = ToolkitExport(course, folder=tmp_path / "kit")
    assert export.wait_prepared(120)
    course.journal.rename("Bérénice")  # the settings panel renames the journal
    assert export.wait_prepared(120) and export._prepared_for == "Bérénice"
    staged = {p.name for p in export._staging.iterdir()}
    assert "livrables_Bérénice.zip" in staged and not any("Alix" in name for name in staged)
    export.button.click()
    assert {p.name for p in export.result} == {n for n in staged if not n.startswith(".")}
