"""The course's analyses on one's own data: indicators with the reason when not computable,
chase / do-not-chase lists, Excel and CSV exports, anonymised prompts, real FEC and bank files,
and a 20 000-line file read quickly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from decimal import Decimal

import pandas as pd
import pytest
from owndata_exports import build_export, isolated_profiles  # noqa: F401  (autouse fixture)

from o2c_lab.analytics.aging import company_open_items
from o2c_lab.money import format_eur
from o2c_lab.owndata import analyse_open_items, anonymised_prompts, read_bank_statement, read_export


@pytest.fixture(scope="module")
def analysed(small_company):
    items = company_open_items(small_company)
    raw, name, _ = build_export(items, "sage50", subtotals=True)
    data = read_export(raw, name, as_of=small_company.as_of)
    return items, small_company.as_of, analyse_open_items(data.items, small_company.as_of)


def test_kpis_say_why_they_cannot_be_computed(analysed):
    items, as_of, result = analysed
    lines = {line.name: line for line in result.kpis}
    assert lines["DSO"].result is None and "non calculable" in lines["DSO"].display()
    assert "chiffre d'affaires" in lines["DSO"].reason
    assert "encours d'ouverture" in lines["CEI (efficacité du recouvrement)"].reason
    debit = items.loc[~items["unapplied"]]
    late = (pd.Timestamp(as_of) - pd.to_datetime(debit["due_date"])).dt.days
    share = debit.loc[late > 90, "residual_cents"].sum() / debit["residual_cents"].sum()
    assert lines["Part à plus de 90 jours"].result.value == pytest.approx(100 * share)


def test_dso_with_the_period_sales_is_the_simple_formula(analysed):
    items, as_of, result = analysed
    frame = read_export(build_export(items, "ebp")[0], "ebp.csv", as_of=as_of).items
    with_sales = analyse_open_items(frame, as_of, sales_cents=90_000_000, period_days=90)
    dso = next(line for line in with_sales.kpis if line.name.startswith("DSO"))
    gross = int(items.loc[~items["unapplied"], "residual_cents"].sum())
    assert dso.result.value == pytest.approx(gross / 90_000_000 * 90)
    with pytest.raises(Exception) as err:
        analyse_open_items(frame, as_of, sales_cents=1000)
    assert "période" in str(err.value)


def test_chase_and_do_not_chase_lists_split_the_customers(analysed):
    items, as_of, result = analysed
    chase, calm = set(result.chase["customer_id"]), set(result.do_not_chase["customer_id"])
    assert chase and calm and not chase & calm
    table = result.aged["EUR"].by_customer
    overdue = table.drop(columns=["Non échu", "Non affecté", "Total", "litige_cents", "procedure_collective"]).sum(axis=1)
    owing = set(table.index[(table["Total"] > 0) | (overdue > 0)])
    assert owing <= chase | calm
    # a customer chased has overdue items; one left alone with « rien d'échu » has none
    assert all(overdue[c] > 0 for c in chase)
    quiet = result.do_not_chase.loc[result.do_not_chase["category"] == "rien d'échu", "customer_id"]
    assert all(overdue[c] <= 0 for c in quiet)
    assert list(result.chase["priority_cents"]) == sorted(result.chase["priority_cents"], reverse=True)


def test_the_open_items_worklist_is_the_course_worklist(small_company, many_companies):
    """Second method: the course's per-customer worklist, given no risk, history or registers."""
    from o2c_lab.analytics.aging import aged_balance
    from o2c_lab.analytics.priorities import worklist
    from o2c_lab.owndata import open_items_worklist

    for company in (small_company, many_companies[5]):
        aged = aged_balance(company_open_items(company), company.as_of)
        course = worklist(aged, pd.DataFrame(columns=["level", "reasons"]),
                          pd.DataFrame(columns=["recent_delay", "mean_delay"]), company.as_of)
        ours = open_items_worklist(aged)
        assert set(ours["team"]) >= {"recouvrement"}
        key = ["customer_id", "team"]
        pd.testing.assert_frame_equal(ours.drop(columns="rank").sort_values(key).reset_index(drop=True),
                                      course.drop(columns="rank").sort_values(key).reset_index(drop=True)[
                                          ours.columns.drop("rank")], check_dtype=False)
        assert list(ours["priority_cents"]) == sorted(ours["priority_cents"], reverse=True)


