"""Objective before/after figures: bounds, monotonicity, agreement with the engines, « non mesuré »."""

from __future__ import annotations

import math

import numpy as np
import pytest

from o2c_lab.coaching import NOT_MEASURED, Analysis, scoreboard


@pytest.fixture(scope="module", params=[3, 2026])
def analysis(request):
    from o2c_lab import generate_company

    return Analysis(generate_company(seed=request.param, customers=80))


def test_coverage_is_a_share_and_grows_with_the_number_of_actions(analysis):
    previous = (0.0, 0.0)
    for n in (1, 5, 20, 80):
        current = analysis.priority_coverage(n)
        assert all(0 <= v <= 1 for v in current)
        assert current[0] >= previous[0] and current[1] >= previous[1]
        previous = current


def test_coverage_by_hand(analysis):
    """Second computation of the « sans IA » figure: largest overdue customers first, their overdue documents."""
    from o2c_lab.analytics import at_risk_cash

    at_risk = at_risk_cash(analysis.aged, analysis.company.truth["invoice_truth"])
    items = analysis.aged.items
    overdue = items[(items["days_past_due"] > 0) & ~items["unapplied"]]
    totals = overdue.groupby("customer_id")["residual_cents"].sum()
    biggest = totals.sort_values(ascending=False).index[:20]
    named = set(overdue.loc[overdue["customer_id"].isin(biggest), "document_id"])
    by_hand = at_risk[at_risk.index.isin(named)].sum() / at_risk.sum()
    assert analysis.priority_coverage(20)[0] == pytest.approx(by_hand, abs=0.02)


def test_risk_detection_and_forecast_error_bounds(analysis):
    before, after = analysis.risk_detection()
    assert 0 <= before <= 1 and 0 <= after <= 1
    naive, behaviour = analysis.forecast_error()
    assert naive >= 0 and behaviour >= 0


def test_scoreboard_marks_what_is_not_measured(analysis):
    board = scoreboard(analysis)
    measured = board[board["état"] == "mesuré"]
    pending = board[board["état"] == NOT_MEASURED]
    assert len(measured) == 5 and len(pending) == 1  # no letter checked: the facts row is not measured
    assert pending[["sans IA", "avec IA"]].isna().all().all()
    assert np.isfinite(measured[["sans IA", "avec IA"]].to_numpy(dtype=float)).all()
    assert set(board["mieux"]) <= {"plus haut", "plus bas"}


def test_scoreboard_facts_row_comes_from_the_participants_checked_letters(analysis):
    journal = {"fact_checks": [{"task": "t", "mode": "manuel", "confirmed": 3, "checked": 5},
                               {"task": "t", "mode": "manuel", "confirmed": 4, "checked": 5},
                               {"task": "t", "mode": "avec_ia", "confirmed": 6, "checked": 6}]}
    row = scoreboard(analysis, journal).iloc[-1]
    assert row["sans IA"] == pytest.approx(7 / 10) and row["avec IA"] == 1.0 and row["état"] == "mesuré"
    half = scoreboard(analysis, {"fact_checks": journal["fact_checks"][:1]}).iloc[-1]
    assert half["sans IA"] == pytest.approx(0.6) and np.isnan(half["avec IA"]) and half["état"] == NOT_MEASURED


def test_auto_match_agrees_with_the_cash_application_engine(analysis):
    cashapp = pytest.importorskip("o2c_lab.cashapp")
    table = cashapp.compare_with_baseline(analysis.company)
    rule = table.iloc[0]
    before, after = analysis.auto_match()
    assert before == pytest.approx(rule["Affectés automatiquement"] / rule["Règlements clients"])
    assert math.isclose(after, float(table.iloc[-1]["Taux automatique"]))


def test_audit_recall_when_the_audit_engine_exists(analysis):
    casework = pytest.importorskip("o2c_lab.casework")
    before, after = analysis.audit_recall()
    planted = len(analysis.company.truth["invoice_anomalies"])
    assert 0 <= before <= 1 and 0 <= after <= 1
    # the systematic audit's recall, recomputed from its own findings against the planted truth
    findings = casework.audit_invoices(analysis.company)
    truth = analysis.company.truth["invoice_anomalies"]
    found = set(zip(findings["invoice_id"], findings["anomaly"])) & set(zip(truth["invoice_id"], truth["anomaly"]))
    assert after == pytest.approx(len(found) / planted, abs=1 / planted)
