"""Company tables as French Excel workbooks and CSV files, driven by the schema.

In-memory convention for every company table (what :func:`conform_table` produces and what
:func:`read_csv` returns):

- ``str`` columns: pandas ``str`` dtype, ``""`` for a missing value (never NaN);
- ``date`` columns: ``datetime64[ns]`` normalised at midnight, ``NaT`` when empty;
- ``cents`` and ``int`` columns: ``int64`` (pandas ``Int64`` only when a value is missing);
- ``bool`` columns: ``bool``; ``float`` columns: ``float64`` (rates and ratios, never money).

CSV for French Excel: ``;`` separator, UTF-8 with BOM, CRLF, French headers, amounts in euros with
a decimal comma and no thousands separator (``-1234,56``), dates ``JJ/MM/AAAA``, ``oui``/``non``;
text containing ``;``, quotes or line breaks is quoted as RFC 4180 says.

Formula-safe: every CSV and workbook the project writes goes through :func:`write_delimited`,
:func:`append_row` or :func:`write_excel`, which never let a text cell become a formula (CSV
injection, OWASP): a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading apostrophe in a CSV and the explicit string type in a workbook. Numbers, and
numeric text like ``-1234,56``, stay numbers; only a :class:`Formula` is written as a formula.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..company.schema import Table, table
from ..errors import DataFileError, InvalidParameterError, OutputFolderError
from ..money import format_number

__all__ = ["EXCEL_MAX_ROWS", "OLE_MAGIC", "cell_text", "decode_text", "workbook_rows", "Formula", "neutralise", "write_delimited", "append_row", "write_frames_xlsx",
           "conform_table", "write_excel", "write_csv", "read_csv"]

#: Rows in one Excel sheet, header included (Excel 2007 and later).
EXCEL_MAX_ROWS = 1_048_576
#: The first bytes of an OLE compound file: Excel 97-2003 workbooks and password-encrypted .xlsx.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_DATE_DTYPE = "datetime64[ns]"
_EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")  # Excel serial day 0 (1900 system)
_TRUE, _FALSE = "oui", "non"
_CENTS_RE = re.compile(r"-?\d+(,\d{1,2})?")
_WIDTH_SAMPLE = 500  # rows looked at to size a text column


def decode_text(raw: bytes, path) -> str:
    """Text of a CSV a user sends: UTF-8 (with or without BOM), UTF-16 with its BOM, or the
    Windows code page of Excel's « CSV (séparateur : point-virgule) »; an empty or binary file
    is a :class:`DataFileError`."""
    if not raw.strip(b"\xef\xbb\xbf\xff\xfe \r\n\t\x00"):
        raise DataFileError("le fichier est vide.", path=path, todo="exportez-le à nouveau : il ne contient rien")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise DataFileError("fichier illisible : ni UTF-8, ni UTF-16, ni Windows-1252 (fichier binaire ?).", path=path,
                        valid="un fichier CSV (texte)",
                        todo="exportez à nouveau en « CSV UTF-8 », ou envoyez le classeur .xlsx")


# ---------------------------------------------------------------------------- formula safety

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC_TEXT = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?")  # a number, not a formula


class Formula(str):
    """A formula the project writes on purpose (``=SUM(F2:F4)`` in the 30-day plan workbook)."""


def cell_text(value) -> str:
    """A spreadsheet cell as the user sees it: a date as 31/12/2026, a whole number read as a float
    without its « .0 » (732829320.0 reads 732829320), surrounding spaces removed."""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return "" if pd.isna(value) else value.strftime("%d/%m/%Y")  # NaT is a datetime too
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def workbook_rows(raw: bytes, path, sheet: str | None = None) -> list[tuple[int, list]]:
    """Rows of a workbook's sheet (the first one by default) as (row number Excel shows, cells):
    empty cells are ``""``, dates are dates and a whole number is an ``int`` (Excel stores every
    number as a float: document 12345 is not « 12345.0 »). Reads .xlsx and the Excel 97-2003 .xls
    that accounting tools still export, with calamine (about fourteen times faster than openpyxl on a
    200 000-line export).

    Raises:
        DataFileError: a password-protected or damaged workbook, no such sheet.
    """
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except Exception as exc:  # a damaged, encrypted or foreign file raises several types
        if raw.startswith(OLE_MAGIC):  # an encrypted .xlsx is an OLE container too
            raise DataFileError("classeur protégé par un mot de passe, ou ancien classeur Excel 97-2003 (.xls) "
                                "abîmé.", path=path, valid="un classeur .xlsx ou .xls sans mot de passe d'ouverture",
                                todo="ouvrez-le dans Excel, retirez le mot de passe s'il y en a un (Fichier > "
                                     "Informations > Protéger le classeur) et enregistrez-le au format .xlsx") from None
        raise DataFileError(f"classeur Excel illisible ({type(exc).__name__}).", path=path,
                            valid="un classeur .xlsx enregistré par Excel ou LibreOffice",
                            todo="ouvrez-le dans Excel et enregistrez-le de nouveau au format .xlsx") from None
    if sheet is not None and sheet not in book.sheet_names:
        raise DataFileError(f"feuille « {sheet} » introuvable.", path=path, valid=", ".join(book.sheet_names),
                            todo="indiquez le nom d'une de ces feuilles")
    found = book.get_sheet_by_name(sheet) if sheet is not None else book.get_sheet_by_index(0)
    return [(k + 1, [int(v) if isinstance(v, float) and v.is_integer() else v for v in row])
            for k, row in enumerate(found.to_python(skip_empty_area=False))]


def _evaluated(text: str) -> bool:
    """Whether a spreadsheet would evaluate ``text`` once its leading apostrophes are removed."""
    rest = text.lstrip("'")
    return rest.startswith(_TRIGGERS) and not _NUMERIC_TEXT.fullmatch(rest)


def neutralise(value):
    """``value`` as a spreadsheet cannot evaluate it: a text starting with ``= + - @``, a tab or
    a carriage return gets a leading ``'`` (OWASP CSV injection); numbers, numeric text such as
    ``-1234,56`` and :class:`Formula` are returned unchanged. A text that already starts with
    apostrophes before such a character gets one more, so that reading back is exact.

    >>> neutralise("=cmd|' /C calc'!A0"), neutralise("-1234,56"), neutralise("@SUM(A1)")
    ("'=cmd|' /C calc'!A0", '-1234,56', "'@SUM(A1)")
    """
    if isinstance(value, str) and not isinstance(value, Formula) and _evaluated(value):
        return "'" + value
    return value


def _unneutralise(text: pd.Series) -> pd.Series:
    """Undo :func:`neutralise` on a text column read back from a CSV the project wrote."""
    escaped = text.str.startswith("'") & text.map(_evaluated)
    return text.where(~escaped, text.str[1:])


def write_delimited(rows, path, *, delimiter: str = ";", encoding: str = "utf-8-sig",
                    quoted: bool = True) -> Path:
    """Write rows (the header first) as a formula-safe text file, CRLF line ends.

    The default is the CSV French Excel opens (``;``, UTF-8 with BOM, RFC 4180 quoting); the
    FEC passes a TAB, UTF-8 and ``quoted=False`` (its fields are never quoted: the caller has
    removed TABs and line breaks from them).
    """
    path = Path(path)
    _ensure_folder(path.parent)
    safe = ([neutralise(v) for v in row] for row in rows)
    with path.open("w", encoding=encoding, newline="") as handle:
        if quoted:
            csv.writer(handle, delimiter=delimiter, quotechar='"', lineterminator="\r\n",
                       quoting=csv.QUOTE_MINIMAL).writerows(safe)
        else:
            handle.writelines(delimiter.join(map(str, row)) + "\r\n" for row in safe)
    return path


def append_row(sheet, values) -> None:
    """Append a row to an openpyxl sheet; text stays text (never a formula) unless a Formula."""
    sheet.append(values)
    for cell, value in zip(sheet[sheet.max_row], values):
        if cell.data_type == "f" and not isinstance(value, Formula):
            cell.data_type = "s"


def write_frames_xlsx(frames: dict[str, pd.DataFrame], path) -> Path:
    """Write DataFrames as the sheets of a workbook, formula-safe (see :func:`append_row`)."""
    from openpyxl import Workbook

    path = Path(path)
    _ensure_folder(path.parent)
    book = Workbook()
    book.remove(book.active)
    for name, df in frames.items():
        sheet = book.create_sheet(str(name)[:31])
        append_row(sheet, [str(c) for c in df.columns])
        for row in df.astype(object).where(df.notna(), None).itertuples(index=False):
            append_row(sheet, list(row))
    book.save(path)
    return path


def _check_columns(df: pd.DataFrame, spec: Table) -> None:
    missing = [c for c in spec.names if c not in df.columns]
    if missing:
        raise InvalidParameterError(
            f"Table « {spec.name} » : colonne(s) absente(s) : {', '.join(missing)}.",
            valid="les colonnes du schéma : " + ", ".join(spec.names),
            todo="ajoutez les colonnes manquantes ou vérifiez le nom de la table",
        )


def conform_table(df: pd.DataFrame, table_name: str) -> pd.DataFrame:
    """Return ``df`` restricted to the schema columns of ``table_name``, with the module's dtypes."""
    spec = table(table_name)
    _check_columns(df, spec)
    out = {}
    for col in spec.columns:
        s = df[col.name]
        if col.kind == "str":
            out[col.name] = s.astype(object).where(s.notna(), "").astype(str)
        elif col.kind == "date":
            out[col.name] = pd.to_datetime(s).astype(_DATE_DTYPE).dt.normalize()
        elif col.kind in ("cents", "int"):
            out[col.name] = s.astype("Int64" if s.isna().any() else "int64")
        elif col.kind == "bool":
            out[col.name] = s.astype(bool)
        else:
            out[col.name] = s.astype("float64")
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


