"""The « etranger » noise level: customers who write references their own way.

Drawn from a random stream of its own, only for that level, so the « defaut » and « difficile »
companies of a seed stay exactly the same. Some customers (never one the story relies on):

- cite invoices in their own numbering (« INV-412 », « Invoice #2026-412 », « Rechnung Nr.
  26/00412 », pure digits…), now and then corrupted (a zero lost or added, two digits swapped,
  OCR letters for digits) — a corrupted number often is another customer's invoice;
- send payment advices in English or German for their grouped transfers, with some lines that
  name no invoice (« PO-12345 », « Bestellung 4711 »);
- pay an invoice in full although a credit note was issued on it, and are refunded the credit
  note later by a transfer from the company (a negative bank line).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["foreign_customers", "foreign_reference", "gross_then_refund", "rewrite_references",
           "foreign_advices", "REFUND_KIND", "FOREIGN_NOISES"]

REFUND_KIND = "remboursement_client"

#: Difficulties only this level adds to those of ``scenario.PAYMENT_NOISES`` (id -> French label).
FOREIGN_NOISES = {
    "foreign_reference": "référence dans la numérotation du client (INV-412, Rechnung Nr. …)",
    "corrupted_reference": "référence mal saisie ou mal lue (zéro, chiffres inversés, lettre "
                           "pour un chiffre)",
    "refund": "remboursement d'un avoir au client (virement émis)",
}

#: How a foreign customer writes invoice FA-<year>-<number> (one style per customer).
_STYLES = (
    lambda y, n: f"INV-{n}",
    lambda y, n: f"Invoice #{y}-{n}",
    lambda y, n: f"Rechnung Nr. {y % 100:02d}/{n:05d}",
    lambda y, n: f"Inv. {y}{n:05d}",
    lambda y, n: f"INV {n:06d}",
    lambda y, n: f"Facture n° {n}",
    lambda y, n: f"{y}{n:05d}",
    lambda y, n: f"RE {y}-{n:05d}",
)
_OCR = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}
_UNREADABLE = ("PO-{:05d}", "Bestellung {:04d}", "Order {:05d}", "Ref. {:05d}", "Lieferschein {:05d}")


def foreign_customers(customers: pd.DataFrame, roles: dict, rng: np.random.Generator,
                      share: float = 0.4) -> dict[str, int]:
    """Customer id -> numbering style for the customers who write references their own way."""
    story = set(roles.values())
    ids = customers["customer_id"].to_numpy()
    pick = rng.random(len(ids)) < share
    styles = rng.integers(0, len(_STYLES), len(ids))
    return {c: int(s) for c, p, s in zip(ids, pick, styles) if p and c not in story}


def _corrupt(number: str, rng: np.random.Generator) -> str:
    """A number as a hurried or scanned writer renders it: a zero lost or added, two
    adjacent digits swapped, a digit read as a letter."""
    how = int(rng.integers(0, 4))
    if how == 0 and "0" in number:
        i = number.index("0")
        return number[:i] + number[i + 1:]
    if how == 1:
        return "0" + number
    if how == 2 and len(number) >= 2:
        i = int(rng.integers(0, len(number) - 1))
        return number[:i] + number[i + 1] + number[i] + number[i + 2:]
    i = int(rng.integers(0, len(number)))
    return number[:i] + _OCR.get(number[i], number[i]) + number[i + 1:]


def foreign_reference(invoice_id: str, style: int, rng: np.random.Generator | None = None) -> str:
    """``FA-2026-00412`` in the customer's own numbering, corrupted when ``rng`` is given."""
    _, year, number = invoice_id.split("-")
    text = _STYLES[style](int(year), int(number))
    if rng is None:
        return text
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    # Corrupt the invoice number (the last run of digits), never the year.
    end = digits[-1] + 1
    start = end
    while start > 0 and text[start - 1].isdigit():
        start -= 1
    return text[:start] + _corrupt(text[start:end], rng) + text[end:]


