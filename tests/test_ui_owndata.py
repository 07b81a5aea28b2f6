"""The participant's own data in the notebooks, driven without Jupyter (``.value =``, ``.click()``):
her workbook anonymised (columns found from their values, the copy scanned for every original
identifier), read through the column-mapping widget into the same aged balance as the course's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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


def test_an_excel_97_2003_workbook_with_a_title_is_anonymised_into_an_xlsx_copy(tmp_path):
    """An export read from its real header, below its title: the names column is found and hidden."""
    from pathlib import Path

    source = Path(__file__).parent / "data" / "balance_excel_97_2003.xls"
    view = WorkbookAnonymiser(tmp_path, use_nlp=False)
    _upload(view, source.name, source.read_bytes())
    assert view.panel.result == "" and not view.button.disabled
    assert "2 ligne(s) de titre au-dessus des intitulés" in view.status.value  # the title and a blank row
    view.button.click()
    assert view.panel.result == ""
    copy_path, _ = view.paths
    assert copy_path.name == "balance_excel_97_2003_anonymise.xlsx"
    text = _cells(pd.read_excel(copy_path, dtype=str, header=None).fillna(""))
    assert "Dupont SA" not in text and "Martin SARL" not in text and "1481.47" in text


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


# ----------------------------------------------------------------------------- the mapping widget

def _wizard(tmp_path, course=None):
    from o2c_lab.ui.owndata import OwnDataWizard

    return OwnDataWizard(course, folder=tmp_path / "mes-donnees", profile_folder=tmp_path / "profils")


def test_unknown_layout_mapped_through_the_widget_gives_the_courses_aged_balance(small_company, tmp_path):
    from o2c_lab.analytics import aged_balance
    from o2c_lab.analytics.importers import read_open_items
    from owndata_files import own_items

    export = own_export(small_company)
    view = _wizard(tmp_path)
    _upload(view, "balance.xlsx", xlsx_bytes(export))
    assert view.panel.result == "" and "disposition inconnue" in view.found.value
    assert view.preview.value.count("<tr") == 11  # header + ten rows
    view.read_button.click()  # the code, the document and the due date are not recognised
    assert "obligatoire" in view.panel.result and view.own is None
    for header, field in HEADERS.items():
        view.fields[field].value = header
    view.read_button.click()
    assert view.panel.result == ""
    assert view.progress.value == view.progress.max
    assert view.own.quality.balanced and view.own.quality.kept == len(export)
    view.as_of.value = small_company.as_of
    view.analyse_button.click()
    assert view.panel.result == ""
    aged = view.result.aged["EUR"]
    columns = aged.columns + ["Total"]
    # ground truth: the company's own ledger, aged by the course
    truth = aged_balance(own_items(small_company), small_company.as_of)
    assert aged.by_customer[columns].equals(truth.by_customer[columns])
    # second method: the course's reader of open-items files, with the same correspondence
    path = tmp_path / "balance.csv"
    path.write_bytes(csv_bytes(export))
    course_read = read_open_items(path, mapping={f: h for h, f in HEADERS.items() if f != "customer_name"})
    assert aged.by_customer[columns].equals(aged_balance(course_read.data, small_company.as_of).by_customer[columns])
    # the results downloadable as Excel hold the same total
    results = tmp_path / "mes-donnees" / "balance-analyses.xlsx"
    sheet = pd.read_excel(results, sheet_name="Balance âgée")
    assert round(sheet["Total"].sum() * 100) == truth.total_cents
    shown = view.analyses.outputs[0]["data"]["text/html"]
    assert "balance-analyses.xlsx" in shown and "Copier" in shown and "non calculable" in shown
    # with the period's sales the DSO is computed: open debits / sales × days (worked out here)
    view.sales.value = "1 200 000,00"
    view.analyse_button.click()
    assert "durée de la période" in view.panel.result
    view.period_days.value = 90
    view.analyse_button.click()
    debits = own_items(small_company).query("residual_cents > 0")["residual_cents"].sum()
    dso = next(k for k in view.result.kpis if k.name.startswith("DSO"))
    assert dso.result.value == pytest.approx(debits / 120_000_000 * 90, abs=0.05)


def _ambiguous_csv() -> bytes:
    lines = ["Compte;Pièce;Échéance;Montant", "C1;F1;03/04/2026;1 234,56", "C1;F2;05/06/2026;100,00",
             "C2;F3;11/02/2026;-50,00"]
    return "\r\n".join(lines).encode("utf-8-sig")


def test_ambiguous_dates_must_be_chosen_before_reading(tmp_path):
    view = _wizard(tmp_path)
    view.load("balance.csv", _ambiguous_csv())
    view.fields["customer_id"].value, view.fields["document_id"].value = "Compte", "Pièce"
    view.fields["due_date"].value, view.fields["amount"].value = "Échéance", "Montant"
    assert view.date_order.options[0][0] == "à choisir" and view.date_order.value == ""
    assert view.decimal.options[0][0] == "déduit du fichier"
    view.read_button.click()
    assert "deux façons" in view.panel.result and "ordre des dates" in view.panel.result and view.own is None
    view.date_order.value = "MJA"
    view.read_button.click()
    assert view.panel.result == ""
    assert [d.date() for d in view.own.items["due_date"]] == [dt.date(2026, 3, 4), dt.date(2026, 5, 6),
                                                               dt.date(2026, 11, 2)]
    assert list(view.own.items["residual_cents"]) == [123_456, 10_000, -5_000]
    report = tmp_path / "mes-donnees" / "balance-controle-qualite.xlsx"
    assert "3 pièce(s) retenue(s)" in " ".join(pd.read_excel(report)["Détail"].astype(str))


def test_saved_correspondence_is_applied_to_the_next_file(tmp_path):
    first = _wizard(tmp_path)
    first.load("balance.csv", _ambiguous_csv())
    first.fields["customer_id"].value, first.fields["document_id"].value = "Compte", "Pièce"
    first.fields["due_date"].value, first.fields["amount"].value = "Échéance", "Montant"
    first.save_button.click()
    assert "Nom de la correspondance vide" in first.panel.result
    first.profile_name.value = "Export du service"
    first.save_button.click()
    assert "deux façons" in first.panel.result  # an undecided correspondence is not saved
    first.date_order.value = "JMA"
    first.save_button.click()
    assert first.panel.result == "" and "enregistrée" in first.found.value
    later = _wizard(tmp_path)
    later.load("balance_mars.csv", _ambiguous_csv())
    assert "« Export du service » reconnu et appliqué" in later.found.value
    assert later.fields["due_date"].value == "Échéance" and later.date_order.value == "JMA"
    later.read_button.click()
    assert later.panel.result == "" and later.own.items["due_date"].iloc[0].date() == dt.date(2026, 4, 3)


def test_no_file_and_no_header_get_french_messages(tmp_path):
    view = _wizard(tmp_path)
    view.analyse_button.click()
    assert "Aucun fichier lu" in view.panel.result
    _upload(view, "vide.csv", b"\r\n\r\n")
    assert "vide" in view.panel.result and "Que faire" in view.panel.result


def test_api_mode_sends_only_pseudonymised_text(small_company, tmp_path):
    """Her file through the widget in API mode, against the real loopback OpenAI-protocol server:
    no identifier of the file (customer codes and names, contacts, e-mails, phones, IBAN, SIREN)
    is in any request body."""
    import json

    from openai_server import FakeOpenAIServer

    from o2c_lab.ai import AIConfig, Assistant
    from o2c_lab.ai.anonymize import Anonymizer
    from o2c_lab.coaching import Journal
    from o2c_lab.ui import Course

    export = own_export(small_company, rows=120)
    secrets = original_identifiers(export) | set(export["Cpte"])
    with FakeOpenAIServer(models=("modele-test",)) as server:
        config = AIConfig(base_url=server.base_url, api_key="cle-de-test", model="modele-test", timeout_s=10,
                          max_retries=0)
        course = Course(small_company, Journal.open("", folder=tmp_path / "journal"),
                        Assistant("api", config=config,  # the fast engine: only the widget's pseudonyms protect
                                  anonymizer=Anonymizer.from_company(small_company, use_nlp=False)))
        view = _wizard(tmp_path, course)
        view.load("balance.xlsx", xlsx_bytes(export))
        for header, field in HEADERS.items():
            view.fields[field].value = header
        view.read_button.click()
        view.as_of.value = small_company.as_of
        view.analyse_button.click()
        assert view.panel.result == "" and len(view.ask_buttons) == len(view.prompts) == 3
        for button in view.ask_buttons:
            button.click()
        sent = "\n".join(m["content"] for r in server.requests for m in json.loads(r["body"])["messages"])
    assert len(server.requests) == 3 and all(a.is_ai for a in view.answers) and view.panel.result == ""
    assert "<CLIENT_1>" in sent
    # the test can fail: what the analysis shows on her screen names her customers
    shown = " ".join(view.result.frames()["À relancer"].astype(str).to_numpy().ravel())
    assert any(v in shown for v in secrets)
    assert sorted(v for v in secrets if v in sent) == []



DATA = Path(__file__).resolve().parents[1] / "datasets" / "fil_rouge"


@pytest.fixture(scope="module")
def course_company():
    import o2c_lab

    return o2c_lab.load_company(DATA)


def test_bank_statement_total_is_the_ledgers_and_its_balances_check(course_company, tmp_path):
    from o2c_lab.ui.owndata import BankStatementView

    path = DATA / "banque" / "REL-2026-05.xml"
    view = BankStatementView(tmp_path)
    _upload(view, path.name, path.read_bytes())
    assert view.panel.result == ""
    transactions = course_company.bank_transactions
    statement_ids = set(view.result.transactions["statement_id"])
    truth = int(transactions.loc[transactions["statement_id"].isin(statement_ids), "amount_cents"].sum())
    assert int(view.result.transactions["amount_cents"].sum()) == truth
    shown = view.output.outputs[0]["data"]["text/html"]
    assert "dont les soldes se vérifient" in shown and (tmp_path / "REL-2026-05-controle-qualite.xlsx").is_file()


def test_fec_needs_no_mapping_and_gives_the_course_readers_open_items(tmp_path):
    from o2c_lab.analytics.importers import import_fec

    path = next((DATA / "fec").glob("*.txt"))
    view = _wizard(tmp_path)
    view.load(path.name, path.read_bytes())
    assert view.panel.result == "" and view.mapping_box.layout.display == "none"
    assert "FEC" in view.found.value and view.own is not None
    as_of = view.own.quality.notes[-1].split(" au ")[1].split(" ")[0]
    day = dt.datetime.strptime(as_of, "%d/%m/%Y").date()
    truth = import_fec(path).open_items(day)
    assert len(view.own.items) == len(truth) > 100
    assert int(view.own.items["residual_cents"].sum()) == int(truth["residual_cents"].sum())
    view.as_of.value = day
    view.analyse_button.click()
    assert view.panel.result == "" and view.result.aged["EUR"].total_cents == int(truth["residual_cents"].sum())
