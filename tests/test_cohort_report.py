"""The cohort report: five participants' journals written through the Journal API, read back from
JSON files, a toolkit ZIP and a hub folder; the report's figures against an independent
aggregation of the five files; anonymity in the HTML, XLSX and PDF; consent and corrupt files."""

from __future__ import annotations

import json
import random
import re
import shutil
import statistics
import subprocess
import zipfile

import openpyxl
import pandas as pd
import pytest

from o2c_lab.cli import main
from o2c_lab.coaching import ASSESSMENT_QUIZ, COURSE_TASKS, HOT_FORM, ITEM_TITLES, OBJECTIVES, Journal
from o2c_lab.coaching.followup import J40_FORM
from o2c_lab.cohort.exports import read_exports
from o2c_lab.cohort.report import build_report, finished_modules
from o2c_lab.ui import MODULES

NAMES = ["Camille Martin", "Bérénice Dupont", "Yannick Leroy", "Inès Garnier", "Hugo Perrin"]
HIDDEN = "Zoé Secrète"


def _participant(folder, name: str, rng: random.Random) -> Journal:
    journal = Journal.open(name, folder=folder)
    for notebook in rng.sample(list(MODULES), rng.randint(2, 7)):
        journal.record_visit(notebook)
    for task in rng.sample(list(COURSE_TASKS), rng.randint(1, 5)):
        journal.record_timing(task, "manuel", rng.randint(300, 900))
        if rng.random() < 0.7:
            journal.record_timing(task, "avec_ia", rng.randint(60, 400))
    journal.record_fact_check("04_cinq_relances", "avec_ia", rng.randint(0, 5), 5)
    for key in OBJECTIVES:
        journal.record_self_assessment(key, "avant", rng.randint(1, 3))
        if rng.random() < 0.8:
            journal.record_self_assessment(key, "apres", rng.randint(2, 5))
        if rng.random() < 0.3:
            journal.record_self_assessment(key, "j40", rng.randint(2, 5))
    for item in rng.sample(list(ITEM_TITLES), rng.randint(15, len(ITEM_TITLES))):
        journal.record_quiz_item(ASSESSMENT_QUIZ, item, answer="réponse", correct=rng.random() < 0.6)
    for question in range(rng.randint(0, 6)):
        journal.record_quiz_item("essentiels_ia", f"q{question}", answer="x", correct=rng.random() < 0.7)
    journal.record_form(HOT_FORM, {"satisfaction": {m: rng.randint(1, 5) for m in rng.sample(list(MODULES), 5)},
                                   "progres": {k: rng.randint(0, 3) for k in OBJECTIVES},
                                   "commentaire": f"{name.split()[0]} a trouvé la journée utile."})
    if rng.random() < 0.7:  # the follow-up: each use case of the plan, durations entered or not
        cases = {f"06_plan_cas_{n}": {"applied": "oui", "what": "relances",
                                      "hours_before": rng.choice([None, 1.5, 3]),
                                      "minutes_now": rng.choice([None, 20, 45])} for n in (1, 2, 3)}
        journal.record_form(J40_FORM, {"cases": cases, "comment": ""})
    journal.set_report_consent(True)
    return journal


@pytest.fixture(scope="module")
def session(tmp_path_factory, small_company):
    """exports/: four journal files and one toolkit ZIP; hub/: a journal without consent, a corrupt one."""
    from o2c_lab.deliverables import export_deliverables

    base = tmp_path_factory.mktemp("session")
    rng = random.Random(19)
    journals = [_participant(base / "journaux", name, rng) for name in NAMES]
    exports, hub = base / "exports", base / "hub" / "utilisateurs"
    exports.mkdir()
    for journal in journals[:4]:
        shutil.copy(journal.path, exports / journal.path.name)
    export_deliverables(small_company, base / "kit", journals[4].data)
    shutil.copy(next((base / "kit").glob("*.zip")), exports / "livrables_hugo.zip")
    (exports / "copie").mkdir()  # handed over twice: one report line, a notice that names her
    shutil.copy(journals[0].path, exports / "copie" / journals[0].path.name)
    hidden = Journal.open(HIDDEN, folder=hub / "zoe")
    hidden.record_self_assessment("concepts", "avant", 1)
    for folder in ("anonyme-1", "anonyme-2"):  # two journals without a name: two participants, not one
        nameless = Journal.open("", folder=hub / folder)
        nameless.record_visit("00_bienvenue.ipynb")
        nameless.set_report_consent(True)
    (hub / "alix").mkdir(parents=True)
    (hub / "alix" / "journal-alix.json").write_text("{pas du json", encoding="utf-8")
    return base, exports, hub.parent, [json.loads(j.path.read_text(encoding="utf-8")) for j in journals]


