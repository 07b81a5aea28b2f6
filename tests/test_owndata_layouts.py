"""Every recognised layout, written the way each tool exports it (title rows, subtotals per
customer, grand totals, debit/credit or signed amounts, two-row headers, xlsx and csv, two
currencies), gives the same aged balance, to the cent, as the course's analytics on the
company's own open items."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from owndata_exports import TOOLS, build_export, isolated_profiles  # noqa: F401  (autouse fixture)

from o2c_lab.analytics.aging import aged_balance, bucket_labels, company_open_items
from o2c_lab.owndata import analyse_open_items, detect_layout, read_export

@pytest.fixture(scope="module")
def open_items(small_company):
    items = company_open_items(small_company)
    return items, small_company.as_of


def _reference(items, as_of):
    ref = aged_balance(items, as_of)
    cols = ref.columns + ["Total"]
    return ref.by_customer[cols]


def _check_same(data, items, as_of, not_items, currency="EUR"):
    q = data.quality
    assert q.balanced, q.to_text()
    assert q.kept == len(items) and len(q.set_aside) == not_items, q.to_text()
    result = analyse_open_items(data.items, as_of)
    got = result.aged[currency].by_customer[result.aged[currency].columns + ["Total"]]
    pd.testing.assert_frame_equal(got, _reference(items, as_of), check_dtype=False)


VARIANTS = {
    "csv": {},
    "csv_titres_soustotaux": dict(titles=2, subtotals=True),
    "xlsx_soustotaux": dict(excel=True, subtotals=True),
    "xlsx_cellules_natives": dict(excel=True, native=True, titles=1),
}


@pytest.mark.parametrize("tool", sorted(TOOLS))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_each_layout_gives_the_course_aged_balance(open_items, tool, variant):
    items, as_of = open_items
    raw, name, not_items = build_export(items, tool, **VARIANTS[variant])
    data = read_export(raw, name, as_of=as_of)
    assert data.layout.layout.key in (tool, "generique_fr", "sage50", "sage100", "ebp", "cegid", "pennylane")
    _check_same(data, items, as_of, not_items)


@pytest.mark.parametrize("tool", ["sage100", "cegid", "ebp", "sage50"])
def test_debit_credit_columns_and_two_row_header(open_items, tool):
    items, as_of = open_items
    for options in (dict(debit_credit=True), dict(debit_credit=True, two_rows=True, excel=True, subtotals=True)):
        raw, name, not_items = build_export(items, tool, **options)
        data = read_export(raw, name, as_of=as_of)
        assert data.mapping.sign == "debit_credit"
        _check_same(data, items, as_of, not_items)


def test_group_headings_give_the_customer_of_the_lines_below(open_items):
    items, as_of = open_items
    raw, name, not_items = build_export(items, "sage100", group_headings=True, subtotals=True, titles=1)
    data = read_export(raw, name, as_of=as_of)
    reasons = {s.reason for s in data.quality.set_aside}
    assert any(r.startswith("en-tête de groupe client") for r in reasons)
    assert any(r.startswith("sous-total client") for r in reasons)
    _check_same(data, items, as_of, not_items)


@pytest.mark.parametrize("tool,excel", [("upflow", False), ("pennylane", True), ("sap_fbl5n", False)])
def test_two_currencies_are_never_added(open_items, tool, excel):
    items, as_of = open_items
    customers = sorted(items["customer_id"].unique())
    currencies = {c: ("USD" if k % 3 == 0 else "EUR") for k, c in enumerate(customers)}
    raw, name, not_items = build_export(items, tool, currencies=currencies, excel=excel, subtotals=True)
    data = read_export(raw, name, as_of=as_of)
    result = analyse_open_items(data.items, as_of)
    assert sorted(result.aged) == ["EUR", "USD"]
    for currency in ("EUR", "USD"):
        part = items.loc[items["customer_id"].map(currencies) == currency]
        got = result.aged[currency].by_customer[result.aged[currency].columns + ["Total"]]
        pd.testing.assert_frame_equal(got, _reference(part, as_of), check_dtype=False)
        assert data.quality.totals[currency] == int(part["residual_cents"].sum())
    assert "jamais additionnés" in data.quality.to_text()


def test_an_inverted_sign_is_a_convention_to_choose(open_items):
    """A balance written from the other side (invoices « - ») reads the same once the convention is chosen."""
    items, as_of = open_items
    flipped = items.assign(residual_cents=-items["residual_cents"])
    raw, name, not_items = build_export(flipped, "sage100", subtotals=True)
    data = read_export(raw, name, as_of=as_of)
    assert data.quality.totals["EUR"] == -int(items["residual_cents"].sum())
    mapping = data.mapping
    mapping.sign = "signe_inverse"
    _check_same(read_export(raw, name, mapping=mapping, as_of=as_of), items, as_of, not_items)


def test_detect_layout_names_the_tool_from_its_own_headers(open_items):
    items, _ = open_items
    for tool in ("sap_fbl5n", "odoo", "quickbooks", "upflow", "pennylane", "ebp", "cegid"):
        raw, name, _ = build_export(items.head(5), tool)
        frame = pd.read_csv(io.BytesIO(raw), sep=";" if TOOLS[tool]["lang"] == "fr" else ",", dtype=str,
                            encoding="utf-8-sig")
        guess = detect_layout(frame)
        assert guess.layout.key == tool, (tool, guess.why)
        assert guess.confidence >= 0.9 and "colonnes reconnues" in guess.why


def test_bucket_totals_match_an_independent_count(open_items):
    """Second method: the buckets recomputed by hand from due dates (non échu, 1-30, … > 90)."""
    items, as_of = open_items
    raw, name, _ = build_export(items, "ebp", subtotals=True)
    result = analyse_open_items(read_export(raw, name, as_of=as_of).items, as_of)
    debit = items.loc[~items["unapplied"]]
    late = (pd.Timestamp(as_of) - pd.to_datetime(debit["due_date"])).dt.days
    edges = [(-10**6, 0), (1, 30), (31, 60), (61, 90), (91, 10**6)]
    by_hand = [int(debit.loc[late.between(lo, hi), "residual_cents"].sum()) for lo, hi in edges]
    table = result.aged["EUR"].by_customer
    assert [int(table[c].sum()) for c in bucket_labels((0, 30, 60, 90))] == by_hand
    assert int(table["Non affecté"].sum()) == int(items.loc[items["unapplied"], "residual_cents"].sum())
    assert np.int64(table["Total"].sum()) == items["residual_cents"].sum()


def test_a_workbook_keeps_its_numbers_whole_and_its_line_numbers(tmp_path):
    """Excel stores every number as a float: a document or customer number typed as a number reads
    « 20260017 », not « 20260017.0 »; an empty first row and a title keep the lines where they are."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["Balance âgée au 31/12/2026"])
    sheet.append(["Code client", "Nom", "N° pièce", "Date pièce", "Échéance", "Solde"])
    sheet.append([411001, "Dupont SA", 20260017, dt.date(2026, 10, 2), dt.date(2026, 11, 1), 1481.47])
    sheet.append([411002, "Martin SARL", 20260018, dt.date(2026, 10, 9), dt.date(2026, 11, 8), 250])
    sheet.append([None, "Total", None, None, None, 1731.47])
    raw = io.BytesIO()
    book.save(raw)
    data = read_export(raw.getvalue(), "balance.xlsx", as_of=dt.date(2026, 12, 31))
    items = data.items.sort_values("document_id")
    assert items["document_id"].tolist() == ["20260017", "20260018"]
    assert items["customer_id"].tolist() == ["411001", "411002"]
    assert items["residual_cents"].tolist() == [148147, 25000]
    assert "ligne 6" in data.quality.to_text()  # the total line, set aside with its own line number


def test_an_excel_97_2003_workbook_is_read_like_its_xlsx_copy():
    """Accounting tools still export .xls: the same rows (written by the xlwt library) read the same."""
    from pathlib import Path

    path = Path(__file__).parent / "data" / "balance_excel_97_2003.xls"
    data = read_export(path.read_bytes(), path.name, as_of=dt.date(2026, 12, 31))
    items = data.items.sort_values("document_id")
    assert items["document_id"].tolist() == ["20260017", "20260018"]
    assert items["customer_id"].tolist() == ["411001", "411002"]
    assert items["residual_cents"].tolist() == [148147, 25000]
    assert items["due_date"].dt.strftime("%d/%m/%Y").tolist() == ["01/11/2026", "08/11/2026"]
