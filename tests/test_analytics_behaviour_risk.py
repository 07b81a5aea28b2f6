"""Payment behaviour and risk levels on hand-built ledgers (expected values computed by hand)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from o2c_lab.analytics import (aged_balance, credit_limit_suggestions, open_items_at, payment_behaviour,
                               risk_levels, settled_invoices)

from test_analytics_aging import _ledger

D = dt.date
AS_OF = D(2026, 12, 14)


def _monthly(customer, delays, *, first=D(2025, 10, 5), terms=30, amount=100_000, discount_at=()):
    """One invoice a month; invoice k paid ``delays[k]`` days after its due date, lettered on payment."""
    rows, due = [], {}
    for k, delay in enumerate(delays):
        day = (pd.Timestamp(first) + pd.DateOffset(months=k)).date()
        doc = f"{customer}-F{k}"
        due[doc] = day + dt.timedelta(days=terms)
        paid = due[doc] + dt.timedelta(days=delay)
        code = f"{customer}{k}"
        rows.append((customer, day, doc, "facture", amount, 0, "", code, paid))
        if k in discount_at:
            rows.append((customer, paid, f"{doc}-E", "escompte", 0, 1_000, "", code, paid))
            rows.append((customer, paid, f"{doc}-R", "reglement", 0, amount - 1_000, "", code, paid))
        else:
            rows.append((customer, paid, f"{doc}-R", "reglement", 0, amount, "", code, paid))
    return rows, due


def _book(*parts):
    rows, due = [], {}
    for r, d in parts:
        rows += r
        due.update(d)
    ledger = _ledger(rows)
    return ledger, pd.DataFrame({"document_id": list(due), "due_date": pd.to_datetime(list(due.values()))})


def test_settled_invoices_dates_from_lettering_and_from_applied_partials():
    ledger = _ledger([
        ("A", D(2026, 1, 1), "F1", "facture", 10_000, 0, "", "X", D(2026, 2, 20)),
        ("A", D(2026, 2, 10), "R1", "reglement", 0, 4_000, "", "X", D(2026, 2, 20)),
        ("A", D(2026, 2, 20), "R2", "reglement", 0, 6_000, "", "X", D(2026, 2, 20)),
        ("B", D(2026, 1, 1), "F2", "facture", 10_000, 0, "", "", None),
        ("B", D(2026, 2, 5), "R3", "reglement", 0, 7_000, "F2", "", None),
        ("B", D(2026, 3, 5), "R4", "reglement", 0, 3_000, "F2", "", None),
        ("B", D(2026, 1, 2), "F3", "facture", 5_000, 0, "", "", None),       # open
        ("C", D(2026, 1, 3), "F4", "facture", 2_000, 0, "", "Z", D(2026, 1, 9)),
        ("C", D(2026, 1, 9), "AV", "avoir", 0, 2_000, "", "Z", D(2026, 1, 9)),  # cancelled, not paid
    ])
    due = pd.DataFrame({"document_id": ["F1", "F2", "F3", "F4"],
                        "due_date": pd.to_datetime([D(2026, 1, 31)] * 4)})
    s = settled_invoices(ledger, D(2026, 12, 31), due).set_index("document_id")
    assert set(s.index) == {"F1", "F2"}
    assert s.loc["F1", "paid_on"] == pd.Timestamp(2026, 2, 20) and s.loc["F1", "delay_days"] == 20
    assert s.loc["F2", "paid_on"] == pd.Timestamp(2026, 3, 5) and s.loc["F2", "delay_days"] == 33
    # at 01/03 the second receipt of F2 is not booked yet: F2 is not settled
    assert "F2" not in set(settled_invoices(ledger, D(2026, 3, 1), due)["document_id"])


def test_behaviour_drift_habit_and_discount():
    drifting = _monthly("DRIFT", [2, 4, 3, 5, 3, 4, 2, 3, 15, 25, 35, 45])  # paid Nov 2025 … Nov 2026
    steady = _monthly("STEADY", [12] * 12)
    early = _monthly("EARLY", [-20, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1], discount_at=(0,))
    ledger, due = _book(drifting, steady, early)
    beh = payment_behaviour(ledger, AS_OF, due)
    d, s, e = beh.loc["DRIFT"], beh.loc["STEADY"], beh.loc["EARLY"]
    # recent window = 5 months before 14/12/2026: payments from mid-July on are recent
    assert d["recent_delay"] == pytest.approx(30)       # median of 15, 25, 35, 45
    assert d["earlier_delay"] == pytest.approx(3)       # median of 2, 4, 3, 5, 3, 4, 2, 3
    assert d["drift"] and d["slope_days_per_month"] > 1.5
    assert not s["drift"] and s["mean_delay"] == pytest.approx(12) and s["sd_delay"] == pytest.approx(0)
    assert s["habit_days"] == 42
    assert e["n_discount"] == 1 and e["n_paid"] == 11
    assert e["mean_delay"] == pytest.approx(sum([1, 2] * 5 + [1]) / 11)


def test_open_late_items_of_the_recent_window_count_at_their_lateness():
    rows, due = _monthly("STOP", [3] * 10)
    for k, day in enumerate([D(2026, 8, 5), D(2026, 9, 5)]):
        doc = f"STOP-N{k}"
        rows.append(("STOP", day, doc, "facture", 100_000, 0, "", "", None))
        due[doc] = day + dt.timedelta(days=30)
    ledger, dd = _book((rows, due))
    beh = payment_behaviour(ledger, AS_OF, dd).loc["STOP"]
    # recent paid: invoices 7, 8, 9 (paid Jun–Aug… only those paid after 16/07) + two open items
    # at 101 and 70 days past due: the median of the recent window rises well above 3 days
    assert beh["max_open_days_past_due"] == (pd.Timestamp(AS_OF) - pd.Timestamp(2026, 9, 4)).days
    assert beh["recent_delay"] > 3


def _risk_fixture():
    drifting = _monthly("DRIFT", [2, 4, 3, 5, 3, 4, 2, 3, 15, 25, 35, 45])
    chronic = _monthly("CHRONIC", [20] * 12)
    insolvent = _monthly("BODACC", [5] * 12)
    ledger, due = _book(drifting, chronic, insolvent)
    extra = _ledger([("BIG", D(2026, 11, 1), "BIG-F", "facture", 9_000_000, 0, "", "", None)])
    ledger = pd.concat([ledger, extra], ignore_index=True)
    due = pd.concat([due, pd.DataFrame({"document_id": ["BIG-F"], "due_date": pd.to_datetime([D(2026, 12, 1)])})])
    signals = pd.DataFrame({"customer_id": ["DRIFT", "BODACC"], "published_on": pd.to_datetime([D(2026, 11, 20),
                                                                                                  D(2026, 12, 9)]),
                            "source": ["presse", "BODACC"], "title": ["Rumeur sur le client principal", "RJ"]})
    customers = pd.DataFrame({"customer_id": ["DRIFT", "CHRONIC", "BODACC", "BIG"],
                              "credit_limit_cents": [500_000, 500_000, 500_000, 5_000_000],
                              "payment_terms": ["30J"] * 4})
    scores = pd.DataFrame({"customer_id": ["CHRONIC"] * 2, "month": pd.to_datetime([D(2026, 7, 1), D(2026, 12, 1)]),
                           "score": [14, 13]})
    ab = aged_balance(open_items_at(ledger, AS_OF, due), AS_OF)
    beh = payment_behaviour(ledger, AS_OF, due)
    risk = risk_levels(beh, ab, AS_OF, customers=customers, credit_scores=scores, signals=signals)
    return risk, beh, customers, ledger


def test_risk_levels_and_their_reasons():
    risk, *_ = _risk_fixture()
    assert risk.loc["BODACC", "level"] == "critique"
    assert "09/02/2027" in risk.loc["BODACC", "reasons"][0]       # claim within 2 months of 09/12/2026
    assert risk.loc["DRIFT", "level"] == "critique"                 # drift + press rumour
    assert {"derive", "presse"} <= set(risk.loc["DRIFT", "signals"])
    assert risk.loc["CHRONIC", "level"] == "normal"                 # 20 days late, steady: a habit
    assert any("Retard chronique stable" in r for r in risk.loc["CHRONIC", "reasons"])
    assert risk.loc["BIG", "level"] == "normal"                     # over its limit: at stake, not a risk
    assert any("au-dessus de la limite" in r for r in risk.loc["BIG", "reasons"])
    for reasons in risk["reasons"]:
        assert reasons and all(isinstance(r, str) and r for r in reasons)


def test_credit_limit_suggestions_are_justified():
    risk, beh, customers, ledger = _risk_fixture()
    inv = ledger.loc[ledger["document_type"] == "facture"]
    invoices = pd.DataFrame({"customer_id": inv["customer_id"], "invoice_date": inv["entry_date"],
                             "total_ttc_cents": inv["debit_cents"]})
    sug = credit_limit_suggestions(risk, beh, invoices, customers, AS_OF)
    assert sug.loc["BODACC", "suggested_limit_cents"] == 0
    # CHRONIC: invoices of 05/07, 05/08 and 05/09/2026 in the 6 months -> 500 €/month
    # × (30 + 20) / 30 × 1.2 = 1 000 €
    assert sug.loc["CHRONIC", "suggested_limit_cents"] == 100_000
    assert "ventes mensuelles" in sug.loc["CHRONIC", "justification"]
    assert sug.loc["DRIFT", "suggested_limit_cents"] == 0  # critical
