"""FEC: the real public sample and its variants, hand-computed company entries, round trip."""

from __future__ import annotations

import time
from decimal import Decimal

import pandas as pd
import pytest

from o2c_lab.company.model import Company
from o2c_lab.errors import DataFileError, InvalidParameterError
from o2c_lab.formats.fec import (FEC_COLUMNS, check_balanced, company_to_fec, lettering_groups,
                                 read_fec, write_fec)

REAL_TOTAL_CENTS = 1_018_621_981  # 10 186 219,81 €, stated by the sample's publisher


@pytest.fixture(scope="module")
def real_path(shared_fixtures):
    return shared_fixtures / "fec" / "0000000001FEC20220831.txt"


@pytest.fixture(scope="module")
def real(real_path):
    start = time.perf_counter()
    fec = read_fec(real_path)
    print(f"\nFEC réel ({len(fec.entries)} lignes) lu en {time.perf_counter() - start:.3f} s")
    return fec


@pytest.fixture(scope="module")
def real_lines(real_path) -> list[list[str]]:
    text = real_path.read_bytes().decode("utf-8-sig")
    return [line.split("\t") for line in text.splitlines() if line]


def test_real_fec_totals_and_customer_subledger(real):
    assert real.encoding == "utf-8" and "BOM" in real.encoding_note and real.separator == "\t"
    assert list(real.entries.columns) == list(FEC_COLUMNS)
    assert real.total_debit_cents == REAL_TOTAL_CENTS
    assert real.total_credit_cents == REAL_TOTAL_CENTS
    assert real.balanced and real.unbalanced_entries.empty
    customers = real.entries[real.entries["CompteNum"] == "411000"]
    assert customers["CompAuxNum"].nunique() == 17
    assert (customers["EcritureLet"] != "").sum() == 528
    assert customers["DateLet"].isna().all()
    assert check_balanced(real) is real


def test_lettering_groups_match_a_plain_recount(real, real_lines):
    header, *rows = real_lines
    col = {name: header.index(name) for name in header}
    expected: dict[tuple, Decimal] = {}
    for r in rows:
        if r[col["CompteNum"]].startswith("411") and r[col["EcritureLet"]].strip():
            key = (r[col["CompteNum"]], r[col["CompAuxNum"]].strip(), r[col["EcritureLet"]].strip())
            amount = (Decimal(r[col["Debit"]].replace(",", "."))
                      - Decimal(r[col["Credit"]].replace(",", ".")))
            expected[key] = expected.get(key, Decimal(0)) + amount
    groups = lettering_groups(real.entries)
    assert int(groups["lines"].sum()) == 528
    got = {(g.CompteNum, g.CompAuxNum, g.EcritureLet): Decimal(int(g.net_cents)).scaleb(-2)
           for g in groups.itertuples()}
    assert got == expected
    assert groups["settled"].tolist() == [got[k] == 0 for k in got]


def _variant(real_path, tmp_path, name, transform, encoding="utf-8") -> object:
    text = real_path.read_bytes().decode("utf-8-sig")
    lines = [line.split("\t") for line in text.split("\r\n" if "\r\n" in text else "\n") if line]
    out = tmp_path / name
    out.write_bytes("\r\n".join(transform(lines)).encode(encoding))
    return read_fec(out)


_VARIANTS = {
    "pipe": (lambda ls: ["|".join(f) for f in ls], "utf-8"),
    "no_bom_trailing_tab": (lambda ls: ["\t".join(f) + "\t" for f in ls], "utf-8"),
    "padded": (lambda ls: ["\t".join(f"  {v} " for v in f) for f in ls], "utf-8"),
    "cp1252": (lambda ls: ["\t".join(f) for f in ls], "cp1252"),
    # CP850 has no euro sign: the DOS export spells it out.
    "cp850_pipe": (lambda ls: ["|".join(f).replace("€", "EUR") for f in ls], "cp850"),
    "22_columns": (lambda ls: ["\t".join(f + (["Montant", "Sens", "Extra1", "Extra2"] if k == 0
                                             else ["1,00", "D", "x", ""])) for k, f in enumerate(ls)],
                   "utf-8"),
}