def test_the_toolkit_zip_carries_the_journal(session):
    _, exports, _, files = session
    with zipfile.ZipFile(exports / "livrables_hugo.zip") as archive:
        inside = [n for n in archive.namelist() if n.startswith("journal-")]
        assert json.loads(archive.read(inside[0]).decode("utf-8")) == files[4]


def test_consent_and_corrupt_files(session):
    _, exports, hub, _ = session
    found = read_exports(exports, hub=hub)
    journals, notices = found.journals, found.set_aside
    assert sorted(j["participant"] for j in journals) == sorted(NAMES + ["", ""])
    assert any("alix/journal-alix.json" in n and "illisible" in n for n in notices)
    assert any("1 journal(aux) du serveur sans accord" in n for n in notices)
    assert not any(HIDDEN in n for n in notices)


def _mean(values):
    return statistics.fmean(values) if values else None


def _same(got, expected) -> bool:
    """A report figure equals the expected one; « non mesuré » (None) is NaN in a numeric column."""
    return pd.isna(got) if expected is None else got == pytest.approx(expected)


def test_figures_equal_an_independent_aggregation(session):
    _, exports, hub, files = session
    found = read_exports(exports)
    journals = found.journals
    report = build_report("essai", journals, found.set_aside)
    files = sorted(files, key=lambda d: d["participant"].casefold())
    assert report.participants == [d["participant"] for d in files]

    presence = report.tables["Présence"]
    assert presence["carnets ouverts"].tolist() == [len(d["visits"]) for d in files]
    assert presence["temps chronométré (s)"].tolist() == [round(sum(t["seconds"] for t in d["timings"]), 1)
                                                          for d in files]
    for row, data in zip(presence.itertuples(index=False), files):
        answers = data["quizzes"][ASSESSMENT_QUIZ].values()
        assert _same(row[4], sum(a["correct"] for a in answers) / len(answers))

    positioning = report.tables["Positionnement"].set_index("objectif")
    for key, label in OBJECTIVES.items():
        ratings = [{s["phase"]: s["score"] for s in d["self_assessments"] if s["objective"] == key} for d in files]
        for phase in ("avant", "apres", "j40"):
            values = [r[phase] for r in ratings if phase in r]
            shown = {"avant": "avant", "apres": "après", "j40": "J+40"}[phase]
            assert positioning.loc[label, f"{shown} (répondants)"] == len(values)
            assert _same(positioning.loc[label, f"{shown} (moyenne)"], _mean(values))
        both = [r["apres"] - r["avant"] for r in ratings if "apres" in r]
        assert _same(positioning.loc[label, "progrès après − avant"], _mean(both))

    results = report.tables["Évaluation finale"].set_index("question")
    for item, title in ITEM_TITLES.items():
        answers = [d["quizzes"][ASSESSMENT_QUIZ][item] for d in files if item in d["quizzes"][ASSESSMENT_QUIZ]]
        assert results.loc[title, "répondants"] == len(answers)
        assert _same(results.loc[title, "part correcte"],
                     sum(a["correct"] for a in answers) / len(answers) if answers else None)
    shares = report.tables["Évaluation finale"]["part correcte"].dropna().tolist()
    assert shares == sorted(shares)  # the weakest first: what the cohort needs to rework

    satisfaction = report.tables["Satisfaction"].set_index("module")
    for module, title in MODULES.items():
        values = [d["forms"][HOT_FORM]["answers"]["satisfaction"][module] for d in files
                  if module in d["forms"][HOT_FORM]["answers"]["satisfaction"]]
        assert satisfaction.loc[title, "répondants"] == len(values)
        assert _same(satisfaction.loc[title, "satisfaction (moyenne)"], _mean(values))

    gains = report.tables["Temps mesurés"].set_index("tâche")
    for task, label in COURSE_TASKS.items():
        pairs = []
        for d in files:
            last = {t["mode"]: t["seconds"] for t in d["timings"] if t["task"] == task}
            if len(last) == 2:
                pairs.append(last["manuel"] - last["avec_ia"])
        assert gains.loc[label, "participants mesurés"] == len(pairs)
        assert _same(gains.loc[label, "gain (s, moyenne)"], _mean(pairs))

    elearning = report.tables["E-learning"].set_index("module").iloc[0]
    scored = [d["quizzes"]["essentiels_ia"] for d in files if d["quizzes"].get("essentiels_ia")]
    assert elearning["participants"] == len(scored)
    assert _same(elearning["part correcte (moyenne)"],
                 _mean([sum(a["correct"] for a in q.values()) / len(q) for q in scored]))
    assert pd.isna(report.tables["E-learning"].iloc[1]["part correcte (moyenne)"])  # nobody did « prompting »

    minutes = []
    for d in files:
        cases = d["forms"].get(J40_FORM, {}).get("answers", {}).get("cases", {}).values()
        both = [c["hours_before"] * 60 - c["minutes_now"] for c in cases
                if c["hours_before"] is not None and c["minutes_now"] is not None]
        if both:
            minutes.append(sum(both))
    assert 0 < len(minutes) < len(files)  # some measured, some not: both paths are exercised
    assert report.savings == {"répondants": len(minutes),
                              "minutes gagnées par semaine (moyenne)": pytest.approx(_mean(minutes))}


