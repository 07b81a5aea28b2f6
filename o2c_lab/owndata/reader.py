"""Read a participant's own export (aged balance, open items, FEC, bank statement) with a
quality report, whatever tool wrote it.

:func:`read_export` finds the header (title rows above it, two-row headers), recognises the
layout (:mod:`o2c_lab.owndata.layouts`) or applies a given mapping or a saved profile, reads
amounts and dates with the file's conventions (refusing an ambiguous file until the user
chooses), and sets aside — never drops — the lines that are not items: subtotals per customer,
grand totals, customer group headings, rows without a document or an amount, duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..conventions import ColumnReading, read_amounts, read_dates
from ..errors import DataFileError
from ..formats.tabular import OLE_MAGIC, cell_text, decode_text, workbook_rows
from .layouts import DEBIT_CREDIT, FIELDS, INVERTED, LAYOUTS, LayoutGuess, _two_row, find_header, normalise_header
from .mapping import ColumnMapping, guess_mapping, list_profiles, load_profile
from .quality import Finding, QualityReport, SetAside

__all__ = ["ITEM_COLUMNS", "OwnData", "ExportPreview", "is_fec", "preview_export", "read_export", "read_bank_statement",
           "BankStatement"]

#: Columns of :attr:`OwnData.items`: those of :func:`o2c_lab.analytics.read_open_items`, plus the currency.
ITEM_COLUMNS = ("customer_id", "customer_name", "document_id", "document_type", "entry_date", "due_date",
                "amount_cents", "residual_cents", "unapplied", "source_row", "currency")

_XLSX_MAGIC = b"PK\x03\x04"
_SEPARATORS = (";", "\t", "|", ",")
_VERY_OLD_YEARS = 5
_CHUNK = 20_000
#: a total written in the document column (« Total client », « Sous-total », « Cumul »)
_TOTAL_IN_DOC = re.compile(r"^\s*(?:sous[ -]?)?total\b|\btotal\s*$|^\s*cumul\b", re.I)


@dataclass
class OwnData:
    """What :func:`read_export` read: the open items, the quality report, the layout and mapping."""

    items: pd.DataFrame
    quality: QualityReport
    layout: LayoutGuess | None
    mapping: ColumnMapping | None


def _progress(progress, done, total, label):
    if progress is not None:
        progress(done, total, label)


# ------------------------------------------------------------------------------ the raw grid

def _load(data, filename: str) -> tuple[bytes, str]:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data), filename or "fichier"
    path = Path(data)
    if not path.is_file():
        raise DataFileError("fichier introuvable.", path=path, todo="vérifiez le nom et le dossier du fichier")
    return path.read_bytes(), filename or path.name


def _grid(raw: bytes, name: str) -> list[tuple[int, list]]:
    """Rows of the file as (row number the user sees, cells)."""
    if raw.startswith((OLE_MAGIC, _XLSX_MAGIC)) or name.lower().endswith((".xlsx", ".xlsm")):
        return workbook_rows(raw, name)
    text = decode_text(raw, name)
    lines = text.splitlines()[:30]
    separator = max(_SEPARATORS, key=lambda s: _separator_score(lines, s))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    rows, line = [], 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error:
        raise DataFileError("ligne illisible (cellule trop longue ou caractère nul).", path=name, row=line,
                            todo="exportez à nouveau le fichier en CSV UTF-8") from None
    return rows


def _separator_score(lines: list[str], sep: str) -> int:
    counts = [len(next(csv.reader([ln], delimiter=sep))) for ln in lines if ln.strip()]
    wide = [c for c in counts if c >= 2]
    if not wide:
        return -1
    mode = max(set(wide), key=wide.count)
    return wide.count(mode) * mode


def is_fec(data, filename: str = "") -> bool:
    """Whether the file (bytes or path) is a FEC: it needs no correspondence of columns."""
    return _is_fec(*_load(data, filename))


def _is_fec(raw: bytes, name: str) -> bool:
    head = raw[:400].decode("utf-8-sig", errors="ignore").lower()
    return head.startswith("journalcode") or ("journalcode" in head and "ecriturenum" in head)


# -------------------------------------------------------------------------------- the header

def _header_from_mapping(rows, mapping: ColumnMapping, name) -> tuple[int, int, list[str]]:
    """(index, number of rows, header) of the header holding every column of ``mapping``."""
    wanted = {normalise_header(h) for h in mapping.columns.values()}
    for i, (_, cells) in enumerate(rows[:30]):
        for n_rows, header in ((1, [str(c).strip() for c in cells]),
                               (2, _two_row(cells, rows[i + 1][1]) if i + 1 < len(rows) else [])):
            if wanted <= {normalise_header(h) for h in header}:
                return i, n_rows, header
    raise DataFileError("les colonnes de la correspondance sont introuvables dans les 30 premières lignes.",
                        path=name, valid="colonnes attendues : " + " ; ".join(mapping.columns.values()),
                        todo="vérifiez que le fichier vient du même outil, ou refaites la correspondance")


# ------------------------------------------------------------------------------------ reading

def _shown(cells) -> str:
    text = " | ".join(cell_text(c) for c in cells if cell_text(c))
    return text if len(text) <= 160 else text[:160] + "…"


def read_export(data, filename: str = "", *, mapping: ColumnMapping | None = None, profile: str | None = None,
                progress=None, as_of=None, profile_folder=None) -> OwnData:
    """Read an aged balance / open-items export (xlsx or csv) or a FEC into the course's open items.

    Args:
        data: the file's bytes (an upload) or its path.
        filename: the file's name (its extension tells a workbook from a CSV; shown in messages).
        mapping: the columns and conventions to use; otherwise ``profile``, else a saved profile
            whose columns are all in the file, else the best guess from the recognised layouts.
        profile: name of a saved profile (:func:`~o2c_lab.owndata.save_profile`).
        progress: ``callable(done, total, label)`` called as the rows are read and checked.
        as_of: the reference date of the date checks (documents in the future; today by default).

    Returns:
        :class:`OwnData`. Its items have :data:`ITEM_COLUMNS`; its quality report lists every row
        set aside with its reason. Raises :class:`~o2c_lab.errors.AmbiguousFormatError` when the
        file's dates or amounts read two ways and the mapping does not say which (« à choisir »).
    """
    raw, name = _load(data, filename)
    today = pd.Timestamp(as_of).date() if as_of is not None else dt.date.today()
    if _is_fec(raw, name):
        return _read_fec(raw, name, today, progress)
    _progress(progress, 0, 1, "lecture du fichier")
    rows = _grid(raw, name)
    setup = _prepare(rows, name, mapping, profile, profile_folder)
    mapping, index, header = setup.mapping, setup.header_index, setup.header
    if mapping.missing():
        raise DataFileError("colonne(s) obligatoire(s) non trouvée(s) : " + ", ".join(mapping.missing()) + ".",
                            path=name, row=rows[index][0], valid="colonnes présentes : " +
                            " ; ".join(h for h in header if h),
                            todo="indiquez la colonne de chaque champ dans la correspondance (ColumnMapping)")
    items, report, used = _read_rows(rows[index + setup.header_rows:], header, mapping, setup.layout, name, today,
                                     progress)
    report.notes[:0] = setup.notes
    if mapping.pending:  # the whole file settled what the first rows left open
        mapping = mapping.choose(**used)
    return OwnData(items, report, setup.layout, mapping)


@dataclass
class ExportPreview:
    """What a file looks like before reading it: the layout recognised, the mapping proposed
    (with the conventions « à choisir »), the header and the first rows as the user sees them."""

    layout: LayoutGuess
    mapping: ColumnMapping
    header_index: int
    header_rows: int
    header: list[str]
    sample: pd.DataFrame
    notes: list[str]


def preview_export(data, filename: str = "", *, mapping: ColumnMapping | None = None, profile: str | None = None,
                   rows: int = 20, profile_folder=None) -> ExportPreview:
    """The layout and the proposed mapping of an export, and its first ``rows`` data rows, for the
    user to check and correct (missing fields, conventions « à choisir ») before
    :func:`read_export`. The mapping is guessed from the first 2 000 rows. A layout no tool writes
    is previewed too: its header is the first row of two cells or more, the mapping a bare guess for
    the user to complete (``read_export`` refuses such a file without a mapping)."""
    raw, name = _load(data, filename)
    grid = _grid(raw, name)
    setup = _prepare(grid, name, mapping, profile, profile_folder, unknown_layout=True)
    width = len(setup.header)
    body = [list(cells)[:width] + [""] * (width - len(cells))
            for _, cells in grid[setup.header_index + setup.header_rows:][:rows]]
    names = [h or f"colonne {j + 1}" for j, h in enumerate(setup.header)]
    return replace(setup, sample=pd.DataFrame(body, columns=names, dtype=object))


def _unknown_layout(rows, name) -> LayoutGuess:
    """A layout no tool writes: its header is the first row of two filled cells or more."""
    index = next((i for i, (_, cells) in enumerate(rows[:30]) if sum(bool(cell_text(c)) for c in cells) >= 2), None)
    if index is None:
        raise DataFileError("aucune ligne d'intitulés de colonnes dans les 30 premières lignes.", path=name,
                            valid="une ligne d'intitulés (code client, pièce, échéance, montant…) puis une ligne par pièce",
                            todo="vérifiez le fichier : il doit lister les pièces ouvertes ou la balance âgée")
    header = tuple(cell_text(c) for c in rows[index][1])
    return LayoutGuess(LAYOUTS[-1], 0.0, f"intitulés lus ligne {rows[index][0]}, disposition inconnue : indiquez la "
                       "colonne de chaque champ ci-dessous", index, 1, header)


def _prepare(rows, name, mapping, profile, folder, *, unknown_layout: bool = False) -> ExportPreview:
    """Header, layout and mapping of a grid: the given mapping, else the named profile, else a
    saved profile whose columns are in the file, else the best guess of the layouts."""
    notes: list[str] = []
    if mapping is None and profile is not None:
        mapping = load_profile(profile, folder)
        notes.append(f"profil « {profile} » appliqué")
    guess = find_header([cells for _, cells in rows])
    if mapping is None:
        found = _saved_profile_for(rows, folder)
        if found:
            mapping = found[1]
            notes.append(f"profil enregistré « {found[0]} » reconnu et appliqué")
    if mapping is not None:
        index, n_rows, header = _header_from_mapping(rows, mapping, name)
        if guess is None or guess.header_index != index:
            guess = LayoutGuess(next((lay for lay in LAYOUTS if lay.key == mapping.layout), LAYOUTS[-1]), 1.0,
                                "correspondance indiquée", index, n_rows, tuple(header))
    else:
        if guess is None and unknown_layout:
            guess = _unknown_layout(rows, name)
        if guess is None:
            raise DataFileError(
                "aucune ligne d'en-tête reconnue dans les 30 premières lignes.", path=name,
                valid="des en-têtes comme « Code client », « N° de pièce », « Échéance », « Solde »",
                todo="indiquez la correspondance des colonnes (ColumnMapping), puis relancez")
        index, n_rows, header = guess.header_index, guess.header_rows, list(guess.header)
        sample = [cells for _, cells in rows[index + n_rows:index + n_rows + 2000]]
        mapping = guess_mapping(header, sample, layout=guess.layout if guess.confidence else None)
        mapping.header_rows = n_rows
    return ExportPreview(guess, mapping, index, n_rows, list(header), pd.DataFrame(), notes)


def _saved_profile_for(rows, folder) -> tuple[str, ColumnMapping] | None:
    """The first saved profile whose columns are all in one of the first rows (or two-row header)."""
    profiles = [(name, load_profile(name, folder)) for name in list_profiles(folder)]
    if not profiles:
        return None
    candidates = []
    for i, (_, cells) in enumerate(rows[:30]):
        candidates.append(cells)
        if i + 1 < len(rows):
            candidates.append(_two_row(cells, rows[i + 1][1]))
    for header in candidates:
        if sum(1 for c in header if str(c).strip()) >= 2:
            for name, mapping in profiles:
                if mapping.matches(header):
                    return name, mapping
    return None


_GRAND_TOTAL = re.compile(r"general|grand total|^total$|balance total")


def _classify_blank_doc(cells: list, layout, fields):
    """Why a row without document number is set aside, and the customer it heads (if any)."""
    texts = [normalise_header(c) for c in cells if cell_text(c)]
    if any(re.search(p, t) for t in texts for p in layout.skip):
        general = any(_GRAND_TOTAL.search(t) for t in texts)
        return ("ligne de total général (exclue du détail)" if general else "sous-total client (exclu du détail)"), None
    first = next((cell_text(c) for c in cells if cell_text(c)), "")
    m = re.match(layout.group, normalise_header(first)) if len(texts) <= 3 else None
    if m and not cell_text(fields.get("amount", "")):
        raw_first = first.split(":", 1)[-1].strip() if ":" in first else first.split(None, 1)[-1]
        code = raw_first.split()[0] if raw_first else m.group(1)
        return "en-tête de groupe client (code repris pour les lignes suivantes)", code
    if not any(cell_text(fields.get(f, "")) for f in ("amount", "debit", "credit")):
        return "ligne sans pièce ni montant (titre ou commentaire)", None
    return "pièce sans numéro", None


def _read_distinct(reader, values: list, **kwargs) -> ColumnReading:
    """``reader`` (:func:`read_dates` or :func:`read_amounts`) over the distinct cells only, spread
    back to every cell: a 200 000-line file has a few hundred distinct dates. The convention is
    inferred from the distinct cells (the same settling cells; a format mixed into a column is
    judged by its number of distinct values)."""
    keys = [(type(v).__name__, v) for v in values]
    position: dict = {}
    for key in keys:
        position.setdefault(key, len(position))
    read = reader([key[1] for key in position], **kwargs)
    where = [position[key] for key in keys]
    errors = {k: read.errors[i] for k, i in enumerate(where) if i in read.errors}
    return ColumnReading([read.values[i] for i in where], errors, read.convention)


def _read_rows(body, header, mapping: ColumnMapping, guess: LayoutGuess, name, today, progress):
    names = [normalise_header(h) for h in header]
    col = {f: names.index(normalise_header(h)) for f, h in mapping.columns.items()}
    layout = guess.layout
    total = len(body)
    set_aside: list[SetAside] = []
    kept_rows, kept_fields, group_of = [], [], []
    blank = 0
    group_customer = ""  # customer named by the last group heading (« Client : C001 … »)
    for k, (number, cells) in enumerate(body):
        if k % _CHUNK == 0:
            _progress(progress, k, total, "lecture des lignes")
        if all(c is None or (c.strip() == "" if type(c) is str else False) for c in cells):
            blank += 1
            continue
        fields = {f: (cells[j] if j < len(cells) else "") for f, j in col.items()}
        doc = cell_text(fields.get("document_id", ""))
        if not doc or _TOTAL_IN_DOC.search(doc):
            reason, heads = _classify_blank_doc(cells, layout, fields)
            if heads or reason.startswith(("sous-total", "ligne de total")):
                group_customer = heads or ""  # a subtotal closes the group
            set_aside.append(SetAside(number, reason, _shown(cells)))
            continue
        kept_rows.append((number, cells))
        kept_fields.append(fields)
        group_of.append(group_customer)
    _progress(progress, total, total, "lecture des lignes")
    # amounts and dates: each kind read over all rows at once, the convention from the whole file
    _progress(progress, 0, 3, "contrôle des montants et des dates")
    date_fields = [f for f in ("due_date", "document_date") if f in col]
    amount_fields = ["amount"] if mapping.sign != DEBIT_CREDIT else ["debit", "credit"]
    n = len(kept_fields)
    pooled_dates = [fs[f] for f in date_fields for fs in kept_fields]
    dates = _read_distinct(read_dates, pooled_dates, date_order=mapping.date_order, path=name,
                           column=" / ".join(mapping.columns[f] for f in date_fields))
    pooled_amounts = [fs[f] for f in amount_fields for fs in kept_fields]
    amounts = _read_distinct(read_amounts, pooled_amounts, decimal=mapping.decimal, path=name,
                             column=" / ".join(mapping.columns[f] for f in amount_fields))
    _progress(progress, 1, 3, "contrôle des montants et des dates")
    notes = [f"ordre des dates : {dates.convention}" + (" (indiqué)" if mapping.date_order else " (déduit du fichier)"),
             f"séparateur décimal : {amounts.convention}" + (" (indiqué)" if mapping.decimal else " (déduit du fichier)")]
    has_currency = "currency" in col
    if not has_currency:
        notes.append("pas de colonne devise : montants supposés en euros (EUR)")
    out = {c: [] for c in ITEM_COLUMNS}
    findings: list[Finding] = []
    seen: dict[tuple, int] = {}
    for k, (number, cells) in enumerate(kept_rows):
        fs = kept_fields[k]
        problem = None
        due = doc_date = None
        for i, f in enumerate(date_fields):
            idx = i * n + k
            if idx in dates.errors:
                problem = problem or f"{FIELDS[f][0]} : {dates.errors[idx]}"
            elif f == "due_date":
                due = dates.values[idx]
            else:
                doc_date = dates.values[idx]
        if problem is None and due is None:
            problem = "échéance vide"
        cents, empty = 0, True
        for i, f in enumerate(amount_fields):
            idx = i * n + k
            if idx in amounts.errors:
                problem = problem or f"{FIELDS[f][0]} : {amounts.errors[idx]}"
            elif amounts.values[idx] is not None:
                empty = False
                cents += -amounts.values[idx] if f == "credit" else amounts.values[idx]
        if problem is None and empty:
            problem = "montant vide"
        if mapping.sign == INVERTED:
            cents = -cents
        customer = cell_text(fs.get("customer_id", "")) or group_of[k]
        customer_name = cell_text(fs.get("customer_name", ""))
        if problem is None and not customer:
            if customer_name:
                customer = customer_name
                findings.append(Finding(number, "client sans identifiant", cell_text(fs["document_id"]),
                                        f"pas de code client : le nom « {customer_name} » sert d'identifiant"))
            else:
                problem = "client sans identifiant ni nom"
        currency = cell_text(fs.get("currency", "")).upper() or "EUR"
        if problem is None and not re.fullmatch(r"[A-Z]{3}", currency):
            problem = f"devise illisible « {currency} » (code ISO à trois lettres attendu, comme EUR)"
        doc = cell_text(fs["document_id"])
        if problem is None and cents == 0:
            problem = f"pièce « {doc} » au solde nul (soldée)"
        key = (customer, doc, due, cents, currency)
        if problem is None and key in seen:
            problem = f"pièce « {doc} » en double (mêmes client, échéance et montant que la ligne {seen[key]})"
        if problem is not None:
            set_aside.append(SetAside(number, problem, _shown(cells)))
            continue
        seen[key] = number
        if doc_date is not None:
            if doc_date > today:
                findings.append(Finding(number, "date dans le futur", doc, f"pièce datée du {doc_date:%d/%m/%Y}, "
                                        f"après le {today:%d/%m/%Y}"))
            if due < doc_date:
                findings.append(Finding(number, "échéance avant la date de pièce", doc,
                                        f"échéance {due:%d/%m/%Y} avant la pièce du {doc_date:%d/%m/%Y}"))
        oldest = doc_date or due
        if (today - oldest).days > 365 * _VERY_OLD_YEARS:
            findings.append(Finding(number, "pièce très ancienne", doc,
                                    f"datée du {oldest:%d/%m/%Y}, plus de {_VERY_OLD_YEARS} ans : prescrite ?"))
        out["customer_id"].append(customer)
        out["customer_name"].append(customer_name)
        out["document_id"].append(doc)
        out["document_type"].append("facture" if cents > 0 else "avoir")
        out["entry_date"].append(doc_date or due)
        out["due_date"].append(due)
        out["amount_cents"].append(cents)
        out["residual_cents"].append(cents)
        out["unapplied"].append(cents < 0)
        out["source_row"].append(number)
        out["currency"].append(currency)
    _progress(progress, 2, 3, "contrôle des montants et des dates")
    items = pd.DataFrame(out, columns=list(ITEM_COLUMNS))
    for c in ("entry_date", "due_date"):
        items[c] = pd.to_datetime(items[c]).astype("datetime64[s]")
    for c in ("amount_cents", "residual_cents", "source_row"):
        items[c] = items[c].astype(np.int64)
    items["unapplied"] = items["unapplied"].astype(bool)
    totals = {str(c): int(v) for c, v in items.groupby("currency")["residual_cents"].sum().items()}
    used = set(col.values())
    ignored = [h for j, h in enumerate(header) if h and j not in used]
    set_aside.sort(key=lambda s: s.row)
    label = guess.layout.label + (f" (confiance {guess.confidence:.0%})".replace(".", ",") if guess.confidence < 1
                                  else "")
    report = QualityReport(name, label, total - blank, len(items), set_aside, totals, findings, ignored, notes, blank)
    _progress(progress, 3, 3, "contrôle des montants et des dates")
    return items, report, {"date_order": dates.convention, "decimal": amounts.convention}


# ----------------------------------------------------------------------------------------- FEC

def _read_fec(raw: bytes, name: str, today: dt.date, progress) -> OwnData:
    from ..analytics.importers import import_fec

    _progress(progress, 0, 2, "lecture du FEC")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name or "fec.txt")
        path.write_bytes(raw)
        fec = import_fec(path)
    _progress(progress, 1, 2, "lettrage des comptes clients")
    as_of = min(pd.Timestamp(today), pd.Timestamp(fec.ledger["entry_date"].max()))
    open_items = fec.open_items(as_of)
    items = open_items.assign(customer_name="", source_row=np.int64(0), currency="EUR")
    items = items.reindex(columns=list(ITEM_COLUMNS))
    items["source_row"] = items["source_row"].fillna(0).astype(np.int64)
    totals = {"EUR": int(items["residual_cents"].sum())}
    notes = fec.notes + [f"pièces ouvertes au {as_of:%d/%m/%Y} (dernière écriture du fichier ou aujourd'hui)"]
    report = QualityReport(name, "FEC (fichier des écritures comptables)", len(fec.ledger), len(fec.ledger), [],
                           totals, [], [], notes, unit="écriture", open_items=len(items))
    _progress(progress, 2, 2, "lettrage des comptes clients")
    return OwnData(items.reset_index(drop=True), report, None, None)


# ------------------------------------------------------------------------------ bank statements

@dataclass
class BankStatement:
    """A bank statement read by the course's readers, with its quality report."""

    statements: pd.DataFrame
    transactions: pd.DataFrame
    quality: QualityReport
    format: str


