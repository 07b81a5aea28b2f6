"""The dataset folder: files read back by independent readers, atomic writes, French errors."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import o2c_lab
from o2c_lab import InvalidParameterError, OutputFolderError
from o2c_lab.company import dataset
from o2c_lab.company.schema import OBSERVABLE_TABLES

ROOT = Path(__file__).resolve().parents[1]
FEC_COLUMNS = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
               "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
               "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"]


@pytest.fixture(scope="module")
def folder(company, tmp_path_factory):
    return o2c_lab.write_dataset(company, tmp_path_factory.mktemp("jeu") / "fil_rouge")


def _hashes(path: Path) -> dict:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files_twice(company, folder, tmp_path):
    again = o2c_lab.write_dataset(o2c_lab.generate_company(seed=company.seed), tmp_path / "bis")
    assert _hashes(folder) == _hashes(again)
    manifest = json.loads((folder / "manifeste.json").read_text(encoding="utf-8"))
    assert manifest["files"] == {k: v for k, v in _hashes(folder).items() if k != "manifeste.json"}


def test_fec_read_back_by_pandas_is_balanced(folder, company):
    [fec] = list((folder / "fec").glob("*FEC*.txt"))
    assert fec.name == f"{company.tables['company']['siren'].iloc[0]}FEC{company.as_of:%Y%m%d}.txt"
    df = pd.read_csv(fec, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(df.columns) == FEC_COLUMNS
    debit = sum(Decimal(x.replace(",", ".") or "0") for x in df["Debit"])
    credit = sum(Decimal(x.replace(",", ".") or "0") for x in df["Credit"])
    assert debit == credit and debit > 0
    for _, entry in df.groupby(["JournalCode", "EcritureNum"]):
        assert sum(Decimal(x.replace(",", ".") or "0") for x in entry["Debit"]) == \
            sum(Decimal(x.replace(",", ".") or "0") for x in entry["Credit"])
    # The 411 lines carry the ledger's lettering codes.
    lettered = df[(df["CompteNum"].str.startswith("411")) & (df["EcritureLet"] != "")]
    assert len(lettered) == (company.ar_ledger["lettering"] != "").sum()


def test_camt053_balances_reconcile_with_elementtree(folder, company):
    files = sorted((folder / "banque").glob("*.xml"))
    assert len(files) == len(company.bank_statements)
    total_entries = 0
    for path in files:
        root = ET.parse(path).getroot()
        local = lambda el: el.tag.rsplit("}", 1)[-1]  # noqa: E731
        stmt = next(el for el in root.iter() if local(el) == "Stmt")
        balances = {}
        for bal in (el for el in stmt if local(el) == "Bal"):
            code = next(el.text for el in bal.iter() if local(el) == "Cd")
            amount = Decimal(next(el.text for el in bal if local(el) == "Amt"))
            sign = next(el.text for el in bal if local(el) == "CdtDbtInd")
            balances[code] = amount if sign == "CRDT" else -amount
        moves = Decimal(0)
        for entry in (el for el in stmt if local(el) == "Ntry"):
            amount = Decimal(next(el.text for el in entry if local(el) == "Amt"))
            sign = next(el.text for el in entry if local(el) == "CdtDbtInd")
            moves += amount if sign == "CRDT" else -amount
            total_entries += 1
        assert balances["OPBD"] + moves == balances["CLBD"], path.name
    assert total_entries == len(company.bank_transactions)


def test_eml_files_parse_with_french_accents(folder, company):
    paths = sorted((folder / "emails").rglob("*.eml"))
    assert len(paths) == len(company.emails)
    accents = 0
    for path in paths:
        with path.open("rb") as fh:
            msg = email.message_from_binary_file(fh, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",)).get_content()
        assert msg["Subject"] and msg["From"] and msg["Date"]
        accents += any(ch in body + str(msg["Subject"]) for ch in "éèàçêû")
    assert accents >= len(paths) * 0.8
    dispute_a = company.disputes.query("dispute_id == 'LIT-A'").iloc[0]
    texts = " ".join(p.read_bytes().decode("ascii") for p in (folder / "emails" / "FIL-A").glob("*.eml"))
    assert len(texts) > 0
    bodies = " ".join(company.emails.query("thread_id == 'FIL-A'")["body"])
    assert dispute_a["invoice_id"] in bodies


def test_load_company_round_trip(folder, company):
    loaded = o2c_lab.load_company(folder)
    for t in OBSERVABLE_TABLES:
        pd.testing.assert_frame_equal(loaded.tables[t.name], company.tables[t.name], check_dtype=False)
    assert loaded.scenario["roles"] == company.scenario["roles"]
    assert loaded.documents == company.documents


def test_truth_is_in_its_own_folder_only(folder):
    csv_names = {p.stem for p in (folder / "csv").glob("*.csv")}
    assert csv_names == {t.name for t in OBSERVABLE_TABLES}
    assert (folder / "verite" / "payment_allocations.csv").exists()
    xlsx = pd.ExcelFile(folder / dataset.WORKBOOK_NAME, engine="openpyxl")
    assert "Affectations" not in xlsx.sheet_names and "Clients" in xlsx.sheet_names


def test_interrupted_write_leaves_nothing_behind(company, tmp_path, monkeypatch):
    import o2c_lab.formats as formats

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(formats, "write_fec", broken)
    with pytest.raises(OutputFolderError) as err:
        o2c_lab.write_dataset(company, tmp_path / "jeu")
    assert "Écriture impossible" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_is_refused_without_force_and_replaced_with_force(company, tmp_path):
    target = tmp_path / "jeu"
    target.mkdir()
    (target / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="--force"):
        o2c_lab.write_dataset(company, target, formats=("csv",))
    assert (target / "notes.txt").exists()
    o2c_lab.write_dataset(company, target, force=True, formats=("csv",))
    assert not (target / "notes.txt").exists() and (target / "csv" / "invoices.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jeu"]


def test_output_under_a_file_is_refused_in_french(company, tmp_path):
    blocker = tmp_path / "fichier.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="est un fichier"):
        o2c_lab.write_dataset(company, blocker / "jeu")


@pytest.mark.parametrize("kwargs, expected", [
    ({"customers": -5}, "Nombre de clients invalide"),
    ({"customers": 10**7}, "Nombre de clients invalide"),
    ({"seed": -1}, "Graine invalide"),
    ({"as_of": "2026-02-30"}, "Date impossible"),
    ({"as_of": "demain"}, "Date illisible"),
    ({"noise": "extreme"}, "Niveau de difficulté inconnu"),
])
def test_bad_parameters_get_french_messages(kwargs, expected):
    with pytest.raises(InvalidParameterError) as err:
        o2c_lab.generate_company(**kwargs)
    message = str(err.value)
    assert expected in message and ("Valeurs acceptées" in message or "Que faire" in message)


def test_data_dictionary_is_in_sync():
    committed = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    assert committed == dataset.data_dictionary()
    for t in OBSERVABLE_TABLES:
        assert f"`{t.name}`" in committed
        assert all(c.header in committed for c in t.columns)


def test_committed_default_cohort_matches_the_generator(folder):
    committed = ROOT / "datasets" / "fil_rouge"
    if not committed.is_dir():
        pytest.skip("jeu de données par défaut non présent (créé par make setup)")
    # The workbook's bytes also depend on the xlsxwriter version, and the manifest lists them:
    # every other file must be identical to a fresh generation.
    volatile = {dataset.WORKBOOK_NAME, "manifeste.json"}
    fresh = {k: v for k, v in _hashes(folder).items() if k not in volatile}
    kept = {k: v for k, v in _hashes(committed).items() if k not in volatile}
    assert kept == fresh, "datasets/fil_rouge est périmé : lancez « make data »"
    assert (committed / dataset.WORKBOOK_NAME).stat().st_size > 0


def test_summary_card_is_french_and_names_both_disputes(company):
    html = company._repr_html_()
    assert "Encours brut" in html and "Encours net" in html and "Part échue" in html and "DSO" in html
    for invoice_id in company.disputes.query("status == 'en litige'")["invoice_id"]:
        assert invoice_id in html
    assert "\u202f" in html and "€" in html
