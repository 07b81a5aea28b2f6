"""The participant's own data in the notebooks, driven without Jupyter (``.value =``, ``.click()``):
her workbook anonymised (columns found from their values, the copy scanned for every original
identifier), read through the column-mapping widget into the same aged balance as the course's."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from owndata_files import HEADERS, csv_bytes, original_identifiers, own_export, xlsx_bytes

from o2c_lab.ai.workbook import detect_columns, read_workbook
from o2c_lab.ui.owndata import WorkbookAnonymiser


@pytest.fixture(scope="module")
def export(small_company):
    return own_export(small_company, rows=40)


def _upload(widget, name: str, data: bytes) -> None:
    """What the browser does: the FileUpload's value becomes the chosen file."""
    widget.upload.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                            "last_modified": dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)},)


def _cells(df: pd.DataFrame) -> str:
    return "\n".join(df.astype(str).to_numpy().ravel())


def test_identifier_columns_are_found_from_their_values(export):
    guesses = {g.column: g.kind for g in detect_columns(read_workbook(xlsx_bytes(export), "balance.xlsx"))}
    assert guesses == {"Cpte": None, "Intitulé": "CLIENT", "Réf. doc": None, "Émise le": None, "À payer le": None,
                       "Solde": None, "Qui": "PERSONNE", "Adr. électronique": "EMAIL", "Ligne directe": "TEL",
                       "Coordonnées": "IBAN", "Identifiant": "SIREN", "Suivi": "TEXTE"}


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_anonymised_copy_holds_none_of_the_identifiers_and_keeps_the_figures(export, tmp_path, suffix):
    view = WorkbookAnonymiser(tmp_path, use_nlp=False)
    _upload(view, f"balance.{suffix}", xlsx_bytes(export) if suffix == "xlsx" else csv_bytes(export))
    assert view.panel.result == "" and not view.button.disabled
    view.button.click()
    assert view.panel.result == ""
    copy_path, mapping_path = view.paths
    assert copy_path.name == f"balance_anonymise.{suffix}" and copy_path.parent == tmp_path
    copy = (pd.read_excel(copy_path, dtype=str) if suffix == "xlsx"
            else pd.read_csv(copy_path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False))
    text = _cells(copy)
    originals = original_identifiers(export)
    assert len(originals) > 100
    assert sorted(v for v in originals if v in text) == []
    # the test can fail: the original holds them all
    assert all(v in _cells(export) for v in originals)
    # figures, dates and codes are kept as they were
    for column in [h for h, field in HEADERS.items() if field != "customer_name"]:
        assert list(copy[column]) == [str(v) for v in export[column]], column
    # the correspondence table gives every original back, the free text included
    mapping = pd.read_excel(mapping_path, dtype=str)
    back = dict(zip(mapping["Pseudonyme"], mapping["Valeur d'origine"]))
    reidentified = copy["Suivi"].map(lambda t: view.result.anonymizer.reidentify(t).text)
    assert list(reidentified) == list(export["Suivi"])
    assert {back[p] for p in copy["Qui"]} == set(export["Qui"])
    assert "copie anonymisée" in view.links_html and "ne la transmettez jamais" in view.links_html


def test_unticked_column_is_kept_and_nothing_ticked_is_refused(export, tmp_path):
    view = WorkbookAnonymiser(tmp_path, use_nlp=False)
    view.load("balance.xlsx", xlsx_bytes(export))
    tick, kind = view._choices[("Sheet1", "Identifiant")]
    tick.value = False
    view.button.click()
    copy = pd.read_excel(view.paths[0], dtype=str)
    assert list(copy["Identifiant"]) == [str(v) for v in export["Identifiant"]]
    assert not any(str(v) in _cells(copy) for v in export["Coordonnées"])
    for tick, _ in view._choices.values():
        tick.value = False
    view.button.click()
    assert "Aucune colonne cochée" in view.panel.result


def test_unreadable_upload_gets_a_french_message(tmp_path):
    view = WorkbookAnonymiser(tmp_path, use_nlp=False)
    _upload(view, "balance.xlsx", b"pas un classeur")
    assert "classeur Excel illisible" in view.panel.result and "Que faire" in view.panel.result
    _upload(view, "balance.pdf", b"%PDF-1.4")
    assert "non pris en charge" in view.panel.result
    assert view.button.disabled
