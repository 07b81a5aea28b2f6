"""Importers for a participant's own receivables data, with a column-mapping step.

- :func:`read_open_items`: an aged balance or open-items list exported from an ERP to Excel or
  CSV (French headers, decimal commas, JJ/MM/AAAA dates, credit notes as negative amounts,
  totals rows, title rows above the header);
- :func:`import_fec`: a FEC file (read by :func:`o2c_lab.formats.fec.read_fec`), turned into the
  customer sub-ledger (accounts 411) with its lettering;
- :func:`read_invoice_history`: an invoice-history CSV (invoice date, due date, amount,
  settlement date — the shape of public late-payment data sets), turned into a ledger by
  :func:`ledger_from_history` so that behaviour, aging at a past date and DSO can be computed.

Amounts and dates are read by column with :mod:`o2c_lab.conventions`: the decimal separator and
the day/month order come from all the file's values, or from ``decimal=`` / ``date_order=`` when
the values do not settle them (``1.481``, ``03/04/2026``) — a file is refused, never guessed.

Every problem is a :class:`~o2c_lab.errors.DataFileError` naming the file, the row (as the user
sees it: line of the CSV, row of the sheet) and the column. With ``on_error="report"`` the valid
rows are kept and every rejected row is listed in ``rejected`` with its reason: no row is ever
dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..conventions import read_amounts, read_dates
from ..errors import DataFileError, InvalidParameterError
from ..formats._files import read_file_bytes
from ..formats.fec import lettering_groups, read_fec
from ..formats.tabular import OLE_MAGIC, workbook_rows
from .aging import AgedBalance, aged_balance, open_items_at

__all__ = [
    "OPEN_ITEM_FIELDS",
    "HISTORY_FIELDS",
    "ImportResult",
    "FecImport",
    "read_open_items",
    "read_invoice_history",
    "ledger_from_history",
    "import_fec",
]

#: Fields of an open-items list: field -> (French label, header synonyms, required).
OPEN_ITEM_FIELDS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "customer_id": ("code client", ("code client", "client", "compte", "compte client", "n client",
                                    "numero client", "code tiers", "tiers", "compte auxiliaire"), True),
    "customer_name": ("nom du client", ("nom", "nom client", "raison sociale", "nom du client",
                                        "libelle client", "intitule"), False),
    "document_id": ("n° de pièce", ("n facture", "numero facture", "facture", "piece", "n piece",
                                    "numero de piece", "reference", "ref", "document", "n document"), True),
    "document_date": ("date de pièce", ("date", "date facture", "date piece", "date de facture",
                                        "date document", "date d emission"), False),
    "due_date": ("échéance", ("echeance", "date echeance", "date d echeance", "date limite",
                              "date de reglement prevue"), True),
    "amount": ("montant", ("montant", "solde", "reste du", "montant ttc", "restant du", "montant restant",
                           "solde ttc", "montant du", "reste a payer"), True),
}

#: Fields of an invoice-history file: field -> (French label, header synonyms, required).
HISTORY_FIELDS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "customer_id": ("code client", ("code client", "client", "customerid", "customer id", "customer",
                                    "compte"), True),
    "invoice_id": ("n° de facture", ("n facture", "numero facture", "facture", "invoicenumber",
                                     "invoice number", "invoice", "piece"), True),
    "invoice_date": ("date de facture", ("date facture", "date de facture", "invoicedate", "invoice date",
                                         "date"), True),
    "due_date": ("échéance", ("echeance", "date echeance", "date d echeance", "duedate", "due date"), True),
    "amount": ("montant", ("montant", "montant ttc", "invoiceamount", "invoice amount", "amount"), True),
    "settled_date": ("date de règlement", ("date de reglement", "date reglement", "reglee le", "payee le",
                                           "settleddate", "settled date", "date paiement",
                                           "date de paiement"), True),
    "disputed": ("litige", ("litige", "disputed", "conteste"), False),
}

_HEADER_SCAN_ROWS = 30
_SEPARATORS = (";", "\t", "|", ",")
_TOTAL_WORDS = re.compile(r"\btotal|\bsous-total|\bcumul|\bsolde g[ée]n[ée]ral", re.I)


@dataclass
class ImportResult:
    """What an importer read: the rows kept, the rows rejected (with their errors), the column
    mapping used (field -> header found) and the rows recognised and set aside (totals)."""

    path: Path
    data: pd.DataFrame
    mapping: dict[str, str]
    header_row: int
    rejected: list[DataFileError] = field(default_factory=list)
    set_aside: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Data rows read below the header (kept + rejected + set aside; blank rows excluded)."""
        return len(self.data) + len(self.rejected) + len(self.set_aside)

    def report(self) -> str:
        """A French summary of the import."""
        lines = [f"Fichier « {self.path.name} » : {self.rows_read} ligne(s) lue(s), "
                 f"{len(self.data)} retenue(s), {len(self.rejected)} rejetée(s), "
                 f"{len(self.set_aside)} mise(s) de côté."]
        lines += [f"  colonne « {header} » → {field_}" for field_, header in self.mapping.items()]
        lines += [f"  ligne {row} mise de côté : {why}" for row, why in self.set_aside]
        lines += [f"  rejet : {err.what}" for err in self.rejected]  # names the file, row and column
        lines += [f"  note : {note}" for note in self.notes]
        return "\n".join(lines)


