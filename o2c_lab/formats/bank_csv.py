"""Bank statement CSV exports (online banking « export CSV / Excel »), in their usual variety.

French banks export one row per movement with a date, a label and either one signed amount or
a debit and a credit column; the separator (``;``, ``,``, tab), the encoding (UTF-8 or Windows
code page) and the headers vary. Headers are recognised by their usual French and English names
(and the French headers of the ``bank_transactions`` table); amounts like ``-1 234,56``,
``1234.56`` or ``1,234.56`` and dates ``JJ/MM/AAAA``, ``MM/JJ/AAAA`` or ``AAAA-MM-JJ``, their
convention read from the whole file (:mod:`o2c_lab.conventions`). A CSV export has no balances:
the statement row says so (balances left empty) instead of pretending that it reconciles.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from ..company.schema import table
from ._files import read_file_bytes
from .tabular import decode_text
from ..conventions import read_amounts, read_dates
from ..errors import DataFileError
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


def _read_fields(reader, fields, records, header_of, path, convention, valid) -> dict[str, list]:
    """Read ``fields`` of every record as one column (one file, one convention); the first
    unreadable cell raises with its line and column."""
    n = len(records)
    reading = reader([v.get(f, "") for f in fields for _, v in records], convention,
                     column=" / ".join(header_of[f] for f in fields), path=path)
    if reading.errors:
        k = min(reading.errors)
        raise DataFileError(reading.errors[k] + ".", path=path, row=records[k % n][0],
                            column=header_of[fields[k // n]], valid=valid,
                            todo="corrigez la cellule puis relancez")
    return {f: reading.values[i * n:(i + 1) * n] for i, f in enumerate(fields)}


def read_bank_csv(path, *, account: str = "", currency: str = "EUR", decimal: str | None = None,
                  date_order: str | None = None):
    """Read a bank CSV export into ``(statements, transactions)`` like the other bank readers.

    ``account`` names the account (the export rarely does). One statement row covers the whole
    file, with empty balances: the balance check of a CSV export is « non vérifiable ».
    The decimal separator and the day/month order are inferred from all the amounts and dates
    of the file, or given (``decimal=","``, ``date_order="JMA"``) when the file does not say.
    """
    path = Path(path)
    text = decode_text(read_file_bytes(path), path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
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
    records = []
    try:
        for number, record in enumerate(reader, start=2):
            if any(cell.strip() for cell in record):
                records.append((number, {col: record[i] if i < len(record) else "" for i, col in mapping.items()}))
    except csv.Error:  # a field over the csv module's limit, a NUL byte
        raise DataFileError("ligne illisible : une cellule dépasse 128 Kio ou contient un caractère nul.", path=path, row=len(records) + 2,
                            valid="un export CSV de relevé bancaire",
                            todo="exportez à nouveau le relevé depuis la banque en ligne") from None
    if not records:
        raise DataFileError("aucune opération sous la ligne d'en-tête.", path=path, row=2,
                            todo="vérifiez la période exportée : le relevé est vide")
    header_of = {col: header[i] for i, col in mapping.items()}
    n = len(records)
    field = _read_fields(lambda v, c, **kw: read_dates(v, date_order=c, **kw),
                         [f for f in ("booking_date", "value_date") if f in found], records, header_of,
                         path, date_order, 'JJ/MM/AAAA, JJ/MM/AA, AAAA-MM-JJ, ou MM/JJ/AAAA avec date_order="MJA"')
    field |= _read_fields(lambda v, c, **kw: read_amounts(v, decimal=c, **kw),
                          [f for f in ("amount_cents", "debit", "credit") if f in found], records, header_of,
                          path, decimal, "un montant comme -1 234,56, 1234.56 ou 1,234.56 (au plus 2 décimales)")
    rows = []
    for k, (number, values) in enumerate(records):
        booking = field["booking_date"][k]
        if booking is None:
            raise DataFileError("date d'opération vide.", path=path, row=number,
                                column=header_of["booking_date"], valid="une date JJ/MM/AAAA",
                                todo="corrigez la cellule puis relancez")
        value_date = field.get("value_date", [None] * n)[k] or booking
        amount = field.get("amount_cents", [None] * n)[k]
        if amount is None and all(field.get(f, [None] * n)[k] is None for f in ("debit", "credit")):
            raise DataFileError("montant vide.", path=path, row=number, column=header_of.get("amount_cents", header_of.get("debit")),
                                valid="un montant comme -1 234,56", todo="corrigez la cellule puis relancez")
        if amount is None:
            debit, credit = (field.get(f, [None] * n)[k] or 0 for f in ("debit", "credit"))
            amount = credit - abs(debit)
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
