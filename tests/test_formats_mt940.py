"""MT940 reader: the real German SEPA sample against the expected parse shipped beside it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from o2c_lab.cashapp.statements import balance_report
from o2c_lab.errors import DataFileError
from o2c_lab.formats.mt940 import _split_86, read_mt940

# The hostile corpus's base statement (tests/data/hostile/make_corpus.py): one source for both.
_STATEMENT = (Path(__file__).parent / "data" / "hostile" / "mt940" / "base_lf.sta").read_text(encoding="utf-8")


def _expected(shared_fixtures):
    """Amounts, IBANs and names of the expected parse (YAML of python objects, read as text)."""
    text = (shared_fixtures / "mt940" / "sepa_mt9401.yml").read_text(encoding="utf-8")
    amount = re.compile(r"\n    amount: !!python/object:mt940\.models\.Amount\n      amount: "
                        r"!!python/object/apply:decimal\.Decimal \['([-\d.E+]+)'\]")
    amounts = [int(Decimal(a) * 100) for a in amount.findall(text)][5:]  # 5 top-level balances
    ibans = [v if v != "null" else "" for v in re.findall(r"\n    applicant_iban: (.*)", text)]
    names = [v if v != "null" else "" for v in re.findall(r"\n    applicant_name: (.*)", text)]
    return amounts, ibans, names


def test_real_sepa_file_matches_expected_parse(shared_fixtures):
    statements, lines = read_mt940(shared_fixtures / "mt940" / "sepa_mt9401.sta")
    assert len(statements) == 26 and len(lines) == 97
    amounts, ibans, names = _expected(shared_fixtures)
    assert len(amounts) == 97
    got = lines["amount_cents"].tolist()
    differ = [i for i, (a, b) in enumerate(zip(amounts, got)) if a != b]
    # The two « RCR » lines (reversal of a credit) are debits: the expected file keeps them
    # positive with an RC status; the balances below prove the sign.
    assert differ == [5, 18] and all(got[i] == -amounts[i] < 0 for i in differ)
    assert lines["counterparty_iban"].tolist() == ibans
    squeeze = [n.replace(" ", "")[:20] for n in names]
    assert [n.replace(" ", "")[:20] for n in lines["counterparty_name"]] == squeeze
    report = balance_report(statements, lines)
    assert (report["status"] == "équilibré").all()
    assert lines["bank_tx_id"].is_unique


def test_intermediate_balances_and_envelope(tmp_path):
    body = _STATEMENT.replace(":60F:", ":60M:").replace(":62F:", ":62M:")
    path = tmp_path / "swift.sta"
    path.write_text("{1:F01BNPAFRPPAXXX0000000000}{2:O9401200261203BNPAFRPPAXXX}{4:\n"
                    + body.rstrip("-") + "-}{5:{CHK:123456789ABC}}", encoding="utf-8")
    statements, lines = read_mt940(path)
    assert lines["amount_cents"].tolist() == [123456, -900]   # « 9, » is 9,00
    assert statements.loc[0, "opening_balance_cents"] == 100000
    assert balance_report(statements, lines).loc[0, "status"] == "équilibré"
    assert lines.loc[0, "remittance_info"] == "" and "FA-2026-00412" in lines.loc[0, "label"]


def test_header_lines_before_first_statement(tmp_path):
    path = tmp_path / "header.sta"
    path.write_text("0000 01BNPAFRPPXXX\n940\n" + _STATEMENT, encoding="utf-8")
    assert len(read_mt940(path)[1]) == 2


def test_broken_61_line_names_its_line(tmp_path):
    path = tmp_path / "casse.sta"
    path.write_text(_STATEMENT.replace(":61:2612031203D9,NCHG", ":61:26120X1203D9,NCHG"),
                    encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_mt940(path)
    assert err.value.row == 7 and ":61:" in str(err.value)


def test_not_an_mt940_file(tmp_path):
    path = tmp_path / "vide.sta"
    path.write_text("Date;Libellé;Montant\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=":20:"):
        read_mt940(path)


def test_86_structured_subfields():
    text = ("166?00GUTSCHRIFT?100399?20EREF+E2E-123?21SVWZ+FA-2026-00412 F?22A-2026-00413"
            "?30BNPAFRPP?31FR7630004000031234567890143?32DUPONT INDUSTRIE?33 SAS")
    out = _split_86(text)
    assert out["label"] == "GUTSCHRIFT"
    assert out["end_to_end_id"] == "E2E-123"
    assert out["remittance_info"] == "FA-2026-00412 FA-2026-00413"
    assert out["counterparty_iban"] == "FR7630004000031234567890143"
    assert out["counterparty_name"] == "DUPONT INDUSTRIE SAS"


def test_86_swift_tags_and_free_text():
    tagged = _split_86("/EREF/E2E9//NAME/MARTIN OUTILLAGE/REMI/FA-2026-00007")
    assert (tagged["counterparty_name"], tagged["remittance_info"], tagged["end_to_end_id"]) == \
        ("MARTIN OUTILLAGE", "FA-2026-00007", "E2E9")
    assert _split_86("VIR RECU\nDE MARTIN")["label"] == "VIR RECU DE MARTIN"