def test_excel_and_csv_exports_in_french_formula_safe(analysed, tmp_path):
    items, as_of, result = analysed
    result.names["C0001"] = "=HYPERLINK(\"http://x\")"
    from openpyxl import load_workbook

    buffer = io.BytesIO()
    result.to_excel(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["Balance âgée", "Indicateurs", "À relancer", "Ne pas relancer"]
    sheet = book["Balance âgée"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Devise", "Code client", "Client"] and "Non échu" in header
    total = sum(Decimal(str(row[header.index("Total")])) for row in sheet.iter_rows(min_row=2, values_only=True))
    assert total == Decimal(int(items["residual_cents"].sum())) / 100
    assert all(cell.data_type != "f" for ws in book for row in ws.iter_rows() for cell in row)
    paths = result.to_csv(tmp_path)
    assert len(paths) == 4
    for path in paths:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        cells = [c for row in csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";") for c in row]
        assert not any(c.startswith(("=", "@", "+")) for c in cells)
    del result.names["C0001"]


def test_prompts_are_filled_without_any_customer_identifier(analysed, small_company):
    items, as_of, result = analysed
    prompts = anonymised_prompts(result)
    assert [t for t, _ in prompts] == ["Analyse de la balance âgée", "Priorisation des actions de la semaine",
                                       "Lecture des indicateurs du poste clients"]
    codes = set(items["customer_id"])
    names = {f"Société {c}" for c in codes}
    for _, text in prompts:
        assert not any(c in text for c in codes | names)
        assert "<CLIENT_1>" in text or "Indicateurs" in text or "indicateurs" in text
    gross = int(items.loc[~items["unapplied"], "residual_cents"].sum())
    assert format_eur(gross) in prompts[0][1]
    assert "non calculable" in prompts[2][1]


def test_a_real_fec_gives_its_customer_balance(shared_fixtures):
    path = shared_fixtures / "fec" / "0000000001FEC20220831.txt"
    data = read_export(path.read_bytes(), path.name)
    # independent: the 411 balance, Σ Debit − Σ Credit of the raw lines (lettered groups net to zero)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    cents = lambda text: int(Decimal(text.replace(",", ".") or "0") * 100)  # noqa: E731
    balance = sum(cents(r["Debit"]) - cents(r["Credit"]) for r in rows if r["CompteNum"].startswith("411"))
    assert int(data.items["residual_cents"].sum()) == balance
    assert data.quality.totals == {"EUR": balance}
    text = data.quality.to_text()  # the customer-account entries read, then the documents left open
    entries = sum(r["CompteNum"].startswith("411") for r in rows)
    assert f"{entries} écriture(s) retenue(s)" in text
    assert f"{len(data.items)} pièce(s) encore ouverte(s) après lettrage" in text
    assert f"Total des pièces ouvertes en EUR : {format_eur(balance)}" in text
    assert data.items["customer_id"].nunique() <= 17


def test_real_bank_statements_are_dispatched_to_the_course_readers(shared_fixtures):
    camt = shared_fixtures / "camt053" / "camt053.v2.multi.statement.xml"
    statement = read_bank_statement(camt.read_bytes(), camt.name)
    assert statement.format.startswith("camt.053")
    assert sum(statement.quality.totals.values()) == 2000 - 1815  # balances chain 18.15 → 27.00 → 20.00
    cfonb = shared_fixtures / "cfonb120" / "example.txt"
    statement = read_bank_statement(cfonb.read_bytes(), cfonb.name)
    assert statement.format == "CFONB 120" and len(statement.transactions) == 6  # six 04 records
    assert "2 relevé(s) : 2 dont les soldes se vérifient" in statement.quality.to_text()  # both reconcile
    mt940 = shared_fixtures / "mt940" / "sepa_mt9401.sta"
    statement = read_bank_statement(mt940.read_bytes(), mt940.name)
    assert statement.format.startswith("MT940") and len(statement.transactions) == 97
    assert "26 relevé(s) : 26 dont les soldes se vérifient" in statement.quality.to_text()


def test_twenty_thousand_lines_are_read_and_analysed_quickly():
    lines = ["Code client;Nom;N° pièce;Date pièce;Échéance;Solde"]
    start = dt.date(2026, 1, 1)
    for k in range(20_000):
        day = start + dt.timedelta(days=k % 300)
        due = day + dt.timedelta(days=45)
        lines.append(f"C{k % 900:04d};Client {k % 900};F{k:06d};{day:%d/%m/%Y};{due:%d/%m/%Y};{(k * 37) % 90000 + 1},{k % 100:02d}")
        if k % 25 == 24:
            lines.append(f"Total C{k % 900:04d};;;;;")
    raw = "\r\n".join(lines).encode("utf-8")
    began = time.perf_counter()
    data = read_export(raw, "gros.csv", as_of=dt.date(2026, 12, 31))
    analyse_open_items(data.items, dt.date(2026, 12, 31))
    elapsed = time.perf_counter() - began
    assert data.quality.kept == 20_000 and len(data.quality.set_aside) == 800 and data.quality.balanced
    expected = sum((k * 37) % 90000 * 100 + 100 + k % 100 for k in range(20_000))
    assert data.quality.totals == {"EUR": expected}
    assert elapsed < 20, elapsed
