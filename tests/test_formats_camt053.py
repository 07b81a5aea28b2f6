"""camt.053: two real public statements, the Odoo importer's golden data, write → read."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from decimal import Decimal

import pandas as pd
import pytest

from o2c_lab.errors import DataFileError, InvalidParameterError
from o2c_lab.formats.camt053 import CAMT053_VERSIONS, read_camt053, write_camt053


@pytest.fixture(scope="module")
def camt_folder(shared_fixtures):
    return shared_fixtures / "camt053"


def test_swiss_batch_matches_the_golden_extraction(camt_folder):
    statements, txs = read_camt053(camt_folder / "test-camt053-txdtls")
    currency, iban, golden = ast.literal_eval(
        (camt_folder / "golden-camt053-txdtls.pydata").read_text(encoding="utf-8"))
    (gst,) = golden
    (st,) = statements.to_dict("records")
    assert (st["currency"], st["account_iban"], st["statement_id"]) == (currency, iban, gst["name"])
    assert st["opening_balance_cents"] == int(Decimal(str(gst["balance_start"])) * 100)
    assert st["closing_balance_cents"] == int(Decimal(str(gst["balance_end_real"])) * 100)
    assert st["balance_ok"] and st["balance_note"] == ""
    assert len(txs) == len(gst["transactions"]) == 2
    for row, gold in zip(txs.to_dict("records"), gst["transactions"]):
        assert row["amount_cents"] == int(Decimal(str(gold["amount"])) * 100)
        assert row["counterparty_name"] == gold["partner_name"]
        assert row["counterparty_iban"] == gold["account_number"]
        assert row["remittance_info"] == gold["ref"]
        assert row["label"] == gold["payment_ref"]
        assert row["bank_code"] == gold["transaction_type"]
        assert row["booking_date"] == pd.Timestamp(gold["date"])
    assert txs["batch_size"].tolist() == [2, 2]
    assert txs["entry_ref"].nunique() == 1 and txs["bank_tx_id"].is_unique
    assert int(txs["amount_cents"].sum()) == 348_300  # the entry: 3 483,00 CHF


@pytest.mark.parametrize("change", ["drop", "wrong"])
def test_batch_without_usable_split_amounts_stays_one_row(camt_folder, tmp_path, change):
    text = (camt_folder / "test-camt053-txdtls").read_text(encoding="utf-8")
    new = "" if change == "drop" else '<Amt Ccy="CHF">1295.00</Amt>'
    path = tmp_path / "batch.xml"
    path.write_text(text.replace('<Amt Ccy="CHF">1296.00</Amt>', new), encoding="utf-8")
    statements, txs = read_camt053(path)
    assert statements.loc[0, "balance_ok"]
    (row,) = txs.to_dict("records")
    assert row["amount_cents"] == 348_300 and row["batch_size"] == 2
    assert row["counterparty_iban"] == "CH2222000000123456789 | CH3333000000123456789"
    assert row["remittance_info"] == "302388292000011111111111111 | 302388292000022222222222222"


def test_file_without_declaration_or_extension(camt_folder, tmp_path):
    text = (camt_folder / "test-camt053-txdtls").read_text(encoding="utf-8")
    bare = tmp_path / "releve"
    bare.write_text(text.split("?>", 1)[1].lstrip(), encoding="utf-8")
    assert read_camt053(bare)[1].equals(read_camt053(camt_folder / "test-camt053-txdtls")[1])


def test_v02_file_with_two_statements_chains_balances(camt_folder):
    statements, txs = read_camt053(camt_folder / "camt053.v2.multi.statement.xml")
    assert statements["opening_balance_cents"].tolist() == [1815, 2700]
    assert statements["closing_balance_cents"].tolist() == [2700, 2000]
    assert statements["balance_ok"].all()
    assert txs["amount_cents"].tolist() == [885, -700]
    assert txs["remittance_info"].tolist() == ["Transaction Description 1",
                                               "Transaction Description 2"]
    assert txs["end_to_end_id"].tolist() == ["000000001", "000000002"]
    assert txs.loc[1, "counterparty_name"] == "Company Name 2"  # Cdtr of a debit


def test_unbalanced_and_reversed_entries_are_flagged(camt_folder, tmp_path):
    text = (camt_folder / "camt053.v2.multi.statement.xml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text(text.replace("<Amt Ccy=\"EUR\">8.85</Amt>", "<Amt Ccy=\"EUR\">8.86</Amt>")
                      .replace("<RvslInd>false</RvslInd>", "<RvslInd>true</RvslInd>", 1),
                      encoding="utf-8")
    statements, txs = read_camt053(broken)
    assert statements["balance_ok"].tolist() == [False, True]
    assert "1 centimes" in statements.loc[0, "balance_note"]
    assert txs["reversal"].tolist() == [True, False]


def test_malformed_xml_raises_a_french_error(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text("<Document><BkToCstmrStmt>", encoding="utf-8")
    with pytest.raises(DataFileError, match="XML mal formé"):
        read_camt053(path)


# ---------------------------------------------------------------------- write -> read

def _statement():
    statement = {"statement_id": "REL-2026-11", "account_iban": "FR7630006000011234567890189",
                 "from_date": pd.Timestamp("2026-11-01"), "to_date": pd.Timestamp("2026-11-30"),
                 "opening_balance_cents": 1_000_000, "closing_balance_cents": 1_000_000 + 150_000
                 + 3_456 - 1_250 - 2_000_000}
    txs = pd.DataFrame({
        "bank_tx_id": ["TX1", "TX2", "TX3", "TX4"], "statement_id": ["REL-2026-11"] * 4,
        "booking_date": pd.to_datetime(["2026-11-03", "2026-11-05", "2026-11-30", "2026-11-20"]),
        "value_date": pd.to_datetime(["2026-11-04", "2026-11-05", "2026-11-30", "2026-11-20"]),
        "amount_cents": [150_000, 3_456, -1_250, -2_000_000],
        "label": ["VIR SEPA MÜLLER GMBH", "VIR DUPRÉ & FILS", "FRAIS TENUE DE COMPTE",
                  "VIR FOURNISSEUR"],
        "counterparty_name": ["Müller GmbH", "Dupré & Fils", "", "Fournisseur SA"],
        "counterparty_iban": ["DE89370400440532013000", "", "", "FR1420041010050500013M02606"],
        "remittance_info": ["RF18539007547034", "Règlement factures F-12 et F-13 <acompte>", "",
                            "Paiement"],
        "end_to_end_id": ["E2E-1", "", "", "E2E-4"],
        "bank_code": ["virement reçu", "virement reçu", "frais bancaires", "PMNT-ICDT-ESCT"],
    })
    return statement, txs


@pytest.mark.parametrize("version", CAMT053_VERSIONS)
def test_round_trip(version, tmp_path):
    statement, txs = _statement()
    path = write_camt053(statement, txs, {"name": "Outillage Vérnier SAS", "bic": "BNPAFRPPXXX"},
                         tmp_path / "rel.xml", version=version)
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    statements, back = read_camt053(path)
    assert statements.loc[0, "balance_ok"]
    for col in ("statement_id", "account_iban", "opening_balance_cents", "closing_balance_cents"):
        assert statements.loc[0, col] == statement[col]
    expected = txs.sort_values(["booking_date", "bank_tx_id"]).reset_index(drop=True)
    expected["end_to_end_id"] = expected["end_to_end_id"].replace("", "NOTPROVIDED")
    # ISO codes come back as bank_code; the bank's own wording is kept alongside.
    expected["bank_code"] = ["PMNT-RCDT-ESCT", "PMNT-RCDT-ESCT", "PMNT-ICDT-ESCT", "ACMT-MDOP-CHRG"]
    assert back["bank_code_proprietary"].tolist() == ["virement reçu", "virement reçu", "",
                                                       "frais bancaires"]
    pd.testing.assert_frame_equal(back[list(txs.columns)], expected, check_dtype=False)
    assert not back["reversal"].any() and (back["batch_size"] == 1).all()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find_all(el, name):
    return [x for x in el.iter() if _local(x.tag) == name]


def test_written_xml_checked_with_elementtree(tmp_path):
    statement, txs = _statement()
    path = write_camt053(statement, txs, {"name": "Outillage Vernier SAS"}, tmp_path / "r.xml")
    root = ET.parse(path).getroot()
    assert root.tag == "{urn:iso:std:iso:20022:tech:xsd:camt.053.001.08}Document"
    balances = {}
    for bal in _find_all(root, "Bal"):
        code = _find_all(bal, "Cd")[0].text
        amount = Decimal(_find_all(bal, "Amt")[0].text)
        assert amount >= 0
        balances[code] = amount if _find_all(bal, "CdtDbtInd")[0].text == "CRDT" else -amount
    total = Decimal(0)
    for entry in _find_all(root, "Ntry"):
        amount = Decimal([c for c in entry if _local(c.tag) == "Amt"][0].text)
        indicator = [c for c in entry if _local(c.tag) == "CdtDbtInd"][0].text
        total += amount if indicator == "CRDT" else -amount
        assert [_local(c.tag) for c in _find_all(entry, "Sts")[0]] == ["Cd"]
    assert balances["OPBD"] + total == balances["CLBD"]
    entries = _find_all(root, "Ntry")
    first = entries[0]
    assert _find_all(first, "Ref")[0].text == "RF18539007547034"  # structured creditor ref
    assert [_local(x.tag) for x in _find_all(first, "Dbtr")[0]] == ["Pty"]
    assert _find_all(entries[1], "Ustrd")[0].text == "Règlement factures F-12 et F-13 <acompte>"
    fee = entries[3]  # entries are in booking-date order: TX1, TX2, TX4, TX3
    assert [x.text for x in _find_all(_find_all(fee, "Domn")[0], "Cd")] == ["ACMT", "MDOP"]
    assert _find_all(fee, "SubFmlyCd")[0].text == "CHRG"
    assert [_local(x.tag) for x in _find_all(entries[2], "RltdPties")[0]] == ["Cdtr", "CdtrAcct"]
    # An ISO code goes to Domn only; a bank's own wording is kept in Prtry.
    assert [x.text for x in _find_all(_find_all(entries[2], "Domn")[0], "Cd")] == ["PMNT", "ICDT"]
    assert not _find_all(entries[2], "Prtry")
    assert _find_all(_find_all(fee, "Prtry")[0], "Cd")[0].text == "frais bancaires"
    assert _find_all(fee, "AddtlNtryInf")[0].text == "FRAIS TENUE DE COMPTE"


def test_writer_refuses_inconsistent_balances(tmp_path):
    statement, txs = _statement()
    statement["closing_balance_cents"] += 1
    with pytest.raises(InvalidParameterError, match="incohérent"):
        write_camt053(statement, txs, {"name": "X"}, tmp_path / "r.xml")


def test_default_company_statements_round_trip(company, tmp_path):
    owner = {"name": company.name}
    statements = company.bank_statements
    txs = company.bank_transactions
    for row in statements.head(3).to_dict("records"):
        part = txs[txs["statement_id"] == row["statement_id"]]
        path = write_camt053(row, part, owner, tmp_path / f"{row['statement_id']}.xml")
        read_statements, back = read_camt053(path)
        assert read_statements["balance_ok"].all()
        assert sorted(back["bank_tx_id"]) == sorted(part["bank_tx_id"])
        assert int(back["amount_cents"].sum()) == int(part["amount_cents"].sum())
