"""The final assessment: items drawn from each seed's company, checked against an independent
reading of the raw 411 ledger and of the law table; its views; the end-of-day notebook headless."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from test_notebooks import _visible_texts

from o2c_lab.authoring.language import leftovers, visible_problems
from o2c_lab.coaching import ASSESSMENT_QUIZ, HOT_FORM, ITEM_TITLES, OBJECTIVES, Journal, assessment_items
from o2c_lab.money import format_date, format_eur, format_pct
from o2c_lab.ui import FinalAssessment, HotEvaluation, MODULES, ReportConsent

SEEDS = (3, 5)
ROOT = Path(__file__).resolve().parents[1]
LAW = yaml.safe_load(resources.files("o2c_lab").joinpath("law_rules.yaml").read_text(encoding="utf-8"))
RULES = {r["id"]: r["value"] for r in LAW["rules"]}


def naive_open_invoices(company) -> pd.DataFrame:
    """Open invoices read directly from the raw ledger: an invoice not lettered at the case date,
    minus the payments, credit notes and escomptes that name it (``applied_to``, the credit note's
    original invoice, ``ESC-<invoice>``). Columns ``customer_id``, ``residual``, ``due``; index: invoice."""
    t, day = company.tables, pd.Timestamp(company.as_of)
    ledger = t["ar_ledger"].loc[lambda l: l["entry_date"] <= day]
    lettered = (ledger["lettering"].fillna("") != "") & (ledger["lettering_date"] <= day)
    invoices = ledger[(ledger["document_type"] == "facture") & ~lettered]
    rest = ledger[(ledger["document_type"] != "facture") & ~lettered]
    target = rest["applied_to"].fillna("").astype(str)
    origin = t["credit_notes"].drop_duplicates("credit_note_id").set_index("credit_note_id")["invoice_id"]
    target = target.mask((rest["document_type"] == "avoir") & (target == ""), rest["document_id"].map(origin).fillna(""))
    target = target.mask((rest["document_type"] == "escompte") & (target == ""),
                         rest["document_id"].astype(str).str.removeprefix("ESC-"))
    settled = (rest["credit_cents"] - rest["debit_cents"]).groupby(target).sum()
    residual = invoices.set_index("document_id")["debit_cents"]
    residual = residual - settled.reindex(residual.index).fillna(0).to_numpy()
    due = t["invoices"].set_index("invoice_id")["due_date"].reindex(residual.index)
    out = pd.DataFrame({"customer_id": invoices["customer_id"].to_numpy(), "residual": residual.to_numpy(),
                        "due": due.to_numpy()}, index=residual.index)
    return out[out["residual"] > 0]


@pytest.fixture(scope="module")
def banks(many_companies):
    return {seed: (many_companies[seed], {i.id: i for i in assessment_items(many_companies[seed])}) for seed in SEEDS}


def test_at_least_twenty_well_formed_items_per_seed(banks):
    for seed, (_company, items) in banks.items():
        assert len(items) >= 20, (seed, len(items))
        assert set(items) <= set(ITEM_TITLES)
        for item in items.values():
            assert 2 <= len(item.options) <= 4 and len(set(item.options)) == len(item.options), item
            assert item.answer in item.options and item.is_correct(item.answer)
            assert not any(item.is_correct(o) for o in item.options if o != item.answer)
            assert item.objective in OBJECTIVES
            assert not leftovers(item.question + " " + " ".join(item.options) + " " + item.explanation), item.id


def test_company_items_differ_between_seeds(banks):
    (_, first), (_, second) = banks.values()
    company_ids = [k for k in first if first[k].facts and k in second]
    assert len(company_ids) >= 8
    for key in company_ids:
        assert (first[key].question, first[key].answer) != (second[key].question, second[key].answer), key
    generic = [k for k in first if not first[k].facts]
    assert all(first[k].answer == second[k].answer for k in generic)


def test_company_answers_equal_an_independent_reading_of_the_ledger(banks):
    for seed, (company, items) in banks.items():
        day = pd.Timestamp(company.as_of)
        open_ = naive_open_invoices(company)
        late = open_[open_["due"] < day]
        gross = int(open_["residual"].sum())
        name = lambda c: str(company.customers.set_index("customer_id").loc[c, "name"])  # noqa: E731

        assert items["encours_brut_entreprise"].answer == format_eur(gross)
        over_90 = int(open_.loc[(day - open_["due"]).dt.days > 90, "residual"].sum())
        assert items["part_plus_90"].answer == format_pct(over_90 / gross)
        by_customer = late.groupby("customer_id")["residual"].sum().sort_values(ascending=False)
        assert items["plus_gros_echu_client"].answer == name(by_customer.index[0])
        customer = items["encours_echu_client"].facts["customer_id"]
        assert customer == by_customer.index[1]
        assert items["encours_echu_client"].answer == format_eur(int(by_customer.iloc[1]))
        assert name(customer) in items["encours_echu_client"].question

        oldest = (day - late["due"]).dt.days.groupby(late["customer_id"]).max()
        item = items["client_plus_90_jours"]
        assert item.answer == name(oldest.idxmax()) and oldest.max() > 90
        others = [o for o in item.options if o != item.answer]
        assert all(0 < oldest[c] <= 90 for c in oldest.index if name(c) in others) and len(others) == 3

        # indemnities: the customer's invoices past due, not in an open dispute, not billed twice
        item = items["indemnites_client"]
        disputes = company.tables["disputes"]
        disputed = set(disputes.loc[~disputes["status"].str.lower().str.contains("résolu|resolu|avoir|clos|ferm"),
                                    "invoice_id"])
        invoices = company.invoices.sort_values(["invoice_date", "invoice_id"])
        billed_twice = set(invoices.loc[invoices["delivery_id"].fillna("").ne("")
                                        & invoices.duplicated(["customer_id", "delivery_id"]), "invoice_id"])
        mine = late[(late["customer_id"] == item.facts["customer_id"]) & ~late.index.isin(disputed | billed_twice)]
        assert f" {len(mine)} factures échues" in item.question
        assert item.answer == format_eur(len(mine) * RULES["recovery_indemnity"]["cents"])

        invoice = company.invoices.set_index("invoice_id").loc[items["echeance_maximale"].facts["document_id"]]
        issued = invoice["invoice_date"].date()
        after_45 = issued + dt.timedelta(days=RULES["term_cap"]["days_end_of_month"])
        end_of_month = (pd.Timestamp(after_45) + pd.offsets.MonthEnd(0)).date()
        assert items["echeance_maximale"].answer == format_date(
            max(issued + dt.timedelta(days=RULES["term_cap"]["days"]), end_of_month))

        signals = company.external_signals
        bodacc = signals[signals["source"] == "BODACC"]
        published = pd.Timestamp(bodacc["published_on"].iloc[0])
        item = items["date_limite_declaration"]
        assert item.facts["customer_id"] == bodacc["customer_id"].iloc[0]
        assert item.answer == format_date(published + pd.DateOffset(months=RULES["claim_declaration"]["months"]))

        sales, days = (company.summary()[k] for k in ("sales_cents", "period_days"))
        assert items["dso_entreprise"].answer == f"{round(gross / sales * days)} jours"


def test_law_items_read_the_law_table(banks):
    _, items = banks[SEEDS[0]]
    assert items["indemnite_forfaitaire"].answer == format_eur(RULES["recovery_indemnity"]["cents"])
    assert f"majoré de {RULES['penalty_rate']['margin_points']} points" in items["taux_penalites"].answer
    assert items["delai_maximal"].answer.startswith(f"{RULES['term_cap']['days']} jours")


def test_final_assessment_view_records_checks_and_locks(tmp_path, banks):
    company, items = banks[SEEDS[0]]
    journal = Journal.open("Camille", folder=tmp_path)
    chosen = list(items.values())[:3]
    view = FinalAssessment(journal, chosen)
    assert view.result == {"answered": 0, "right": 0, "total": 3}
    view.buttons[chosen[0].id].click()
    assert "Aucune réponse" in view.panel.result and not journal.data["quizzes"]
    view.choices[chosen[0].id].value = chosen[0].answer
    view.buttons[chosen[0].id].click()
    wrong = next(o for o in chosen[1].options if o != chosen[1].answer)
    view.choices[chosen[1].id].value = wrong
    view.buttons[chosen[1].id].click()
    assert view.result == {"answered": 2, "right": 1, "total": 3}
    assert "Bonne réponse" in view.feedback[chosen[0].id].value
    assert "La bonne réponse" in view.feedback[chosen[1].id].value and view.choices[chosen[1].id].disabled
    saved = Journal.open("Camille", folder=tmp_path).data["quizzes"][ASSESSMENT_QUIZ]
    assert saved[chosen[0].id]["correct"] is True and saved[chosen[1].id] == {**saved[chosen[1].id],
                                                                             "answer": wrong, "correct": False}
    again = FinalAssessment(journal, chosen)  # a new view shows what was answered, locked
    assert again.result["answered"] == 2 and again.choices[chosen[1].id].value == wrong
    assert again.buttons[chosen[1].id].disabled and not again.buttons[chosen[2].id].disabled


def test_hot_evaluation_and_consent_views(tmp_path):
    journal = Journal.open("Camille", folder=tmp_path)
    view = HotEvaluation(journal)
    view.button.click()
    assert "Aucune réponse" in view.panel.result and HOT_FORM not in journal.data["forms"]
    first, last = list(MODULES)[0], list(MODULES)[-1]
    view.satisfaction[first].value, view.satisfaction[last].value = "5", "3"
    view.progress["encours"].value = 2
    view.comment.value = "  Très concret.  "
    view.button.click()
    expected = {"satisfaction": {first: 5, last: 3}, "progres": {"encours": 2}, "commentaire": "Très concret."}
    assert view.result == expected
    assert Journal.open("Camille", folder=tmp_path).data["forms"][HOT_FORM]["answers"] == expected
    assert HotEvaluation(journal).satisfaction[last].value == "3"
    consent = ReportConsent(journal)
    assert consent.box.value is False
    consent.box.value = True
    consent.button.click()
    assert consent.result is True and Journal.open("Camille", folder=tmp_path).data["consent_report"] is True


@pytest.mark.parametrize("seed", (11, 2026))
def test_notebook_runs_headless_and_speaks_french(tmp_path, seed):
    papermill = pytest.importorskip("papermill")
    name = "evaluation_fin_de_journee.ipynb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("O2C_LAB_JOURNAL_DIR", str(tmp_path / "journal"))
        papermill.execute_notebook(str(ROOT / "notebooks" / name), str(tmp_path / name), kernel_name="python3",
                                   cwd=str(ROOT / "notebooks"), progress_bar=False, execution_timeout=120,
                                   parameters={"seed": seed, "data_folder": None, "ai_mode": "hors_ligne",
                                               "participant": ""})
    nb = nbformat.read(tmp_path / name, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert all(not leftovers(c.source) for c in nb.cells if c.cell_type == "markdown")
    shown = _visible_texts(nb)
    assert sum("Question " in t for t in shown) >= 20  # the final assessment is displayed
    assert sorted({p for t in shown for p in visible_problems(t)}) == []
    journal = next((tmp_path / "journal").glob("journal-*.json")).read_text(encoding="utf-8")
    assert re.search(r'"evaluation_fin_de_journee\.ipynb": \{', journal)  # the visit is recorded
