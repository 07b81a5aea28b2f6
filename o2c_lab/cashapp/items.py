"""Open items (invoices and credit notes) as the ERP's 411 sub-ledger shows them at a date.

The ledger is the only observable source of what was already paid: a lettered document is
settled on its lettering date; an unlettered receipt noted « imputé sur » a document reduces it
from its posting date.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

__all__ = ["document_table", "ledger_events", "open_items"]


def document_table(invoices: pd.DataFrame, credit_notes: pd.DataFrame) -> pd.DataFrame:
    """Every invoice (positive) and credit note (negative) with its full amount.

    Columns: document_id, customer_id, doc_type (facture / avoir), doc_date, due_date,
    total_cents, net_cents (excl. VAT), linked_document (invoice a credit note corrects).
    """
    inv = pd.DataFrame({
        "document_id": invoices["invoice_id"].astype(str),
        "customer_id": invoices["customer_id"].astype(str),
        "doc_type": "facture",
        "doc_date": pd.to_datetime(invoices["invoice_date"]),
        "due_date": pd.to_datetime(invoices["due_date"]),
        "total_cents": invoices["total_ttc_cents"].astype("int64"),
        "net_cents": invoices["total_ht_cents"].astype("int64"),
        "linked_document": "",
    })
    cn = pd.DataFrame({
        "document_id": credit_notes["credit_note_id"].astype(str),
        "customer_id": credit_notes["customer_id"].astype(str),
        "doc_type": "avoir",
        "doc_date": pd.to_datetime(credit_notes["credit_date"]),
        "due_date": pd.to_datetime(credit_notes["credit_date"]),
        "total_cents": -credit_notes["total_ttc_cents"].astype("int64"),
        "net_cents": -credit_notes["total_ht_cents"].astype("int64"),
        "linked_document": credit_notes["invoice_id"].astype(str),
    })
    return pd.concat([inv, cn], ignore_index=True)


def ledger_events(ar_ledger: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """What the ledger says was settled, and when: one row per (date, document, applied cents).

    A lettered document is fully settled on its lettering date; an unlettered receipt with
    « imputé sur » reduces that document on its posting date.
    """
    total = documents.set_index("document_id")["total_cents"]
    docs = ar_ledger[ar_ledger["document_type"].isin(["facture", "avoir"])
                     & (ar_ledger["lettering"].astype(str) != "")]
    closed = pd.DataFrame({"date": pd.to_datetime(docs["lettering_date"]),
                           "document_id": docs["document_id"].astype(str)})
    closed["applied_cents"] = closed["document_id"].map(total)
    receipts = ar_ledger[(ar_ledger["document_type"] == "reglement")
                         & (ar_ledger["lettering"].astype(str) == "")
                         & (ar_ledger["applied_to"].astype(str) != "")]
    partial = pd.DataFrame({"date": pd.to_datetime(receipts["entry_date"]),
                            "document_id": receipts["applied_to"].astype(str),
                            "applied_cents": receipts["credit_cents"].astype("int64")})
    events = pd.concat([closed.dropna(subset=["applied_cents"]), partial], ignore_index=True)
    events["applied_cents"] = events["applied_cents"].astype("int64")
    events["kind"] = ["solde"] * len(closed.dropna(subset=["applied_cents"])) + \
        ["partiel"] * len(partial)
    return events.sort_values(["date", "document_id"], kind="stable").reset_index(drop=True)


def open_items(invoices: pd.DataFrame, credit_notes: pd.DataFrame, ar_ledger: pd.DataFrame,
               at: dt.date) -> pd.DataFrame:
    """Documents still open at ``at`` (ledger entries dated on or before ``at`` counted).

    Same columns as :func:`document_table` plus ``open_cents`` (signed, never 0).
    """
    documents = document_table(invoices, credit_notes)
    events = ledger_events(ar_ledger, documents)
    cutoff = pd.Timestamp(at)
    events = events[events["date"] <= cutoff]
    settled = events[events["kind"] == "solde"].groupby("document_id")["applied_cents"].first()
    partial = events[events["kind"] == "partiel"].groupby("document_id")["applied_cents"].sum()
    applied = {**partial.to_dict(), **settled.to_dict()}  # a lettered document is settled in full
    out = documents[documents["doc_date"] <= cutoff].copy()
    left = out["total_cents"] - out["document_id"].map(applied).fillna(0).astype("int64")
    # Receipts noted against a document can exceed it (overpayment): never past zero.
    out["open_cents"] = left.where(left * out["total_cents"] > 0, 0)
    return out[out["open_cents"] != 0].reset_index(drop=True)