# ----------------------------------------------------------------------------- grid reading

def _normalise(text) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _read_grid(path: Path, sheet=None, encoding: str = "utf-8") -> tuple[list[tuple[int, list]], str]:
    """Rows of the file as (row number the user sees, list of cells) and a description."""
    if not path.exists():
        raise DataFileError("fichier introuvable.", path=path, todo="vérifiez le nom et le dossier du fichier")
    raw = read_file_bytes(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls") or raw.startswith(OLE_MAGIC):  # .xls whatever its name
        return workbook_rows(raw, path, sheet), "Excel"
    if not raw.strip(b"\xef\xbb\xbf \r\n\t"):
        raise DataFileError("le fichier est vide.", path=path, row=1,
                            valid="une ligne d'en-tête puis une ligne par pièce",
                            todo="vérifiez l'export : il ne contient aucune donnée")
    text = _decode_strict(raw, path, encoding)
    rows, line = [], 1
    try:
        separator = _guess_separator(text.splitlines()[:_HEADER_SCAN_ROWS])
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error:  # a cell over the csv module's size limit, a NUL byte
        raise DataFileError("ligne illisible : une cellule dépasse 128 Kio ou contient un caractère nul.", path=path, row=line,
                            valid="un export CSV d'une ligne par pièce",
                            todo="exportez à nouveau le fichier depuis l'ERP, en CSV UTF-8") from None
    name = {";": "point-virgule", "\t": "tabulation", "|": "barre verticale", ",": "virgule"}[separator]
    return rows, f"CSV ({encoding}, séparateur {name})"


def _decode_strict(raw: bytes, path: Path, encoding: str) -> str:
    try:
        return raw.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        head = raw[:raw.find(b"\n")] if b"\n" in raw else raw
        sep = max(_SEPARATORS, key=lambda s: head.count(s.encode()))
        field_no = raw[line_start:exc.start].count(sep.encode())
        headers = head.decode("utf-8-sig", errors="replace").rstrip("\r").split(sep)
        column = headers[field_no].strip() if field_no < len(headers) else f"n° {field_no + 1}"
        raise DataFileError(
            f"octet 0x{raw[exc.start]:02X} illisible : le fichier n'est pas encodé en {encoding}.",
            path=path, row=line, column=column,
            valid="un CSV UTF-8 (avec ou sans BOM)",
            todo="dans Excel, enregistrez sous « CSV UTF-8 (délimité par des virgules) », ou relancez "
                 "avec encoding=\"cp1252\" si le fichier vient d'un ancien logiciel Windows") from None
    except LookupError:
        raise InvalidParameterError(f"Encodage inconnu : « {encoding} ».",
                                    valid="utf-8, cp1252, latin-1 ou cp850") from None


def _guess_separator(sample: list[str]) -> str:
    """The separator that splits the most of the first lines into the same number (≥ 2) of fields."""
    best, best_score = ";", -1
    for sep in _SEPARATORS:
        counts = [len(next(csv.reader([ln], delimiter=sep))) for ln in sample if ln.strip()]
        wide = [c for c in counts if c >= 2]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = wide.count(mode) * mode
        if score > best_score:
            best, best_score = sep, score
    return best


def _is_blank(cells) -> bool:
    return all(str(c).strip() == "" for c in cells)


def _locate_header(rows, fields, mapping, path) -> tuple[int, dict[str, int], list[str]]:
    """Index in ``rows`` of the header row and the column index of each field."""
    synonyms = {f: {_normalise(s) for s in spec[1]} for f, spec in fields.items()}
    wanted = {f: _normalise(h) for f, h in (mapping or {}).items()}
    for f in wanted:
        if f not in fields:
            raise InvalidParameterError(f"Champ inconnu dans la correspondance : « {f} ».",
                                        valid=", ".join(fields))
    best = None
    for i, (_, cells) in enumerate(rows[:_HEADER_SCAN_ROWS]):
        names = [_normalise(c) for c in cells]
        hits = sum(1 for n in names if n and (n in wanted.values() or any(n in s for s in synonyms.values())))
        if hits >= 2 and (best is None or hits > best[1]):
            best = (i, hits)
    if best is None:
        first = next(((n, c) for n, c in rows if not _is_blank(c)), (1, []))
        raise DataFileError(
            "aucune ligne d'en-tête reconnue dans les premières lignes.", path=path, row=first[0],
            valid="des en-têtes comme " + ", ".join(f"« {spec[0]} »" for spec in fields.values() if spec[2]),
            todo="vérifiez le séparateur (point-virgule attendu) ou indiquez la correspondance des colonnes "
                 "avec mapping={'due_date': 'Mon en-tête', ...}")
    i = best[0]
    header = [str(c).strip() for c in rows[i][1]]
    names = [_normalise(c) for c in header]
    columns: dict[str, int] = {}
    for f, spec in fields.items():
        if f in wanted:
            if wanted[f] in names:
                columns[f] = names.index(wanted[f])
            continue
        exact = [j for j, n in enumerate(names) if n in synonyms[f] and j not in columns.values()]
        if exact:
            columns[f] = exact[0]
    for f, spec in fields.items():
        if spec[2] and f not in columns:
            if f == "amount" and {"debit", "credit"} <= set(names):
                continue
            shown = (mapping or {}).get(f, spec[0])
            raise DataFileError(
                f"colonne « {shown} » introuvable.", path=path, row=rows[i][0], column=shown,
                valid="colonnes présentes : " + " ; ".join(h for h in header if h),
                todo="renommez l'en-tête ou indiquez la correspondance, par exemple "
                     f"mapping={{'{f}': '<en-tête de votre fichier>'}}")
    if "amount" not in columns and "amount" in fields:
        columns["debit"], columns["credit"] = names.index("debit"), names.index("credit")
    return i, columns, header


# ------------------------------------------------------------------------------ cell parsing

class _CellError(ValueError):
    def __init__(self, what: str, valid: str):
        super().__init__(what)
        self.what, self.valid = what, valid


_CONVENTION_NOTES = {",": "montants à virgule décimale", ".": "montants à point décimal",
                     "JMA": "dates jour/mois/année (français)",
                     "MJA": "dates mois/jour/année (format américain MM/JJ/AAAA)"}


def _read_fields(kind, body, fields, mapping_used, path, convention, notes) -> dict[str, tuple[list, dict]]:
    """Read the ``fields`` of every row as amounts or dates, the convention inferred from all of
    them together (one file, one convention): field -> (values, {row index: _CellError}); the
    convention used is added to ``notes``."""
    fields = [f for f in fields if f in mapping_used]
    if not fields:
        return {}
    pooled = [cells[f] for f in fields for _, cells in body]
    column = " / ".join(mapping_used[f] for f in fields)
    if kind == "amount":
        values, errs, used = read_amounts(pooled, decimal=convention, column=column, path=path)
        valid = "un montant comme 1 234,56, -50,00 ou 1234.56 (au plus 2 décimales)"
    else:
        values, errs, used = read_dates(pooled, date_order=convention, column=column, path=path)
        valid = "une date JJ/MM/AAAA comme 31/12/2026, ou AAAA-MM-JJ"
    notes.append(_CONVENTION_NOTES.get(used, "") + (" (indiqué)" if convention else " (déduit du fichier)"))
    n, out = len(body), {}
    for i, f in enumerate(fields):
        out[f] = (values[i * n:(i + 1) * n],
                  {k - i * n: _CellError(why, valid) for k, why in errs.items() if i * n <= k < (i + 1) * n})
    return out


# -------------------------------------------------------------------------------- open items

def _finish(path, rows_out, errors, set_aside, on_error, mapping_used, header_row, notes) -> ImportResult:
    if on_error not in ("raise", "report"):
        raise InvalidParameterError(f"Mode d'erreur inconnu : « {on_error} ».", valid="« raise » ou « report »")
    errors = sorted(errors, key=lambda e: (e.row or 0))
    set_aside.sort()
    if errors and on_error == "raise":
        raise errors[0]
    data = pd.DataFrame(rows_out)
    return ImportResult(path, data, mapping_used, header_row, errors, set_aside, notes)


def _scan_rows(path, rows, fields, mapping, skip_totals: bool):
    """Common part of the tabular importers: header, then per data row a dict of raw cells."""
    i, columns, header = _locate_header(rows, fields, mapping, path)
    header_row = rows[i][0]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    body, set_aside, errors = [], [], []
    for number, cells in rows[i + 1:]:
        if _is_blank(cells):
            continue
        cells = list(cells)
        while len(cells) > width and str(cells[-1]).strip() == "":
            cells.pop()
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            cells += [""] * (width - len(cells))  # a sheet has no field count: short rows are blank cells
        if len(cells) != width:
            column = header[len(cells)] if len(cells) < width else f"n° {width + 1} (en trop)"
            errors.append(DataFileError(
                f"{len(cells)} champ(s) au lieu de {width}.", path=path, row=number, column=column,
                valid=f"{width} champs comme la ligne d'en-tête",
                todo="un séparateur ou une virgule décimale non protégée décale les colonnes ; "
                     "exportez avec le point-virgule comme séparateur"))
            continue
        doc_col = columns.get("document_id", columns.get("invoice_id"))
        doc = str(cells[doc_col]).strip() if doc_col is not None and doc_col < len(cells) else ""
        if skip_totals and not doc and any(_TOTAL_WORDS.search(str(c)) for c in cells):
            set_aside.append((number, "ligne de total (exclue du détail)"))
            continue
        body.append((number, {f: (cells[j] if j < len(cells) else "") for f, j in columns.items()}))
    mapping_used = {f: header[j] for f, j in columns.items()}
    return header_row, body, set_aside, errors, mapping_used


def read_open_items(path, *, mapping: dict[str, str] | None = None, sheet=None, on_error: str = "raise",
                    encoding: str = "utf-8", decimal: str | None = None,
                    date_order: str | None = None) -> ImportResult:
    """Read an open-items list or aged balance exported to Excel (.xlsx) or CSV.

    Args:
        path: the file.
        mapping: optional field -> header of your file (fields: :data:`OPEN_ITEM_FIELDS`); headers
            are otherwise recognised from usual French names (accents and case ignored).
        sheet: sheet name for a workbook (first sheet by default).
        on_error: "raise" stops at the first bad row; "report" keeps valid rows and lists the others.
        encoding: of a CSV file (UTF-8 by default; "cp1252" for old Windows exports).
        decimal, date_order: the file's conventions ("," or "."; "JMA" or "MJA"), inferred from
            all the amounts and all the dates when not given; a file where they read two ways is
            refused (:class:`~o2c_lab.errors.AmbiguousFormatError`), never guessed.

    Returns:
        :class:`ImportResult` whose ``data`` has the columns of
        :func:`o2c_lab.analytics.open_items_at` (negative amounts are credit notes or unapplied
        cash), ready for :func:`o2c_lab.analytics.aged_balance`.
    """
    path = Path(path)
    rows, described = _read_grid(path, sheet, encoding)
    header_row, body, set_aside, errors, mapping_used = _scan_rows(path, rows, OPEN_ITEM_FIELDS, mapping, True)
    if not body and not errors:
        raise DataFileError("aucune ligne de données sous l'en-tête.", path=path, row=header_row,
                            todo="vérifiez que l'export contient les pièces ouvertes")
    notes = [f"lu comme {described}, en-tête ligne {header_row}"]
    dates = _read_fields("date", body, ("due_date", "document_date"), mapping_used, path, date_order, notes)
    amounts = _read_fields("amount", body, ("amount", "debit", "credit"), mapping_used, path, decimal, notes)
    out, seen = [], {}
    for k, (number, cells) in enumerate(body):
        problems = []
        for f in ("customer_id", "document_id"):
            if str(cells[f]).strip() == "":
                problems.append((f, _CellError("cellule vide", f"un {OPEN_ITEM_FIELDS[f][0]} non vide")))
        for f, (parsed, errs) in dates.items():
            if k in errs:
                problems.append((f, errs[k]))
            elif f == "due_date" and parsed[k] is None:
                problems.append((f, _CellError("échéance vide", "une date JJ/MM/AAAA")))
        amount = 0
        for f, (values, errs) in amounts.items():
            if k in errs:
                problems.append((f, errs[k]))
            elif f == "amount" and values[k] is None:
                problems.append((f, _CellError("montant vide", "un montant comme 1 234,56")))
            else:
                amount += -(values[k] or 0) if f == "credit" else (values[k] or 0)
        key = (str(cells["customer_id"]).strip(), str(cells["document_id"]).strip())
        if not problems and key in seen:
            problems.append(("document_id", _CellError(
                f"pièce « {key[1]} » en double (déjà ligne {seen[key]})", "un numéro de pièce unique par client")))
        if problems:
            f, err = problems[0]
            column = mapping_used.get(f, OPEN_ITEM_FIELDS.get(f, (f,))[0])
            errors.append(DataFileError(err.what + ".", path=path, row=number, column=column, valid=err.valid,
                                        todo="corrigez la cellule dans le fichier, ou relancez avec "
                                             "on_error=\"report\" pour importer les autres lignes"))
            continue
        seen[key] = number
        if amount == 0:
            set_aside.append((number, f"pièce « {key[1]} » au solde nul (soldée)"))
            continue
        due = dates["due_date"][0][k]
        doc_date = dates["document_date"][0][k] if "document_date" in dates else None
        out.append({
            "customer_id": key[0],
            "customer_name": str(cells.get("customer_name", "")).strip(),
            "document_id": key[1],
            "document_type": "facture" if amount > 0 else "avoir",
            "entry_date": pd.Timestamp(doc_date or due),
            "due_date": pd.Timestamp(due),
            "amount_cents": amount,
            "residual_cents": amount,
            "unapplied": amount < 0,
            "source_row": number,
        })
    result = _finish(path, out, errors, set_aside, on_error, mapping_used, header_row, notes)
    if len(result.data):
        result.data["amount_cents"] = result.data["amount_cents"].astype(np.int64)
        result.data["residual_cents"] = result.data["residual_cents"].astype(np.int64)
    return result


# --------------------------------------------------------------------------- invoice history

def read_invoice_history(path, *, mapping: dict[str, str] | None = None, sheet=None, on_error: str = "raise",
                         encoding: str = "utf-8", decimal: str | None = None,
                         date_order: str | None = None) -> ImportResult:
    """Read an invoice history (one row per invoice: customer, number, invoice date, due date,
    amount, settlement date — empty when unpaid — and optionally a dispute flag).

    The day/month order of slash dates (French ``25/02/2026`` or US ``2/25/2026``) and the
    decimal separator are inferred from all the file's dates and amounts, or given by
    ``date_order`` / ``decimal`` (see :func:`read_open_items`).
    """
    path = Path(path)
    rows, described = _read_grid(path, sheet, encoding)
    header_row, body, set_aside, errors, mapping_used = _scan_rows(path, rows, HISTORY_FIELDS, mapping, True)
    if not body and not errors:
        raise DataFileError("aucune ligne de données sous l'en-tête.", path=path, row=header_row)
    notes = [f"lu comme {described}, en-tête ligne {header_row}"]
    parsed = _read_fields("date", body, ("invoice_date", "due_date", "settled_date"), mapping_used, path,
                          date_order, notes)
    amounts = _read_fields("amount", body, ("amount",), mapping_used, path, decimal, notes)["amount"]
    out, seen = [], {}
    for k, (number, cells) in enumerate(body):
        problems = []
        for f in ("customer_id", "invoice_id"):
            if str(cells[f]).strip() == "":
                problems.append((f, _CellError("cellule vide", f"un {HISTORY_FIELDS[f][0]} non vide")))
        for f, (values, errs) in parsed.items():
            if k in errs:
                problems.append((f, errs[k]))
            elif f != "settled_date" and values[k] is None:
                problems.append((f, _CellError("date vide", "une date JJ/MM/AAAA")))
        amount = amounts[0][k]
        if k in amounts[1]:
            problems.append(("amount", amounts[1][k]))
        elif amount is None:
            problems.append(("amount", _CellError("montant vide", "le montant positif de la facture")))
        elif amount <= 0:
            problems.append(("amount", _CellError(f"montant négatif ou nul « {cells['amount']} »",
                                                  "le montant positif de la facture")))
        inv, due, settled = (parsed[f][0][k] for f in ("invoice_date", "due_date", "settled_date"))
        if not problems and due < inv:
            problems.append(("due_date", _CellError("échéance antérieure à la date de facture",
                                                    "une échéance le jour de la facture ou après")))
        if not problems and settled is not None and settled < inv:
            problems.append(("settled_date", _CellError("règlement antérieur à la date de facture",
                                                        "une date de règlement après la facture")))
        key = (str(cells["customer_id"]).strip(), str(cells["invoice_id"]).strip())
        if not problems and key in seen:
            problems.append(("invoice_id", _CellError(f"facture « {key[1]} » en double (déjà ligne {seen[key]})",
                                                      "un numéro de facture unique par client")))
        if problems:
            f, err = problems[0]
            errors.append(DataFileError(err.what + ".", path=path, row=number,
                                        column=mapping_used.get(f, HISTORY_FIELDS[f][0]), valid=err.valid,
                                        todo="corrigez la cellule, ou relancez avec on_error=\"report\""))
            continue
        seen[key] = number
        disputed = _normalise(cells.get("disputed", "")) in ("oui", "yes", "1", "true", "vrai", "x")
        out.append({"customer_id": key[0], "invoice_id": key[1], "invoice_date": pd.Timestamp(inv),
                    "due_date": pd.Timestamp(due), "amount_cents": amount,
                    "settled_date": pd.Timestamp(settled) if settled else pd.NaT,
                    "disputed": disputed, "source_row": number})
    result = _finish(path, out, errors, set_aside, on_error, mapping_used, header_row, notes)
    if len(result.data):
        result.data["amount_cents"] = result.data["amount_cents"].astype(np.int64)
    return result


def ledger_from_history(history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An ``ar_ledger``-shaped table (invoice debit at its date, full receipt at its settlement
    date, lettered on that date) and the matching due-date table, from an invoice history."""
    h = history.reset_index(drop=True)
    n = len(h)
    paid = h["settled_date"].notna().to_numpy()
    code = np.where(paid, "H" + pd.Series(np.arange(n)).astype(str).to_numpy(), "")
    inv = pd.DataFrame({
        "entry_id": "F" + pd.Series(np.arange(n)).astype(str), "journal": "VE",
        "entry_date": h["invoice_date"], "customer_id": h["customer_id"].astype(str),
        "document_id": h["invoice_id"].astype(str), "document_type": "facture", "label": "Facture",
        "debit_cents": h["amount_cents"].astype(np.int64), "credit_cents": np.int64(0), "applied_to": "",
        "lettering": code, "lettering_date": h["settled_date"], "bank_tx_id": ""})
    rec = pd.DataFrame({
        "entry_id": "R" + pd.Series(np.arange(n)).astype(str), "journal": "BQ",
        "entry_date": h["settled_date"], "customer_id": h["customer_id"].astype(str),
        "document_id": "REG-" + h["invoice_id"].astype(str), "document_type": "reglement", "label": "Règlement",
        "debit_cents": np.int64(0), "credit_cents": h["amount_cents"].astype(np.int64), "applied_to": "",
        "lettering": code, "lettering_date": h["settled_date"], "bank_tx_id": ""}).loc[paid]
    ledger = pd.concat([inv, rec], ignore_index=True)
    due = pd.DataFrame({"document_id": h["invoice_id"].astype(str), "due_date": h["due_date"]})
    return ledger, due


# --------------------------------------------------------------------------------------- FEC

@dataclass
class FecImport:
    """A FEC turned into the customer sub-ledger: ``ledger`` has the ``ar_ledger`` columns
    (accounts 411 only), ``due_dates`` the assumed due date of each debit."""

    fec: object
    ledger: pd.DataFrame
    due_dates: pd.DataFrame
    terms_days: int
    notes: list[str]

    @property
    def lettering_groups(self) -> pd.DataFrame:
        """Lettering groups of the 411 accounts (see :func:`o2c_lab.formats.fec.lettering_groups`)."""
        return lettering_groups(self.fec.entries, "411")

    def open_items(self, as_of=None) -> pd.DataFrame:
        """Customer open items at ``as_of`` (the last entry date by default)."""
        return open_items_at(self.ledger, as_of or self.ledger["entry_date"].max(), self.due_dates)

    def aged_balance(self, as_of=None, **kwargs) -> AgedBalance:
        day = as_of or self.ledger["entry_date"].max()
        return aged_balance(self.open_items(day), day, **kwargs)


# Usual codes of sales journals: a credit there is a credit note, elsewhere a receipt.
_SALES_JOURNALS = re.compile(r"^(VE|VT|VTE|VEN|VENTE|VENTES)$", re.I)


def import_fec(path, *, terms_days: int = 30, customer_prefix: str = "411") -> FecImport:
    """Read a FEC and build the customer sub-ledger from its 411 lines and their lettering.

    A FEC holds no due date: each debit is assumed due ``terms_days`` after its piece date (30
    days is the legal default of L441-10 I when nothing is agreed; pass your usual terms). A
    lettering without ``DateLet`` is dated at its group's last entry. The whole file must balance
    (Σ Debit = Σ Credit); otherwise the first unbalanced entry is named.
    """
    if not isinstance(terms_days, int) or terms_days < 0:
        raise InvalidParameterError(f"Délai de paiement invalide : {terms_days}.",
                                    valid="un nombre de jours entier ≥ 0, par exemple 30 ou 45")
    fec = read_fec(path)
    e = fec.entries
    if not fec.balanced:
        bad = fec.unbalanced_entries
        path = Path(path)
        if len(bad):
            first = bad.iloc[0]
            pos = int(np.flatnonzero(((e["JournalCode"] == first["JournalCode"]) &
                                      (e["EcritureNum"] == first["EcritureNum"])).to_numpy())[0])
            row = pos + 2  # header is line 1
            what = (f"écriture {first['JournalCode']} {first['EcritureNum']} déséquilibrée de "
                    f"{first['difference_cents'] / 100:.2f} € (débits − crédits)".replace(".", ","))
        else:
            row, what = None, "total des débits différent du total des crédits"
        raise DataFileError(what + ".", path=path, row=row, column="Debit",
                            valid="chaque écriture équilibrée : Σ Debit = Σ Credit",
                            todo="demandez un export complet du FEC ; une écriture a été tronquée ou modifiée")
    lines = e.loc[e["CompteNum"].str.startswith(customer_prefix)].copy()
    notes = [f"encodage : {fec.encoding_note}", f"{len(lines)} ligne(s) de comptes {customer_prefix}",
             f"échéance supposée : date de pièce + {terms_days} jours (le FEC ne contient pas d'échéance)"]
    customer = lines["CompAuxNum"].where(lines["CompAuxNum"] != "", lines["CompteNum"])
    piece_date = lines["PieceDate"].fillna(lines["EcritureDate"])
    letter = lines["EcritureLet"].fillna("")
    let_date = lines["DateLet"].copy()
    key = customer + "\x1f" + letter
    group_last = lines.groupby(key)["EcritureDate"].transform("max")
    missing_date = (letter != "") & let_date.isna()
    if missing_date.any():
        notes.append(f"{int(missing_date.sum())} ligne(s) lettrée(s) sans DateLet : lettrage daté de la "
                     "dernière écriture du groupe")
    let_date = let_date.where(~missing_date, group_last)
    debit, credit = lines["Debit"].astype(np.int64), lines["Credit"].astype(np.int64)
    sales = lines["JournalCode"].str.strip().str.match(_SALES_JOURNALS)
    doc_type = np.where(debit > credit, "facture", np.where(sales, "avoir", "reglement"))
    ledger = pd.DataFrame({
        "entry_id": (lines["JournalCode"] + "-" + lines["EcritureNum"]).to_numpy(),
        "journal": lines["JournalCode"].to_numpy(), "entry_date": lines["EcritureDate"].to_numpy(),
        "customer_id": customer.to_numpy(),
        "document_id": lines["PieceRef"].where(lines["PieceRef"] != "", lines["EcritureNum"]).to_numpy(),
        "document_type": doc_type, "label": lines["EcritureLib"].to_numpy(),
        "debit_cents": debit.to_numpy(), "credit_cents": credit.to_numpy(), "applied_to": "",
        "lettering": letter.to_numpy(), "lettering_date": let_date.to_numpy(), "bank_tx_id": ""})
    # the same PieceRef can carry several debit lines: make the open-item key unique per line
    dup = ledger.duplicated(["customer_id", "document_id"], keep=False) & (ledger["document_type"] == "facture")
    ledger.loc[dup, "document_id"] = ledger.loc[dup, "document_id"] + "#" + ledger.loc[dup, "entry_id"]
    due = pd.DataFrame({"document_id": ledger["document_id"],
                        "due_date": (pd.to_datetime(piece_date.to_numpy()) + pd.Timedelta(days=terms_days))})
    return FecImport(fec, ledger.reset_index(drop=True), due, terms_days, notes)
