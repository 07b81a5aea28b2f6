"""Any bank file to one table of bank lines, with the balance check reported.

>>> statements, lines = read_bank_file("releve.sta")          # doctest: +SKIP
>>> balance_report(statements, lines)                          # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataFileError
from ..money import format_eur

__all__ = ["detect_format", "read_bank_file", "balance_report", "FORMATS"]

#: Format identifier -> French name.
FORMATS = {"camt053": "camt.053 (XML ISO 20022)", "mt940": "MT940 (SWIFT)",
           "cfonb120": "CFONB 120", "csv": "export CSV"}


def detect_format(path) -> str:
    """Guess a bank file's format from its first bytes: camt053, mt940, cfonb120 or csv."""
    path = Path(path)
    try:
        head = path.read_bytes()[:4096].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \r\n\t")
    except OSError as exc:
        raise DataFileError(f"lecture impossible ({exc.strerror}).", path=path,
                            todo="vérifiez le chemin du fichier") from None
    if head.startswith("<"):
        return "camt053"
    if ":20:" in head and (":25:" in head or ":60" in head):
        return "mt940"
    first = next((ln for ln in head.splitlines() if ln.strip()), "")
    if first[:2] in ("01", "04", "05", "07") and (len(first) == 120 or len(head) >= 120
                                                  and "\n" not in head[:121]):
        return "cfonb120"
    return "csv"


def read_bank_file(path, fmt: str | None = None, *, decimal: str | None = None,
                   date_order: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a bank statement file in any supported format into ``(statements, lines)``.

    ``fmt`` forces a format (see :data:`FORMATS`); by default it is detected. ``decimal`` and
    ``date_order`` name the conventions of a CSV export when its own values do not settle them
    (see :func:`o2c_lab.formats.bank_csv.read_bank_csv`).
    """
    fmt = fmt or detect_format(path)
    if fmt == "camt053":
        from ..formats.camt053 import read_camt053
        return read_camt053(path)
    if fmt == "mt940":
        from ..formats.mt940 import read_mt940
        return read_mt940(path)
    if fmt == "cfonb120":
        from ..formats.cfonb120 import read_cfonb120
        return read_cfonb120(path)
    if fmt == "csv":
        from ..formats.bank_csv import read_bank_csv
        return read_bank_csv(path, decimal=decimal, date_order=date_order)
    raise DataFileError(f"format « {fmt} » inconnu.", path=path, valid=", ".join(FORMATS))


def balance_report(statements: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per statement: opening + Σ lines = closing, and the gap when it does not hold.

    Columns: statement_id, lines, opening, total, closing (cents), gap_cents (None when the
    file carries no balances), status « équilibré », « écart » or « non vérifiable », and a French
    message.
    """
    sums = lines.groupby("statement_id")["amount_cents"].agg(["sum", "count"])
    rows = []
    for st in statements.itertuples(index=False):
        total = int(sums["sum"].get(st.statement_id, 0))
        count = int(sums["count"].get(st.statement_id, 0))
        opening, closing = st.opening_balance_cents, st.closing_balance_cents
        if pd.isna(opening) or pd.isna(closing):
            gap, status = None, "non vérifiable"
            message = f"{count} opérations, total {format_eur(total)} : pas de soldes dans le fichier"
        else:
            gap = int(opening) + total - int(closing)
            status = "équilibré" if gap == 0 else "écart"
            message = (f"{format_eur(int(opening))} + {format_eur(total)} = "
                       f"{format_eur(int(opening) + total)} ; solde final {format_eur(int(closing))}"
                       + ("" if gap == 0 else f" ; écart {format_eur(gap)}"))
        rows.append({"statement_id": st.statement_id, "lines": count, "opening_cents": opening,
                     "total_cents": total, "closing_cents": closing, "gap_cents": gap,
                     "status": status, "message": message})
    return pd.DataFrame(rows)
