"""Reconciliation file, FEC-style lettering extract, unapplied cash, remittances, rules."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from o2c_lab.cashapp import (RuleBook, lettering_extract, match_bank_lines, parse_remittance_text,
                             read_remittance_file, reconciliation_table, unapplied_cash,
                             write_csv_fr, write_fec_extract)
from o2c_lab.errors import DataFileError

from test_cashapp_engine import CONTRACTS, CUSTOMERS, IBAN_C1, ITEMS, _line


@pytest.fixture
def result():
    lines = pd.DataFrame([
        _line("T1", 120000, remittance="FA-2026-00001"),
        _line("T2", 98901, remittance="FACT 2026/00004", day="2026-01-12"),     # discount
        _line("T3", 20000, iban=IBAN_C1, remittance="FA-2026-00002"),             # partial
        _line("T4", 33333, name="INCONNU"),                                      # unmatched
    ])
    return lines, match_bank_lines(lines, ITEMS, CUSTOMERS, CONTRACTS)


def test_reconciliation_csv_for_french_excel(result, tmp_path):
    _, res = result
    table = reconciliation_table(res)
    assert set(table["Réf. opération"]) == {"T1", "T2", "T3"}
    by_tx = table.set_index("Réf. opération")
    assert by_tx.loc["T1", "Code lettrage"] and by_tx.loc["T2", "Code lettrage"]
    assert by_tx.loc["T3", "Code lettrage"] == ""        # partial: document stays open
    path = write_csv_fr(table, tmp_path / "rappro.csv",
                        money_columns=["Montant opération", "Montant imputé", "Litige à ouvrir"])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    assert "1200,00" in text and "10/02/2026" in text and ";" in text.splitlines()[0]


def test_lettering_extract_groups_net_to_zero(result, tmp_path):
    _, res = result
    extract = lettering_extract(res, CUSTOMERS)
    assert len(extract.columns) == 18
    net = (extract["Debit"] - extract["Credit"]).groupby(
        [extract["CompAuxNum"], extract["EcritureLet"], extract["EcritureNum"]]).sum()
    assert (net == 0).all() and len(net) == 2
    discount = extract[extract["JournalCode"] == "OD"]
    assert discount["Credit"].tolist() == [999]          # 1 % of 999,00 €
    path = write_fec_extract(extract, tmp_path / "lettrage.txt")
    first = path.read_text(encoding="utf-8").splitlines()
    assert first[0].split("\t")[0] == "JournalCode" and "1200,00" in "\n".join(first)


def test_unapplied_cash_lists_what_is_left(result):
    lines, res = result
    left = unapplied_cash(res, lines).set_index("Réf. opération")
    assert "T4" in left.index and left.loc["T4", "Non affecté"] == 33333
    assert "T1" not in left.index and "T3" not in left.index


def test_remittance_text_and_file(tmp_path):
    text = "Règlement du 12/02 :\nFA 2026 1 : 1 200,00 €\nFA-2026-00002   500,00\nAV-2026-00001 100,00"
    advice = parse_remittance_text(text, customer_id="C1", advice_id="A1")
    assert advice["document_id"].tolist() == ["FA-2026-00001", "FA-2026-00002", "AV-2026-00001"]
    assert advice["amount_cents"].tolist() == [120000, 50000, -10000]
    path = tmp_path / "avis.csv"
    path.write_text("Facture;Montant\nFA-2026-00001;1200,00\nFA-2026-00002;500,00\n",
                    encoding="utf-8")
    from_file = read_remittance_file(path, customer_id="C1", advice_id="A2")
    assert from_file["amount_cents"].sum() == 170000
    bad = tmp_path / "bad.csv"
    bad.write_text("Numéro;Valeur\nX;1\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        read_remittance_file(bad)


def test_engine_follows_a_remittance_advice():
    advice = parse_remittance_text("FA-2026-00001 1 200,00\nFA-2026-00002 300,00",
                                   customer_id="C1", advice_id="A1")
    lines = pd.DataFrame([_line("G1", 150000, iban=IBAN_C1)])
    res = match_bank_lines(lines, ITEMS, CUSTOMERS, CONTRACTS, remittances=advice).results[0]
    # Without the advice 1 500 € could be FA-1 + FA-3 ; the advice says FA-1 + 300 € of FA-2.
    assert res.chosen.pass_id == "avis" and res.status == "automatique"
    assert sorted(res.chosen.allocations) == [("FA-2026-00001", 120000), ("FA-2026-00002", 30000)]


def test_rule_book_json_roundtrip_and_shared_payer_guard(tmp_path):
    book = RuleBook(tmp_path)
    factor = {"counterparty_name": "HEXAFACTOR SA", "counterparty_iban": ""}
    book.learn(factor, "C1")
    assert book.customer_for("Hexafactor", "") == "C1"
    book.learn(factor, "C2")                      # the factor pays for two customers
    assert book.customer_for("Hexafactor", "") is None
    path = book.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["payers"]["nom:HEXAFACTOR"] == {"C1": 1, "C2": 1}
    again = RuleBook(tmp_path)
    assert again.customer_for("HEXAFACTOR SA", "") is None
    assert "ambiguë" in again.to_frame()["État"].iloc[0]
    (tmp_path / "regles_lettrage.json").write_text("{pas du json", encoding="utf-8")
    with pytest.raises(DataFileError):
        RuleBook(tmp_path)
