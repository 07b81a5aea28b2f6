"""Benchmark of the receivables analytics on large synthetic ledgers; prints a table.

Targets: aged balance + KPIs on ≥ 2 000 000 open items in ≤ 5 s (from a ledger that carries its
due dates, as an ERP export does; the one-time join of due dates is timed on its own line);
payment behaviour + risk levels on ≥ 20 000 customers in ≤ 30 s.

    python benchmarks/bench_analytics.py [--open-items 2000000] [--customers 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time

import numpy as np
import pandas as pd

from o2c_lab.analytics import (aged_balance, open_items_at, payment_behaviour, receivable_kpis,
                               risk_levels, with_due_dates)

AS_OF = dt.date(2026, 12, 14)


def synthetic_ledger(n_open: int, n_paid: int, n_customers: int, seed: int = 7):
    """An ``ar_ledger`` with ``n_open`` open invoices and ``n_paid`` invoices lettered with their
    receipt, spread over 15 months and ``n_customers`` customers, and its due-date table."""
    rng = np.random.default_rng(seed)
    as_of = np.datetime64(AS_OF, "D")
    n_inv = n_open + n_paid
    cust = rng.integers(0, n_customers, n_inv)
    inv_day = as_of - rng.integers(0, 456, n_inv).astype("timedelta64[D]")
    terms = rng.choice(np.array([30, 45, 60]), n_inv).astype("timedelta64[D]")
    due = inv_day + terms
    amount = rng.integers(5_000, 2_000_000, n_inv).astype(np.int64)
    delay = (rng.normal(10, 12, n_inv) + (cust % 50 == 0) * 30).round().astype(np.int64)
    paid_day = due + delay.astype("timedelta64[D]")
    paid = np.zeros(n_inv, dtype=bool)
    paid[n_open:] = True
    paid &= paid_day <= as_of
    doc = np.char.add("F", np.arange(n_inv).astype(str))
    cid = np.char.add("C", cust.astype(str))
    letter = np.where(paid, np.char.add("L", np.arange(n_inv).astype(str)), "")
    let_date = np.where(paid, paid_day, np.datetime64("NaT"))
    invoices = pd.DataFrame({
        "entry_id": doc, "journal": "VE", "entry_date": inv_day.astype("datetime64[s]"), "customer_id": cid,
        "document_id": doc, "document_type": "facture", "label": "Facture", "debit_cents": amount,
        "credit_cents": np.int64(0), "applied_to": "", "lettering": letter,
        "lettering_date": let_date.astype("datetime64[s]"), "bank_tx_id": ""})
    receipts = pd.DataFrame({
        "entry_id": np.char.add("R", doc[paid]), "journal": "BQ", "entry_date": paid_day[paid].astype("datetime64[s]"),
        "customer_id": cid[paid], "document_id": np.char.add("R", doc[paid]), "document_type": "reglement",
        "label": "Règlement", "debit_cents": np.int64(0), "credit_cents": amount[paid], "applied_to": "",
        "lettering": letter[paid], "lettering_date": let_date[paid].astype("datetime64[s]"), "bank_tx_id": ""})
    ledger = pd.concat([invoices, receipts], ignore_index=True)
    due_dates = pd.DataFrame({"document_id": doc, "due_date": due.astype("datetime64[s]")})
    return ledger, due_dates


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open-items", type=int, default=2_000_000)
    parser.add_argument("--customers", type=int, default=20_000)
    args = parser.parse_args()
    rows = []

    ledger, due = synthetic_ledger(args.open_items, 0, max(args.customers, 50_000))
    ledger, t_due = _timed(lambda: with_due_dates(ledger, due))
    items, t_items = _timed(lambda: open_items_at(ledger, AS_OF))
    ab, t_ab = _timed(lambda: aged_balance(items, AS_OF))
    _, t_kpi = _timed(lambda: receivable_kpis(ledger, AS_OF, months=3, items=items))
    ab.check(ledger)
    rows.append(("échéances rattachées au grand livre", f"{len(ledger):,} lignes", t_due, None))
    rows.append(("postes ouverts reconstitués", f"{len(items):,}", t_items, None))
    rows.append(("balance âgée (tranches, par client)", f"{len(ab.by_customer):,} clients", t_ab, None))
    rows.append(("KPI (DSO ×2, BPDSO, ADD, CEI, parts)", "2 dates d'arrêté", t_kpi, None))
    rows.append(("balance âgée + KPI", f"{len(items):,} postes", t_items + t_ab + t_kpi, 5.0))
    rows.append(("… avec le rattachement des échéances", f"{len(items):,} postes", t_due + t_items + t_ab + t_kpi,
                 None))
    del ledger, due, items, ab

    ledger, due = synthetic_ledger(args.customers * 3, args.customers * 30, args.customers)
    ledger = with_due_dates(ledger, due)
    beh, t_beh = _timed(lambda: payment_behaviour(ledger, AS_OF, due))
    ab = aged_balance(open_items_at(ledger, AS_OF, due), AS_OF)
    risk, t_risk = _timed(lambda: risk_levels(beh, ab, AS_OF))
    rows.append(("comportement de paiement", f"{len(beh):,} clients, {len(ledger):,} lignes", t_beh, None))
    rows.append(("niveaux de risque", f"{(risk['level'] != 'normal').sum():,} en alerte", t_risk, None))
    rows.append(("comportement + risque", f"{len(beh):,} clients", t_beh + t_risk, 30.0))

    print(f"Machine : {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, "
          f"Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}")
    print(f"{'étape':<40} {'volume':<34} {'durée (s)':>10} {'cible (s)':>10}")
    for name, volume, seconds, target in rows:
        goal = "" if target is None else f"≤ {target:g}"
        flag = "" if target is None else ("  OK" if seconds <= target else "  TROP LENT")
        print(f"{name:<40} {volume:<34} {seconds:>10.2f} {goal:>10}{flag}")


if __name__ == "__main__":
    main()
