"""Remittance advices (avis de paiement): CSV / Excel files and e-mail text listing the
documents a transfer pays.

Every reader returns the ``remittance_advices`` table (one row per document paid), which the
engine links to bank lines by payment reference, or by customer + total + date.

>>> text = '''Bonjour, notre virement du 12/03 règle :
... FA-2026-00412 : 1 234,56 €
... Avoir AV-2026-00012 : -100,00 €'''
>>> parse_remittance_text(text, customer_id="C0042", advice_id="AVIS-1")["amount_cents"].tolist()
[123456, -10000]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from ..company.schema import table
from ..conventions import read_amounts, read_dates
from ..errors import DataFileError
from ..formats._files import read_file_bytes
from ..formats.tabular import decode_text

__all__ = ["read_remittance_file", "parse_remittance_text", "REMITTANCE_HEADERS"]

#: Normalised header -> column of the remittance_advices table.
REMITTANCE_HEADERS = {
    "advice_id": ["n° avis", "avis", "numero d'avis", "advice"],
    "customer_id": ["code client", "client", "compte client"],
    "advice_date": ["date de l'avis", "date", "date avis"],
    "payment_reference": ["reference du virement", "reference", "ref virement", "reference paiement"],
    "document_id": ["piece reglee", "facture", "n° facture", "numero de facture", "piece",
                    "document", "invoice"],
    "amount_cents": ["montant", "montant regle", "montant paye", "amount"],
}
for _col in table("remittance_advices").columns:
    REMITTANCE_HEADERS.setdefault(_col.name, []).append(_col.header)

_DOC = r"(?:FA|AV)[\s\-_/]?\d{4}[\s\-_/]?\d{1,6}"
# an amount has its cents (« 1 200,00 », « 1,200.00 »): a bare number nearby is a date or a count
_LINE = re.compile(rf"({_DOC})[^\d\-\u2212]*?([\-\u2212]?\s?\d(?:[\d\u202f\u00a0.,'’]|\s(?=\d{{3}}\b))*"
                   r"[.,]\d{2}(?!\d))")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text).strip().lower().replace("\ufeff", ""))
    return "".join(c for c in text if not unicodedata.combining(c))


_LOOKUP = {_norm(h): col for col, names in REMITTANCE_HEADERS.items() for h in names}


def _doc_id(raw: str) -> str:
    """``FA 2026 412`` -> ``FA-2026-00412`` (the numbering of the company's documents)."""
    m = re.match(r"(FA|AV)[\s\-_/]?(\d{4})[\s\-_/]?(\d{1,6})", raw.upper())
    return f"{m.group(1)}-{m.group(2)}-{int(m.group(3)):05d}" if m else raw.strip()


def _frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=table("remittance_advices").names)
    out["advice_date"] = pd.to_datetime(out["advice_date"])
    out["amount_cents"] = out["amount_cents"].astype("int64")
    return out


def parse_remittance_text(text: str, *, customer_id: str = "", advice_id: str = "AVIS",
                          advice_date: dt.date | None = None, payment_reference: str = "",
                          decimal: str | None = None) -> pd.DataFrame:
    """Document ids and amounts listed in an e-mail or a PDF's text, one row per document.

    A credit note listed with a positive amount is made negative (it reduces the payment). The
    amounts of one advice share a convention, inferred from all of them (``decimal`` when they
    do not say: ``1.481`` alone is 1 481 or 1,481).
    """
    found = list(_LINE.finditer(text.upper()))
    reading = read_amounts([m.group(2) for m in found], decimal=decimal, column="montants de l'avis")
    if reading.errors:
        k = min(reading.errors)
        raise DataFileError(reading.errors[k] + ".", column="montants de l'avis",
                            valid="un montant comme 1 234,56 ou 1,234.56 après chaque n° de pièce",
                            todo="corrigez le texte de l'avis ou saisissez-le à la main")
    rows = []
    for m, cents in zip(found, reading.values):
        doc = _doc_id(m.group(1))
        if doc.startswith("AV") and cents > 0:
            cents = -cents
        rows.append({"advice_id": advice_id, "customer_id": customer_id,
                     "advice_date": advice_date, "payment_reference": payment_reference,
                     "document_id": doc, "amount_cents": cents})
    return _frame(rows)


