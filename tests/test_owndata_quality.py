"""Hostile inputs of « vos données »: ambiguous conventions refused until chosen, every row set
aside reported with its reason, nothing dropped silently, profiles reused, formula-safe outputs."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from owndata_exports import isolated_profiles  # noqa: F401  (autouse fixture)

from o2c_lab.errors import AmbiguousFormatError, DataFileError
from o2c_lab.owndata import (TO_CHOOSE, ColumnMapping, guess_mapping, list_profiles, load_profile,
                             preview_export, read_export, save_profile)

HEADER = "Code client;Nom;N° pièce;Date pièce;Échéance;Solde"
AS_OF = dt.date(2026, 6, 30)


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + "\r\n".join([header, *lines])).encode("utf-8")


def test_ambiguous_dates_are_refused_until_the_order_is_chosen():
    raw = _csv("C1;Alpha;F1;01/02/2026;03/04/2026;100,00", "C2;Beta;F2;02/03/2026;05/06/2026;50,00")
    with pytest.raises(AmbiguousFormatError) as err:
        read_export(raw, "balance.csv", as_of=AS_OF)
    assert "Dates ambiguës" in str(err.value) and "date_order" in str(err.value)
    mapping = guess_mapping(HEADER.split(";"), [ln.split(";") for ln in ["C1;Alpha;F1;01/02/2026;03/04/2026;100,00"]])
    assert mapping.pending["date_order"].startswith(TO_CHOOSE)
    preview = preview_export(raw, "balance.csv")  # what the user sees before reading
    assert preview.mapping.pending.keys() == {"date_order"} and preview.header == HEADER.split(";")
    assert preview.sample.shape == (2, 6) and preview.sample.iloc[1, 4] == "05/06/2026"
    assert "ordre des dates" in preview.mapping.to_frame()["Champ"].tolist()
    with pytest.raises(AmbiguousFormatError):
        read_export(raw, "balance.csv", mapping=mapping, as_of=AS_OF)
    french = read_export(raw, "balance.csv", mapping=mapping.choose(date_order="JMA"), as_of=AS_OF)
    us = read_export(raw, "balance.csv", mapping=mapping.choose(date_order="MJA"), as_of=AS_OF)
    assert list(french.items["due_date"].dt.date) == [dt.date(2026, 4, 3), dt.date(2026, 6, 5)]
    assert list(us.items["due_date"].dt.date) == [dt.date(2026, 3, 4), dt.date(2026, 5, 6)]


def test_ambiguous_amounts_are_refused_until_the_separator_is_chosen():
    raw = _csv("C1;Alpha;F1;15/01/2026;15/02/2026;1.481", "C2;Beta;F2;15/01/2026;15/03/2026;2.500")
    with pytest.raises(AmbiguousFormatError) as err:
        read_export(raw, "balance.csv", as_of=AS_OF)
    assert "Montants ambigus" in str(err.value)
    mapping = guess_mapping(HEADER.split(";"), [["C1", "Alpha", "F1", "15/01/2026", "15/02/2026", "1.481"]])
    assert mapping.pending["decimal"].startswith(TO_CHOOSE)
    thousands = read_export(raw, "balance.csv", mapping=mapping.choose(decimal=","), as_of=AS_OF)
    points = read_export(raw, "balance.csv", mapping=mapping.choose(decimal="."), as_of=AS_OF)
    assert list(thousands.items["residual_cents"]) == [148_100, 250_000]
    assert list(points.items["residual_cents"]) == [250]  # 1.481 with a decimal point has 3 decimals
    assert "plus de 2 décimales" in points.quality.set_aside[0].reason


def test_every_row_set_aside_is_reported_with_its_reason():
    lines = [
        "Balance âgée au 30/06/2026;;;;;",           # title above the header: not a data row
        HEADER,
        "C1;Alpha;F1;15/01/2026;15/02/2026;100,00",     # kept
        "C1;Alpha;F2;15/01/2026;31/02/2026;50,00",      # impossible date
        "C1;Alpha;F3;15/01/2026;15/02/2026;",           # empty amount
        "C1;Alpha;F1;15/01/2026;15/02/2026;100,00",     # duplicate of F1
        "C1;Alpha;F4;15/01/2026;15/02/2026;0,00",       # settled
        "C1;Alpha;;15/01/2026;15/02/2026;12,00",        # no document number
        ";;;;;",                                        # blank: counted apart
        "Total C1;;;;;150,00",                          # subtotal
        "C2;Beta;F5;15/01/2026;;30,00",                 # no due date
        ";Gamma;F6;15/05/2026;15/06/2026;40,00",        # no customer code: its name is used
        "C3;Delta;F7;15/09/2026;15/10/2026;10,00",      # document in the future
        "C3;Delta;F8;15/03/2026;15/02/2026;20,00",      # due before its date
        "C3;Delta;F9;15/03/2015;15/04/2015;5,00",       # very old
        "C3;Delta;F10;15/03/2026;15/04/2026;abc",       # not a number
        "C4;;F11;15/03/2026;15/04/2026;8,00;",          # extra empty cell: tolerated
        "Total général;;;;;",                           # grand total
    ]
    raw = ("\r\n".join(lines)).encode("cp1252")
    data = read_export(raw, "export.csv", as_of=AS_OF)
    q = data.quality
    reasons = {s.row: s.reason for s in q.set_aside}
    assert q.balanced and q.rows_read == 15 and q.blank_rows == 1
    assert set(reasons) == {4, 5, 6, 7, 8, 10, 11, 16, 18}
    assert "31/02/2026" in reasons[4] and "montant vide" == reasons[5]
    assert "en double" in reasons[6] and "ligne 3" in reasons[6]
    assert "solde nul" in reasons[7] and reasons[8] == "pièce sans numéro"
    assert reasons[10].startswith("sous-total") and reasons[11] == "échéance vide"
    assert "abc" in reasons[16] and reasons[18].startswith("ligne de total général")
    assert list(data.items["document_id"]) == ["F1", "F6", "F7", "F8", "F9", "F11"]
    kinds = {(f.document, f.kind) for f in q.findings}
    assert kinds == {("F6", "client sans identifiant"), ("F7", "date dans le futur"),
                     ("F8", "échéance avant la date de pièce"), ("F9", "pièce très ancienne")}
    assert q.totals == {"EUR": 10_000 + 4_000 + 1_000 + 2_000 + 500 + 800}
    text = q.to_text()
    for row in reasons:
        assert f"ligne {row} :" in text
    frame = q.to_frame()
    assert (frame["Rubrique"] == "ligne mise de côté").sum() == len(q.set_aside)


def test_no_header_and_missing_columns_are_french_errors():
    with pytest.raises(DataFileError) as err:
        read_export(b"a;b;c\r\n1;2;3\r\n", "x.csv")
    assert "aucune ligne d'en-tête" in str(err.value) and "Que faire" in str(err.value)
    # the preview still shows such a file, for the user to map every column herself
    preview = preview_export(b"Titre\r\n\r\na;b;c\r\n1;2;3\r\n", "x.csv")
    assert preview.header == ["a", "b", "c"] and preview.sample.to_numpy().tolist() == [["1", "2", "3"]]
    assert preview.layout.confidence == 0 and "ligne 3, disposition inconnue" in preview.layout.why
    with pytest.raises(DataFileError, match="aucune ligne d'intitulés"):
        preview_export(b"seul\r\n\r\nrien\r\n", "y.csv")
    with pytest.raises(DataFileError) as err:
        read_export(_csv("C1;A;F1;15/01/2026;15/02/2026", header="Code client;Nom;N° pièce;Date pièce;Échéance"),
                    "x.csv")
    assert "montant" in str(err.value) and "ColumnMapping" in str(err.value)
    with pytest.raises(DataFileError):
        read_export(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "vieux.xls")


def test_a_profile_is_saved_reused_and_matches_the_next_file(isolated_profiles):
    header = "Cpt;Lib;Doc;Le;Exig;Reste"
    raw = _csv("C1;Alpha;F1;15/01/2026;15/02/2026;100,00", "C2;Beta;F2;15/01/2026;15/03/2026;-20,00", header=header)
    with pytest.raises(DataFileError):
        read_export(raw, "maison.csv", as_of=AS_OF)
    mapping = ColumnMapping({"customer_id": "Cpt", "customer_name": "Lib", "document_id": "Doc",
                             "document_date": "Le", "due_date": "Exig", "amount": "Reste"}, date_order="JMA")
    path = save_profile("Logiciel maison", mapping)
    assert path.parent == isolated_profiles and list_profiles() == ["Logiciel maison"]
    assert load_profile("logiciel maison") == mapping
    again = read_export(raw, "maison-juillet.csv", as_of=AS_OF)  # no mapping given: the profile matches
    assert list(again.items["residual_cents"]) == [10_000, -2_000]
    assert any("Logiciel maison" in n for n in again.quality.notes)
    by_name = read_export(raw, "maison.csv", profile="Logiciel maison", as_of=AS_OF)
    assert by_name.items.equals(again.items)
    with pytest.raises(Exception) as err:
        load_profile("inconnu")
    assert "introuvable" in str(err.value)


def test_quality_report_files_are_formula_safe(tmp_path):
    raw = _csv("C1;=HYPERLINK(\"http://x\");F1;15/01/2026;15/02/2026;10,00", "C1;x;;15/01/2026;15/02/2026;@SUM(A1)")
    q = read_export(raw, "piege.csv", as_of=AS_OF).quality
    csv_path = q.write(tmp_path / "rapport.csv")
    raw_text = csv_path.read_bytes()
    assert raw_text.startswith(b"\xef\xbb\xbf")
    cells = [c for row in csv.reader(io.StringIO(raw_text.decode("utf-8-sig")), delimiter=";") for c in row]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    from openpyxl import load_workbook

    sheet = load_workbook(q.write(tmp_path / "rapport.xlsx")).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_progress_is_reported_up_to_the_end():
    calls = []
    lines = [f"C{k % 7};N{k};F{k};15/01/2026;15/02/2026;{k},50" for k in range(1, 400)]
    read_export(_csv(*lines), "p.csv", progress=lambda done, total, label: calls.append((done, total, label)),
                as_of=AS_OF)
    assert calls and all(0 <= d <= t for d, t, _ in calls)
    labels = {label for _, _, label in calls}
    assert {"lecture des lignes", "contrôle des montants et des dates"} <= labels
    assert calls[-1][0] == calls[-1][1]


def test_items_have_the_course_reader_columns(tmp_path):
    from o2c_lab.analytics.importers import read_open_items

    raw = _csv("C1;Alpha;F1;15/01/2026;15/02/2026;100,00", "C2;Beta;A1;15/01/2026;15/03/2026;-20,00")
    path = tmp_path / "b.csv"
    path.write_bytes(raw)
    course = read_open_items(path).data
    ours = read_export(path, as_of=AS_OF).items
    assert list(ours.columns[:len(course.columns)]) == list(course.columns)
    pd.testing.assert_frame_equal(ours[course.columns], course, check_dtype=False)
