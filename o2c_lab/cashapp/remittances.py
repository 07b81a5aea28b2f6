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

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pandas as pd

from ..company.schema import table
from ..errors import DataFileError, InvalidParameterError
from ..money import to_cents

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
_LINE = re.compile(rf"({_DOC})[^\d\-]*?(-?\s?\d[\d\s\u202f\u00a0.]*,\d{{2}}|-?\d+\.\d{{2}})")


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
                          advice_date: dt.date | None = None,
                          payment_reference: str = "") -> pd.DataFrame:
    """Document ids and amounts listed in an e-mail or a PDF's text, one row per document.

    A credit note listed with a positive amount is made negative (it reduces the payment).
    """
    rows = []
    for m in _LINE.finditer(text.upper()):
        doc = _doc_id(m.group(1))
        cents = to_cents(m.group(2).replace(" ", ""))
        if doc.startswith("AV") and cents > 0:
            cents = -cents
        rows.append({"advice_id": advice_id, "customer_id": customer_id,
                     "advice_date": advice_date, "payment_reference": payment_reference,
                     "document_id": doc, "amount_cents": cents})
    return _frame(rows)


def read_remittance_file(path, *, customer_id: str = "", advice_id: str | None = None,
                         advice_date: dt.date | None = None) -> pd.DataFrame:
    """Read an advice sent as CSV (``;`` or ``,``) or Excel: one row per document paid.

    Missing columns (customer, advice number, date) are filled from the arguments; the file
    must at least name the documents and their amounts.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            raw = pd.read_excel(path, dtype=str).fillna("")
        else:
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
            sep = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") \
                else ","
            from io import StringIO
            raw = pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise DataFileError(f"lecture impossible ({exc}).", path=path,
                            todo="vérifiez le chemin du fichier") from None
    rename = {c: _LOOKUP[_norm(c)] for c in raw.columns if _norm(c) in _LOOKUP}
    raw = raw.rename(columns=rename)
    if "document_id" not in raw or "amount_cents" not in raw:
        raise DataFileError("colonnes « Facture » et « Montant » introuvables (en-têtes lus : "
                            + " | ".join(map(str, rename or raw.columns)) + ").", path=path,
                            valid="une colonne de n° de pièce et une colonne de montant",
                            todo="renommez les en-têtes ou exportez l'avis à nouveau")
    rows = []
    for number, rec in enumerate(raw.to_dict("records"), start=2):
        if not str(rec["document_id"]).strip():
            continue
        try:
            cents = to_cents(str(rec["amount_cents"]))
        except InvalidParameterError:
            raise DataFileError(f"montant illisible « {rec['amount_cents']} ».", path=path,
                                row=number, column="Montant",
                                valid="un montant comme 1 234,56") from None
        doc = _doc_id(str(rec["document_id"]))
        if doc.startswith("AV") and cents > 0:
            cents = -cents
        day = rec.get("advice_date") or advice_date
        rows.append({"advice_id": str(rec.get("advice_id") or advice_id or path.stem),
                     "customer_id": str(rec.get("customer_id") or customer_id),
                     "advice_date": pd.to_datetime(day, dayfirst=True) if day else pd.NaT,
                     "payment_reference": str(rec.get("payment_reference", "")),
                     "document_id": doc, "amount_cents": cents})
    return _frame(rows)
