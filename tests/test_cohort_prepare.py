"""``cohort prepare`` and ``cohort attest``: five participants' journals (written through the Journal
API) → the pre-course brief's figures equal an independent aggregation of the files; corrupt and
foreign files are reported, not fatal; the attestation PDF reads back with pdftotext."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from o2c_lab.cli import main
from o2c_lab.coaching import OBJECTIVES, Journal
from o2c_lab.coaching.followup import preparation_answers
from o2c_lab.cohort.attest import FOLLOWED, attest_cohort, load_training_info, module_traces
from o2c_lab.cohort.check import integrity_problems
from o2c_lab.cohort.exports import read_exports
from o2c_lab.cohort.kit import TRAINER, read_manifest, write_manifest
from o2c_lab.cohort.prepare import positioning, prepare_cohort, stressed_cases
from o2c_lab.errors import DataFileError

# name, role, tasks (task, hours), tools, rules, goals, positioning {objective: score} (phase avant)
PEOPLE = [
    ("Camille Martin", "chargé(e) de recouvrement", [("Relances téléphoniques", 6), ("Lettrage des virements", 3.5)],
     ["Copilot"], "Copilot seulement", "Relancer plus vite", {"concepts": 1, "prompts": 2, "relances": 2}),
    ("Hugo Lefèvre", "comptable clients", [("Lettrage bancaire", 8)], ["ChatGPT", "Copilot"], "",
     "Fiabiliser le lettrage", {"concepts": 2, "prompts": 3, "relances": 4, "encaissements": 1}),
    ("Inès Dubois", "responsable du poste clients", [("Reporting DSO mensuel", 4), ("Litiges clients", 5)],
     ["Claude"], "Pas de données nominatives", "Piloter", {"concepts": 4, "prompts": 4, "litiges": 2}),
    ("Léo Garnier", "autre", [("Contrôle des factures", 2)], [], "Aucun outil autorisé", "",
     {"concepts": 3, "prompts": 5, "relances": 3, "encaissements": 2}),
    ("Zoé Roux", "comptable clients", [("Relances écrites", 5)], ["Gemini"], "", "Gagner du temps", {}),
]


def _write_journals(folder: Path) -> dict[str, Path]:
    """The five journals written through the Journal API, in their own user-data folder."""
    paths = {}
    for name, role, tasks, tools, rules, goals, scores in PEOPLE:
        journal = Journal.open(name, folder=folder)
        if name != "Zoé Roux":  # Zoé sent her journal without filling in the questionnaire
            journal.record_form("preparation", preparation_answers(role=role, tasks=tasks, tools=tools, rules=rules,
                                                                    goals=goals))
        for objective, score in scores.items():
            journal.record_self_assessment(objective, "avant", score)
        journal.record_visit("avant_1_preparation.ipynb")
        paths[name] = journal.path
    return paths


@pytest.fixture
def received(tmp_path):
    """The trainer's folder of received files: four journals, one ZIP holding the fifth, a corrupt
    journal, a foreign JSON, a stray text file."""
    journals = _write_journals(tmp_path / "journaux")
    folder = tmp_path / "recus"
    folder.mkdir()
    for name, path in journals.items():
        if name == "Léo Garnier":
            with zipfile.ZipFile(folder / "envoi_leo.zip", "w") as archive:
                archive.write(path, f"a_envoyer_au_formateur/{path.name}")
        else:
            shutil.copy(path, folder / path.name)
    (folder / "journal-abime.json").write_text('{"version": 1, "participant": "X", "answ', encoding="utf-8")
    (folder / "export_crm.json").write_text(json.dumps({"clients": [1, 2]}), encoding="utf-8")
    (folder / "notes.txt").write_text("à lire", encoding="utf-8")
    return folder


@pytest.fixture
def cohort(tmp_path):
    out = tmp_path / "cohortes"
    (out / "essai" / TRAINER).mkdir(parents=True)
    write_manifest(out / "essai", {"name": "essai", "seed": 11, "customers": 60, "as_of": "2026-12-14"})
    return out


def _independent(folder: Path) -> dict[str, list[int]]:
    """Scores per objective, read straight from the received files (JSON and ZIP) without the library."""
    datas = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("journal-*.json")
             if p.name != "journal-abime.json"]
    with zipfile.ZipFile(folder / "envoi_leo.zip") as archive:
        datas += [json.loads(archive.read(n)) for n in archive.namelist()]
    assert len(datas) == 5
    scores: dict[str, list[int]] = {k: [] for k in OBJECTIVES}
    for data in datas:
        for s in data["self_assessments"]:
            if s["phase"] == "avant":
                scores[s["objective"]].append(s["score"])
    return scores


def _one_decimal(values: list[int]) -> str:
    mean = Fraction(sum(values), len(values))
    exact = (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(exact).replace(".", ",")


def test_brief_figures_equal_an_independent_aggregation(received, cohort):
    done = prepare_cohort("essai", received, cohort)
    assert sorted(done.participants) == sorted(p[0] for p in PEOPLE)
    brief = (cohort / "essai" / TRAINER / "preparation" / "brief_preparation.md").read_text(encoding="utf-8")
    assert {p.suffix for p in done.files} == {".md", ".docx", ".pdf"}
    # the positioning table, row by row, against the scores read from the files themselves
    scores = _independent(received)
    for key, label in OBJECTIVES.items():
        row = next(line for line in brief.splitlines() if line.startswith(f"| {label} |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        values = scores[key]
        if values:
            assert cells[1:] == [str(len(values)), _one_decimal(values), f"{min(values)}–{max(values)}"], label
        else:
            assert cells[1:] == ["0", "non mesuré", "non mesuré"], label
    table = positioning(read_exports(received).journals).set_index("objective")
    assert table.loc["concepts", "count"] == 4 and table.loc["concepts", "mean"] == pytest.approx(2.5)
    # roles, tools, tasks with hours, goals
    for name, role, tasks, tools, rules, goals, _ in PEOPLE[:4]:
        assert f"| {name} | {role} |" in brief
        for task, hours in tasks:
            assert f"| {name} | {task} | {str(float(hours)).replace('.', ',')} |" in brief
        if goals:
            assert f"- {name} : {goals}" in brief
    total = sum(h for p in PEOPLE[:4] for _, h in p[2])
    assert f"6 tâche(s) pour {str(float(total)).replace('.', ',')} heures par semaine" in brief
    assert "| Copilot | 2 |" in brief
    assert "Sans questionnaire : Zoé Roux." in brief


def test_cases_to_stress_follow_the_weak_objectives_and_the_hours(received):
    stressed = dict(stressed_cases(read_exports(received).journals))
    # « Lettrage » tasks: 3.5 + 8 h → notebook 06 comes first (the most hours at stake)
    assert list(stressed)[0] == "06_encaissements_plan.ipynb"
    assert "Lettrage bancaire" in stressed["06_encaissements_plan.ipynb"]
    # concepts (mean 2.5) and prompts (3.5): 01 is stressed for concepts only
    assert "moyenne 2,5/5" in stressed["01_prompts.ipynb"] and "3,5" not in stressed["01_prompts.ipynb"]
    assert "Litiges clients" in stressed["05_litiges.ipynb"]


def test_corrupt_and_foreign_files_are_reported_not_fatal(received, cohort, capsys):
    exports = read_exports(received)
    notes = "\n".join(exports.set_aside)
    assert len(exports.journals) == 5
    assert "journal-abime.json : fichier illisible" in notes
    assert "export_crm.json : ce n'est pas un journal" in notes
    assert "notes.txt : ni journal" in notes
    assert main(["cohort", "prepare", "essai", "--from", str(received), "--out", str(cohort)]) == 0
    out = capsys.readouterr().out
    assert "5 participant(s)" in out and "journal-abime.json" in out and "export_crm.json" in out
    brief = (cohort / "essai" / TRAINER / "preparation" / "brief_preparation.md").read_text(encoding="utf-8")
    assert "Écarté : journal-abime.json" in brief and "Écarté : export_crm.json" in brief
    # the cohort's manifest follows: its integrity check stays green
    assert integrity_problems(cohort / "essai", read_manifest(cohort / "essai"), cohort) == []
    # a missing folder or cohort is a French message, not a traceback
    assert main(["cohort", "prepare", "essai", "--from", str(received / "absent"), "--out", str(cohort)]) == 2
    assert main(["cohort", "prepare", "inconnue", "--from", str(received), "--out", str(cohort)]) == 2
    err = capsys.readouterr().err
    assert "introuvable" in err and "Traceback" not in err


def test_two_copies_of_one_journal_keep_the_newest(received):
    data = json.loads((received / "journal-camille-martin.json").read_text(encoding="utf-8"))
    data["created"] = "2000-01-01T00:00:00+00:00"
    for part in ("self_assessments",):
        for item in data[part]:
            item["at"] = "2000-01-01T00:00:00+00:00"
    data["forms"]["preparation"]["at"] = "2000-01-01T00:00:00+00:00"
    data["visits"] = {}
    data["forms"]["preparation"]["answers"]["goals"] = "ancienne version"
    (received / "ancien").mkdir()
    (received / "ancien" / "journal-camille-martin.json").write_text(json.dumps(data), encoding="utf-8")
    exports = read_exports(received)
    camille = next(j for j in exports.journals if j["participant"] == "Camille Martin")
    assert camille["forms"]["preparation"]["answers"]["goals"] == "Relancer plus vite"
    assert any(n.startswith("ancien/journal-camille-martin.json : autre copie") for n in exports.set_aside)


# ----------------------------------------------------------------------------- attestation

def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _day_journal(folder: Path) -> Path:
    journal = Journal.open("Camille Martin", folder=folder)
    journal.record_visit("00_bienvenue.ipynb")
    journal.record_timing("04_cinq_relances", "manuel", 600)
    journal.record_timing("04_cinq_relances", "avec_ia", 240)
    journal.record_answer("06_plan_cas_1", "Tâche : relances")
    journal.record_form("preparation", preparation_answers(role="autre", tasks=[("Relances", 2)], tools=[],
                                                           rules="", goals=""))
    return journal.path


def test_module_traces_follow_the_definition(tmp_path):
    data = json.loads(_day_journal(tmp_path).read_text(encoding="utf-8"))
    traces = module_traces(data)
    assert traces["04_relances.ipynb"] == {"opened": 0, "saved": 2, "seconds": 840.0, "followed": True}
    assert traces["00_bienvenue.ipynb"]["followed"] and traces["00_bienvenue.ipynb"]["saved"] == 0
    assert traces["06_encaissements_plan.ipynb"]["saved"] == 1
    assert traces["avant_1_preparation.ipynb"]["saved"] == 1
    assert not traces["05_litiges.ipynb"]["followed"] and not traces["apres_j40_suivi.ipynb"]["followed"]


def test_the_attestation_lists_every_notebook_of_the_course_in_its_order():
    from o2c_lab.authoring import course_notebooks
    from o2c_lab.cohort.attest import PATH_MODULES

    assert list(PATH_MODULES) == course_notebooks()  # the course's table of contents (course/sommaire.yml)


def test_attestation_reads_back_without_organisation(tmp_path, cohort):
    received = tmp_path / "recus"
    received.mkdir()
    shutil.copy(_day_journal(tmp_path / "j"), received)
    done = attest_cohort("essai", received, cohort)
    assert [p.name for p in done.files] == ["attestation_camille-martin.pdf"]
    text = _pdf_text(done.files[0])
    flat = " ".join(text.split())
    assert "Camille Martin" in flat and "Durée : 7 h" in flat
    assert dt.date.today().strftime("%d/%m/%Y") in flat  # the day's activity date, from the journal
    assert "Organisme" not in flat and "atteste que" not in flat
    assert " ".join(FOLLOWED.split()[:8]) in flat
    assert re.search(r"Relances et échanges\s+oui\s+0\s+2\s+14 min 00 s", flat)
    assert integrity_problems(cohort / "essai", read_manifest(cohort / "essai"), cohort) == []


def test_attestation_names_the_configured_organisation(tmp_path, cohort, capsys):
    received = tmp_path / "recus"
    received.mkdir()
    shutil.copy(_day_journal(tmp_path / "j"), received)
    config = tmp_path / "organisme.yaml"
    config.write_text("organisme:\n  nom: Formations Lumière\n  numero_declaration_activite: '11 75 12345 75'\n"
                      "  ville: Lyon\nformation:\n  dates: 14 décembre 2026\n  lieu: Lyon\n", encoding="utf-8")
    assert main(["cohort", "attest", "essai", "--from", str(received), "--out", str(cohort),
                 "--organisme", str(config)]) == 0
    flat = " ".join(_pdf_text(cohort / "essai" / TRAINER / "attestations" / "attestation_camille-martin.pdf").split())
    assert "Formations Lumière atteste que Camille Martin" in flat
    assert "11 75 12345 75" in flat and "14 décembre 2026" in flat and "Fait à Lyon" in flat
    dated = tmp_path / "date.json"
    dated.write_text('{"formation": {"dates": "2026-12-14", "duree_heures": 7}}', encoding="utf-8")
    assert load_training_info(dated).course["dates"] == "2026-12-14"  # JSON text stays as written
    dated.write_text("formation:\n  dates: 2026-12-14\n", encoding="utf-8")
    assert load_training_info(dated).course["dates"] == "14/12/2026"  # a YAML date, written the French way
    bad = tmp_path / "faux.yaml"
    bad.write_text("organisme:\n  name: Oups\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="champ"):
        load_training_info(bad)
    assert main(["cohort", "attest", "essai", "--from", str(received), "--out", str(cohort),
                 "--organisme", str(bad)]) == 2
    assert "valeurs acceptées" in capsys.readouterr().err.lower()


def test_a_second_rating_replaces_the_first_in_the_brief_as_in_the_report():
    # Camille rated « concepts » 2 then 4 before the day, Léo 3: the cohort's « avant » is
    # (4 + 3) / 2 = 3,5 from two participants, in the trainer's brief and in the report alike.
    from o2c_lab.cohort.report import positioning as report_positioning

    def rated(name, *scores):
        return {"participant": name, "self_assessments": [
            {"objective": "concepts", "phase": "avant", "score": s} for s in scores]}

    journals = [rated("Camille", 2, 4), rated("Léo", 3)]
    brief = positioning(journals).set_index("objective")
    assert brief.loc["concepts", "count"] == 2 and brief.loc["concepts", "mean"] == 3.5
    assert (brief.loc["concepts", "min"], brief.loc["concepts", "max"]) == (3, 4)
    label = OBJECTIVES["concepts"]
    report = report_positioning(journals).set_index("objectif")
    assert report.loc[label, "avant (moyenne)"] == 3.5 and report.loc[label, "avant (répondants)"] == 2
