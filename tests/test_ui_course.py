"""The course context and the prompt workbench, driven without Jupyter on a small generated company."""

from __future__ import annotations

import pytest

from o2c_lab.ai import OFFLINE_LABEL
from o2c_lab.coaching import Journal
from o2c_lab.ui import Course, PromptLab, RcotfBuilder


@pytest.fixture
def course(small_company, tmp_path):
    from o2c_lab.ai import Anonymizer, Assistant

    return Course(small_company, Journal.open("Zoé", folder=tmp_path),
                  Assistant("hors_ligne", anonymizer=Anonymizer.from_company(small_company)))


def test_reference_is_labelled_and_checked(course, monkeypatch):
    import threading

    lab = PromptLab(course, "relance_niveau1_courtoise")
    # the check waits for the assertion below: with the facts already indexed it could finish first
    release, check = threading.Event(), lab._report
    monkeypatch.setattr(lab, "_report", lambda text: release.wait(30) and check(text))
    lab.reference_button.click()
    assert lab.result["report"] is None and "en cours" in lab.output.value  # shown at once, checked next
    release.set()
    lab.wait()
    assert lab.panel.result == ""
    answer = lab.result["answer"]
    assert answer.is_ai is False and answer.label == OFFLINE_LABEL
    assert OFFLINE_LABEL in lab.output.value
    assert sum(lab.result["report"].counts.values()) > 0
    assert lab.result["assertions"] and all(a.passed for a in lab.result["assertions"])
    assert "contains" not in lab.output.value and "contient" in lab.output.value  # checks said in French


def test_rubric_in_french():
    from o2c_lab.ai.library import AssertionResult
    from o2c_lab.ui.prompt_lab import rubric_text

    assert rubric_text(AssertionResult("not-icontains", True, "not-icontains 'mise en demeure'")) == (
        "ne contient pas « mise en demeure »")
    assert rubric_text(AssertionResult("icontains-all", False, "icontains-all ['Objet', 'date']")) == (
        "contient tous ces éléments : « Objet », « date »")


def test_pasted_answer_is_checked_and_empty_paste_explained(course, small_company):
    lab = PromptLab(course, "relance_niveau1_courtoise")
    lab.check_button.click()
    assert "vide" in lab.panel.result and lab.result is None
    invoice = lab.filled.context["invoice_id"]
    lab.answer.value = f"Objet : relance\nMerci de régler la facture {invoice} ; indiquez-nous une date de paiement."
    lab.check_button.click()
    assert lab.panel.result == ""
    assert lab.result["answer"].provenance.mode == "copier_coller"
    assert any(a.passed and invoice in a.detail for a in lab.result["assertions"])


def test_prompt_to_copy_is_pseudonymised(course, small_company):
    customer = small_company.role("tuesday_email_responder")
    name = str(small_company.customer(customer)["name"])
    lab = PromptLab(course, "relance_niveau1_courtoise")
    assert name in lab.filled.text            # the filled prompt names the customer…
    copied = lab.copy_html                    # …the block shown for copying does not
    assert name not in copied and "&lt;CLIENT_" in copied


def test_save_prompt_goes_to_the_journal(course):
    lab = PromptLab(course, "synthese_hebdomadaire")
    lab.save_button.click()
    assert [p["id"] for p in course.journal.data["prompts"]] == ["synthese_hebdomadaire"]
    assert course.journal.data["prompts"][0]["text"] == lab.filled.text


def test_rcotf_builder_flags_missing_parts_then_accepts(tmp_path):
    journal = Journal.open("x", folder=tmp_path)
    view = RcotfBuilder(journal)
    view.check_button.click()
    assert len(view.result) == 5 and all("manquant" in m for m in view.result)
    view.save_button.click()
    assert "vide" in view.panel.result and journal.data["prompts"] == []
    view.parts["role"].value = "Tu es chargé de recouvrement dans une PME industrielle française."
    view.parts["contexte"].value = "Le client Dupont a trois factures échues depuis 40 jours pour 12 000 €."
    view.parts["objectif"].value = "Rédige une relance qui obtient une date de paiement ferme."
    view.parts["ton"].value = "Courtois et ferme, sans menace."
    view.parts["format"].value = "Un e-mail de 120 mots maximum avec un objet."
    view.check_button.click()
    assert view.result == []
    view.save_button.click()
    assert journal.data["prompts"][0]["text"].startswith("## Rôle")


