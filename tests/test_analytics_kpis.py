"""KPIs: the worked examples of the domain research (section 3) and a small hand-computed ledger."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from o2c_lab.analytics import (average_days_delinquent, best_possible_dso, collection_effectiveness_index,
                               dispute_rate, dso_countback, dso_simple, monthly_sales, promise_kept_rate,
                               receivable_kpis)
from o2c_lab.errors import InvalidParameterError

from test_analytics_aging import _ledger

D = dt.date
EUR = 100  # cents per euro


def test_countback_worked_example_french_ttc():
    # AR 480 000; March 400 000 (31 d), February 150 000 (28 d), January 150 000 (31 d)
    periods = [(400_000 * EUR, 31), (150_000 * EUR, 28), (150_000 * EUR, 31)]
    dso = dso_countback(480_000 * EUR, periods)
    assert dso.value == pytest.approx(31 + 80_000 / 150_000 * 28)
    assert round(dso.value, 1) == 45.9
    assert "épuisement" in dso.method and "ventes" in dso.formula


def test_simple_dso_on_the_same_data_is_inflated_by_the_march_spike():
    dso = dso_simple(480_000 * EUR, 700_000 * EUR, 90)
    assert round(dso.value, 1) == 61.7
    assert "simple" in dso.name and "TTC" in dso.formula


def test_best_possible_dso_and_add_by_countback():
    periods = [(400_000 * EUR, 31), (150_000 * EUR, 28), (150_000 * EUR, 31)]
    bp = best_possible_dso(380_000 * EUR, periods=periods)
    assert bp.value == pytest.approx(380_000 / 400_000 * 31)
    assert bp.value == pytest.approx(29.45)  # the research note shows 29.5, rounded half up
    add = average_days_delinquent(dso_countback(480_000 * EUR, periods), bp)
    assert round(add.value, 1) == 16.5


def test_add_refuses_mixed_methods():
    periods = [(400_000 * EUR, 31)]
    with pytest.raises(InvalidParameterError, match="même méthode"):
        average_days_delinquent(dso_simple(1, 1, 30), best_possible_dso(1, periods=periods))


def test_published_countback_cross_check():
    periods = [(100_000 * EUR, 30), (80_000 * EUR, 30), (70_000 * EUR, 30)]
    assert round(dso_countback(212_000 * EUR, periods).value, 1) == 73.7


def test_countback_extrapolates_beyond_listed_months_and_says_so():
    dso = dso_countback(300 * EUR, [(100 * EUR, 30), (100 * EUR, 31)])
    assert dso.value == pytest.approx(30 + 31 + 31)
    assert "extrapolé" in dso.method


def test_cei_both_published_variants():
    period = collection_effectiveness_index(6_200 * EUR, 10_890 * EUR, 6_340 * EUR, 3_590 * EUR, months=3)
    crf = collection_effectiveness_index(6_200 * EUR, 10_890 * EUR, 6_340 * EUR, 3_590 * EUR, months=3,
                                         variant="crf")
    assert round(period.value, 1) == 79.6
    assert round(crf.value, 1) == 55.9
    assert "période" in period.name and "CRF" in crf.name
    with pytest.raises(InvalidParameterError):
        collection_effectiveness_index(1, 1, 1, 1, variant="autre")


def test_display_and_explain_are_french():
    dso = dso_simple(480_000 * EUR, 700_000 * EUR, 90)
    assert dso.display() == "DSO (méthode simple) : 61,7 jours"
    text = dso.explain()
    assert "Formule" in text and "480\u202f000,00\u00a0€" in text


# --- KPIs from a small ledger, month-end as-of date --------------------------------------------

def _kpi_ledger():
    # Monthly invoices at month ends, 45-day terms; AR at 31/03 made of the March invoice,
    # half the February one (partially paid) and an old January invoice 60 days past due.
    rows = [
        ("X", D(2025, 12, 20), "F0", "facture", 50_000, 0, "", "L0", D(2026, 1, 10)),
        ("X", D(2026, 1, 10), "R0", "reglement", 0, 50_000, "", "L0", D(2026, 1, 10)),
        ("X", D(2026, 1, 15), "F1", "facture", 150_000, 0, "", "", None),
        ("X", D(2026, 2, 10), "F2", "facture", 150_000, 0, "", "", None),
        ("X", D(2026, 3, 20), "R2", "reglement", 0, 75_000, "F2", "", None),
        ("X", D(2026, 3, 5), "F3", "facture", 400_000, 0, "", "", None),
    ]
    due = pd.DataFrame({"document_id": ["F0", "F1", "F2", "F3"],
                        "due_date": pd.to_datetime([D(2026, 2, 3), D(2026, 1, 30), D(2026, 3, 27),
                                                    D(2026, 4, 19)])})
    return _ledger(rows), due


def test_monthly_sales_are_calendar_months_at_month_end():
    ledger, _ = _kpi_ledger()
    assert monthly_sales(ledger, D(2026, 3, 31), 3) == [(400_000, 31), (150_000, 28), (150_000, 31)]


def test_receivable_kpis_on_a_hand_ledger():
    ledger, due = _kpi_ledger()
    k = receivable_kpis(ledger, D(2026, 3, 31), months=3, due_dates=due)
    # AR = 150 000 (F1) + 75 000 (F2 rest) + 400 000 (F3) = 625 000; current = F3 only
    assert k["dso_simple"].inputs["Encours clients TTC (€)"] == 625_000
    assert k["dso_simple"].value == pytest.approx(625_000 / 700_000 * 90)
    assert k["dso_countback"].value == pytest.approx(31 + 28 + 75_000 / 150_000 * 31)
    assert k["bpdso_countback"].value == pytest.approx(31)  # 400 000 exactly exhausts March
    assert k["add_countback"].value == pytest.approx(28 + 15.5)
    assert k["pct_current"].value == pytest.approx(400_000 / 625_000 * 100)
    assert k["pct_over_90"].value == 0  # F1 is 60 days past due
    # CEI (période): AR at 31/12 = F0 50 000; sales 700 000; end 625 000; end current 400 000
    assert k["cei"].value == pytest.approx((50_000 + 700_000 - 625_000) / (50_000 + 700_000 - 400_000) * 100)


def test_dispute_and_promise_rates():
    invoices = pd.DataFrame({"invoice_id": ["F1", "F2", "F3", "F4"],
                             "invoice_date": pd.to_datetime([D(2026, 1, 5), D(2026, 2, 5), D(2026, 3, 5),
                                                             D(2025, 11, 5)]),
                             "total_ttc_cents": [100, 300, 600, 1000]})
    disputes = pd.DataFrame({"invoice_id": ["F2", "F4"], "opened_on": pd.to_datetime([D(2026, 3, 1)] * 2)})
    rate = dispute_rate(invoices, disputes, D(2026, 1, 1), D(2026, 3, 31))
    assert rate.value == pytest.approx(100 / 3)
    assert rate.inputs["Taux en valeur (%)"] == pytest.approx(30.0)
    promises = pd.DataFrame({"promised_date": pd.to_datetime([D(2026, 2, 1), D(2026, 2, 15), D(2026, 3, 1),
                                                              D(2026, 3, 30), D(2026, 5, 1)]),
                             "status": ["tenue", "non tenue", "tenue", "en cours", "tenue"],
                             "amount_cents": [100, 200, 300, 400, 500]})
    kept = promise_kept_rate(promises, D(2026, 1, 1), D(2026, 3, 31))
    assert kept.value == pytest.approx(200 / 3)
    assert kept.inputs["Montant tenu (€)"] == 400