# --------------------------------------------------------------------------------------- Excel

def _column_width(series: pd.Series, kind: str, header: str) -> float:
    head = len(header) + 2
    if kind == "cents":
        return max(head, 14)
    if kind == "date":
        return max(head, 11)
    if kind in ("bool", "int", "float"):
        return max(head, 8)
    sample = series.iloc[:_WIDTH_SAMPLE].astype(str).str.len()
    longest = int(sample.max()) if len(sample) else 0
    return float(min(max(head, longest + 2), 60))


def _cell_values(series: pd.Series, kind: str) -> list:
    """Python values ready for the sheet; ``None`` means an empty cell."""
    if kind == "cents":
        values = series.astype("Float64") / 100
        return [None if pd.isna(v) else float(v) for v in values]
    if kind == "date":
        serial = (series.to_numpy(dtype=_DATE_DTYPE) - _EXCEL_EPOCH) / np.timedelta64(1, "D")
        return [None if np.isnan(v) else float(v) for v in serial]
    if kind == "bool":
        return [_TRUE if v else _FALSE for v in series.astype(bool)]
    if kind in ("int", "float"):
        return [None if pd.isna(v) else v.item() if hasattr(v, "item") else v for v in series]
    return [v if v else None for v in series.astype(object).where(series.notna(), "")]


