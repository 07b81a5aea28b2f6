"""The participant journal: atomic saves, recovery of a corrupt file, and before/after summaries."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from o2c_lab.coaching import (JOURNAL_DIR_ENV, Journal, default_journal_folder, fact_accuracy, format_duration,
                              journal_path, self_assessment_table, timing_table)
from o2c_lab.errors import InvalidParameterError


def test_round_trip_and_file_location(tmp_path):
    j = Journal.open("Camille Dupré", folder=tmp_path)
    j.record_answer("01_situation", "Relancer le client X")
    j.record_timing("relance", "manuel", 540)
    j.record_timing("relance", "avec_ia", 120.04)
    j.record_prompt("relance_n1", "Rôle : chargé de recouvrement…")
    j.record_self_assessment("prompts", "avant", 2)
    assert j.path == tmp_path / "journal-camille-dupre.json"
    again = Journal.open("Camille Dupré", folder=tmp_path)
    assert again.notice == ""
    assert again.data["answers"]["01_situation"]["text"] == "Relancer le client X"
    assert [(t["mode"], t["seconds"]) for t in again.data["timings"]] == [("manuel", 540.0), ("avec_ia", 120.0)]
    assert again.data["prompts"][0]["id"] == "relance_n1"
    # no temporary file left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == [".journal-camille-dupre.lock", "journal-camille-dupre.json"]


def test_default_folder_is_user_data_not_repo(monkeypatch, tmp_path):
    from pathlib import Path
    monkeypatch.delenv(JOURNAL_DIR_ENV, raising=False)
    repo = Path(__file__).resolve().parents[1]
    assert repo not in default_journal_folder().parents
    monkeypatch.setenv(JOURNAL_DIR_ENV, str(tmp_path))
    assert journal_path("") == tmp_path / "journal-participant.json"


@pytest.mark.parametrize("content", ["{pas du json", json.dumps({"version": 1, "answers": []}), "\xff\xfe"])
def test_corrupt_journal_is_backed_up_not_reset(tmp_path, content):
    path = journal_path("Léa", tmp_path)
    path.write_text(content, encoding="latin-1" if content.startswith("\xff") else "utf-8")
    original = path.read_bytes()
    j = Journal.open("Léa", folder=tmp_path)
    backups = list(tmp_path.glob("journal-lea.corrompu-*.json"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert backups[0].name in j.notice and "mis de côté" in j.notice
    assert json.loads(path.read_text(encoding="utf-8"))["timings"] == []


def test_failed_write_keeps_previous_journal(tmp_path, monkeypatch):
    j = Journal.open("Paul", folder=tmp_path)
    j.record_answer("a", "premier")
    before = j.path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(Exception, match="Impossible d'enregistrer"):
        j.record_answer("a", "second")
    assert j.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".{j.path.stem}.lock", j.path.name]


@pytest.mark.parametrize("call", [
    lambda j: j.record_timing("t", "robot", 10),
    lambda j: j.record_timing("t", "manuel", 0),
    lambda j: j.record_timing("t", "manuel", -3),
    lambda j: j.record_self_assessment("prompts", "avant", 6),
    lambda j: j.record_self_assessment("prompts", "pendant", 3),
    lambda j: j.record_self_assessment("inconnu", "avant", 3),
    lambda j: j.record_answer("  ", "x"),
    lambda j: j.record_fact_check("t", "robot", 1, 2),
    lambda j: j.record_fact_check("t", "manuel", 0, 0),
    lambda j: j.record_fact_check("t", "manuel", 3, 2),
    lambda j: j.record_fact_check("t", "manuel", -1, 2),
])
def test_invalid_inputs_raise_french_errors(tmp_path, call):
    with pytest.raises(InvalidParameterError) as info:
        call(Journal.open("x", folder=tmp_path))
    assert "Valeurs acceptées" in str(info.value) or "Que faire" in str(info.value)


def test_format_duration():
    assert format_duration(None) == "non mesuré"
    assert format_duration(45) == "45 s"
    assert format_duration(125) == "2 min 05 s"
    assert format_duration(3 * 3600 + 7 * 60) == "3 h 07 min"


def test_timing_table_never_invents(tmp_path):
    j = Journal.open("x", folder=tmp_path)
    j.record_timing("relances", "manuel", 600)
    j.record_timing("relances", "avec_ia", 300)
    j.record_timing("relances", "avec_ia", 150)  # the last measure wins
    j.record_timing("script", "manuel", 200)
    table = timing_table(j.data, {"relances": "5 relances", "script": "Script d'appel", "litige": "Litige"})
    rows = table.set_index("tâche")
    assert rows.loc["5 relances", "gain_s"] == 600 - 150
    assert rows.loc["5 relances", "gain"].startswith("7 min 30 s gagnées (75 %")
    assert rows.loc["Script d'appel", "avec IA"] == "non mesuré"
    assert rows.loc["Script d'appel", "gain"] == "non mesuré"
    assert rows.loc["Litige", "sans IA"] == "non mesuré" and pd.isna(rows.loc["Litige", "manuel_s"])


def test_fact_checks_are_kept_and_summed_per_mode(tmp_path):
    j = Journal.open("x", folder=tmp_path)
    assert fact_accuracy(j.data) == {"manuel": None, "avec_ia": None}
    j.record_fact_check("04_relance", "manuel", 2, 4)
    j.record_fact_check("04_relance", "manuel", 3, 3)
    j.record_fact_check("04_relance", "avec_ia", 5, 5)
    again = Journal.open("x", folder=tmp_path)
    assert len(again.data["fact_checks"]) == 3
    assert fact_accuracy(again.data) == {"manuel": 5 / 7, "avec_ia": 1.0}


def test_journal_written_before_fact_checks_still_opens(tmp_path):
    j = Journal.open("x", folder=tmp_path)
    j.record_answer("a", "texte")
    data = json.loads(j.path.read_text(encoding="utf-8"))
    del data["fact_checks"]
    j.path.write_text(json.dumps(data), encoding="utf-8")
    again = Journal.open("x", folder=tmp_path)
    assert again.notice == "" and again.data["answers"]["a"]["text"] == "texte"
    again.record_fact_check("t", "avec_ia", 1, 1)
    assert fact_accuracy(Journal.open("x", folder=tmp_path).data)["avec_ia"] == 1.0


def test_self_assessment_table(tmp_path):
    j = Journal.open("x", folder=tmp_path)
    j.record_self_assessment("prompts", "avant", 2)
    j.record_self_assessment("prompts", "apres", 3)
    j.record_self_assessment("prompts", "apres", 4)  # replaced, not duplicated
    j.record_self_assessment("litiges", "avant", 3)
    rows = self_assessment_table(j.data).set_index("objectif")
    assert len(j.data["self_assessments"]) == 3
    prompts = [label for label in rows.index if "Structurer" in label][0]
    assert rows.loc[prompts, "progrès"] == "+2"
    disputes = [label for label in rows.index if "litiges" in label][0]
    assert rows.loc[disputes, "progrès"] == "—"


def test_two_notebooks_writing_the_same_journal_lose_nothing(tmp_path):
    """Each notebook has its own kernel and its own Journal object on the same file."""
    first, second = Journal.open("Ana", folder=tmp_path), Journal.open("Ana", folder=tmp_path)
    first.record_timing("a", "manuel", 10)
    second.record_timing("b", "avec_ia", 5)
    first.record_answer("x", "réponse 1")
    second.record_self_assessment("prompts", "avant", 3)
    final = Journal.open("Ana", folder=tmp_path).data
    assert [t["task"] for t in final["timings"]] == ["a", "b"]
    assert final["answers"]["x"]["text"] == "réponse 1"
    assert final["self_assessments"][0]["score"] == 3


def test_random_operations_match_a_simple_model(tmp_path):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    ops = st.lists(st.one_of(
        st.tuples(st.just("answer"), st.sampled_from(["s1", "s2"]), st.text(min_size=1, max_size=20)),
        st.tuples(st.just("timing"), st.sampled_from(["t1", "t2"]), st.sampled_from(["manuel", "avec_ia"]),
                  st.floats(min_value=0.5, max_value=10_000)),
        st.tuples(st.just("score"), st.sampled_from(["prompts", "litiges"]), st.sampled_from(["avant", "apres"]),
                  st.integers(1, 5)),
    ), max_size=12)

    counter = iter(range(10**6))

    @settings(max_examples=25, deadline=None)
    @given(ops)
    def check(operations):
        folder = tmp_path / str(next(counter))
        journal = Journal.open("h", folder=folder)
        answers, timings, scores = {}, [], {}
        for op in operations:
            if op[0] == "answer":
                journal.record_answer(op[1], op[2])
                answers[op[1]] = op[2]
            elif op[0] == "timing":
                journal.record_timing(op[1], op[2], op[3])
                timings.append((op[1], op[2], round(op[3], 1)))
            else:
                journal.record_self_assessment(op[1], op[2], op[3])
                scores[(op[1], op[2])] = op[3]
        data = Journal.open("h", folder=folder).data
        assert {k: v["text"] for k, v in data["answers"].items()} == answers
        assert [(t["task"], t["mode"], t["seconds"]) for t in data["timings"]] == timings
        assert {(s["objective"], s["phase"]): s["score"] for s in data["self_assessments"]} == scores

    check()


def test_forms_quizzes_visits_and_consent_are_kept_on_disk(tmp_path):
    journal = Journal.open("Inès", folder=tmp_path)
    journal.record_form("preparation", {"role": "chargée de recouvrement", "heures": [3, 2.5]})
    journal.record_form("preparation", {"role": "credit manager"})  # a new submission replaces
    journal.record_quiz_item("essentiels", "q1", answer="B", correct=True)
    journal.record_quiz_item("essentiels", "q1", answer="C", correct=False)
    journal.record_quiz_item("essentiels", "q2", answer=3, correct=True)
    journal.record_visit("00_bienvenue")
    journal.record_visit("00_bienvenue")
    journal.set_report_consent(True)

    data = json.loads(journal.path.read_text(encoding="utf-8"))
    assert data["forms"]["preparation"]["answers"] == {"role": "credit manager"}
    assert {k: (v["answer"], v["correct"]) for k, v in data["quizzes"]["essentiels"].items()} == {
        "q1": ("C", False), "q2": (3, True)}
    assert data["visits"]["00_bienvenue"]["count"] == 2
    assert data["consent_report"] is True


def test_journal_written_before_forms_and_quizzes_still_opens(tmp_path):
    old = {"version": 1, "participant": "Léa", "created": "2026-01-01T09:00:00+01:00", "answers": {},
           "timings": [], "prompts": [], "self_assessments": []}
    path = tmp_path / "journal-lea.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    journal = Journal.open("Léa", folder=tmp_path)
    assert not journal.notice
    assert (journal.data["forms"], journal.data["quizzes"], journal.data["visits"]) == ({}, {}, {})
    assert journal.data["consent_report"] is False


@pytest.mark.parametrize("call", [
    lambda j: j.record_form("preparation", ["pas", "un", "dictionnaire"]),
    lambda j: j.record_form("preparation", {"objet": object()}),
    lambda j: j.record_quiz_item("essentiels", "q1", answer="A", correct="oui"),
    lambda j: j.record_quiz_item("", "q1", answer="A", correct=True),
    lambda j: j.set_report_consent("oui"),
])
def test_new_records_refuse_bad_values_in_french(tmp_path, call):
    with pytest.raises(InvalidParameterError) as info:
        call(Journal.open("Inès", folder=tmp_path))
    assert info.value.args[0][0].isupper()
