"""The quality report of an imported file, to read before any analysis.

It says how many rows were read, which were set aside and why (each row as the user sees it in
the file, with its line number), the totals by currency (never added across currencies), the
dates that look wrong (documents in the future, due before their date, very old), the
duplicates, the customers without an identifier and the columns not used. The count always
closes: rows read = rows kept + rows set aside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..money import format_eur, format_number

__all__ = ["SetAside", "Finding", "QualityReport", "money"]


@dataclass(frozen=True)
class SetAside:
    """A row of the file not kept as an item: its line, the reason and its cells as written."""

    row: int
    reason: str
    cells: str


@dataclass(frozen=True)
class Finding:
    """A kept item worth a look (a date out of range, a customer without identifier…)."""

    row: int
    kind: str
    document: str
    detail: str


def money(cents: int, currency: str) -> str:
    """An amount in its currency: ``1 234,56 €`` for euros, ``1 234,56 USD`` otherwise."""
    if currency == "EUR":
        return format_eur(cents)
    return f"{format_number(cents / 100, 2)} {currency}"


@dataclass
class QualityReport:
    """What reading a file found. ``rows_read`` counts the non-blank rows below the header."""

    filename: str
    layout: str
    rows_read: int
    kept: int
    set_aside: list[SetAside] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    columns_ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blank_rows: int = 0
    #: what a kept row is: « pièce » (an open item), « opération » (a bank transaction) or « écriture »
    #: (a FEC's line of a customer account)
    unit: str = "pièce"
    #: a FEC: the documents still open once the customer accounts are lettered (the totals are theirs)
    open_items: int | None = None

    @property
    def balanced(self) -> bool:
        """Rows read = rows kept + rows set aside (no silent drop)."""
        return self.rows_read == self.kept + len(self.set_aside)

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)

    def to_frame(self) -> pd.DataFrame:
        """One row per point of the report: ``Rubrique``, ``Ligne``, ``Pièce``, ``Détail``."""
        rows = [{"Rubrique": "lecture", "Ligne": None, "Pièce": "", "Détail": text} for text in self.summary_lines()]
        rows += [{"Rubrique": "ligne mise de côté", "Ligne": s.row, "Pièce": "", "Détail": f"{s.reason} — « {s.cells} »"}
                 for s in self.set_aside]
        rows += [{"Rubrique": f.kind, "Ligne": f.row, "Pièce": f.document, "Détail": f.detail} for f in self.findings]
        rows += [{"Rubrique": "colonne ignorée", "Ligne": None, "Pièce": "", "Détail": c} for c in self.columns_ignored]
        rows += [{"Rubrique": "note", "Ligne": None, "Pièce": "", "Détail": n} for n in self.notes]
        out = pd.DataFrame(rows, columns=["Rubrique", "Ligne", "Pièce", "Détail"])
        out["Ligne"] = out["Ligne"].astype("Int64")
        return out

    def summary_lines(self) -> list[str]:
        lines = [f"Fichier « {self.filename} » lu comme : {self.layout}.",
                 f"{self.rows_read} ligne(s) lue(s) : {self.kept} {self.unit}(s) retenue(s), "
                 f"{len(self.set_aside)} ligne(s) mise(s) de côté"
                 + (f" ; {self.blank_rows} ligne(s) vide(s) ignorée(s)." if self.blank_rows else ".")]
        totalled = f"{self.unit}s retenues"
        if self.open_items is not None:
            lines.append(f"{self.open_items} pièce(s) encore ouverte(s) après lettrage des comptes clients.")
            totalled = "pièces ouvertes"
        for currency, cents in sorted(self.totals.items()):
            lines.append(f"Total des {totalled} en {currency} : {money(cents, currency)}.")
        if len(self.totals) > 1:
            lines.append("Plusieurs devises : chaque total reste dans sa devise (jamais additionnés).")
        return lines

    def to_text(self, max_rows: int = 20) -> str:
        """The report in French Markdown (the first ``max_rows`` rows of each list)."""
        out = ["## Contrôle qualité du fichier", ""] + [f"- {line}" for line in self.summary_lines()]
        if self.set_aside:
            out += ["", f"### Lignes mises de côté ({len(self.set_aside)})", ""]
            out += [f"- ligne {s.row} : {s.reason} — « {s.cells} »" for s in self.set_aside[:max_rows]]
            if len(self.set_aside) > max_rows:
                out.append(f"- … et {len(self.set_aside) - max_rows} autre(s) (voir le fichier du rapport)")
        kinds = sorted({f.kind for f in self.findings})
        for kind in kinds:
            found = [f for f in self.findings if f.kind == kind]
            out += ["", f"### {kind[:1].upper() + kind[1:]} ({len(found)})", ""]
            out += [f"- ligne {f.row}, pièce {f.document} : {f.detail}" for f in found[:max_rows]]
            if len(found) > max_rows:
                out.append(f"- … et {len(found) - max_rows} autre(s)")
        if self.columns_ignored:
            out += ["", "### Colonnes non utilisées", "", "- " + " ; ".join(self.columns_ignored)]
        if self.notes:
            out += ["", "### Notes", ""] + [f"- {n}" for n in self.notes]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    def write(self, path) -> Path:
        """Write the report as ``.xlsx`` (one sheet) or ``.csv`` (``;``, UTF-8 with BOM), formula-safe."""
        from ..formats.tabular import write_delimited, write_frames_xlsx

        path = Path(path)
        frame = self.to_frame()
        if path.suffix.lower() == ".csv":
            rows = [list(frame.columns)] + [["" if pd.isna(v) else v for v in row]
                                            for row in frame.itertuples(index=False)]
            return write_delimited(rows, path)
        return write_frames_xlsx({"Contrôle qualité": frame}, path)