_FIXED_CREATED = datetime.datetime(2026, 1, 1)


def write_excel(tables: dict[str, pd.DataFrame], path) -> Path:
    """Write one sheet per table (schema sheet names, French headers, Excel number formats).

    Raises :class:`InvalidParameterError` before writing anything when a table does not fit in a
    sheet (Excel's limit is 1 048 576 rows): a truncated sheet would silently lose data.
    """
    import xlsxwriter

    path = Path(path)
    specs = [table(name) for name in tables]
    for spec in specs:
        df = tables[spec.name]
        _check_columns(df, spec)
        if len(df) + 1 > EXCEL_MAX_ROWS:
            raise InvalidParameterError(
                f"La table « {spec.name} » a {format_number(len(df), 0)} lignes : trop pour une "
                "feuille Excel.",
                valid=f"au plus {format_number(EXCEL_MAX_ROWS - 1, 0)} lignes par feuille",
                todo="exportez cette table en CSV (write_csv) ou réduisez la taille de l'entreprise",
            )
    _ensure_folder(path.parent)
    # constant_memory streams rows to disk: flat memory and faster for big sheets.
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    # A fixed creation date keeps the workbook byte-identical for the same data (same seed, same
    # files for every participant of a cohort).
    book.set_properties({"created": _FIXED_CREATED, "title": "Données de l'entreprise fil rouge"})
    header_fmt = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                  "text_wrap": True, "valign": "top"})
    kind_fmt = {
        "cents": book.add_format({"num_format": '#,##0.00 "€";-#,##0.00 "€"'}),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "float": book.add_format({"num_format": "0.0##"}),
        "int": None, "bool": None, "str": None,
    }
    for spec in specs:
        df = tables[spec.name]
        sheet = book.add_worksheet(spec.sheet)
        n = len(df)
        columns = []
        for j, col in enumerate(spec.columns):
            # Cells written without a format take the column's: same file, a quarter faster.
            sheet.set_column(j, j, _column_width(df[col.name], col.kind, col.header),
                             kind_fmt[col.kind])
            write = sheet.write_string if col.kind in ("str", "bool") else sheet.write_number
            columns.append((j, write, _cell_values(df[col.name], col.kind)))
        sheet.write_row(0, 0, [c.header for c in spec.columns], header_fmt)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(n, 1), len(spec.columns) - 1)
        for i in range(n):
            row = i + 1
            for j, write, values in columns:
                value = values[i]
                if value is not None:
                    write(row, j, value)
    book.close()
    return path