@pytest.mark.parametrize("variant", sorted(_VARIANTS))
def test_real_fec_variants_read_the_same(variant, real, real_path, tmp_path):
    transform, encoding = _VARIANTS[variant]
    fec = _variant(real_path, tmp_path, f"{variant}.txt", transform, encoding)
    assert fec.total_debit_cents == fec.total_credit_cents == REAL_TOTAL_CENTS
    expected = real.entries.copy()
    if encoding == "cp850":
        text_columns = expected.select_dtypes("str").columns
        expected[text_columns] = expected[text_columns].apply(lambda s: s.str.replace("€", "EUR"))
    pd.testing.assert_frame_equal(fec.entries[list(FEC_COLUMNS)], expected)
    assert fec.encoding == ("utf-8" if encoding == "utf-8" else encoding)
    if encoding != "utf-8":
        assert "pas de l'UTF-8" in fec.encoding_note
    if variant == "22_columns":
        assert fec.extra_columns == ["Montant", "Sens", "Extra1", "Extra2"]


def test_montant_sens_variant_rebuilds_debit_and_credit(real, real_path, tmp_path):
    def to_sens(lines):
        header, *rows = lines
        d, c = header.index("Debit"), header.index("Credit")
        out = ["\t".join(header[:d] + ["Montant", "Sens"] + header[c + 1:])]
        for r in rows:
            debit = Decimal(r[d].replace(",", "."))
            amount, side = (r[d], "D") if debit else (r[c], "C")
            out.append("\t".join(r[:d] + [amount, side] + r[c + 1:]))
        return out

    fec = _variant(real_path, tmp_path, "sens.txt", to_sens)
    assert fec.total_debit_cents == fec.total_credit_cents == REAL_TOTAL_CENTS
    pd.testing.assert_frame_equal(fec.entries[["Debit", "Credit"]], real.entries[["Debit", "Credit"]])


def test_amount_spellings_seen_in_real_exports(tmp_path):
    header = "|".join(FEC_COLUMNS)
    amounts = [("1 234,56", ""), ("", "-12,50"), ("12.5", "0"), ("7-", ""), ("+3,00", "0,00")]
    rows = [f"OD|Divers|{k}|20260131|471000|Attente|||P{k}|20260131|Ligne {k}|{d}|{c}|||20260131||"
            for k, (d, c) in enumerate(amounts, start=1)]
    path = tmp_path / "amounts.txt"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    fec = read_fec(path)
    assert fec.entries["Debit"].tolist() == [123_456, 0, 1_250, -700, 300]
    assert fec.entries["Credit"].tolist() == [0, -1_250, 0, 0, 0]
    assert fec.separator == "|" and "sans BOM" in fec.encoding_note


def _replace_field(real_path, tmp_path, line_no, column, value):
    lines = real_path.read_bytes().decode("utf-8-sig").split("\n")
    header = lines[0].rstrip("\r").split("\t")
    fields = lines[line_no - 1].split("\t")
    fields[header.index(column)] = value
    lines[line_no - 1] = "\t".join(fields)
    out = tmp_path / "broken.txt"
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


@pytest.mark.parametrize("column, value, expected", [
    ("Debit", "douze", "montant illisible"),
    ("Credit", "1,234", "montant illisible"),
    ("EcritureDate", "31/08/2022", "date illisible"),
    ("PieceDate", "20220231", "date illisible"),
])
def test_bad_field_names_file_line_and_column(real_path, tmp_path, column, value, expected):
    path = _replace_field(real_path, tmp_path, 40, column, value)
    with pytest.raises(DataFileError) as err:
        read_fec(path)
    assert (err.value.row, err.value.column) == (40, column)
    assert expected in str(err.value) and "broken.txt" in str(err.value)


def test_missing_column_and_wrong_field_count(real_path, tmp_path):
    lines = real_path.read_bytes().decode("utf-8-sig").splitlines()
    path = tmp_path / "nocol.txt"
    path.write_text("\n".join("\t".join(l.split("\t")[:4] + l.split("\t")[5:]) for l in lines),
                    encoding="utf-8")
    with pytest.raises(DataFileError, match="CompteNum"):
        read_fec(path)
    lines[9] = lines[9] + "\tx\ty"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_fec(path)
    assert err.value.row == 10


def test_unbalanced_file_is_reported_not_accepted(real_path, tmp_path):
    path = _replace_field(real_path, tmp_path, 2, "Credit", "13500,01")  # was 13500,00
    fec = read_fec(path)
    assert fec.difference_cents == -1 and not fec.balanced
    assert len(fec.unbalanced_entries) == 1
    assert fec.unbalanced_entries["difference_cents"].iloc[0] == -1
    with pytest.raises(DataFileError, match="pas équilibré"):
        check_balanced(fec)