def test_course_start_loads_a_data_folder_and_falls_back_offline(tmp_path, small_company, monkeypatch):
    from o2c_lab import write_dataset

    folder = tmp_path / "entreprise"
    write_dataset(small_company, folder)
    course = Course.start(seed=999, data_folder=str(folder), ai_mode="rejeu", participant="Zoé",
                          journal_folder=tmp_path / "journal")
    assert course.company.seed == small_company.seed and len(course.company.customers) == 60
    assert course.assistant.mode == "hors_ligne"
    assert any("rejeu" in n and "hors ligne" in n for n in course.notices)
    assert course.journal.path.parent == tmp_path / "journal"
    html = course._repr_html_()
    assert small_company.name in html and "⚠" in html
    assert "graine" not in html  # no technical seed (the notice keeps the path the trainer must check)


def test_pasted_dispute_analysis_is_scored_on_the_truth(course, small_company):
    pytest.importorskip("o2c_lab.casework")
    from o2c_lab.money import format_eur
    from o2c_lab.ui.prompt_lab import dispute_scorer

    lab = PromptLab(course, "analyse_litige", dispute_id="LIT-A", scorer=dispute_scorer(small_company, "LIT-A"))
    lab.reference_button.click()
    assert "score" not in lab.result  # only the trainee's pasted answer is graded
    truth = small_company.truth["dispute_truth"].set_index("dispute_id").loc["LIT-A"]
    invoice = small_company.disputes.set_index("dispute_id").loc["LIT-A", "invoice_id"]
    good = (f"La facture {invoice} a été établie avant la livraison complète : erreur de notre part. "
            f"Il faut émettre un avoir de {format_eur(int(truth['credit_note_due_cents']))} TTC.")
    lab.answer.value = good
    lab.check_button.click()
    assert lab.panel.result == ""
    assert lab.result["score"]["criteria"]["avoir"] and lab.result["score"]["criteria"]["facture"]
    lab.answer.value = "Le client a tort, il doit tout payer."
    lab.check_button.click()
    assert lab.result["score"]["score"] < 1 and "Correction sur les faits" in lab.output.value


def _letter(invoice, amount_cents: int) -> str:
    from o2c_lab.money import format_eur

    return (f"Madame, Monsieur,\nnotre facture {invoice['invoice_id']} d'un montant de {format_eur(amount_cents)}, "
            f"échue le {invoice['due_date']:%d/%m/%Y}, reste impayée. Merci de nous indiquer sa date de règlement.")


def test_letter_check_counts_confirmed_facts_and_keeps_them(course, small_company):
    from o2c_lab.coaching import fact_accuracy
    from o2c_lab.ui import LetterCheck

    invoice = small_company.invoices.iloc[5]
    view = LetterCheck(course, "04_cinq_relances")
    view.button.click()
    assert "Aucun fait vérifiable" in view.panel.result and view.result is None
    view.letter.value = _letter(invoice, int(invoice["total_ttc_cents"]))
    view.button.click()
    right = view.result.counts
    view.letter.value = _letter(invoice, int(invoice["total_ttc_cents"]) + 10_000)  # 100 € too much
    view.button.click()
    wrong = view.result.counts
    assert right["confirmé"] >= 3 and right["écart"] == 0
    assert wrong["écart"] == 1 and wrong["confirmé"] == right["confirmé"] - 1
    checks = course.journal.data["fact_checks"]
    assert [(c["mode"], c["confirmed"]) for c in checks] == [("manuel", right["confirmé"]),
                                                              ("manuel", wrong["confirmé"])]
    assert fact_accuracy(course.journal.data)["manuel"] == pytest.approx(
        (2 * right["confirmé"] - 1) / (2 * sum(right.values())))


def test_pasted_ai_letter_is_measured_but_the_reference_is_not(course, small_company):
    lab = PromptLab(course, "relance_niveau1_courtoise", fact_task="04_cinq_relances")
    lab.reference_button.click()  # the offline reference is not the participant's letter
    assert course.journal.data["fact_checks"] == []
    invoices = small_company.invoices
    invoice = invoices[invoices["invoice_id"] == lab.filled.context["invoice_id"]].iloc[0]
    lab.answer.value = _letter(invoice, int(invoice["total_ttc_cents"]))
    lab.check_button.click()
    (check,) = course.journal.data["fact_checks"]
    assert check["mode"] == "avec_ia" and check["checked"] == len(lab.result["report"].verdicts)
    assert check["confirmed"] == lab.result["report"].counts["confirmé"]
