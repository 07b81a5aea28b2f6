"""Priority worklist and collection forecast on small hand-built cases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from o2c_lab.analytics import (aged_balance, amount_ranking, at_risk_cash, collection_forecast, coverage,
                               open_items_at, wape, weekly_actuals, worklist, worklist_documents)

from test_analytics_aging import _ledger

D = dt.date
AS_OF = D(2026, 12, 14)


def _case():
    rows = [
        # customer, date, document, type, debit, credit, applied_to, lettering, lettering_date
        ("BIG", D(2026, 9, 1), "B1", "facture", 5_000_000, 0, "", "", None),        # large, normal payer
        ("RISKY", D(2026, 10, 1), "R1", "facture", 1_000_000, 0, "", "", None),     # élevé
        ("RISKY", D(2026, 12, 1), "R2", "facture", 500_000, 0, "", "", None),       # not yet due
        ("INSOLV", D(2026, 9, 15), "I1", "facture", 800_000, 0, "", "", None),      # BODACC
        ("DISP", D(2026, 8, 1), "D1", "facture", 3_000_000, 0, "", "", None),       # disputed
        ("NOPO", D(2026, 8, 1), "N1", "facture", 2_000_000, 0, "", "", None),       # missing PO
        ("PAID", D(2026, 10, 1), "P1", "facture", 300_000, 0, "", "", None),        # already paid
        ("PAID", D(2026, 11, 2), "PX", "reglement", 0, 300_000, "", "", None),
    ]
    ledger = _ledger(rows)
    due = pd.DataFrame({"document_id": ["B1", "R1", "R2", "I1", "D1", "N1", "P1"],
                        "due_date": pd.to_datetime([D(2026, 11, 30), D(2026, 10, 31), D(2026, 12, 31),
                                                    D(2026, 10, 15), D(2026, 9, 1), D(2026, 9, 1),
                                                    D(2026, 10, 31)])})
    disputes = pd.DataFrame({"customer_id": ["DISP"], "invoice_id": ["D1"], "opened_on": pd.to_datetime([D(2026, 9, 5)]),
                             "status": ["en litige"], "amount_cents": [3_000_000]})
    signals = pd.DataFrame({"customer_id": ["INSOLV"], "published_on": pd.to_datetime([D(2026, 12, 9)]),
                            "source": ["BODACC"], "title": ["RJ"]})
    invoices = pd.DataFrame({"invoice_id": ["B1", "R1", "R2", "I1", "D1", "N1", "P1"],
                             "customer_po": ["PO1", "PO2", "PO3", "PO4", "PO5", "", "PO7"]})
    ab = aged_balance(open_items_at(ledger, AS_OF, due), AS_OF, disputes=disputes, signals=signals)
    ids = ["BIG", "RISKY", "INSOLV", "DISP", "NOPO", "PAID"]
    beh = pd.DataFrame({"mean_delay": [10.0, 40.0, 30.0, 5.0, 5.0, 2.0], "recent_delay": [10.0, 40.0, 30.0, 5.0, 5.0, 2.0],
                        "sd_delay": [4.0, 10.0, 10.0, 3.0, 3.0, 2.0], "drift": False, "slope_days_per_month": 0.0,
                        "promise_kept_rate": np.nan}, index=pd.Index(ids, name="customer_id"))
    risk = pd.DataFrame({"level": ["normal", "élevé", "critique", "normal", "normal", "normal"],
                         "reasons": [["Aucun signal d'alerte"], ["Retards en hausse"], ["BODACC"], ["x"], ["x"], ["x"]],
                         "signals": [[], ["derive"], ["bodacc"], [], [], []]}, index=beh.index)
    return ab, beh, risk, disputes, signals, invoices


def test_worklist_separates_urgency_from_noise_and_ranks_by_amount_times_probability():
    ab, beh, risk, disputes, signals, invoices = _case()
    wl = worklist(ab, risk, beh, AS_OF, invoices=invoices, disputes=disputes, signals=signals)
    urgent = wl.loc[wl["category"] == "urgence réelle"]
    noise = wl.loc[wl["category"] == "bruit pour le recouvrement"]
    # amount × probability: DISP 30 000 € × 0.8 = 24 000 € (dispute team); NOPO 20 000 € × 0.9 =
    # 18 000 € (billing); BIG 50 000 € × (0.15 + 10 × 0.01) = 12 500 €; RISKY 15 000 € × 0.6 =
    # 9 000 €; INSOLV 8 000 € × 0.95 = 7 600 €; PAID: already paid, nothing at risk
    assert list(wl["customer_id"]) == ["DISP", "NOPO", "BIG", "RISKY", "INSOLV", "PAID"]
    assert list(wl["priority_cents"]) == [2_400_000, 1_800_000, 1_250_000, 900_000, 760_000, 0]
    assert list(urgent["customer_id"]) == ["BIG", "RISKY", "INSOLV"]
    assert list(wl["rank"]) == list(range(1, len(wl) + 1))
    assert not noise["action"].str.contains("Relance").any()
    assert "Déclarer la créance" in urgent.set_index("customer_id").loc["INSOLV", "action"]
    assert "09/02/2027" in urgent.set_index("customer_id").loc["INSOLV", "action"]
    teams = dict(zip(noise["customer_id"], noise["team"]))
    assert teams == {"DISP": "litiges", "NOPO": "facturation", "PAID": "lettrage"}
    assert "Ne pas relancer" in noise.set_index("customer_id").loc["PAID", "action"]


def test_coverage_before_and_after_on_hand_truth():
    ab, beh, risk, disputes, signals, invoices = _case()
    truth = pd.DataFrame({"invoice_id": ["B1", "R1", "R2", "I1", "D1", "N1", "P1"],
                          "paid_on": pd.to_datetime([D(2026, 12, 20), None, D(2027, 3, 1), None, D(2027, 4, 1),
                                                     D(2026, 12, 20), D(2026, 11, 2)])})
    risk_cash = at_risk_cash(ab, truth)
    # late or lost: R1 (never), R2 (01/03 > 31/12 + 30), I1 (never), D1 (01/04 > 14/12 + 30)
    assert risk_cash.to_dict() == {"D1": 3_000_000, "I1": 800_000, "R1": 1_000_000, "R2": 500_000}
    before = amount_ranking(ab)  # by overdue amount: B1 (50 000 €, 14 days late), then D1 (30 000 €)
    assert [docs for docs in before][:2] == [["B1"], ["D1"]]
    assert coverage(before, risk_cash, 1) == 0
    assert coverage(before, risk_cash, 2) == pytest.approx(3_000_000 / 5_300_000)
    wl = worklist(ab, risk, beh, AS_OF, invoices=invoices, disputes=disputes, signals=signals)
    after = worklist_documents(wl)  # D1 (at risk), N1, B1, then R1 + R2 (at risk), I1 (at risk)
    assert coverage(after, risk_cash, 3) == pytest.approx(3_000_000 / 5_300_000)
    assert coverage(after, risk_cash, 5) == pytest.approx(1.0)
    assert coverage([], pd.Series(dtype="int64"), 5) == 1.0


def test_forecast_dates_band_and_naive():
    ab, beh, risk, disputes, signals, invoices = _case()
    promises = pd.DataFrame({"customer_id": ["BIG"], "invoice_ids": ["B1"], "status": ["en cours"],
                             "promised_date": pd.to_datetime([D(2026, 12, 24)]), "amount_cents": [5_000_000]})
    fc = collection_forecast(ab, beh, risk, promises=promises, disputes=disputes, invoices=invoices, weeks=13)
    it = fc.items.set_index("document_id")
    assert it.loc["B1", "expected_date"] == pd.Timestamp(2026, 12, 24)          # the promise
    assert it.loc["R2", "expected_date"] == pd.Timestamp(2026, 12, 31) + pd.Timedelta(days=40)
    assert it.loc["R1", "expected_date"] == pd.Timestamp(2026, 12, 21)          # late beyond usual: +7 days
    assert it.loc["I1", "expected_cents"] == 0 and it.loc["D1", "expected_cents"] == 0
    assert it.loc["N1", "expected_date"] == pd.Timestamp(2027, 1, 13)          # re-issued invoice: +30 days
    assert it.loc["P1", "to_collect_cents"] == 0                                 # unapplied cash covers it
    w = fc.weekly.set_index("week")
    # week 1 = 15/12–21/12: R1 10 000 €; week 2 = 22/12–28/12: B1 50 000 €;
    # week 5 = 12/01–18/01: N1 20 000 €; week 9 = 09/02–15/02: R2 5 000 € (due 31/12 + 40 days)
    assert w.loc[1, "expected_cents"] == 1_000_000
    assert w.loc[2, "expected_cents"] == 5_000_000
    assert w.loc[5, "expected_cents"] == 2_000_000
    assert w.loc[9, "expected_cents"] == 500_000
    assert fc.weekly["expected_cents"].sum() == 8_500_000
    # naive: everything at its due date, overdue items in week 1 (P1 included: the naive view
    # does not know the cash is already there)
    assert w.loc[1, "naive_cents"] == 5_000_000 + 1_000_000 + 800_000 + 3_000_000 + 2_000_000 + 300_000
    # the band holds on cumulative amounts
    cum = fc.weekly[["low_cents", "expected_cents", "high_cents"]].cumsum()
    assert (cum["low_cents"] <= cum["expected_cents"]).all() and (cum["expected_cents"] <= cum["high_cents"]).all()
    actual = weekly_actuals(fc, pd.DataFrame({"invoice_id": ["B1", "R2", "ZZ"], "amount_cents": [5_000_000, 500_000, 7],
                                              "paid_on": pd.to_datetime([D(2026, 12, 23), D(2027, 2, 1), D(2026, 12, 16)])}))
    # 23/12 is in week 2 (index 1), 01/02 is day 49: week 7 (index 6); ZZ was not open at the date
    assert actual[1] == 5_000_000 and actual[6] == 500_000 and actual.sum() == 5_500_000


def test_wape_is_absolute_not_net():
    assert wape([100, 0], [0, 100]) == 2.0
    assert wape([100, 100], [100, 100]) == 0.0
    assert wape([50, 50], [100, 0]) == 1.0
    assert np.isnan(wape([0, 0], [1, 1]))