# ------------------------------------------------------------------ mini company, by hand

def _day(text):
    return pd.Timestamp(text)


def _mini_company() -> Company:
    """One domestic invoice 1 000,00 HT + 200,00 VAT, paid and lettered; one reverse-charge EU
    invoice; one credit note; an unidentified receipt, a bank fee, a supplier payment and a
    discount taken."""
    customers = pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["Dupré SARL", "Müller GmbH"]})
    invoices = pd.DataFrame({
        "invoice_id": ["F1", "F2"], "customer_id": ["C1", "C2"],
        "invoice_date": [_day("2026-03-02"), _day("2026-03-05")],
        "total_ht_cents": [100_000, 50_000], "total_vat_cents": [20_000, 0],
        "total_ttc_cents": [120_000, 50_000]})
    invoice_lines = pd.DataFrame({
        "invoice_id": ["F1", "F1", "F2"], "line_no": [1, 2, 1],
        "label": ["Roulements 6204", "Prestation de montage", "Gants"],
        "vat_rate": [20.0, 20.0, 0.0], "net_cents": [80_000, 20_000, 50_000],
        "vat_cents": [16_000, 4_000, 0]})
    credit_notes = pd.DataFrame({
        "credit_note_id": ["AV1"], "customer_id": ["C1"], "invoice_id": ["F1"],
        "credit_date": [_day("2026-03-20")], "total_ht_cents": [1_000], "total_vat_cents": [200],
        "total_ttc_cents": [1_200]})
    bank = pd.DataFrame({
        "bank_tx_id": ["B1", "B2", "B3", "B4"], "booking_date": [_day("2026-04-01")] * 4,
        "amount_cents": [120_000, 5_000, -1_250, -30_000],
        "label": ["VIR DUPRE SARL F1", "VIR INCONNU", "FRAIS TENUE COMPTE", "VIR FOURNISSEUR"],
        "bank_code": ["PMNT-RCDT-ESCT", "PMNT-RCDT-ESCT", "ACMT-MDOP-CHRG", "PMNT-ICDT-ESCT"]})
    ledger = pd.DataFrame({
        "entry_id": ["E1", "E2", "E3", "E4", "E5"], "journal": ["VE", "VE", "VE", "BQ", "OD"],
        "entry_date": [_day("2026-03-02"), _day("2026-03-05"), _day("2026-03-20"),
                       _day("2026-04-01"), _day("2026-04-02")],
        "customer_id": ["C1", "C2", "C1", "C1", "C2"],
        "document_id": ["F1", "F2", "AV1", "B1", "ESC-F2"],
        "document_type": ["facture", "facture", "avoir", "reglement", "escompte"],
        "label": ["Facture F1", "Facture F2", "Avoir AV1", "Règlement", "Escompte accordé F2"],
        "debit_cents": [120_000, 50_000, 0, 0, 0], "credit_cents": [0, 0, 1_200, 120_000, 1_000],
        "lettering": ["A", "", "", "A", ""],
        "lettering_date": [_day("2026-04-01"), pd.NaT, pd.NaT, _day("2026-04-01"), pd.NaT],
        "bank_tx_id": ["", "", "", "B1", ""]})
    return Company(tables={"customers": customers, "invoices": invoices,
                           "invoice_lines": invoice_lines, "credit_notes": credit_notes,
                           "bank_transactions": bank, "ar_ledger": ledger}, truth={})