def read_remittance_file(path, *, customer_id: str = "", advice_id: str | None = None,
                         advice_date: dt.date | None = None, decimal: str | None = None,
                         date_order: str | None = None) -> pd.DataFrame:
    """Read an advice sent as CSV (``;`` or ``,``) or Excel: one row per document paid.

    Missing columns (customer, advice number, date) are filled from the arguments; the file
    must at least name the documents and their amounts. The decimal separator and the
    day/month order are inferred from the whole column, or given (``decimal``, ``date_order``).
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = pd.read_excel(path, dtype=object).fillna("")  # real numbers and dates stay so
        else:
            text = decode_text(read_file_bytes(path), path)
            first = text.split("\n", 1)[0]
            sep = ";" if first.count(";") >= first.count(",") else ","
            raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (OSError, ValueError, csv.Error) as exc:  # missing file, damaged workbook, broken CSV
        raise DataFileError(f"lecture impossible ({type(exc).__name__}).", path=path,
                            valid="un avis de paiement en CSV ou en classeur .xlsx",
                            todo="vérifiez le chemin, ou enregistrez l'avis au format .xlsx ou CSV") from None
    rename = {c: _LOOKUP[_norm(c)] for c in raw.columns if _norm(c) in _LOOKUP}
    raw = raw.rename(columns=rename)
    if "document_id" not in raw or "amount_cents" not in raw:
        raise DataFileError("colonnes « Facture » et « Montant » introuvables (en-têtes lus : "
                            + " | ".join(map(str, rename or raw.columns)) + ").", path=path,
                            valid="une colonne de n° de pièce et une colonne de montant",
                            todo="renommez les en-têtes ou exportez l'avis à nouveau")
    records = [(number, rec) for number, rec in enumerate(raw.to_dict("records"), start=2)
               if str(rec["document_id"]).strip()]
    amounts = _column(read_amounts([r["amount_cents"] for _, r in records], decimal=decimal, column="Montant",
                                   path=path), records, path, "Montant", "un montant comme 1 234,56 ou 1,234.56")
    days = _column(read_dates([r.get("advice_date", "") for _, r in records], date_order=date_order, column="Date",
                              path=path), records, path, "Date", "une date JJ/MM/AAAA")
    if not records:
        raise DataFileError("aucune pièce réglée sous la ligne d'en-tête.", path=path, row=2,
                            todo="vérifiez l'avis : il ne liste aucune facture")
    rows = []
    for (number, rec), cents, day in zip(records, amounts, days):
        if cents is None:
            raise DataFileError("montant vide.", path=path, row=number, column="Montant",
                                valid="un montant comme 1 234,56")
        doc = _doc_id(str(rec["document_id"]))
        if doc.startswith("AV") and cents > 0:
            cents = -cents
        rows.append({"advice_id": str(rec.get("advice_id") or advice_id or path.stem),
                     "customer_id": str(rec.get("customer_id") or customer_id),
                     "advice_date": pd.Timestamp(day or advice_date) if (day or advice_date) else pd.NaT,
                     "payment_reference": str(rec.get("payment_reference", "")),
                     "document_id": doc, "amount_cents": cents})
    return _frame(rows)


def _column(reading, records, path, column, valid) -> list:
    """Values of a column read by :mod:`o2c_lab.conventions`; the first unreadable cell raises."""
    if reading.errors:
        k = min(reading.errors)
        raise DataFileError(reading.errors[k] + ".", path=path, row=records[k][0], column=column,
                            valid=valid, todo="corrigez la cellule puis relancez")
    return reading.values
