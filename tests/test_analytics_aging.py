"""Aged balance at any as-of date: hand-computed ledgers and a second, loop-based implementation."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

from o2c_lab.analytics import UNAPPLIED_COLUMN, aged_balance, bucket_labels, open_items_at
from o2c_lab.errors import InvalidParameterError

D = dt.date


def _ledger(rows):
    cols = ["entry_id", "journal", "entry_date", "customer_id", "document_id", "document_type", "label",
            "debit_cents", "credit_cents", "applied_to", "lettering", "lettering_date", "bank_tx_id"]
    frame = pd.DataFrame([dict(zip(["customer_id", "entry_date", "document_id", "document_type",
                                    "debit_cents", "credit_cents", "applied_to", "lettering",
                                    "lettering_date"], r)) for r in rows])
    frame["entry_id"] = [f"E{i}" for i in range(len(frame))]
    frame["journal"] = np.where(frame["document_type"] == "reglement", "BQ", "VE")
    frame["label"] = frame["document_id"]
    frame["bank_tx_id"] = ""
    frame["entry_date"] = pd.to_datetime(frame["entry_date"])
    frame["lettering_date"] = pd.to_datetime(frame["lettering_date"])
    frame["debit_cents"] = frame["debit_cents"].astype("int64")
    frame["credit_cents"] = frame["credit_cents"].astype("int64")
    return frame[cols]


# customer, date, document, type, debit, credit, applied_to, lettering, lettering_date
HAND = _ledger([
    ("A", D(2026, 1, 10), "INV1", "facture", 100_000, 0, "", "AA", D(2026, 2, 25)),
    ("A", D(2026, 2, 15), "INV2", "facture", 50_000, 0, "", "", None),
    ("A", D(2026, 2, 20), "RC1", "reglement", 0, 100_000, "", "AA", D(2026, 2, 25)),
    ("A", D(2026, 3, 1), "RC2", "reglement", 0, 20_000, "INV2", "", None),
    ("A", D(2026, 3, 5), "AV1", "avoir", 0, 5_000, "", "", None),
    ("B", D(2026, 1, 5), "INV3", "facture", 30_000, 0, "", "AB", D(2026, 4, 2)),
    ("B", D(2026, 3, 10), "RC3", "reglement", 0, 30_000, "", "AB", D(2026, 4, 2)),
    ("B", D(2026, 3, 20), "RC4", "reglement", 0, 8_000, "", "", None),
    ("B", D(2026, 4, 5), "INV4", "facture", 70_000, 0, "", "", None),
])
DUE = pd.DataFrame({"document_id": ["INV1", "INV2", "INV3", "INV4"],
                    "due_date": pd.to_datetime([D(2026, 2, 9), D(2026, 3, 17), D(2026, 2, 4), D(2026, 5, 5)])})


def test_hand_ledger_at_31_march():
    ab = aged_balance(open_items_at(HAND, D(2026, 3, 31), DUE), D(2026, 3, 31))
    t = ab.by_customer
    # A: INV1 lettered 25/02 -> closed; INV2 500 - 200 = 300 due 17/03 -> 14 days; AV1 unapplied.
    assert t.loc["A", "1-30 j"] == 30_000
    assert t.loc["A", UNAPPLIED_COLUMN] == -5_000
    assert t.loc["A", "Total"] == 25_000
    # B: lettering dated 02/04 is undone; INV3 due 04/02 -> 55 days; RC3 and RC4 unapplied; INV4 later.
    assert t.loc["B", "31-60 j"] == 30_000
    assert t.loc["B", UNAPPLIED_COLUMN] == -38_000
    assert t.loc["B", "Total"] == -8_000
    assert "INV4" not in set(ab.items["document_id"])
    ab.check(HAND)


def test_hand_ledger_at_22_february_undoes_later_lettering():
    ab = aged_balance(open_items_at(HAND, D(2026, 2, 22), DUE), D(2026, 2, 22))
    t = ab.by_customer
    assert t.loc["A", "1-30 j"] == 100_000      # INV1, 13 days late, lettered only on 25/02
    assert t.loc["A", "Non échu"] == 50_000     # INV2 due 17/03
    assert t.loc["A", UNAPPLIED_COLUMN] == -100_000
    assert t.loc["B", "1-30 j"] == 30_000       # INV3, 18 days
    assert t["Total"].to_dict() == {"A": 50_000, "B": 30_000}
    ab.check(HAND)


def test_overapplied_receipt_leaves_the_excess_unapplied():
    ledger = _ledger([
        ("C", D(2026, 1, 1), "F1", "facture", 30_000, 0, "", "", None),
        ("C", D(2026, 1, 20), "R1", "reglement", 0, 25_000, "F1", "", None),
        ("C", D(2026, 1, 25), "R2", "reglement", 0, 15_000, "F1", "", None),
    ])
    items = open_items_at(ledger, D(2026, 2, 1))
    assert len(items) == 1 and items["unapplied"].all()
    assert items["document_id"].iloc[0] == "R2" and items["residual_cents"].iloc[0] == -10_000
    aged_balance(items, D(2026, 2, 1)).check(ledger)


def test_missing_due_date_falls_due_on_entry_date_and_buckets_are_configurable():
    ledger = _ledger([("C", D(2026, 1, 1), "F1", "facture", 1_000, 0, "", "", None)])
    ab = aged_balance(open_items_at(ledger, D(2026, 5, 1)), D(2026, 5, 1), bounds=(0, 60, 120))
    assert list(ab.by_customer.columns[:4]) == ["Non échu", "1-60 j", "61-120 j", "> 120 j"]
    assert ab.by_customer.loc["C", "61-120 j"] == 1_000  # 120 days past the entry date


def test_bucket_boundaries():
    ledger = _ledger([("C", D(2026, 1, 1), f"F{k}", "facture", 100 * (k + 1), 0, "", "", None)
                      for k in range(7)])
    due = pd.DataFrame({"document_id": [f"F{k}" for k in range(7)],
                        "due_date": pd.to_datetime([D(2026, 6, 30) - dt.timedelta(days=n)
                                                    for n in (0, 1, 30, 31, 60, 90, 91)])})
    items = aged_balance(open_items_at(ledger, D(2026, 6, 30), due), D(2026, 6, 30)).items
    got = dict(zip(items["days_past_due"], items["bucket"].astype(str)))
    assert got == {0: "Non échu", 1: "1-30 j", 30: "1-30 j", 31: "31-60 j", 60: "31-60 j",
                   90: "61-90 j", 91: "> 90 j"}


def test_flags_disputes_and_collective_proceedings():
    disputes = pd.DataFrame({"invoice_id": ["INV2", "INV3"], "opened_on": pd.to_datetime([D(2026, 3, 20)] * 2),
                             "status": ["ouvert", "résolu"]})
    signals = pd.DataFrame({"customer_id": ["B"], "published_on": pd.to_datetime([D(2026, 3, 28)]),
                            "source": ["BODACC"]})
    ab = aged_balance(open_items_at(HAND, D(2026, 3, 31), DUE), D(2026, 3, 31), disputes=disputes,
                      signals=signals)
    assert ab.by_customer.loc["A", "litige_cents"] == 30_000
    assert ab.by_customer.loc["B", "litige_cents"] == 0
    assert ab.by_customer["procedure_collective"].to_dict() == {"A": False, "B": True}
    before = aged_balance(open_items_at(HAND, D(2026, 3, 15), DUE), D(2026, 3, 15), disputes=disputes,
                          signals=signals)
    assert not before.by_customer["procedure_collective"].any()
    assert before.by_customer["litige_cents"].sum() == 0


def test_bad_bounds_are_refused_in_french():
    with pytest.raises(InvalidParameterError, match="Tranches"):
        bucket_labels((10, 5))


def test_check_detects_a_wrong_total():
    ab = aged_balance(open_items_at(HAND, D(2026, 3, 31), DUE), D(2026, 3, 31))
    ab.by_customer.loc["A", "Total"] += 1
    with pytest.raises(AssertionError, match="A"):
        ab.check(HAND)


# --- second implementation: a plain loop over the ledger ------------------------------------

def _reference_buckets(ledger, as_of, due):
    """Per customer: bucket index (0..4, 5 = unapplied) -> cents, written independently."""
    day = pd.Timestamp(as_of)
    rows = [r for r in ledger.itertuples() if r.entry_date <= day]
    groups = {}
    for r in ledger.itertuples():
        if r.lettering:
            groups.setdefault((r.customer_id, r.lettering), []).append(r)
    closed = set()
    for key, members in groups.items():
        if all(m.entry_date <= day for m in members) and all(
                pd.notna(m.lettering_date) and m.lettering_date <= day for m in members) and \
                sum(m.debit_cents - m.credit_cents for m in members) == 0:
            closed.add(key)
    open_debits, credits = {}, []
    for r in rows:
        if r.lettering and (r.customer_id, r.lettering) in closed:
            continue
        if r.debit_cents > r.credit_cents:
            open_debits.setdefault((r.customer_id, r.document_id), [r, r.debit_cents - r.credit_cents])
        else:
            credits.append(r)
    result = {}
    for r in sorted(credits, key=lambda x: x.entry_date):
        amount = r.credit_cents - r.debit_cents
        target = open_debits.get((r.customer_id, r.applied_to)) if r.applied_to else None
        if target is not None:
            used = min(target[1], amount)
            target[1] -= used
            amount -= used
        if amount:
            result.setdefault(r.customer_id, [0] * 6)[5] -= amount
    for (cust, doc), (r, residual) in open_debits.items():
        if residual <= 0:
            continue
        d = due.get(doc, r.entry_date)
        late = (day - d).days
        k = 0 if late <= 0 else 1 if late <= 30 else 2 if late <= 60 else 3 if late <= 90 else 4
        result.setdefault(cust, [0] * 6)[k] += residual
    return {c: v for c, v in result.items() if any(v)}


def _random_ledger(rng: random.Random, n_customers=8):
    rows, start = [], D(2025, 6, 1)
    for c in range(n_customers):
        cust = f"C{c}"
        for i in range(rng.randint(1, 12)):
            day = start + dt.timedelta(days=rng.randint(0, 300))
            amount = rng.randint(100, 500_000)
            doc = f"{cust}-F{i}"
            kind = rng.random()
            pay_day = day + dt.timedelta(days=rng.randint(10, 120))
            if kind < 0.4:   # fully paid and lettered, sometimes lettered later than paid
                let_day = pay_day + dt.timedelta(days=rng.choice([0, 0, 5, 40]))
                rows.append((cust, day, doc, "facture", amount, 0, "", f"L{c}-{i}", let_day))
                rows.append((cust, pay_day, f"{doc}-R", "reglement", 0, amount, "", f"L{c}-{i}", let_day))
            elif kind < 0.7:  # partial or over-payment applied to it
                rows.append((cust, day, doc, "facture", amount, 0, "", "", None))
                paid = int(amount * rng.choice([0.3, 0.5, 1.2]))
                rows.append((cust, pay_day, f"{doc}-R", "reglement", 0, paid, doc, "", None))
            elif kind < 0.85:  # unapplied cash or credit note
                rows.append((cust, day, doc, "facture", amount, 0, "", "", None))
                rows.append((cust, pay_day, f"{doc}-A", rng.choice(["avoir", "reglement"]), 0,
                             rng.randint(100, amount), "", "", None))
            else:
                rows.append((cust, day, doc, "facture", amount, 0, "", "", None))
    return _ledger(rows)


@pytest.mark.parametrize("seed", range(12))
def test_matches_a_loop_implementation_at_several_dates(seed):
    rng = random.Random(seed)
    ledger = _random_ledger(rng)
    inv = ledger.loc[ledger["document_type"] == "facture"]
    due_map = {d: e + pd.Timedelta(days=rng.choice([30, 45, 60]))
               for d, e in zip(inv["document_id"], inv["entry_date"])}
    due = pd.DataFrame({"document_id": list(due_map), "due_date": list(due_map.values())})
    for as_of in (D(2025, 9, 30), D(2026, 1, 15), D(2026, 6, 30)):
        ab = aged_balance(open_items_at(ledger, as_of, due), as_of)
        ab.check(ledger)
        expected = _reference_buckets(ledger, as_of, due_map)
        got = {c: [int(v) for v in row] for c, row in ab.by_customer[ab.columns].iterrows()}
        assert got == expected, as_of


def test_by_segment_adds_up_the_customers():
    customers = pd.DataFrame({"customer_id": ["A", "B"], "name": ["Alpha", "Béta"], "segment": ["tpe", "tpe"]})
    ab = aged_balance(open_items_at(HAND, D(2026, 3, 31), DUE), D(2026, 3, 31), customers=customers)
    seg = ab.by("segment")
    assert seg.loc["tpe", "Total"] == 25_000 - 8_000
    assert seg.loc["tpe", "31-60 j"] == 30_000 and seg.loc["tpe", UNAPPLIED_COLUMN] == -43_000
    with pytest.raises(InvalidParameterError, match="regroupement"):
        ab.by("région")
