"""No file the project writes holds a live formula, whatever the names and labels it carries.

A small company whose customer names, ledger labels and bank labels start with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return goes through every real writer (dataset CSV, workbook
and FEC, lettering extract, write_csv_fr, deliverables with the priority matrix and the 30-day
plan, anonymize_excel and its mapping); every CSV is read back with the csv module and every
workbook with openpyxl.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from o2c_lab import generate_company
from o2c_lab.ai import anonymize_excel
from o2c_lab.cashapp import lettering_extract, match_bank_lines, open_items, reconciliation_table
from o2c_lab.cashapp import write_csv_fr, write_fec_extract
from o2c_lab.company.dataset import write_dataset
from o2c_lab.deliverables import export_deliverables

PAYLOADS = ["=cmd|' /C calc'!A0", "+SUM(1;1)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1+1",
            "\r=HYPERLINK(\"http://x\")"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ROI_BOOK = "09_plan_action_30_jours.xlsx"


def _hostile(values: pd.Series) -> pd.Series:
    return pd.Series([PAYLOADS[k % len(PAYLOADS)] + " " + str(v) for k, v in enumerate(values)], index=values.index)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    base = generate_company(seed=11, customers=30)
    tables = dict(base.tables)
    tables["customers"] = tables["customers"].assign(name=_hostile(tables["customers"]["name"]))
    tables["ar_ledger"] = tables["ar_ledger"].assign(label=_hostile(tables["ar_ledger"]["label"]))
    tables["bank_transactions"] = tables["bank_transactions"].assign(
        label=_hostile(tables["bank_transactions"]["label"]))
    company = dataclasses.replace(base, tables=tables)
    out = tmp_path_factory.mktemp("hostile")
    write_dataset(company, out / "dataset", formats=("excel", "csv", "fec", "truth"))

    bank = tables["bank_transactions"]
    day = bank[bank["statement_id"] == bank["statement_id"].iloc[-1]]
    items = open_items(company.invoices, company.credit_notes, company.ar_ledger,
                       pd.Timestamp(day["booking_date"].min()).date())
    result = match_bank_lines(day, items, company.customers, company.contracts)
    write_fec_extract(lettering_extract(result, company.customers), out / "lettrage.txt")
    write_csv_fr(reconciliation_table(result), out / "rapprochement.csv")
    write_csv_fr(company.customers[["customer_id", "name"]], out / "clients.csv")

    journal = {"participant": "=cmd|' /C calc'!A0", "prompts": [{"id": p, "text": p} for p in PAYLOADS[:3]],
               "timings": [{"task": "-relance", "mode": m, "seconds": s} for m, s in (("manuel", 600), ("avec_ia", 120))]}
    export_deliverables(company, out / "livrables", journal)

    source = out / "factures.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["client", "commentaire", "montant"])
    for name in company.customers["name"]:
        book.active.append([name, "@appel " + name, -125.5])
        book.active.cell(book.active.max_row, 1).data_type = "s"  # the source holds text, like a real export
        book.active.cell(book.active.max_row, 2).data_type = "s"
    book.save(source)
    anonymize_excel(source, out / "factures_anonymisees.xlsx", company=company)
    return out


def _csv_cells(path: Path):
    delimiter = "\t" if path.suffix == ".txt" else ";"
    with path.open(encoding="utf-8-sig", newline="") as handle:  # quoted CR stays inside its cell
        for row in csv.reader(handle, delimiter=delimiter):
            yield from row


def _live(cell: str) -> bool:
    """A cell a spreadsheet would evaluate: starts with a trigger and is not a plain number."""
    if not cell.startswith(TRIGGERS):
        return False
    try:
        float(cell.replace(",", "."))
        return False
    except ValueError:
        return True


def test_every_csv_is_formula_safe_and_keeps_negative_numbers(outputs):
    files = sorted(p for p in outputs.rglob("*") if p.suffix in (".csv", ".txt"))
    names = {p.name for p in files}
    assert {"customers.csv", "ar_ledger.csv", "bank_transactions.csv", "lettrage.txt", "rapprochement.csv",
            "clients.csv"} <= names and any(n.endswith(".txt") and "FEC" in n for n in names)
    live = [(p.name, c) for p in files for c in _csv_cells(p) if _live(c)]
    assert live == []
    # the payloads are there, neutralised by a leading apostrophe, and negative amounts stay numbers
    customers = list(_csv_cells(outputs / "dataset" / "csv" / "customers.csv"))
    assert sum(c.startswith("'" + p) for c in customers for p in PAYLOADS) == 30
    fec = next(p for p in files if "FEC" in p.name)
    assert any(c.startswith("'=cmd|") for c in _csv_cells(fec))
    assert any(c.startswith("'-2+3") for c in _csv_cells(outputs / "clients.csv"))
    bank_cells = list(_csv_cells(outputs / "dataset" / "csv" / "bank_transactions.csv"))
    assert any(c.startswith("-") and c[1:].replace(",", "").isdigit() for c in bank_cells)


def test_every_workbook_holds_no_formula_but_the_roi_ones(outputs):
    books = sorted(outputs.rglob("*.xlsx"))
    names = {p.name for p in books}
    assert {"04_matrice_priorisation.xlsx", ROI_BOOK, "factures_anonymisees.xlsx",
            "factures_anonymisees_correspondances.xlsx"} <= names and any("dataset" in str(p) for p in books)
    formulas, texts = [], []
    for path in books:
        book = openpyxl.load_workbook(path, read_only=True)  # streamed: the dataset workbook is large
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append((path.name, cell.column, str(cell.value)))
                    elif isinstance(cell.value, str):
                        texts.append((path.name, cell.value))
        book.close()
    assert formulas and all(name == ROI_BOOK and col == 6 for name, col, _ in formulas)  # column F
    assert any(f.startswith("=SUM(F2:F") for _, _, f in formulas)
    assert any(f.startswith("=IF(AND(ISNUMBER(D2)") for _, _, f in formulas)
    # the hostile texts are in the workbooks, as text
    matrix = [t for n, t in texts if n == "04_matrice_priorisation.xlsx"]
    assert any(t.startswith(tuple(PAYLOADS)) for t in matrix)
    mapping = [t for n, t in texts if n == "factures_anonymisees_correspondances.xlsx"]
    assert any(t.startswith("=cmd|") for t in mapping)
    plan = [t for n, t in texts if n == ROI_BOOK]
    assert any(t.startswith("-2+3") or t.startswith("+SUM") for t in plan)


def test_anonymised_amounts_stay_numbers(outputs):
    sheet = openpyxl.load_workbook(outputs / "factures_anonymisees.xlsx").active
    amounts = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert amounts and all(v == -125.5 for v in amounts)