def read_bank_statement(data, filename: str = "") -> BankStatement:
    """Read a bank statement (camt.053 XML, MT940, CFONB 120 or bank CSV) with the course's
    readers (:mod:`o2c_lab.formats`), chosen from the content; the quality report gives the
    transactions read, the totals by currency and whether each statement's balances reconcile."""
    from ..formats import read_bank_csv, read_camt053, read_cfonb120, read_mt940

    raw, name = _load(data, filename)
    head = raw[:2000].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith(b"<") or b"BkToCstmrStmt" in head:
        reader, label = read_camt053, "camt.053 (XML ISO 20022)"
    elif b":20:" in head or b"{1:" in head[:10]:
        reader, label = read_mt940, "MT940 (SWIFT)"
    elif re.match(rb"^01\d{4}", head) and all(len(ln.rstrip(b"\r")) in (0, 120) for ln in head.split(b"\n")[:-1]):
        reader, label = read_cfonb120, "CFONB 120"
    else:
        reader, label = read_bank_csv, "relevé CSV"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name or "releve")
        path.write_bytes(raw)
        try:
            statements, transactions = reader(path)
        except DataFileError as exc:
            raise DataFileError(exc.what.replace(str(path), name), valid=exc.valid, todo=exc.todo) from None
    currency = transactions["currency"] if "currency" in transactions else pd.Series("EUR", index=transactions.index)
    totals = {str(c): int(v) for c, v in transactions["amount_cents"].groupby(currency).sum().items()}
    notes = []
    checkable = {"opening_balance_cents", "closing_balance_cents", "statement_id"} <= set(statements.columns) and \
        "statement_id" in transactions
    if checkable:
        moved = transactions.groupby("statement_id")["amount_cents"].sum()
        opening = pd.to_numeric(statements["opening_balance_cents"], errors="coerce")
        closing = pd.to_numeric(statements["closing_balance_cents"], errors="coerce")
        known = opening.notna() & closing.notna()
        ok = known & (opening + statements["statement_id"].map(moved).fillna(0) == closing)
        notes.append(f"{len(statements)} relevé(s) : {int(ok.sum())} dont les soldes se vérifient (solde "
                     f"d'ouverture + opérations = solde de clôture), {int((known & ~ok).sum())} en écart, "
                     f"{int((~known).sum())} sans soldes (non vérifiable)")
    for warning in statements.attrs.get("warnings", []):
        notes.append(str(warning))
    report = QualityReport(name, label, len(transactions), len(transactions), [], totals, [], [], notes,
                           unit="opération")
    return BankStatement(statements, transactions, report, label)
