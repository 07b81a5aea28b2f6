"""Widgets driven without Jupyter (``.value =``, ``.click()``), French tables and charts."""

from __future__ import annotations

import base64
import datetime as dt
import logging

import pandas as pd
import pytest

from o2c_lab.coaching import OBJECTIVES, Journal
from o2c_lab.errors import InvalidParameterError
from o2c_lab.ui import (BeforeAfterChart, ChartSpec, ErrorPanel, PromptSaver, SelfAssessment, Stopwatch,
                        TakeAway, french_table)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def journal(tmp_path):
    return Journal.open("Test", folder=tmp_path)


def test_stopwatch_records_manual_then_ai(journal):
    clock = FakeClock()
    sw = Stopwatch(journal, "relances", "5 relances", clock=clock)
    assert "non mesuré" in sw.status.value
    sw.button.click()
    assert sw.mode.disabled and sw.button.description == "Arrêter"
    clock.now += 600
    sw.button.click()
    assert sw.result == {"mode": "manuel", "seconds": 600.0}
    sw.mode.value = "avec_ia"
    sw.button.click()
    clock.now += 150
    sw.button.click()
    assert sw.result == {"mode": "avec_ia", "seconds": 150.0}
    assert "7 min 30 s gagnées" in sw.status.value
    reloaded = Journal.open("Test", folder=journal.path.parent)
    assert [(t["task"], t["mode"], t["seconds"]) for t in reloaded.data["timings"]] == [
        ("relances", "manuel", 600.0), ("relances", "avec_ia", 150.0)]


def test_stopwatch_zero_duration_shows_french_error(journal):
    sw = Stopwatch(journal, "t", "Tâche", clock=FakeClock())
    sw.button.click()
    sw.button.click()  # frozen clock: 0 s
    assert sw.result is None
    assert "Durée impossible" in sw.panel.result and "Traceback" not in sw.panel.widget.value
    assert journal.data["timings"] == []


def test_self_assessment_saves_only_rated_objectives(journal):
    view = SelfAssessment(journal, "avant")
    view.button.click()
    assert "Aucune note" in view.panel.result and view.result is None
    keys = list(OBJECTIVES)
    view.ratings[keys[0]].value = "2"
    view.ratings[keys[3]].value = "5"
    view.button.click()
    assert view.panel.result == ""
    assert view.result == {keys[0]: 2, keys[3]: 5}
    assert sorted((s["objective"], s["score"]) for s in journal.data["self_assessments"]) == sorted(
        [(keys[0], 2), (keys[3], 5)])
    # a new view starts from what was saved
    assert SelfAssessment(journal, "avant").ratings[keys[3]].value == "5"
    assert SelfAssessment(journal, "apres").ratings[keys[3]].value is None


def test_take_away_and_prompt_saver(journal):
    view = TakeAway(journal, "03_retenir", "Ce que je retiens")
    view.button.click()
    assert "vide" in view.panel.result
    view.text.value = "  Trier par risque, pas par montant.  "
    view.button.click()
    assert view.result == "Trier par risque, pas par montant."
    assert journal.data["answers"]["03_retenir"]["text"] == view.result
    saver = PromptSaver(journal, "relance_n1", "Mon prompt", prefill="Rôle : …")
    saver.button.click()
    assert journal.data["prompts"] == [{"id": "relance_n1", "text": "Rôle : …", "at": journal.data["prompts"][0]["at"]}]


def test_error_panel_catches_and_logs(caplog):
    panel = ErrorPanel()

    @panel.guard
    def broken(_):
        return 1 / 0

    with caplog.at_level(logging.ERROR, logger="o2c_lab.ui"):
        assert broken(None) is None
    assert "ZeroDivisionError" in panel.result and "Que faire" in panel.result
    assert "Traceback" in caplog.text  # details kept for the trainer
    assert "Traceback" not in panel.widget.value

    @panel.guard
    def teaching(_):
        raise InvalidParameterError("Colonne « échéance » introuvable.", todo="vérifiez le fichier")

    teaching(None)
    assert panel.result.startswith("Colonne « échéance » introuvable.")

    @panel.guard
    def fine(_):
        return 3

    assert fine(None) == 3 and panel.result == "" and panel.widget.value == ""


def test_french_table():
    df = pd.DataFrame({
        "open_cents": [123456, -5, None],
        "due_date": [dt.date(2026, 12, 31), dt.date(2027, 1, 2), None],
        "posted": pd.to_datetime(["2026-01-05", "2026-02-06", "2026-03-07"]),
        "share": [0.354, 1.0, 0.0],
        "days": [1234.5, 2.0, 3.25],
    }, index=[7, 8, 9])
    out = french_table(df, percent=["share"], numbers=["days"], decimals=1, rename={"due_date": "échéance"})
    nb = "\u202f"
    assert list(out["open_cents"]) == [f"1{nb}234,56\xa0€", "-0,05\xa0€", ""]
    assert list(out["échéance"]) == ["31/12/2026", "02/01/2027", ""]
    assert list(out["posted"]) == ["05/01/2026", "06/02/2026", "07/03/2026"]
    assert list(out["share"]) == ["35,4\xa0%", "100,0\xa0%", "0,0\xa0%"]
    assert list(out["days"]) == [f"1{nb}234,5", "2,0", "3,3"]
    assert list(out.index) == [0, 1, 2]
    assert df["open_cents"].iloc[0] == 123456  # the input is not modified


def test_chart_bundle_has_interactive_and_static_versions():
    spec = ChartSpec("Couverture du cash à risque", ("20 premières actions",),
                     {"sans IA": [31.25], "avec IA": [74.0]}, unit="%")
    bundle = BeforeAfterChart(spec)._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    data = bundle["application/vnd.plotly.v1+json"]
    assert [t["name"] for t in data["data"]] == ["sans IA", "avec IA"]
    assert data["data"][0]["text"] == ["31,3\xa0%"]
    assert "avec IA 74,0" in bundle["text/plain"]


def test_chart_spec_rejects_ragged_series():
    with pytest.raises(InvalidParameterError, match="une valeur par catégorie"):
        ChartSpec("t", ("a", "b"), {"x": [1.0]})
