"""What the engine hands over: a reconciliation file the ERP imports, a FEC-style lettering
extract, the unapplied cash with its hypotheses, and the before / after figure of the course.

CSV files are for French Excel (``;``, UTF-8 with BOM, decimal comma, ``JJ/MM/AAAA``); the
lettering extract follows the FEC layout (18 fields, TAB, ``AAAAMMJJ``, decimal comma).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import OutputFolderError
from ..formats.fec import FEC_COLUMNS, lettering_code
from ..formats.tabular import write_delimited
from ..money import format_date, format_pct
from .engine import PASSES, STATUS_AUTO, STATUS_OUT_OF_SCOPE, MatchResult

__all__ = ["reconciliation_table", "lettering_extract", "unapplied_cash", "write_csv_fr",
           "write_fec_extract", "before_after_figure"]

def _letterings(result: MatchResult) -> dict[str, str]:
    """A lettering code per automatic line that settles its documents exactly (per customer)."""
    counters: dict[str, int] = {}
    codes = {}
    for r in result.results:
        c = r.chosen
        if r.status != STATUS_AUTO or c is None or c.unapplied_cents or not c.allocations:
            continue
        if set(r.settled) != {d for d, _ in c.allocations}:
            continue  # partial: the document stays open, no full lettering
        k = counters.get(c.customer_id, 0)
        counters[c.customer_id] = k + 1
        codes[r.bank_tx_id] = lettering_code(k)
    return codes


def reconciliation_table(result: MatchResult, *, include_suggestions: bool = False) -> pd.DataFrame:
    """One row per (bank line, document) applied: what the ERP imports (French headers)."""
    codes = _letterings(result)
    rows = []
    for r in result.results:
        c = r.chosen
        if c is None or (r.status != STATUS_AUTO and not include_suggestions):
            continue
        for doc, cents in c.allocations:
            rows.append({
                "Date d'opération": r.booking_date, "Réf. opération": r.bank_tx_id,
                "Montant opération": r.amount_cents, "Code client": c.customer_id, "Pièce": doc,
                "Montant imputé": cents, "Code lettrage": codes.get(r.bank_tx_id, ""),
                "Date de lettrage": r.booking_date if r.bank_tx_id in codes else None,
                "Statut": r.status, "Passe": PASSES[c.pass_id][0],
                "Confiance": round(c.confidence, 2), "Litige à ouvrir": c.dispute[1] if c.dispute
                and c.dispute[0] == doc else 0, "Explication": c.explanation})
    return pd.DataFrame(rows, columns=["Date d'opération", "Réf. opération", "Montant opération",
                                       "Code client", "Pièce", "Montant imputé", "Code lettrage",
                                       "Date de lettrage", "Statut", "Passe", "Confiance",
                                       "Litige à ouvrir", "Explication"])


def unapplied_cash(result: MatchResult, lines: pd.DataFrame) -> pd.DataFrame:
    """Receipts not (fully) applied automatically, with the engine's proposal and hypotheses."""
    info = lines.set_index("bank_tx_id")
    rows = []
    for r in result.results:
        if r.status == STATUS_OUT_OF_SCOPE:
            continue
        left = r.amount_cents - (sum(a for _, a in r.chosen.allocations)
                                 if r.status == STATUS_AUTO and r.chosen else 0)
        if left <= 0:
            continue
        line = info.loc[r.bank_tx_id] if r.bank_tx_id in info.index else {}
        rows.append({"Date d'opération": r.booking_date, "Réf. opération": r.bank_tx_id,
                     "Libellé": line.get("label", ""), "Payeur": line.get("counterparty_name", ""),
                     "Montant": r.amount_cents, "Non affecté": left, "Statut": r.status,
                     "Client probable": r.customer_id, "Proposition": r.explanation,
                     "Hypothèses": " | ".join(h.explanation for h in r.hypotheses)})
    return pd.DataFrame(rows, columns=["Date d'opération", "Réf. opération", "Libellé", "Payeur",
                                       "Montant", "Non affecté", "Statut", "Client probable",
                                       "Proposition", "Hypothèses"])


