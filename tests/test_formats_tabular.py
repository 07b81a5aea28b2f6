"""Excel and CSV files of the company tables: French formats, exact round trip, Excel limits."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from o2c_lab.company.schema import table
from o2c_lab.errors import DataFileError, InvalidParameterError
from o2c_lab.formats.tabular import EXCEL_MAX_ROWS, conform_table, read_csv, write_csv, write_excel

# Text that breaks naive CSV code: separators, quotes, line breaks, accents, guillemets.
_TEXT = st.lists(st.sampled_from(list("aZé9 ;\"',\n\r\t€«»çÀœ-/") + ["\r\n"]), max_size=12).map("".join)
_DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))
_BY_KIND = {
    "str": _TEXT,
    "cents": st.integers(min_value=-10**12, max_value=10**12),
    "int": st.integers(min_value=-10**9, max_value=10**9),
    "bool": st.booleans(),
    "float": st.floats(allow_nan=False, allow_infinity=False, width=64),
    "date": _DAYS,
}


def _frames(table_name: str):
    spec = table(table_name)
    row = st.fixed_dictionaries({c.name: _BY_KIND[c.kind] for c in spec.columns})
    return st.lists(row, min_size=1, max_size=6).map(
        lambda rows: conform_table(pd.DataFrame(rows, columns=spec.names), table_name))


@pytest.mark.parametrize("table_name", ["contracts", "bank_transactions", "customers"])
def test_csv_round_trip_is_exact(table_name, tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_frames(table_name))
    def check(df):
        path = write_csv(df, table_name, folder / "t.csv")
        back = read_csv(path, table_name)
        pd.testing.assert_frame_equal(back, df)

    check()


def test_missing_values_round_trip_as_empty_cells(tmp_path):
    spec = table("thread_truth")
    df = pd.DataFrame({c.name: ["x", ""] for c in spec.columns})
    df["promised_date"] = [pd.Timestamp("2026-12-15"), pd.NaT]
    df["promised_amount_cents"] = pd.array([150_000, None], dtype="Int64")
    expected = conform_table(df, "thread_truth")
    assert expected["promised_amount_cents"].dtype == "Int64"
    path = write_csv(expected, "thread_truth", tmp_path / "t.csv")
    assert path.read_text(encoding="utf-8-sig").splitlines()[2].split(";")[5:7] == ["", ""]
    pd.testing.assert_frame_equal(read_csv(path, "thread_truth"), expected)


def _invoice_line_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "invoice_id": ["F-0001", "F-0001"], "line_no": [1, 2], "product_id": ["P1", "P2"],
        "label": ["Roulement ; série « 6204 »", 'Gants "anti-coupure"\nlot de 10'],
        "quantity": [3, 1], "unit_price_cents": [123456, 5], "vat_rate": [20.0, 5.5],
        "net_cents": [370368, -5], "vat_cents": [74074, 0],
    })


def test_csv_bytes_follow_french_excel_conventions(tmp_path):
    path = write_csv(_invoice_line_frame(), "invoice_lines", tmp_path / "lignes.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    header, first = text.split("\r\n")[:2]
    assert header.split(";") == [c.header for c in table("invoice_lines").columns]
    # 1 234,56 € unit price, no thousands separator; net 3 703,68 €.
    assert first == 'F-0001;1;P1;"Roulement ; série « 6204 »";3;1234,56;20,0;3703,68;740,74'
    assert '"Gants ""anti-coupure""\nlot de 10"' in text
    assert ";-0,05;0,00" in text


def test_csv_dates_and_booleans(tmp_path):
    df = pd.DataFrame({"dunning_id": ["R1"], "customer_id": ["C1"], "invoice_id": ["F1"],
                       "sent_on": [pd.Timestamp("2026-12-31")], "level": [2], "channel": ["email"]})
    text = write_csv(df, "dunning", tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "R1;C1;F1;31/12/2026;2;email" in text
    deliveries = pd.DataFrame({"delivery_id": ["B1"], "order_id": ["O1"], "customer_id": ["C1"],
                               "delivery_date": [pd.Timestamp("2026-01-05")], "complete": [True],
                               "signed": [False], "reservation": [""]})
    text = write_csv(deliveries, "deliveries", tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1] == "B1;O1;C1;05/01/2026;oui;non;"


def test_read_csv_names_the_bad_cell(tmp_path):
    path = write_csv(_invoice_line_frame(), "invoice_lines", tmp_path / "l.csv")
    text = path.read_text(encoding="utf-8-sig").replace("1234,56", "12 euros")
    path.write_text(text, encoding="utf-8-sig")
    with pytest.raises(DataFileError) as err:
        read_csv(path, "invoice_lines")
    assert err.value.row == 2 and err.value.column == "Prix unitaire HT"
    assert "12 euros" in str(err.value)


def test_read_csv_reports_missing_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("N° facture;Désignation\nF1;x\n", encoding="utf-8-sig")
    with pytest.raises(DataFileError, match="Quantité"):
        read_csv(path, "invoice_lines")


def test_excel_sheet_types_and_layout(tmp_path):
    lines = _invoice_line_frame()
    deliveries = pd.DataFrame({"delivery_id": ["B1", "B2"], "order_id": ["O1", "O2"],
                               "customer_id": ["C1", "C2"],
                               "delivery_date": pd.to_datetime(["2026-01-05", "2026-02-28"]),
                               "complete": [True, False], "signed": [False, True],
                               "reservation": ["", "carton abîmé"]})
    path = write_excel({"invoice_lines": lines, "deliveries": deliveries}, tmp_path / "c.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Lignes de facture", "Livraisons"]
    sheet = book["Lignes de facture"]
    assert [c.value for c in sheet[1]] == [c.header for c in table("invoice_lines").columns]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I3"
    price = sheet.cell(row=2, column=6)
    assert price.value == pytest.approx(1234.56) and "€" in price.number_format
    assert sheet.cell(row=3, column=8).value == pytest.approx(-0.05)
    assert sheet.cell(row=3, column=4).value == 'Gants "anti-coupure"\nlot de 10'
    sheet = book["Livraisons"]
    day = sheet.cell(row=3, column=4)
    assert day.value == dt.datetime(2026, 2, 28) and day.number_format == "dd/mm/yyyy"
    assert [sheet.cell(row=2, column=k).value for k in (5, 6)] == ["oui", "non"]
    assert sheet.cell(row=2, column=7).value is None  # empty text stays an empty cell
    assert sheet.column_dimensions["A"].width >= len("N° BL")


def test_excel_refuses_a_sheet_over_the_row_limit(tmp_path):
    n = EXCEL_MAX_ROWS  # + the header row = one row too many
    scores = pd.DataFrame({"customer_id": np.full(n, "C1", dtype=object),
                           "month": np.full(n, np.datetime64("2026-01-01", "ns")),
                           "score": np.ones(n, dtype=np.int64)})
    path = tmp_path / "big.xlsx"
    with pytest.raises(InvalidParameterError) as err:
        write_excel({"credit_scores": scores}, path)
    message = str(err.value)
    assert "credit_scores" in message and "CSV" in message and "1\u202f048\u202f576" in message
    assert not path.exists()


def _synthetic_company(customers=150, invoices=5000, lines=15000, seed=7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    tables = {}
    for name, n in (("customers", customers), ("invoices", invoices), ("invoice_lines", lines)):
        spec = table(name)
        data = {}
        for col in spec.columns:
            if col.kind == "str":
                data[col.name] = np.char.add(f"{col.name[:3]}-", rng.integers(0, 10**6, n).astype(str))
            elif col.kind in ("cents", "int"):
                data[col.name] = rng.integers(-10**6, 10**8, n)
            elif col.kind == "float":
                data[col.name] = rng.choice([20.0, 10.0, 5.5], n)
            elif col.kind == "bool":
                data[col.name] = rng.random(n) < 0.5
            else:
                data[col.name] = (np.datetime64("2025-09-01", "ns")
                                  + rng.integers(0, 460, n).astype("timedelta64[D]"))
        tables[name] = conform_table(pd.DataFrame(data), name)
    return tables


def test_write_speed_on_a_classroom_sized_dataset(tmp_path):
    tables = _synthetic_company()
    start = time.process_time()
    write_excel(tables, tmp_path / "societe.xlsx")
    excel_s = time.process_time() - start
    start = time.process_time()
    for name, df in tables.items():
        write_csv(df, name, tmp_path / f"{name}.csv")
    csv_s = time.process_time() - start
    print(f"\n20 150 lignes : Excel {excel_s:.2f} s, CSV {csv_s:.2f} s")
    # CPU time (not wall time: the machine may be shared), generous bounds; figures printed above.
    assert excel_s < 6 and csv_s < 3
    back = read_csv(tmp_path / "invoice_lines.csv", "invoice_lines")
    assert int(back["net_cents"].sum()) == int(tables["invoice_lines"]["net_cents"].sum())


def test_default_company_round_trips_through_csv(company, tmp_path):
    for name, df in company.tables.items():
        expected = conform_table(df, name)
        back = read_csv(write_csv(df, name, tmp_path / f"{name}.csv"), name)
        pd.testing.assert_frame_equal(back, expected, obj=name)


def test_default_company_excel_workbook(company, tmp_path):
    start = time.process_time()
    path = write_excel(company.tables, tmp_path / "societe.xlsx")
    elapsed = time.process_time() - start
    rows = sum(len(df) for df in company.tables.values())
    print(f"\nentreprise par défaut : {rows} lignes, Excel écrit en {elapsed:.2f} s")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == [table(n).sheet for n in company.tables]
    for name, df in company.tables.items():
        assert book[table(name).sheet].max_row == len(df) + 1
