"""CFONB 120 reader: the real sample statement, hand-computed amounts, and broken files."""

from __future__ import annotations

import pytest

from o2c_lab.cashapp.statements import balance_report
from o2c_lab.errors import DataFileError
from o2c_lab.formats.cfonb120 import _overpunch_cents, read_cfonb120


def _record(kind: str, amount: str, *, date="150519", label="", code="  ") -> str:
    """A 120-character record built field by field from the CFONB positions."""
    rec = (kind + "15589" + "    " + "00000" + "EUR" + "2" + " " + "98765432100" + code
           + date + "  " + date + label.ljust(31)[:31] + "  " + "0000000" + " " + " "
           + amount + " " * 16)
    assert len(rec) == 120
    return rec


@pytest.mark.parametrize("field, decimals, cents", [
    ("0000000001904}", 2, -19040),     # } = negative, last digit 0
    ("0000000000974I", 2, 9749),       # I = positive 9
    ("0000000000322J", 2, -3221),      # J = negative 1
    ("0000000000010{", 0, 10000),      # no decimals: 100 euros
    ("0000000 00974I", 2, 9749),       # a space inside the amount reads as 0
])
def test_overpunch(field, decimals, cents):
    assert _overpunch_cents(field, decimals) == cents


def test_real_example_statements(shared_fixtures):
    path = shared_fixtures / "cfonb120" / "example.txt"
    statements, lines = read_cfonb120(path)
    assert len(statements) == 2
    assert statements["transaction_count"].tolist() == [3, 3]
    # Amounts read by hand from columns 91-104 of each 04 record of the file.
    assert lines["amount_cents"].tolist() == [-3221, -1070, -790, 9749, -1210, -790]
    assert statements["opening_balance_cents"].tolist() == [-19040, -24121]
    assert statements["closing_balance_cents"].tolist() == [-24121, -16372]
    report = balance_report(statements, lines)
    assert report["status"].tolist() == ["équilibré", "équilibré"]
    assert report["gap_cents"].tolist() == [0, 0]
    first = lines.iloc[0]
    assert first["label"] == "PRLV SEPA TEST CABINET"
    assert first["counterparty_name"] == "INTERNET SFR"        # 05 NPY complement
    assert "MENSUEAUHTR13133" in first["remittance_info"]      # 05 LIB complement
    assert first["end_to_end_id"] == "OTHER REFERENCE"        # 05 RCN complement
    assert first["bank_code"] == "B1"
    assert str(first["booking_date"].date()) == "2019-05-16"
    assert lines["bank_tx_id"].is_unique
    assert set(lines["currency"]) == {"EUR"}


def test_file_without_line_breaks_reads_the_same(shared_fixtures, tmp_path):
    src = shared_fixtures / "cfonb120" / "example.txt"
    joined = "".join(line for line in src.read_text(encoding="latin-1").splitlines() if line.strip())
    path = tmp_path / "sans_retour.txt"
    path.write_text(joined, encoding="latin-1")
    assert read_cfonb120(path)[1]["amount_cents"].tolist() == \
        read_cfonb120(src)[1]["amount_cents"].tolist()


def test_synthetic_statement_balances_and_sign(tmp_path):
    path = tmp_path / "releve.txt"
    recs = [_record("01", "0000000010000{"),                  # +1 000,00
            _record("04", "0000000001234E", label="VIR RECU FA-2026-00412"),  # +123,45
            _record("04", "0000000000050}", label="FRAIS"),     # -5,00
            _record("07", "0000000011184{")]                   # 1 118,40 ≠ 1 118,45
    path.write_text("\r\n".join(recs) + "\r\n\r\n", encoding="latin-1")
    statements, lines = read_cfonb120(path)
    assert lines["amount_cents"].tolist() == [12345, -500]
    report = balance_report(statements, lines)
    assert report.loc[0, "status"] == "écart"
    assert report.loc[0, "gap_cents"] == 100000 + 12345 - 500 - 111840


def test_line_of_119_characters_is_refused_with_its_number(tmp_path):
    path = tmp_path / "abime.txt"
    recs = [_record("01", "0000000010000{"), _record("04", "0000000001234E")[:119],
            _record("07", "0000000011234E")]
    path.write_text("\n".join(recs), encoding="latin-1")
    with pytest.raises(DataFileError) as err:
        read_cfonb120(path)
    assert err.value.row == 2 and "119 caractères" in str(err.value)


def test_truncated_file_without_closing_balance(tmp_path):
    path = tmp_path / "tronque.txt"
    path.write_text(_record("01", "0000000010000{") + "\n" + _record("04", "0000000001234E"),
                    encoding="latin-1")
    with pytest.raises(DataFileError, match="nouveau solde"):
        read_cfonb120(path)


def test_not_a_cfonb_file(tmp_path):
    path = tmp_path / "autre.txt"
    path.write_text("99" + "x" * 118, encoding="latin-1")
    with pytest.raises(DataFileError, match="inconnu"):
        read_cfonb120(path)


def test_bad_sign_character(tmp_path):
    path = tmp_path / "signe.txt"
    recs = [_record("01", "0000000010000{"), _record("04", "0000000001234Z"),
            _record("07", "0000000011234E")]
    path.write_text("\n".join(recs), encoding="latin-1")
    with pytest.raises(DataFileError) as err:
        read_cfonb120(path)
    assert err.value.row == 2
