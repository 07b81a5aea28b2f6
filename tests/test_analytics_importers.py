"""Importers: the malformed-file corpus, good files in ERP shapes, the real FEC, invoice history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from o2c_lab.analytics import aged_balance, open_items_at
from o2c_lab.analytics.importers import (import_fec, ledger_from_history, read_invoice_history,
                                         read_open_items)
from o2c_lab.errors import DataFileError

MALFORMED = Path(__file__).parent / "data" / "malformed"
CASES = yaml.safe_load((MALFORMED / "cases.yaml").read_text(encoding="utf-8"))
READERS = {"open_items": read_open_items, "history": read_invoice_history, "fec": import_fec}


def test_corpus_is_large_enough_and_complete():
    assert len(CASES) >= 25
    assert {c["file"] for c in CASES} == {p.name for p in MALFORMED.iterdir() if p.name != "cases.yaml"}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_malformed_file_gives_a_french_error_with_file_row_and_column(case):
    path = MALFORMED / case["file"]
    with pytest.raises(DataFileError) as info:
        READERS[case["reader"]](path)
    err = info.value
    assert Path(err.path).name == case["file"]
    assert err.row == case["row"]
    assert err.column == case["column"]
    # compared in lower case: DataFileError capitalises its "where" prefix with str.capitalize()
    text = str(err).lower()
    assert case["file"].lower() in text and case["contains"].lower() in text
    if case["row"] is not None:
        assert f"ligne {case['row']}" in text
    if case["column"] is not None:
        assert f"colonne « {case['column'].lower()} »" in text
    assert "valeurs acceptées" in text or "que faire" in text


def _data_lines(path: Path) -> int:
    """Non-blank lines after the first (header) line, counted without the importer."""
    lines = [ln for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    return len(lines) - 1


@pytest.mark.parametrize("name", ["oi_text_in_amount.csv", "oi_mixed_date_formats.csv",
                                  "oi_duplicate_invoice.csv", "oi_missing_field.csv"])
def test_report_mode_keeps_valid_rows_and_lists_every_rejected_one(name):
    path = MALFORMED / name
    result = read_open_items(path, on_error="report")
    assert len(result.rejected) == 1
    assert len(result.data) + len(result.rejected) + len(result.set_aside) == _data_lines(path)
    assert result.rejected[0].row not in set(result.data["source_row"])
    assert "rejet" in result.report()


def _write(tmp_path, name, text, encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_erp_csv_with_title_rows_totals_credit_notes_and_french_formats(tmp_path):
    path = _write(tmp_path, "balance.csv", "\r\n".join([
        "Balance âgée clients;;;;;",
        "Arrêtée au 31/01/2026;;;;;",
        ";;;;;",
        "Tiers;Raison sociale;Pièce;Date pièce;Date d'échéance;Reste dû",
        "C001;Alpha SA;FA-001;05/12/2025;04/01/2026;1 234,56",
        "C001;Alpha SA;AV-002;10/12/2025;10/12/2025;-234,56",
        ";;;;Total C001;1 000,00",
        "C002;Béta;FA-003;15/01/2026;14/03/2026;\u202f2\u202f000,00 €",
        "C002;Béta;FA-004;15/10/2025;14/11/2025;(100,00)",
        "C003;Gamma;FA-005;15/10/2025;14/11/2025;0,00",
        ";;;;Total général;2 900,00",
    ]))
    result = read_open_items(path)
    d = result.data
    assert result.header_row == 4
    assert list(d["document_id"]) == ["FA-001", "AV-002", "FA-003", "FA-004"]
    assert list(d["residual_cents"]) == [123_456, -23_456, 200_000, -10_000]
    assert [r for r, _ in result.set_aside] == [7, 10, 11]
    assert result.mapping["due_date"] == "Date d'échéance"
    ab = aged_balance(d, dt.date(2026, 1, 31))
    ab.check()
    assert ab.by_customer.loc["C001", "1-30 j"] == 123_456
    assert ab.by_customer["Total"].sum() == 290_000


def test_explicit_mapping_and_debit_credit_columns(tmp_path):
    path = _write(tmp_path, "oi.csv", "\r\n".join([
        "Cpt;Doc;Exigible le;Débit;Crédit",
        "411ALPHA;F1;01/02/2026;1 000,00;",
        "411ALPHA;R1;01/02/2026;;250,00",
    ]))
    result = read_open_items(path, mapping={"customer_id": "Cpt", "document_id": "Doc",
                                            "due_date": "Exigible le"}, date_order="JMA")
    assert list(result.data["residual_cents"]) == [100_000, -25_000]
    assert result.data["due_date"].tolist() == [pd.Timestamp(2026, 2, 1)] * 2


def test_cp1252_file_reads_when_the_encoding_is_given(tmp_path):
    text = "Code client;Nom;N° facture;Échéance;Montant\r\nC3;Société Générale Équipement;FA-3;11/02/2026;-80,00\r\n"
    path = _write(tmp_path, "ancien.csv", text, encoding="cp1252")
    with pytest.raises(DataFileError, match="cp1252"):
        read_open_items(path)
    result = read_open_items(path, encoding="cp1252", date_order="JMA")
    assert "Société Générale Équipement" in set(result.data["customer_name"])


def test_excel_with_merged_titles_and_real_dates(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "Balance âgée"
    ws.merge_cells("A1:E1")
    ws.append(["Client", "N° facture", "Date facture", "Échéance", "Montant TTC"])
    ws.append(["C9", "F-1", dt.datetime(2026, 1, 2), dt.datetime(2026, 2, 1), 1234.56])
    ws.append(["C9", "F-2", dt.datetime(2026, 1, 3), dt.datetime(2026, 2, 2), 0.1 + 0.2])
    ws.append([None, None, None, "Total", 1234.86])
    path = tmp_path / "b.xlsx"
    book.save(path)
    result = read_open_items(path)
    assert list(result.data["residual_cents"]) == [123_456, 30]
    assert list(result.data["source_row"]) == [3, 4]
    assert result.set_aside == [(5, "ligne de total (exclue du détail)")]


# --- invoice history ----------------------------------------------------------------------------

def test_us_style_invoice_history_is_detected_and_feeds_aging(tmp_path):
    path = _write(tmp_path, "hist.csv", "\n".join([
        "countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,"
        "SettledDate,PaperlessBill,DaysToSettle,DaysLate",
        "391,0379-NEVHP,4/6/2013,611365,1/2/2013,2/1/2013,55.94,No,1/15/2013,Paper,13,0",
        "406,8976-AMJEO,3/3/2012,7900770,1/26/2013,2/25/2013,61.74,Yes,3/3/2013,Electronic,36,6",
        "391,0379-NEVHP,4/6/2013,9231909,7/3/2013,8/2/2013,65.88,No,,Paper,,",
    ]), encoding="utf-8")
    result = read_invoice_history(path)
    d = result.data
    assert any("américain" in n for n in result.notes)
    assert d.loc[1, "due_date"] == pd.Timestamp(2013, 2, 25)
    assert d.loc[1, "settled_date"] == pd.Timestamp(2013, 3, 3)
    assert list(d["disputed"]) == [False, True, False]
    ledger, due = ledger_from_history(d)
    ab = aged_balance(open_items_at(ledger, dt.date(2013, 2, 28), due), dt.date(2013, 2, 28))
    ab.check(ledger)
    # at 28/02/2013: invoice 7900770 open, 3 days late; 611365 paid on 15/01; 9231909 not issued yet
    assert ab.by_customer["Total"].to_dict() == {"8976-AMJEO": 6_174}
    assert ab.by_customer.loc["8976-AMJEO", "1-30 j"] == 6_174


# --- FEC ----------------------------------------------------------------------------------------

def test_small_fec_with_pipe_separator_and_lettering(tmp_path):
    header = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|"
              "PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise|")
    rows = [
        "VE|Ventes|1|20260105|411000|Clients|C1|Un|FA1|20260105|Fact|120,00|0,00|AA|20260210|20260105|||",
        "VE|Ventes|1|20260105|707000|Ventes|||FA1|20260105|Fact|0,00|120,00||||||",
        "VE|Ventes|2|20260110|411000|Clients|C2|Deux|FA2|20260110|Fact|300,00|0,00||||||",
        "VE|Ventes|2|20260110|707000|Ventes|||FA2|20260110|Fact|0,00|300,00||||||",
        "BQ|Banque|3|20260210|512000|Banque|||R1|20260210|Vir|120,00|0,00||||||",
        "BQ|Banque|3|20260210|411000|Clients|C1|Un|R1|20260210|Vir|0,00|120,00|AA|20260210||||",
    ]
    path = tmp_path / "123456789FEC20261231.txt"
    path.write_bytes(("\r\n".join([header] + rows) + "\r\n").encode("cp1252"))
    imp = import_fec(path, terms_days=30)
    assert set(imp.ledger["customer_id"]) == {"C1", "C2"}
    groups = imp.lettering_groups
    assert list(groups["EcritureLet"]) == ["AA"] and bool(groups["settled"].iloc[0])
    ab = imp.aged_balance(dt.date(2026, 2, 28))
    ab.check(imp.ledger)
    assert ab.by_customer["Total"].to_dict() == {"C2": 30_000}
    assert ab.by_customer.loc["C2", "1-30 j"] == 30_000  # due 09/02
    # before the receipt, C1's invoice is open
    assert imp.aged_balance(dt.date(2026, 2, 1)).by_customer.loc["C1", "Non échu"] == 12_000


def test_every_real_fec_imports_balanced_with_open_items_and_aging(shared_fixtures):
    files = sorted((shared_fixtures / "fec").glob("*"))
    assert files
    for path in files:
        imp = import_fec(path, terms_days=45)
        fec = imp.fec
        assert fec.total_debit_cents == fec.total_credit_cents
        raw = fec.entries
        customer_lines = raw[raw["CompteNum"].str.startswith("411")]
        assert len(imp.ledger) == len(customer_lines)
        groups = imp.lettering_groups
        assert len(groups) > 0 and groups["lines"].sum() == (customer_lines["EcritureLet"] != "").sum()
        end = imp.ledger["entry_date"].max()
        ab = imp.aged_balance(end)
        ab.check(imp.ledger)
        # independent: net of all 411 lines equals the aged balance's total
        assert ab.total_cents == int(customer_lines["Debit"].sum() - customer_lines["Credit"].sum())
        # credits of the sales journal are credit notes, other credits receipts
        sales_credits = customer_lines["JournalCode"].isin(["VE", "VT", "VTE", "VEN"]) & \
            (customer_lines["Credit"] > customer_lines["Debit"])
        assert (imp.ledger["document_type"] == "avoir").sum() == sales_credits.sum()
        items = imp.open_items(end)
        assert len(items) > 0 and set(items["customer_id"]) <= set(imp.ledger["customer_id"])
        print(f"\n{path.name}: {len(customer_lines)} lignes 411, {len(groups)} groupes de lettrage "
              f"({int(groups['settled'].sum())} soldés), {len(items)} postes ouverts, "
              f"solde {ab.total_cents / 100:.2f} €")
