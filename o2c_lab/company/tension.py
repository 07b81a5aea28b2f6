"""Headline figures of the aged balance at the case date, read from the observable ledger.

This is a deliberately small computation used by the generator's invariants and the summary
card; the full aged-balance engine (any date, any buckets) lives in :mod:`o2c_lab.analytics`.

Definitions (documented thresholds in :data:`scenario.TENSION_THRESHOLDS`):
- open amount of an invoice = TTC − credit notes on it − receipts applied to it, for invoices
  not lettered in the 411 ledger;
- receivables (encours) = net balance of the 411 ledger (debits − credits, all rows);
- overdue share = open amount past due / total open amount of invoices;
- DSO (simple method) = receivables / sales TTC of the last 91 days × 91;
- weighted terms = Σ (due date − invoice date) × TTC / Σ TTC over the same 91 days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .scenario import TENSION_THRESHOLDS

__all__ = ["open_invoices", "open_items", "tension_metrics"]


def open_invoices(company) -> pd.DataFrame:
    """Invoices still open in the ledger at the case date, with ``open_cents`` and ``days_past_due``."""
    t = company.tables
    return open_items(t["ar_ledger"], t["invoices"], t["credit_notes"], company.as_of)


def open_items(ledger: pd.DataFrame, invoices: pd.DataFrame, credit_notes: pd.DataFrame, as_of) -> pd.DataFrame:
    """:func:`open_invoices` from the tables themselves (used while the company is being built)."""
    unlettered = ledger[(ledger["document_type"] == "facture") & (ledger["lettering"] == "")]["document_id"]
    applied = ledger[ledger["applied_to"] != ""].groupby("applied_to")["credit_cents"].sum()
    cn_open = credit_notes[credit_notes["credit_note_id"].isin(
        ledger.loc[(ledger["document_type"] == "avoir") & (ledger["lettering"] == ""), "document_id"])]
    credits = cn_open.groupby("invoice_id")["total_ttc_cents"].sum()
    out = invoices[invoices["invoice_id"].isin(unlettered)].copy()
    out["open_cents"] = (out["total_ttc_cents"]
                         - applied.reindex(out["invoice_id"]).fillna(0).to_numpy().astype(np.int64)
                         - credits.reindex(out["invoice_id"]).fillna(0).to_numpy().astype(np.int64))
    out["days_past_due"] = (pd.Timestamp(as_of) - out["due_date"]).dt.days
    return out[out["open_cents"] > 0].reset_index(drop=True)


def tension_metrics(company) -> dict:
    """Receivables, overdue and > 90 days shares, DSO vs terms, and whether the balance is tense."""
    ledger = company.tables["ar_ledger"]
    items = open_invoices(company)
    gross = int(items["open_cents"].sum())
    overdue = int(items.loc[items["days_past_due"] > 0, "open_cents"].sum())
    over_90 = int(items.loc[items["days_past_due"] > 90, "open_cents"].sum())
    receivables = int(ledger["debit_cents"].sum() - ledger["credit_cents"].sum())
    as_of = pd.Timestamp(company.as_of)
    inv = company.tables["invoices"]
    recent = inv[(inv["invoice_date"] > as_of - pd.Timedelta(days=91)) & (inv["invoice_date"] <= as_of)]
    sales = int(recent["total_ttc_cents"].sum())
    terms = float(((recent["due_date"] - recent["invoice_date"]).dt.days * recent["total_ttc_cents"]).sum()
                  / max(sales, 1))
    dso = receivables / max(sales, 1) * 91
    by_customer = items.groupby("customer_id")["open_cents"].sum()
    overdue_by_customer = items[items["days_past_due"] > 0].groupby("customer_id")["open_cents"].sum()
    top10 = overdue_by_customer.sort_values(ascending=False).head(10).sum()
    metrics = {
        "receivables_cents": receivables,
        "open_invoices_cents": gross,
        "overdue_cents": overdue,
        "over_90_cents": over_90,
        "overdue_share": overdue / gross if gross else 0.0,
        "over_90_share": over_90 / gross if gross else 0.0,
        "dso_days": dso,
        "weighted_terms_days": terms,
        "sales_91_days_cents": sales,
        "top10_overdue_share": float(top10 / overdue) if overdue else 0.0,
        "customers_with_open_items": int((by_customer > 0).sum()),
    }
    t = TENSION_THRESHOLDS
    metrics["is_tense"] = (metrics["overdue_share"] >= t["overdue_share_min"]
                           and metrics["over_90_share"] >= t["over_90_share_min"]
                           and dso - terms >= t["dso_over_terms_min_days"])
    return metrics
