"""The fact-check verdicts as a trainee sees them in the widgets (letter check of 04, every PromptLab,
the drill of notebook 01): one rendering, the écart as what the text says against what the data
say, the rest folded. Driven by ``.click()`` on the small company, no browser."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
from conftest import chased_letter_pair
from test_ui_course import course  # noqa: F401  (the shared course fixture)

from o2c_lab.ai import check_answer, render_html
from o2c_lab.money import format_eur, to_cents
from o2c_lab.ui import LetterCheck, PromptLab

ROOT = Path(__file__).resolve().parents[1]


def _plain(fragment: str) -> str:
    """Visible text of an HTML fragment, French number spaces read as plain spaces."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return re.sub(r"[\s\u202f\u00a0]+", " ", text).strip()


def _rows(markup: str, verdict: str) -> list[str]:
    """Visible text of each line marked with ``verdict`` (écart rows of the table, list items)."""
    css = "o2c-verdict-" + verdict.replace(" ", "-")
    return [_plain(m.group(2)) for m in re.finditer(rf"<(li|tr) class='{css}'>(.*?)</\1>", markup, flags=re.S)]


def _folded_count(markup: str) -> int:
    """The number announced on the folded list of confirmed facts (closed by default)."""
    assert "<details" in markup and "<details open" not in markup
    return int(re.search(r"Voir les (\d+) faits confirmés", markup).group(1))


def _spaced(amount: str) -> str:
    return re.sub(r"[\u202f\u00a0]", " ", amount)


def test_letter_check_shows_a_correct_letter_then_exactly_the_wrong_amount(course, small_company):
    letter, wrong_letter, invoice_id, written, ledger = chased_letter_pair(small_company)
    view = LetterCheck(course, "04_cinq_relances")
    view.letter.value = letter
    view.button.click()
    assert view.panel.result == ""
    right = view.output.value
    assert "✔ Vérification des faits : Réponse exacte" in _plain(right)
    assert _rows(right, "écart") == [] and "Le texte indique" not in right
    # every invoice the letter names is among the confirmed facts, folded under one line
    confirmed = _rows(right, "confirmé")
    assert len(confirmed) == _folded_count(right) == view.result.counts["confirmé"]
    for number in set(re.findall(r"FA-\d{4}-\d{5}", letter)):
        assert any(row.startswith(f"« {number} »") for row in confirmed), number

    view.letter.value = wrong_letter
    view.button.click()
    wrong = view.output.value
    assert "✘ Vérification des faits : À corriger avant envoi : 1 écart." in _plain(wrong)
    (row,) = _rows(wrong, "écart")
    said, data = row.split(" » ", 1)
    assert said == f"« {_spaced(written)}"
    assert invoice_id in data and _spaced(ledger) in data and _spaced(written) not in data
    assert "Le texte indique" in wrong and "Les données de l'entreprise indiquent" in wrong
    # the letter's total is still right (recomputed from the ledger): one fact less confirmed, no other change
    assert _folded_count(wrong) == len(confirmed) - 1


def test_prompt_lab_shows_the_same_rendering_of_a_pasted_answer(course):
    lab = PromptLab(course, "relance_niveau1_courtoise")
    reference = str(lab.filled.reference)
    amount = re.findall(r"\d[\d\u202f\u00a0 ]*,\d{2}\s?€", reference)[-1]
    changed = format_eur(to_cents(amount) + 10_000)
    for answer, gaps in ((reference, 0), (reference.replace(amount, changed), reference.count(amount))):
        lab.answer.value = answer
        lab.check_button.click()
        assert lab.panel.result == ""
        report = lab.result["report"]
        assert render_html(report) in lab.output.value  # the one renderer, untouched
        rows = _rows(lab.output.value, "écart")
        assert len(rows) == gaps and all(r.startswith(f"« {_spaced(changed)} »") and _spaced(amount) in r
                                         for r in rows)
    assert "Points de contrôle du prompt" in lab.output.value  # the prompt's own checks follow


def test_unverifiable_facts_and_omissions_are_said_plainly(small_company):
    invoice = small_company.invoices["invoice_id"].iloc[0]
    report = check_answer("Le fournisseur nous a accordé 37,3 % de remise exceptionnelle.", small_company,
                          required=[("pièce", invoice)])
    markup = render_html(report)
    assert report.counts == {"confirmé": 0, "écart": 0, "non vérifiable": 1}
    assert "✘" in markup and "1 oubli" in _plain(markup)  # an omission is to be corrected…
    (unverifiable,) = _rows(markup, "non vérifiable")
    assert unverifiable.startswith("« 37,3 % »") and "ce n'est pas une erreur" in _plain(markup)
    (omitted,) = _rows(markup, "omis")
    assert invoice in omitted
    assert "<details" not in markup and "Le texte indique" not in markup  # …nothing confirmed, no écart
    alone = render_html(check_answer("Le fournisseur nous a accordé 37,3 % de remise.", small_company))
    assert "✔" in alone and "Non vérifiable" in alone  # …but an unverifiable fact alone is not an error


def test_confirmed_facts_can_be_left_out(small_company):
    letter, *_ = chased_letter_pair(small_company)
    report = check_answer(letter, small_company)
    assert "<details" in render_html(report) and "<details" not in render_html(report, show_confirmed=False)


def test_the_drill_of_notebook_01_shows_both_verdicts(course, small_company):
    """The cell of notebook 01 (§4) as committed, run on the small company: the reference letter is
    exact, the copy with its last amount 100 € higher shows that one écart."""
    notebook = nbformat.read(ROOT / "notebooks" / "01_prompts.ipynb", as_version=4)
    (cell,) = [c for c in notebook.cells if c.source.startswith("# Vérifier les faits d'une relance de référence")]
    shown = []
    namespace = {"company": small_company, "course": course, "format_eur": format_eur,
                 "display": lambda *objs: shown.extend(objs)}
    exec(cell.source, namespace)  # noqa: S102 (the notebook's own cell)
    reports = [o for o in shown if hasattr(o, "verdicts")]
    titles = [_plain(o.data) for o in shown if not hasattr(o, "verdicts")]
    assert len(reports) == 2 and titles[0] == "La relance de référence"
    reference, modified = (r._repr_html_() for r in reports)
    assert _rows(reference, "écart") == [] and "Réponse exacte" in reference
    written, ledger = namespace["changed"], namespace["total"]
    assert titles[1] == f"La même relance, où {_spaced(ledger)} devient {_spaced(written)}"
    rows = _rows(modified, "écart")
    assert rows and all(r.startswith(f"« {_spaced(written)} »") and _spaced(ledger) in r for r in rows)
    assert len(rows) == namespace["letter"].count(ledger)


def test_a_text_without_facts_is_neither_passed_nor_failed(small_company):
    markup = render_html(check_answer("Merci de nous indiquer la date de règlement prévue.", small_company))
    assert "Aucun fait vérifiable" in markup and "✔" not in markup and "✘" not in markup