def gross_then_refund(past: pd.DataFrame, inv: pd.DataFrame,
                      credit_notes: pd.DataFrame, foreign: dict, as_of, rng: np.random.Generator,
                      share: float = 0.8) -> pd.DataFrame:
    """Some foreign customers pay an invoice in full although a credit note was issued on it;
    the company refunds the credit note later. Changes ``past`` in place (gross amount, no more
    credit-note structure) and returns the refunds: pos, credit_note_id, amount (negative),
    date, customer_id."""
    ttc = inv["total_ttc_cents"].to_numpy()
    mask = ((past["structure"] == "credit_note") & past["customer_id"].isin(list(foreign))).to_numpy()
    mask = mask & (rng.random(len(past)) < share)
    cn = credit_notes.set_index("invoice_id")
    rows = []
    a = np.datetime64(pd.Timestamp(as_of).date(), "D")
    for idx in past.index[mask]:
        inv_id = past.at[idx, "invoice_id"]
        notes = cn.loc[[inv_id]]
        if len(notes) != 1:
            continue
        note = notes.iloc[0]
        day = np.busday_offset(max(np.datetime64(pd.Timestamp(past.at[idx, "tx_date"]).date(), "D"),
                                   np.datetime64(pd.Timestamp(note["credit_date"]).date(), "D")),
                               int(rng.integers(5, 20)), roll="forward")
        if day > a:
            continue
        pos = int(past.at[idx, "pos"])
        past.at[idx, "amount"] = int(ttc[pos])
        past.at[idx, "structure"] = ""
        rows.append({"pos": pos, "credit_note_id": note["credit_note_id"],
                     "amount": -int(note["total_ttc_cents"]), "date": day,
                     "customer_id": past.at[idx, "customer_id"]})
    return pd.DataFrame(rows, columns=["pos", "credit_note_id", "amount", "date", "customer_id"])


def rewrite_references(remittance: np.ndarray, label_noise: np.ndarray, refs: list[list[str]],
                       tx_customers: np.ndarray, foreign: dict, rng: np.random.Generator,
                       corrupt_share: float = 0.3) -> None:
    """Transfers of foreign customers that cite their invoices now cite them in the customer's
    numbering (in place); ``label_noise`` becomes « foreign_reference » or
    « corrupted_reference »."""
    for k, (cid, docs) in enumerate(zip(tx_customers, refs)):
        if cid not in foreign or label_noise[k] not in ("clean", "mangled_reference"):
            continue
        corrupt = rng.random() < corrupt_share
        cited = [foreign_reference(d, foreign[cid], rng if corrupt and j == 0 else None)
                 for j, d in enumerate(docs[:4])]
        more = f" AND {len(docs) - 4} MORE" if len(docs) > 4 else ""
        remittance[k] = ("PAYMENT " if rng.random() < 0.5 else "") + " ".join(cited) + more
        label_noise[k] = "corrupted_reference" if corrupt else "foreign_reference"


def foreign_advices(allocations: pd.DataFrame, bank: pd.DataFrame, foreign: dict,
                    rng: np.random.Generator, start: int) -> pd.DataFrame:
    """Advices of foreign customers' grouped transfers, in their numbering, with about one line
    in six naming an order or a delivery instead of the invoice (same amount)."""
    docs = allocations[(allocations["document_id"] != "")
                       & allocations["customer_id"].isin(list(foreign))]
    size = docs.groupby("bank_tx_id")["document_id"].transform("size")
    grouped = docs[size > 1]
    number = pd.Series(pd.factorize(grouped["bank_tx_id"], sort=True)[0] + start, index=grouped.index)
    date_of = bank.set_index("bank_tx_id")["date"]
    day = np.busday_offset(grouped["bank_tx_id"].map(date_of).to_numpy().astype("datetime64[D]"), -1,
                           roll="forward")
    written = []
    for doc, cid in zip(grouped["document_id"], grouped["customer_id"]):
        if rng.random() < 1 / 6:
            written.append(_UNREADABLE[int(rng.integers(len(_UNREADABLE)))].format(
                int(rng.integers(1000, 99999)) % 10 ** 5))
        elif doc.startswith("FA-"):
            written.append(foreign_reference(doc, foreign[cid]))
        else:
            written.append(("Credit note " if rng.random() < 0.5 else "Gutschrift ") + doc)
    return pd.DataFrame({"advice_id": number.map("ADV-{:05d}".format), "customer_id": grouped["customer_id"],
                         "advice_date": pd.to_datetime(day),
                         "payment_reference": number.map("PAYMENT-{:05d}".format),
                         "document_id": written, "amount_cents": grouped["amount_cents"]}
                        ).reset_index(drop=True)
