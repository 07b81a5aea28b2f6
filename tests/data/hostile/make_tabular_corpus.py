"""Write the hostile-input corpus of the amount and date readers, with each file's expected outcome.

    python tests/data/hostile/make_tabular_corpus.py

Four families (open items / aged balance in CSV and XLSX, invoice history, bank CSV, remittance
advices) get the same amount and date traps, laid out as each reader expects, plus structural
traps (empty, binary, header only, UTF-16, a 200 KiB cell, a folder). ``cases.json`` in each
family folder holds, per file, the reader's keyword arguments and either the right values
(``cents``, ``dates``) or the key words of the French refusal (``refused``). The values below are
the intended ones, written by hand: the readers are never asked.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

HERE = Path(__file__).parent
FAMILIES = ("open_items", "invoice_history", "bank_csv", "remittances")

D1, D2, D3 = "2026-02-25", "2026-03-14", "2026-11-30"

# name: (date cells, amount cells, reader kwargs, expected)  — expected is
# {"cents": [...], "dates": [...]} or {"refused": [key words]}
CASES = {
    "fr_plain": (["25/02/2026", "14/03/2026", "30/11/2026"], ["1 481,47", "12,50", "-3,00"], {},
                 {"cents": [148147, 1250, -300], "dates": [D1, D2, D3]}),
    "fr_nbsp": (["25/02/2026", "14/03/2026", "30/11/2026"], ["1\u00a0481,47", "12\u202f000,00", "0,05"], {},
                {"cents": [148147, 1200000, 5], "dates": [D1, D2, D3]}),
    "us_amounts": (["25/02/2026", "14/03/2026", "30/11/2026"], ["1,481.47", "12.50", "1,000,000.00"], {},
                   {"cents": [148147, 1250, 100000000], "dates": [D1, D2, D3]}),
    "issue_1481": (["25/02/2026"], ["1,481.47"], {}, {"cents": [148147], "dates": [D1]}),
    "swiss": (["25.02.2026", "14.03.2026", "30.11.2026"], ["1’481.47", "1'000.00", "12.50"], {},
              {"cents": [148147, 100000, 1250], "dates": [D1, D2, D3]}),
    "german": (["25.02.2026", "14.03.2026", "30.11.2026"], ["1.481,47", "1.000.000,00", "12,5"], {},
               {"cents": [148147, 100000000, 1250], "dates": [D1, D2, D3]}),
    "currency_marks": (["25/02/2026", "14/03/2026", "30/11/2026"], ["€1,481.47", "12.50 EUR", "3.00 €"], {},
                       {"cents": [148147, 1250, 300], "dates": [D1, D2, D3]}),
    "negatives": (["25/02/2026", "14/03/2026", "30/11/2026"], ["(1 481,47)", "12,50-", "\u22123,00"], {},
                  {"cents": [-148147, -1250, -300], "dates": [D1, D2, D3]}),
    "ambiguous_point": (["25/02/2026", "14/03/2026"], ["1.481", "2.500"], {}, {"refused": ["ambigu", "decimal="]}),
    "ambiguous_comma": (["25/02/2026", "14/03/2026"], ["1,481", "12,345"], {}, {"refused": ["ambigu", "decimal="]}),
    "ambiguous_point_given": (["25/02/2026", "14/03/2026"], ["1.481", "2.500"], {"decimal": ","},
                              {"cents": [148100, 250000], "dates": [D1, D2]}),
    "ambiguous_comma_given": (["25/02/2026", "14/03/2026"], ["1,481", "2,500"], {"decimal": "."},
                              {"cents": [148100, 250000], "dates": [D1, D2]}),
    "settled_by_one_cell": (["25/02/2026", "14/03/2026"], ["1.481", "2.500,10"], {},
                            {"cents": [148100, 250010], "dates": [D1, D2]}),
    "mixed_conventions": (["25/02/2026", "14/03/2026", "30/11/2026"], ["1.481,47", "1,481.47", "2,00"], {},
                          {"cents": [148147, 148147, 200], "dates": [D1, D2, D3]}),
    "mixed_with_ambiguous": (["25/02/2026", "14/03/2026", "30/11/2026"], ["1.481", "1,481.47", "2,00"], {},
                             {"refused": ["ambigu", "1.481", "decimal="]}),
    "mixed_refused_when_told": (["25/02/2026", "14/03/2026"], ["1.481,47", "1,481.47"], {"decimal": ","},
                                {"refused": ["montant illisible", "1,481.47"]}),
    "three_decimals": (["25/02/2026", "14/03/2026"], ["1 000,00", "12,345"], {},
                       {"refused": ["montant illisible", "décimales"]}),
    "huge_amount": (["25/02/2026", "14/03/2026"], ["100000000000000000000", "1,00"], {},
                    {"refused": ["montant illisible"]}),
    "exponent": (["25/02/2026", "14/03/2026"], ["1e5", "1,00"], {}, {"refused": ["montant illisible", "1e5"]}),
    "nan_infinity": (["25/02/2026", "14/03/2026"], ["NaN", "Infinity"], {}, {"refused": ["montant illisible"]}),
    "formula_amount": (["25/02/2026", "14/03/2026"], ["=1+1", "2,00"], {}, {"refused": ["montant illisible"]}),
    "text_amount": (["25/02/2026", "14/03/2026"], ["douze", "2,00"], {}, {"refused": ["montant illisible"]}),
    "empty_amount": (["25/02/2026", "14/03/2026"], ["", "2,00"], {}, {"refused": ["montant vide"]}),
    "us_dates": (["2/25/2026", "3/14/2026", "11/30/2026"], ["1,481.47", "12.50", "3.00"], {},
                 {"cents": [148147, 1250, 300], "dates": [D1, D2, D3]}),
    "ambiguous_dates": (["03/04/2026", "05/06/2026"], ["1,00", "2,00"], {}, {"refused": ["ambigu", "date_order="]}),
    "ambiguous_dates_fr_given": (["03/04/2026", "05/06/2026"], ["1,00", "2,00"], {"date_order": "JMA"},
                                 {"cents": [100, 200], "dates": ["2026-04-03", "2026-06-05"]}),
    "ambiguous_dates_us_given": (["03/04/2026", "05/06/2026"], ["1,00", "2,00"], {"date_order": "MJA"},
                                 {"cents": [100, 200], "dates": ["2026-03-04", "2026-05-06"]}),
    "swapped_between_rows": (["25/02/2026", "02/25/2026"], ["1,00", "2,00"], {},
                             {"refused": ["ambigu", "inversés"]}),
    "impossible_date": (["31/02/2026", "14/03/2026"], ["1,00", "2,00"], {}, {"refused": ["date illisible", "31/02/2026"]}),
    "year_zero": (["00/00/0000", "14/03/2026"], ["1,00", "2,00"], {}, {"refused": ["date illisible"]}),
    "two_digit_years": (["25/02/26", "14/03/26"], ["1,00", "2,00"], {}, {"cents": [100, 200], "dates": [D1, D2]}),
    "iso_dates": (["2026-02-25", "2026-03-14 00:00:00"], ["1,00", "2,00"], {}, {"cents": [100, 200], "dates": [D1, D2]}),
    "compact_dates": (["20260225", "20260314"], ["1,00", "2,00"], {}, {"cents": [100, 200], "dates": [D1, D2]}),
    "mixed_date_formats": (["2026-02-25", "14/03/2026", "30/11/2026"], ["1,00", "2,00", "3,00"], {},
                           {"refused": ["mélangé"]}),
    "text_date": (["demain", "14/03/2026"], ["1,00", "2,00"], {}, {"refused": ["date illisible", "demain"]}),
    "bad_decimal_parameter": (["25/02/2026"], ["1,00"], {"decimal": ";"}, {"refused": ["séparateur décimal"]}),
    "bad_order_parameter": (["25/02/2026"], ["1,00"], {"date_order": "XYZ"}, {"refused": ["ordre des dates"]}),
}

# structural traps: name -> (bytes written, expected refusal key words)
STRUCTURAL = {
    "empty.csv": (b"", ["vide"]),
    "binary.csv": (bytes(range(256)) * 8, ["illisible"]),
    "header_only.csv": (None, ["aucune", "colonnes", "vide"]),
    "utf16.csv": (None, []),
    "huge_cell.csv": (None, ["illisible", "ligne"]),
}

LAYOUTS = {  # header, row template (date d, amount a, row number k)
    "open_items": (["Code client", "N° facture", "Échéance", "Montant"],
                   lambda d, a, k: [f"C{k}", f"F{k}", d, a]),
    "invoice_history": (["Code client", "N° facture", "Date facture", "Échéance", "Montant", "Date de règlement"],
                        lambda d, a, k: [f"C{k}", f"F{k}", d, d, a, ""]),
    "bank_csv": (["Date", "Libellé", "Montant"], lambda d, a, k: [d, f"VIR {k}", a]),
    "remittances": (["N° avis", "Date", "Facture", "Montant"],
                    lambda d, a, k: ["AV1", d, f"FA-2026-{k:05d}", a]),
}


def _csv(rows) -> str:
    def cell(v: str) -> str:
        return f'"{v}"' if any(c in v for c in ';"\n') else v
    return "".join(";".join(cell(v) for v in row) + "\r\n" for row in rows)


def _expected(family: str, expected: dict) -> dict:
    if family == "invoice_history" and "cents" in expected and min(expected["cents"]) <= 0:
        return {"refused": ["négatif ou nul"]}  # an invoice of a history is positive
    return expected


def _xlsx(path: Path, rows) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
        for cell in book.active[book.active.max_row]:
            cell.data_type = "s"  # text as a user typed it, never a formula
    book.save(path)


def _xlsx_cases(folder: Path) -> dict:
    """Open items typed in Excel: real number and date cells next to text ones."""
    import datetime as dt

    import openpyxl

    header = ["Code client", "N° facture", "Échéance", "Montant"]
    day = dt.datetime(2026, 2, 25)
    books = {
        "xlsx_numbers.xlsx": ([[f"C{k}", f"F{k}", day, v] for k, v in enumerate([1481.47, 0.1 + 0.2, -12.5])],
                              {"cents": [148147, 30, -1250], "dates": [D1] * 3}),
        "xlsx_three_decimals.xlsx": ([["C1", "F1", day, 12.345]], {"refused": ["décimales"]}),
        "xlsx_text_us_amount.xlsx": ([["C1", "F1", day, "1,481.47"], ["C2", "F2", day, 3]],
                                     {"cents": [148147, 300], "dates": [D1, D1]}),
        "xlsx_text_ambiguous.xlsx": ([["C1", "F1", day, "1.481"]], {"refused": ["ambigu", "decimal="]}),
        "xlsx_text_us_dates.xlsx": ([["C1", "F1", "2/25/2026", 1], ["C2", "F2", "3/4/2026", 2]],
                                    {"cents": [100, 200], "dates": [D1, "2026-03-04"]}),
        "xlsx_formula_amount.xlsx": ([["C1", "F1", day, "=1+1"]], {"refused": ["montant"]}),
        "xlsx_huge_number.xlsx": ([["C1", "F1", day, 1e20]], {"refused": ["montant"]}),
        "xlsx_text_date_ambiguous.xlsx": ([["C1", "F1", "03/04/2026", 1]], {"refused": ["ambigu", "date_order="]}),
    }
    cases = {}
    for name, (rows, expected) in books.items():
        book = openpyxl.Workbook()
        book.active.append(header)
        for row in rows:
            book.active.append(row)
        book.save(folder / name)
        cases[name] = {"kwargs": {}, **expected}
    return cases


def main() -> None:
    for family in FAMILIES:
        folder = HERE / family
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        header, row = LAYOUTS[family]
        cases = {}
        for name, (dates, amounts, kwargs, expected) in CASES.items():
            rows = [header] + [row(d, a, k + 1) for k, (d, a) in enumerate(zip(dates, amounts))]
            (folder / f"{name}.csv").write_bytes(_csv(rows).encode("utf-8"))
            cases[f"{name}.csv"] = {"kwargs": kwargs, **_expected(family, expected)}
        for name, (data, words) in STRUCTURAL.items():
            if name == "header_only.csv":
                data = _csv([header]).encode("utf-8")
            elif name == "utf16.csv":
                data = _csv([header, row("25/02/2026", "1,00", 1)]).encode("utf-16")
            elif name == "huge_cell.csv":
                data = _csv([header, row("25/02/2026", "1,00", 1), row("14/03/2026", "A" * 200_000, 2)]).encode()
            (folder / name).write_bytes(data)
            cases[name] = {"kwargs": {}, "refused": words, "any_word": True}
        if family in ("bank_csv", "remittances"):  # these readers detect UTF-16 by its BOM
            cases["utf16.csv"] = {"kwargs": {}, "cents": [100], "dates": [D1]}
        else:  # the importers read the encoding they are given and say how to give it
            cases["utf16.csv"] = {"kwargs": {}, "refused": ["utf-8", "encoding="]}
        cases["a_folder.csv"] = {"kwargs": {}, "refused": ["dossier"], "folder": True}
        if family == "open_items":
            cases |= _xlsx_cases(folder)
        if family == "remittances":
            name = "advice_us.xlsx"
            _xlsx(folder / name, [LAYOUTS[family][0], row("2/25/2026", "1,481.47", 1), row("3/14/2026", "12.50", 2)])
            cases[name] = {"kwargs": {}, "cents": [148147, 1250], "dates": [D1, D2]}
        (folder / "cases.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                           encoding="utf-8")


if __name__ == "__main__":
    main()
