"""Fact-checker: extraction formats, and a 60-answer corpus with planted errors from the company."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from o2c_lab.ai.factcheck import VERDICTS, FactChecker, check_answer, extract_facts

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]


@pytest.mark.parametrize("text,cents", [
    ("1 234,56 €", 123456), ("1\u00a0234,56\u00a0€", 123456), ("1\u202f234,56\u202f€", 123456),
    ("1.234,56 €", 123456), ("1234.56 EUR", 123456), ("1,234.56 €", 123456), ("12 345 €", 1234500),
    ("€ 99,5", 9950), ("1 000 000,01 euros", 100000001), ("0,07 €", 7),
])
def test_amount_formats(text, cents):
    facts = extract_facts(f"Montant : {text}.")
    assert [(f.kind, f.value) for f in facts] == [("montant", cents)]


@pytest.mark.parametrize("text,day", [
    ("31/12/2026", dt.date(2026, 12, 31)), ("31 décembre 2026", dt.date(2026, 12, 31)),
    ("1er mars 2026", dt.date(2026, 3, 1)), ("2026-02-28", dt.date(2026, 2, 28)),
    ("5\u00a0août\u00a02026", dt.date(2026, 8, 5)),
])
def test_date_formats(text, day):
    assert [(f.kind, f.value) for f in extract_facts(f"le {text} ")] == [("date", day)]


def test_other_facts_and_no_double_counting():
    facts = extract_facts("FA-2026-00042 : 45 jours de retard, pénalités de 12,5 %, 31/02/2026 invalide, "
                          "Dupuis et Dupuis SA", customer_names=["Dupuis", "Dupuis SA"])
    kinds = [(f.kind, f.value) for f in facts]
    assert kinds == [("pièce", "FA-2026-00042"), ("jours", 45), ("pourcentage", Decimal("12.5")),
                     ("client", "Dupuis"), ("client", "Dupuis SA")]
    assert extract_facts("Réglé en 2 fois sur 1 500,00 €")[0].kind == "montant"


def _amount_text(cents: int, style: int) -> str:
    euros, cent = divmod(cents, 100)
    groups = f"{euros:,}"
    return [groups.replace(",", " ") + f",{cent:02d} €", groups.replace(",", "\u00a0") + f",{cent:02d}\u00a0€",
            groups.replace(",", "\u202f") + f",{cent:02d}\u202f€", groups.replace(",", ".") + f",{cent:02d} €",
            f"{euros}.{cent:02d} EUR"][style % 5]


def _date_text(day, style: int) -> str:
    day = pd.Timestamp(day).date()
    return f"{day:%d/%m/%Y}" if style % 2 == 0 else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def build_corpus(company, n_customers: int = 10):
    """(kind of planted error, text, customer_id, required facts, planted fact text) × 6 per customer."""
    inv = company.invoices.merge(company.customers[["customer_id", "name"]], on="customer_id")
    picked = inv.sort_values("invoice_date").groupby("customer_id").tail(1).head(n_customers)
    known_ids = set(company.invoices["invoice_id"])
    corpus = []
    for k, row in enumerate(picked.itertuples()):
        other = company.customers.loc[company.customers["customer_id"] != row.customer_id, "name"].iloc[k]
        fake_id = next(f"FA-{row.invoice_id[3:7]}-{n:05d}" for n in range(99999, 0, -1)
                       if f"FA-{row.invoice_id[3:7]}-{n:05d}" not in known_ids)
        amount, due, issued = _amount_text(row.total_ttc_cents, k), _date_text(row.due_date, k), \
            _date_text(row.invoice_date, k + 1)
        wrong_amount = _amount_text(row.total_ttc_cents + (100 if k % 2 else 9), k)  # +1 € or +0,09 €
        wrong_due = _date_text(pd.Timestamp(row.due_date) + pd.Timedelta(days=1 + k % 3), k)

        def letter(name=row.name, inv_id=row.invoice_id, amt=amount, due_txt=due):
            sentence = f"La facture {inv_id} émise le {issued}"
            if amt:
                sentence += f" pour un montant de {amt} TTC"
            return (f"Bonjour,\nNous vous rappelons que {sentence} est arrivée à échéance le {due_txt}. "
                    f"Merci à {name} de procéder au règlement.\nCordialement")

        required = [("pièce", row.invoice_id), ("montant", int(row.total_ttc_cents))]
        corpus += [
            ("correct", letter(), row.customer_id, required, None),
            ("montant", letter(amt=wrong_amount), row.customer_id, required, wrong_amount),
            ("date", letter(due_txt=wrong_due), row.customer_id, required, wrong_due),
            ("facture", letter(inv_id=fake_id), row.customer_id, [], fake_id),
            ("client", letter(name=other), row.customer_id, required, other),
            ("omission", letter(amt=""), row.customer_id, required, None),
        ]
    return corpus


def test_corpus_every_planted_error_found_no_correct_fact_flagged(company):
    corpus = build_corpus(company)
    assert len(corpus) >= 60
    checker = FactChecker(company)
    found = {k: 0 for k in ("montant", "date", "facture", "client", "omission")}
    correct_facts = flagged_correct = 0
    for kind, text, customer_id, required, planted in corpus:
        report = checker.check(text, customer_id=customer_id, required=required)
        assert all(v.verdict in VERDICTS for v in report.verdicts)
        planted_verdicts = [v for v in report.verdicts if planted is not None and v.fact.text.startswith(planted)]
        others = [v for v in report.verdicts if v not in planted_verdicts]
        correct_facts += len(others)
        flagged_correct += sum(v.verdict != "confirmé" for v in others)
        assert all(v.verdict == "confirmé" for v in others), (kind, [(v.fact.text, v.verdict, v.explanation)
                                                                    for v in others])
        if kind == "correct":
            assert report.ok and len(report.verdicts) >= 5
        elif kind == "omission":
            assert report.omitted and "montant" in report.omitted[0]
            found[kind] += 1
        else:
            assert planted_verdicts, (kind, text)
            expected = "introuvable" if kind == "facture" else "écart"
            assert all(v.verdict == expected for v in planted_verdicts), (kind, planted_verdicts)
            assert planted_verdicts[0].explanation
            found[kind] += 1
    print(f"\n[fact-check] réponses={len(corpus)} erreurs plantées trouvées={found} "
          f"faits corrects={correct_facts} signalés à tort={flagged_correct}")
    assert all(n == 10 for n in found.values())


def test_source_row_and_report_rendering(company):
    row = company.invoices.iloc[-1]
    text = f"La facture {row.invoice_id} s'élève à {_amount_text(row.total_ttc_cents + 100, 0)}."
    report = check_answer(text, company)
    verdict = [v for v in report.verdicts if v.fact.kind == "montant"][0]
    assert verdict.verdict == "écart" and verdict.source_table == "invoices"
    assert verdict.source_row["invoice_id"] == row.invoice_id
    assert "ÉCART" in str(report) and list(report.to_frame()["Verdict"]) == ["confirmé", "écart"]


def test_amount_shared_by_several_customers_is_ambiguous(company):
    inv = company.invoices
    dup = inv.groupby("total_ttc_cents")["customer_id"].nunique()
    shared = dup[dup > 1]
    if shared.empty:
        pytest.skip("aucun montant TTC commun à deux clients pour cette graine")
    report = check_answer(f"Un client doit {_amount_text(int(shared.index[0]), 0)}.", company)
    assert report.verdicts[0].verdict == "ambigu"


def test_percentages_checked_against_the_contract(company):
    k = company.contracts.loc[company.contracts["price_discount_pct"] > 0].iloc[0]
    pct = f"{k['price_discount_pct']:g}".replace(".", ",")
    report = check_answer(f"Le contrat prévoit une remise de {pct} % et des frais de 37,3 %.", company,
                          customer_id=k["customer_id"])
    verdicts = {v.fact.text: v.verdict for v in report.verdicts}
    assert verdicts[f"{pct} %"] == "confirmé" and verdicts["37,3 %"] == "introuvable"


def test_a_list_with_one_invoice_per_line_is_checked_line_by_line(company):
    """Each line of a reminder's invoice list is checked against its own invoice, and the customer's
    totals (open invoices, of which overdue) are recognised."""
    from o2c_lab.ai import fill
    from o2c_lab.coaching.drills import wrong_amount_drill

    letter = fill("relance_niveau1_courtoise", company).reference
    assert letter.count("\n- FA-") >= 2
    report = check_answer(letter, company)
    assert report.problems == [] and report.counts["confirmé"] >= 10, str(report)

    drill = wrong_amount_drill(company)
    assert drill.shown_cents != drill.true_cents and drill.letter != letter
    problems = check_answer(drill.letter, company).problems
    assert {v.fact.value for v in problems} == {drill.shown_cents}
    assert all(drill.invoice_id in v.explanation for v in problems)


def test_the_legal_recovery_indemnity_is_a_known_amount(company):
    text = "Une indemnité forfaitaire de 40 € pour frais de recouvrement est due par facture payée en retard."
    (verdict,) = check_answer(text, company).verdicts
    assert verdict.verdict == "confirmé" and "D441-5" in verdict.explanation