# ----------------------------------------------------------------------------------------- CSV

def _ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(f"Impossible de créer le dossier « {folder} » ({exc.strerror}).",
                                todo="choisissez un dossier où vous avez le droit d'écrire") from None


def _format_cents(series: pd.Series) -> pd.Series:
    missing = series.isna()
    cents = series.fillna(0).astype("int64")
    magnitude = cents.abs()
    text = (np.where(cents < 0, "-", "") + (magnitude // 100).astype(str) + ","
            + (magnitude % 100).astype(str).str.zfill(2))
    return pd.Series(text, index=series.index).where(~missing, "")


def _format_column(series: pd.Series, kind: str) -> pd.Series:
    if kind == "cents":
        return _format_cents(series)
    if kind == "date":
        return pd.to_datetime(series).dt.strftime("%d/%m/%Y").fillna("")
    if kind == "bool":
        return series.map({True: _TRUE, False: _FALSE})
    if kind == "float":
        # repr gives the shortest text that reads back to the same float: exact round trip.
        return series.map(lambda v: "" if pd.isna(v) else repr(float(v)).replace(".", ","))
    if kind == "int":
        return series.map(lambda v: "" if pd.isna(v) else str(int(v)))
    return series.astype(object).where(series.notna(), "").astype(str)


def write_csv(df: pd.DataFrame, table_name: str, path) -> Path:
    """Write one schema table as a CSV file that French Excel opens correctly (see module doc)."""
    spec = table(table_name)
    _check_columns(df, spec)
    columns = [_format_column(df[c.name], c.kind).tolist() for c in spec.columns]
    return write_delimited([[c.header for c in spec.columns], *zip(*columns)], path)


def _first_bad(bad: pd.Series, text: pd.Series, path, column: str, first_line: int, valid: str):
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(f"valeur illisible « {text.iloc[i]} ».", path=path,
                            row=first_line + i, column=column, valid=valid,
                            todo="corrigez la cellule puis relancez la lecture")


def _parse_cents(text: pd.Series) -> pd.Series:
    parts = text.str.lstrip("-").str.partition(",")
    whole = parts[0].replace("", "0").astype("int64")
    cents = whole * 100 + parts[2].str.ljust(2, "0").astype("int64")
    return cents.where(~text.str.startswith("-"), -cents)


def _parse_column(text: pd.Series, kind: str, path, column: str, first_line: int) -> pd.Series:
    """Convert one text column to its schema kind; the first unreadable cell raises."""
    if kind == "str":
        return _unneutralise(text)
    filled = text != ""
    if kind == "bool":
        lowered = text.str.strip().str.lower()
        _first_bad(~lowered.isin([_TRUE, _FALSE]), text, path, column, first_line, "oui ou non")
        return lowered == _TRUE
    if kind == "date":
        values = pd.to_datetime(text.where(filled), format="%d/%m/%Y", errors="coerce")
        _first_bad(filled & values.isna(), text, path, column, first_line,
                   "une date JJ/MM/AAAA comme 31/12/2026")
        return values.astype(_DATE_DTYPE)
    if kind == "cents":
        _first_bad(filled & ~text.str.fullmatch(_CENTS_RE.pattern), text, path, column,
                   first_line, "un montant en euros comme 1234,56 ou -12,5 (sans espace ni €)")
        values = _parse_cents(text.where(filled, "0"))
    else:
        values = pd.to_numeric(text.str.replace(",", ".", regex=False).where(filled),
                               errors="coerce")
        bad = filled & values.isna()
        if kind == "float":
            _first_bad(bad, text, path, column, first_line, "un nombre comme 5,5")
            return values.astype("float64")
        _first_bad(bad | (filled & (values % 1 != 0)), text, path, column, first_line,
                   "un nombre entier")
    if filled.all():
        return values.astype("int64")
    return values.astype("Int64").where(filled, pd.NA)


def read_csv(path, table_name: str) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv` (or edited in French Excel) back to schema dtypes."""
    spec = table(table_name)
    path = Path(path)
    try:
        raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, na_filter=False,
                          encoding="utf-8-sig", quotechar='"', doublequote=True)
    except FileNotFoundError:
        raise DataFileError("fichier introuvable.", path=path,
                            todo="vérifiez le nom et le dossier du fichier") from None
    except UnicodeDecodeError:
        raise DataFileError("le fichier n'est pas encodé en UTF-8.", path=path,
                            valid="un CSV UTF-8 (avec ou sans BOM), séparateur point-virgule",
                            todo="dans Excel, enregistrez sous « CSV UTF-8 (délimité par des "
                                 "virgules) »") from None
    by_header = {c.header: c for c in spec.columns}
    by_name = {c.name: c for c in spec.columns}
    rename = {}
    for h in raw.columns:
        col = by_header.get(h.strip()) or by_name.get(h.strip())
        if col is not None:
            rename[h] = col.name
    missing = [c.header for c in spec.columns if c.name not in rename.values()]
    if missing:
        raise DataFileError(
            f"colonne(s) absente(s) pour la table « {spec.name} » : {', '.join(missing)}.",
            path=path, valid="les en-têtes : " + " ; ".join(c.header for c in spec.columns),
            todo="vérifiez la ligne d'en-tête et le séparateur (point-virgule)")
    raw = raw.rename(columns=rename)
    first_line = 2  # line 1 is the header
    out = {c.name: _parse_column(raw[c.name].astype(str), c.kind, path, c.header, first_line)
           for c in spec.columns}
    return pd.DataFrame(out, index=pd.RangeIndex(len(raw)))