def _pdf_text(path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_cli_writes_an_anonymous_report(session, capsys):
    base, exports, hub, _ = session
    out = base / "cohortes"
    assert main(["cohort", "report", "essai-1", "--from", str(exports), "--hub", str(hub), "--anonyme",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Bilan de 7 participant(s)" in printed and "alix/journal-alix.json : fichier illisible" in printed
    assert f"autre copie du journal de {NAMES[0]}" in printed  # the trainer's console, not the report
    folder = out / "essai-1" / "formateur" / "bilan"
    html = (folder / "bilan.html").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(folder / "bilan.xlsx")
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)
    texts = {"html": html, "xlsx": cells}
    pdf = _pdf_text(folder / "bilan.pdf")
    if pdf is not None:
        texts["pdf"] = pdf
    words = {w for name in NAMES + [HIDDEN] for w in name.split()}
    for kind, text in texts.items():
        assert "Participant 7" in text, kind
        assert not [w for w in words if w in text], kind
    assert html.count("data:image/png;base64,") == 3 and "non mesuré" in html
    # each comment keeps its sense, not the name
    assert len(re.findall(r"<blockquote>Participant \d a trouvé la journée utile\.</blockquote>", html)) == 5
    pdf_bytes = (folder / "bilan.pdf").read_bytes()
    assert pdf_bytes.startswith(b"%PDF") and pdf_bytes.count(b"/Subtype /Image") == 3  # the three charts


def test_named_report_and_missing_folder(session, capsys):
    base, exports, _, _ = session
    assert main(["cohort", "report", "essai-2", "--from", str(exports), "--out", str(base / "cohortes")]) == 0
    html = (base / "cohortes" / "essai-2" / "formateur" / "bilan" / "bilan.html").read_text(encoding="utf-8")
    assert all(name in html for name in NAMES) and HIDDEN not in html
    assert main(["cohort", "report", "essai-3", "--from", str(base / "absent"), "--out", str(base / "cohortes")]) != 0
    error = capsys.readouterr().err
    assert "dossier des fichiers des participants introuvable" in error and "--from" in error
    (base / "vide").mkdir()
    assert main(["cohort", "report", "essai-3", "--from", str(base / "vide"), "--out", str(base / "cohortes")]) != 0
    assert "Aucun journal de participant lisible" in capsys.readouterr().err


def test_finished_modules_worked_example():
    timings = [{"task": "01_prompt_relance", "mode": "manuel", "seconds": 60.0},
               {"task": "04_cinq_relances", "mode": "avec_ia", "seconds": 60.0}]  # 04 times two tasks: one done
    assert finished_modules({"timings": timings, "self_assessments": []}) == ["01_prompts.ipynb"]
    positioned = [{"objective": "concepts", "phase": "avant", "score": 2}]
    assert finished_modules({"timings": timings, "self_assessments": positioned}) == [
        "00_bienvenue.ipynb", "01_prompts.ipynb"]