def lettering_extract(result: MatchResult, customers: pd.DataFrame,
                      account: str = "411000") -> pd.DataFrame:
    """FEC-style extract of the lettered 411 lines: the receipt and the documents it settles,
    sharing a lettering code and date (each lettered group nets to zero)."""
    names = dict(zip(customers["customer_id"], customers["name"]))
    codes = _letterings(result)
    rows, n = [], 0
    for r in result.results:
        if r.bank_tx_id not in codes:
            continue
        c, n = r.chosen, n + 1
        day = r.booking_date.strftime("%Y%m%d")
        common = {"EcritureNum": f"LET{n:06d}", "EcritureDate": day, "CompteNum": account,
                  "CompteLib": "Clients", "CompAuxNum": c.customer_id,
                  "CompAuxLib": names.get(c.customer_id, ""), "EcritureLet": codes[r.bank_tx_id],
                  "DateLet": day, "ValidDate": day, "Montantdevise": "", "Idevise": ""}
        applied = sum(a for _, a in c.allocations)
        rows.append({**common, "JournalCode": "BQ", "JournalLib": "Banque",
                     "PieceRef": r.bank_tx_id, "PieceDate": day,
                     "EcritureLib": f"Règlement {r.bank_tx_id}", "Debit": 0, "Credit": applied})
        # What settles a document besides the cash: the discount granted, the bank or FX
        # charges the payer deducted (under the user's tolerance).
        written_off = [(w, ref, label) for w, ref, label in
                       ((c.discount, "ESC", "Escompte accordé"), (c.fee, "FRS", "Frais déduits par le payeur"))
                       if w]
        for doc, cents in c.allocations:
            due = cents + sum(w[1] for w, _, _ in written_off if w[0] == doc)
            rows.append({**common, "JournalCode": "VE", "JournalLib": "Ventes", "PieceRef": doc,
                         "PieceDate": day, "EcritureLib": f"Lettrage {doc}",
                         "Debit": max(due, 0), "Credit": max(-due, 0)})
            for (_, cents_off), ref, label in ((w, ref, label) for w, ref, label in written_off
                                               if w[0] == doc):
                rows.append({**common, "JournalCode": "OD", "JournalLib": "Opérations diverses",
                             "PieceRef": f"{ref}-{doc}", "PieceDate": day,
                             "EcritureLib": f"{label} {doc}", "Debit": 0, "Credit": cents_off})
    return pd.DataFrame(rows, columns=list(FEC_COLUMNS))


def _ensure(path) -> Path:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(f"Dossier « {path.parent} » impossible à créer ({exc.strerror}).",
                                todo="choisissez un dossier où vous avez le droit d'écrire") from None
    return path


def _cents_text(cents) -> str:
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def write_csv_fr(table: pd.DataFrame, path, money_columns=()) -> Path:
    """Write a table for French Excel: ``;``, UTF-8 with BOM, amounts ``1234,56``, dates
    ``JJ/MM/AAAA``. ``money_columns`` hold cents."""
    path = _ensure(path)
    out = table.copy()
    for col in out.columns:
        if col in money_columns:
            out[col] = out[col].map(_cents_text)
        elif out[col].dtype.kind == "f":
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else str(v).replace(".", ","))
        elif out[col].map(lambda v: hasattr(v, "year")).any():
            out[col] = out[col].map(lambda v: format_date(v) if hasattr(v, "year") else "")
    return write_delimited(_rows(out), path)


def _rows(table: pd.DataFrame) -> list[list]:
    """Header then rows as text (missing values empty), for :func:`write_delimited`."""
    text = table.astype(object).where(table.notna(), "")
    return [list(map(str, table.columns)), *([str(v) for v in row] for row in text.itertuples(index=False))]


def write_fec_extract(extract: pd.DataFrame, path) -> Path:
    """Write a lettering extract in the FEC layout: TAB-separated, UTF-8, decimal comma."""
    path = _ensure(path)
    out = extract.copy()
    for col in ("Debit", "Credit"):
        out[col] = out[col].map(_cents_text)
    return write_delimited(_rows(out), path, delimiter="\t", encoding="utf-8")


def before_after_figure(comparison: pd.DataFrame):
    """Bar chart of the automatic application rate: exact-reference rule vs engine."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2))
    rates = comparison["Taux automatique"].astype(float).tolist()
    bars = ax.bar(comparison["Méthode"], rates, color=["#b0b0b0", "#2b6cb0"])
    for bar, rate in zip(bars, rates):
        ax.text(bar.get_x() + bar.get_width() / 2, rate + 0.01, format_pct(rate),
                ha="center", va="bottom")
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("Règlements affectés automatiquement")
    ax.set_title("Lettrage automatique : avant / après")
    ax.yaxis.set_major_formatter(lambda v, _: format_pct(v, 0))
    fig.tight_layout()
    return fig
