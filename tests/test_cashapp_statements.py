"""One table of bank lines from any file; bank CSV exports; the balance check reported."""

from __future__ import annotations

import pandas as pd
import pytest

from o2c_lab.cashapp import balance_report, detect_format, read_bank_file
from o2c_lab.errors import DataFileError
from o2c_lab.formats.bank_csv import read_bank_csv

_COLUMNS = ["bank_tx_id", "statement_id", "booking_date", "value_date", "amount_cents", "label",
            "counterparty_name", "counterparty_iban", "remittance_info", "end_to_end_id",
            "bank_code", "currency"]


@pytest.mark.parametrize("relative, fmt", [
    ("mt940/sepa_mt9401.sta", "mt940"),
    ("cfonb120/example.txt", "cfonb120"),
    ("camt053/test-camt053-txdtls", "camt053"),
    ("camt053/camt053.v2.multi.statement.xml", "camt053"),
])
def test_real_files_are_detected_and_normalised(shared_fixtures, relative, fmt):
    path = shared_fixtures / relative
    assert detect_format(path) == fmt
    statements, lines = read_bank_file(path)
    assert list(lines.columns[: len(_COLUMNS)]) == _COLUMNS
    assert lines["amount_cents"].dtype == "int64"
    report = balance_report(statements, lines)
    assert (report["status"] == "équilibré").all(), report.to_string()


def test_camt053_batch_gives_one_line_per_payment(shared_fixtures):
    _, lines = read_bank_file(shared_fixtures / "camt053" / "test-camt053-txdtls")
    credits = lines[lines["amount_cents"] > 0]["amount_cents"].tolist()
    assert {218700, 129600} <= set(credits)       # the batch's two TxDtls
    assert set(lines["currency"]) == {"CHF"}


def test_csv_export_with_debit_and_credit_columns(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("Date;Libellé;Débit;Crédit;Référence\r\n"
                     "02/12/2026;VIR SEPA RECU DUPONT;;1 234,56;FA-2026-00412\r\n"
                     "03/12/2026;FRAIS TENUE DE COMPTE;12,50;;\r\n".encode("cp1252"))
    statements, lines = read_bank_csv(path, account="FR76 3000 4000 0312 3456 7890 143", date_order="JMA")
    assert lines["amount_cents"].tolist() == [123456, -1250]
    assert lines["remittance_info"].tolist() == ["FA-2026-00412", ""]
    assert lines["label"].iloc[0] == "VIR SEPA RECU DUPONT"
    report = balance_report(statements, lines)
    assert report.loc[0, "status"] == "non vérifiable" and report.loc[0, "gap_cents"] is None


def test_csv_export_english_style(tmp_path):
    path = tmp_path / "export2.csv"
    path.write_text("booking date,description,amount,currency\n"
                    "2026-12-02,TRANSFER,-20.5,EUR\n2026-12-03,RECEIPT,1500.00,EUR\n",
                    encoding="utf-8")
    _, lines = read_bank_csv(path)
    assert lines["amount_cents"].tolist() == [-2050, 150000]
    assert str(lines["booking_date"].iloc[1].date()) == "2026-12-03"


def test_csv_without_amount_column_is_explained(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Date;Libellé\n02/12/2026;X\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="Montant"):
        read_bank_csv(path)


def test_csv_bad_date_names_the_row(tmp_path):
    path = tmp_path / "bad_date.csv"
    path.write_text("Date;Libellé;Montant\n02/12/2026;A;1,00\n31/02/2026;B;2,00\n",
                    encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_bank_csv(path)
    assert err.value.row == 3


def test_balance_gap_is_reported_not_ignored():
    statements = pd.DataFrame({"statement_id": ["S1"], "opening_balance_cents": [1000],
                               "closing_balance_cents": [1500]})
    lines = pd.DataFrame({"statement_id": ["S1", "S1"], "amount_cents": [300, 100]})
    report = balance_report(statements, lines)
    assert report.loc[0, "status"] == "écart" and report.loc[0, "gap_cents"] == -100
    assert "écart" in report.loc[0, "message"]