# (EcritureNum, CompteNum, CompAuxNum, Debit, Credit, EcritureLet), computed by hand.
_EXPECTED = [
    ("VE000001", "411000", "C1", 120_000, 0, "A"),
    ("VE000001", "706000", "", 0, 20_000, ""),
    ("VE000001", "707000", "", 0, 80_000, ""),
    ("VE000001", "445710", "", 0, 20_000, ""),
    ("VE000002", "411000", "C2", 50_000, 0, ""),
    ("VE000002", "707000", "", 0, 50_000, ""),
    ("VE000003", "709000", "", 1_000, 0, ""),
    ("VE000003", "445710", "", 200, 0, ""),
    ("VE000003", "411000", "C1", 0, 1_200, ""),
    ("BQ000001", "512000", "", 120_000, 0, ""),
    ("BQ000001", "411000", "C1", 0, 120_000, "A"),
    ("BQ000002", "512000", "", 5_000, 0, ""),
    ("BQ000002", "471000", "", 0, 5_000, ""),
    ("BQ000003", "512000", "", 0, 1_250, ""),
    ("BQ000003", "627000", "", 1_250, 0, ""),
    ("BQ000004", "512000", "", 0, 30_000, ""),  # paid to a supplier: outside receivables
    ("BQ000004", "471000", "", 30_000, 0, ""),
    ("OD000001", "411000", "C2", 0, 1_000, ""),
    ("OD000001", "665000", "", 1_000, 0, ""),
]


def test_company_to_fec_matches_hand_computed_entries():
    fec = company_to_fec(_mini_company())
    assert list(fec.columns) == list(FEC_COLUMNS)
    got = sorted(fec[["EcritureNum", "CompteNum", "CompAuxNum", "Debit", "Credit",
                      "EcritureLet"]].itertuples(index=False, name=None))
    assert got == sorted(_EXPECTED)
    per_entry = fec.groupby("EcritureNum")[["Debit", "Credit"]].sum()
    assert (per_entry["Debit"] == per_entry["Credit"]).all()
    assert fec["EcritureDate"].is_monotonic_increasing
    lettered = fec[fec["EcritureLet"] == "A"]
    assert (lettered["DateLet"] == _day("2026-04-01")).all()
    assert set(fec.loc[fec["CompAuxNum"] == "C2", "CompAuxLib"]) == {"Müller GmbH"}


def test_write_then_read_round_trip(tmp_path):
    fec = company_to_fec(_mini_company())
    path = write_fec(fec, tmp_path / "fec", siren="732829320", closing_date="2026-12-31")
    assert path.name == "732829320FEC20261231.txt"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == len(fec) + 1
    assert raw.split(b"\r\n")[0].decode() == "\t".join(FEC_COLUMNS)
    assert "\t1200,00\t0,00\tA\t20260401\t20260302\t" in raw.decode("utf-8")
    back = read_fec(path)
    assert back.balanced and back.total_debit_cents == 328_450
    pd.testing.assert_frame_equal(back.entries, fec)


def test_invoice_not_adding_up_is_refused():
    company = _mini_company()
    company.tables["invoices"].loc[0, "total_ttc_cents"] += 1
    with pytest.raises(InvalidParameterError, match="F1"):
        company_to_fec(company)


def test_write_fec_checks_the_siren(tmp_path):
    with pytest.raises(InvalidParameterError, match="SIREN"):
        write_fec(company_to_fec(_mini_company()), tmp_path, siren="123456789",
                  closing_date="2026-12-31")


def test_default_company_fec_ties_to_the_ledger(company, tmp_path):
    fec = company_to_fec(company)
    per_entry = fec.groupby(["JournalCode", "EcritureNum"])[["Debit", "Credit"]].sum()
    assert (per_entry["Debit"] == per_entry["Credit"]).all()
    customers = fec[fec["CompteNum"] == "411000"]
    fec_balance = (customers["Debit"] - customers["Credit"]).groupby(customers["CompAuxNum"]).sum()
    ledger = company.ar_ledger
    ledger_balance = (ledger["debit_cents"] - ledger["credit_cents"]).groupby(ledger["customer_id"]).sum()
    pd.testing.assert_series_equal(fec_balance.sort_index(), ledger_balance.sort_index(),
                                   check_names=False, check_index_type=False)
    bank = fec[fec["CompteNum"] == "512000"]
    statement_moves = company.bank_transactions["amount_cents"]
    assert int((bank["Debit"] - bank["Credit"]).sum()) == int(statement_moves.sum())
    charges = company.bank_transactions["bank_code"] == "ACMT-MDOP-CHRG"
    assert int(fec.loc[fec["CompteNum"] == "627000", "Debit"].sum()) == -int(statement_moves[charges].sum())
    assert lettering_groups(fec)["settled"].all()  # the ERP letters only groups that net to zero
    siren = company.tables["company"]["siren"].iloc[0]
    back = read_fec(write_fec(fec, tmp_path, siren, company.as_of))
    pd.testing.assert_frame_equal(back.entries, fec)
