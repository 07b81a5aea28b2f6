"""Bank statement CSV exports (online banking « export CSV / Excel »), in their usual variety.

French banks export one row per movement with a date, a label and either one signed amount or
a debit and a credit column; the separator (``;``, ``,``, tab), the encoding (UTF-8 or Windows
code page) and the headers vary. Headers are recognised by their usual French and English names
(and the French headers of the ``bank_transactions`` table); amounts like ``-1 234,56`` or
``1234.56``; dates ``JJ/MM/AAAA``, ``JJ/MM/AA`` or ``AAAA-MM-JJ``. A CSV export has no balances:
the statement row says so (balances left empty) instead of pretending that it reconciles.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

from ..company.schema import table
from ._files import read_file_bytes
from ..errors import DataFileError, InvalidParameterError
from ..money import to_cents
from .cfonb120 import bank_frames

__all__ = ["read_bank_csv", "HEADER_SYNONYMS"]

#: Normalised header (lower case, no accent) -> column of the bank_transactions table.
HEADER_SYNONYMS = {
    "booking_date": ["date", "date operation", "date d'operation", "date comptable",
                     "date de comptabilisation", "booking date"],
    "value_date": ["date de valeur", "date valeur", "value date"],
    "label": ["libelle", "libelle operation", "libelle de l'operation", "label", "description"],
    "amount_cents": ["montant", "montant (eur)", "montant eur", "amount"],
    "debit": ["debit", "debit (eur)", "debit eur"],
    "credit": ["credit", "credit (eur)", "credit eur"],
    "counterparty_name": ["nom du donneur d'ordre", "donneur d'ordre", "emetteur", "tiers",
                          "counterparty", "payeur"],
    "counterparty_iban": ["iban du donneur d'ordre", "iban emetteur", "iban tiers", "iban"],
    "remittance_info": ["reference de paiement", "reference", "motif", "communication",
                        "informations complementaires", "remittance"],
    "end_to_end_id": ["ref. de bout en bout", "reference de bout en bout", "end to end id",
                      "end-to-end"],
    "bank_code": ["code operation", "type", "type d'operation"],
    "bank_tx_id": ["ref. operation", "reference operation", "id", "identifiant"],
    "currency": ["devise", "currency"],
}
for _col in table("bank_transactions").columns:  # the project's own French headers
    HEADER_SYNONYMS.setdefault(_col.name, []).append(_col.header)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower().replace("\ufeff", ""))
    return "".join(c for c in text if not unicodedata.combining(c))


_LOOKUP = {_norm(h): col for col, names in HEADER_SYNONYMS.items() for h in names}


def _date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _cents(text: str) -> int:
    text = text.strip()
    if re.fullmatch(r"-?\d+\.\d{1,2}", text.replace(" ", "")):
        text = text.replace(".", ",")  # 1234.56 from an English export
    return to_cents(text)


def read_bank_csv(path, *, account: str = "", currency: str = "EUR"):
    """Read a bank CSV export into ``(statements, transactions)`` like the other bank readers.

    ``account`` names the account (the export rarely does). One statement row covers the whole
    file, with empty balances: the balance check of a CSV export is « non vérifiable ».
    """
    path = Path(path)
    raw = read_file_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # Excel « CSV (séparateur : point-virgule) » on Windows
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise DataFileError("fichier vide.", path=path, todo="exportez à nouveau le relevé")
    mapping = {i: _LOOKUP[_norm(h)] for i, h in enumerate(header) if _norm(h) in _LOOKUP}
    found = set(mapping.values())
    if "booking_date" not in found or not ({"amount_cents"} <= found or {"debit", "credit"} <= found):
        raise DataFileError(
            "colonnes de date ou de montant introuvables (en-têtes lus : "
            + " | ".join(header) + ").", path=path,
            valid="une colonne « Date » et soit « Montant », soit « Débit » et « Crédit »",
            todo="renommez les en-têtes ou vérifiez le séparateur")
    statement_id = f"CSV-{path.stem}"
    rows = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {col: record[i] if i < len(record) else "" for i, col in mapping.items()}
        try:
            booking = _date(values["booking_date"])
            value_date = _date(values["value_date"]) if values.get("value_date", "").strip() \
                else booking
        except ValueError as exc:
            raise DataFileError(f"date illisible « {exc} ».", path=path, row=number,
                                valid="JJ/MM/AAAA, JJ/MM/AA ou AAAA-MM-JJ",
                                todo="corrigez la cellule puis relancez") from None
        try:
            if "amount_cents" in values and values["amount_cents"].strip():
                amount = _cents(values["amount_cents"])
            else:
                debit = _cents(values.get("debit") or "0")
                amount = _cents(values.get("credit") or "0") - abs(debit)
        except InvalidParameterError:
            raise DataFileError("montant illisible.", path=path, row=number,
                                valid="un montant comme -1 234,56 ou 1234.56",
                                todo="corrigez la cellule puis relancez") from None
        rows.append({
            "bank_tx_id": values.get("bank_tx_id", "").strip() or f"{statement_id}-{number:05d}",
            "statement_id": statement_id, "booking_date": booking, "value_date": value_date,
            "amount_cents": amount, "label": values.get("label", "").strip(),
            **{k: values.get(k, "").strip() for k in
               ("counterparty_name", "counterparty_iban", "remittance_info", "end_to_end_id",
                "bank_code")},
            "currency": values.get("currency", "").strip() or currency,
        })
    dates = [r["booking_date"] for r in rows]
    statement = {"statement_id": statement_id, "account_iban": account,
                 "from_date": min(dates) if dates else None, "to_date": max(dates) if dates else None,
                 "opening_balance_cents": None, "closing_balance_cents": None,
                 "currency": currency, "transaction_count": len(rows)}
    return bank_frames([statement], rows, ["currency", "transaction_count"])
