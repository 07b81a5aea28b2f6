"""``o2c-lab cohort``: a cohort pack created, checked (the whole kit executed headless), recorded
against a real local OpenAI-protocol server and replayed with the server stopped.

Two small cohorts (40 customers, seeds 11 and 12) are created once for the module; tests that
change a cohort work on a copy.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
from dateutil.relativedelta import relativedelta
from leaks import identifiers, leaks
from openai_server import FakeOpenAIServer

from o2c_lab import generate_company
from o2c_lab.authoring import course_exercises, course_notebooks
from o2c_lab.cli import main

SIZE = 40
SEEDS = (11, 13)
KEY = "sk-test-cle-cohorte-0123456789"


def _name(seed: int) -> str:
    return f"promo-{seed}"


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory):
    out = tmp_path_factory.mktemp("cohortes")
    for seed in SEEDS:
        assert main(["cohort", "create", _name(seed), "--seed", str(seed), "--size", str(SIZE),
                     "--out", str(out)]) == 0
    return out


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _cents(text: str) -> int:
    euros, _, cents = text.replace("\u202f", "").replace(" ", "").partition(",")
    return int(euros) * 100 + int((cents + "00")[:2])


def _truth_answers(cohort: Path) -> dict:
    """Expected answers read straight from the trainer kit's truth files and the raw CSV files."""
    truth = cohort / "formateur" / "donnees" / "verite"
    roles = json.loads((truth / "scenario.json").read_text(encoding="utf-8"))["roles"]
    dispute = next(r for r in _csv_rows(truth / "dispute_truth.csv") if r["N° litige"] == "LIT-A")
    bodacc = next(r for r in _csv_rows(cohort / "participant" / "donnees" / "csv" / "external_signals.csv")
                  if r["Source"] == "BODACC")
    published = dt.datetime.strptime(bodacc["Date"], "%d/%m/%Y").date()
    return {
        "02_client_bodacc": roles["insolvent_customer"],
        "02_delai_declaration": (published + relativedelta(months=2)).isoformat(),
        "04_client_deja_paye": roles["already_paid_customer"],
        "05_avoir_litige_A": _cents(dispute["Avoir dû"]),
        "05_responsable_litige_A": "entreprise" if "Client : aucune faute" in dispute["Responsabilité"] else "client",
    }


def test_answer_keys_give_each_cohort_its_own_expected_answers(cohorts):
    import docx

    from o2c_lab import load_company
    from o2c_lab.coaching.checks import Verifier

    keys = {}
    for seed in SEEDS:
        cohort = cohorts / _name(seed)
        key = json.loads((cohort / "formateur" / "cles" / "reponses_attendues.json").read_text(encoding="utf-8"))
        for question, value in _truth_answers(cohort).items():
            assert key[question]["valeur"] == value, (seed, question)
        # the participant's copy (no truth files) grades against the same answers as the key
        participant = Verifier(load_company(cohort / "participant" / "donnees"))
        assert not (cohort / "participant" / "donnees" / "verite").exists()
        for question, entry in key.items():
            expected = participant.expected(question)
            assert entry["affichage"] == expected.display, (seed, question)
        for exercise in {entry["exercice"] for entry in key.values()}:
            stem = cohort / "formateur" / "cles" / f"cle_{exercise.removesuffix('.ipynb')}"
            word = "\n".join(p.text for p in docx.Document(stem.with_suffix(".docx")).paragraphs)
            word += "\n".join(c.text for t in docx.Document(stem.with_suffix(".docx")).tables
                              for row in t.rows for c in row.cells)
            markdown = stem.with_suffix(".md").read_text(encoding="utf-8")
            assert stem.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")
            for entry in (e for e in key.values() if e["exercice"] == exercise):
                assert entry["affichage"] in markdown and entry["affichage"] in word
        keys[seed] = key
    first, second = (keys[s] for s in SEEDS)
    for exercise in {e["exercice"] for e in first.values()}:
        questions = [q for q, e in first.items() if e["exercice"] == exercise]
        assert any(first[q]["valeur"] != second[q]["valeur"] for q in questions), exercise


def test_guide_follows_the_day_and_gives_this_seeds_figures(cohorts):
    from o2c_lab import load_company
    from o2c_lab.coaching import assessment_items
    from o2c_lab.money import format_eur

    for seed in SEEDS:
        cohort = cohorts / _name(seed)
        guide = (cohort / "formateur" / "guide" / "guide_animation.md").read_text(encoding="utf-8")
        slots = re.findall(r"^\| (\d\d:\d\d)–(\d\d:\d\d) \| (\d+) min \| ([^|]+) \|", guide, re.M)
        minutes = [int(m) for _, _, m, title in slots if "déjeuner" not in title]
        assert sum(minutes) == 7 * 60 and slots[0][0] == "09:00"
        assert all(end == nxt for (_, end, _, _), (nxt, _, _, _) in zip(slots, slots[1:]))
        assert "ne donne pas de minutage par bloc" in guide and "proposition" in guide
        for number in range(7):
            assert f"0{number}_" in guide
        company = load_company(cohort / "formateur" / "donnees")
        for row in _csv_rows(cohort / "formateur" / "donnees" / "verite" / "dispute_truth.csv"):
            assert row["N° litige"] in guide and row["Issue juste"] in guide
        assert format_eur(company.summary()["receivables_cents"], 0) in guide
        assert guide.count("### Erreurs fréquentes") == 9  # 00–05, 06 twice, the end-of-day evaluation
        for item in assessment_items(company):  # this seed's answers to the company questions, for the trainer
            assert not item.facts or f"{item.question} — réponse : {item.answer}" in guide
        assert "o2c-lab cohort prepare" in guide and "apres_j40_suivi.ipynb" in guide
        assert (cohort / "formateur" / "guide" / "guide_animation.pdf").read_bytes().startswith(b"%PDF-")


def test_manifest_lists_every_file_with_its_sha256_and_the_versions(cohorts):
    import faker
    import numpy
    import pandas

    for seed in SEEDS:
        cohort = cohorts / _name(seed)
        manifest = json.loads((cohort / "manifeste.json").read_text(encoding="utf-8"))
        files = _tree(cohort)
        files.pop("manifeste.json")
        assert manifest["files"] == files
        assert (manifest["seed"], manifest["customers"], manifest["as_of"]) == (seed, SIZE, "2026-12-14")
        assert manifest["versions"] | {"numpy": numpy.__version__, "faker": faker.VERSION,
                                       "pandas": pandas.__version__} == manifest["versions"]
        assert dt.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None


def _secrets(cohort: Path) -> list[bytes]:
    """What only the trainer kit holds: truth file headers, the disputes' fair resolution, solution lines."""
    from o2c_lab.authoring.exercises import exercise_source

    truth = cohort / "formateur" / "donnees" / "verite"
    found = [p.read_text(encoding="utf-8-sig").splitlines()[0].encode("utf-8") for p in truth.glob("*.csv")]
    found += [r["Issue juste"].encode("utf-8") for r in _csv_rows(truth / "dispute_truth.csv")]
    for name in course_exercises():
        for cell in exercise_source(name).cells:
            for line in cell.source.splitlines():
                if line.rstrip().endswith("# SOLUTION"):
                    found.append(line.split("# SOLUTION")[0].strip().encode("utf-8"))
            if "formateur" in cell.metadata.get("tags", []):
                found.append(cell.source.splitlines()[0].encode("utf-8"))
    return found + [b"# BEGIN SOLUTION", b"# SOLUTION"]


def _leaks(members: dict[str, bytes], secrets: list[bytes]) -> list[str]:
    bad = [name for name in members
           if re.search(r"verite|corrige|solution|formateur|scenario\.json|/cles/|/guide/", name)]
    for name, data in members.items():
        bad += [f"{name}: {s[:40]!r}" for s in secrets if s in data]
        if name.endswith(".ipynb"):
            nb = nbformat.reads(data.decode("utf-8"), as_version=4)
            bad += [f"{name}: note du formateur" for c in nb.cells if "formateur" in c.metadata.get("tags", [])]
    return bad


def test_participant_zip_holds_no_solution_truth_or_trainer_note(cohorts):
    for seed in SEEDS:
        cohort = cohorts / _name(seed)
        secrets = _secrets(cohort)
        with zipfile.ZipFile(cohort / f"{_name(seed)}_participant.zip") as zf:
            members = {info.filename: zf.read(info) for info in zf.infolist()}
        participant = {f"{_name(seed)}/{k}": (cohort / "participant" / k).read_bytes()
                       for k in _tree(cohort / "participant")}
        assert members == participant
        assert _leaks(members, secrets) == []
        # the scan does find them where they are
        trainer = {p.relative_to(cohort).as_posix(): p.read_bytes()
                   for p in (cohort / "formateur").rglob("*") if p.is_file()}
        assert len(_leaks(trainer, secrets)) > 10
        for name in (n for n in members if n.endswith(".ipynb")):
            nb = nbformat.reads(members[name].decode("utf-8"), as_version=4)
            parameters = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
            assert 'data_folder = "../donnees"' in parameters and f"seed = {seed} " in parameters
        readme = members[f"{_name(seed)}/LISEZMOI.md"].decode("utf-8")
        assert "Ouvrir le kit" in readme and "jupyter lab" in readme


def test_record_then_replay_with_the_server_stopped(cohorts, tmp_path, monkeypatch):
    """The network guard of conftest refuses any non-loopback connection for the whole test."""
    from o2c_lab.cohort import check_cohort

    out = tmp_path / "cohortes"
    shutil.copytree(cohorts / _name(SEEDS[0]), out / _name(SEEDS[0]))
    monkeypatch.chdir(tmp_path)  # no stray .env
    with FakeOpenAIServer(models=("modele-test",), expected_key=KEY) as server:
        monkeypatch.setenv("O2C_AI_BASE_URL", server.base_url)
        monkeypatch.setenv("O2C_AI_API_KEY", KEY)
        monkeypatch.setenv("O2C_AI_MODEL", "modele-test")
        assert main(["cohort", "record", _name(SEEDS[0]), "--out", str(out)]) == 0
        chats = [r for r in server.requests if r["path"].endswith("/chat/completions")]
    # every prompt the notebooks send, as it left: no identifier of the company or its truth
    company = generate_company(seed=SEEDS[0], customers=SIZE)
    sent = "\n".join(m["content"] for r in chats for m in json.loads(r["body"])["messages"])
    assert leaks(sent, identifiers(company), [company.name] + list(company.products["label"])) == []
    cohort = out / _name(SEEDS[0])
    stores = [json.loads((cohort / kit / "ia" / "enregistrements.json").read_text(encoding="utf-8"))
              for kit in ("participant", "formateur")]
    assert stores[0] == stores[1]
    recordings = stores[0]["enregistrements"]
    assert len(recordings) == len(chats) > 30
    assert {r["model"] for r in recordings} == {"modele-test"} and all(r["prompt_tokens"] > 0 for r in recordings)
    assert KEY not in (cohort / "participant" / "ia" / "enregistrements.json").read_text(encoding="utf-8")
    assert "coût" in (cohort / "formateur" / "ia" / "enregistrements.md").read_text(encoding="utf-8")
    assert json.loads((cohort / "manifeste.json").read_text(encoding="utf-8"))["recordings"]["count"] == len(chats)

    # The server is stopped (its address still configured): only the recordings can answer.
    # This check is also the cohort's readiness test: every notebook and exercise runs for seed 11.
    report = check_cohort(_name(SEEDS[0]), out)
    print(report)
    text = str(report)
    assert report.ready and report.ai_mode == "rejeu"
    assert "cohorte prête" in text and "échec" not in text
    assert len(re.findall(r"\.ipynb +réussi", text)) == len(course_notebooks()) + 2 * len(course_exercises())
    assert report.replayed == len(recordings) and report.missing == {}


def test_a_prompt_without_recording_falls_back_and_is_counted(cohorts, tmp_path):
    """One notebook in « rejeu » mode with an empty store: every prompt it sends is counted missing."""
    from o2c_lab.cohort.execute import Job, add_probe, execute, probed_prompts
    from o2c_lab.cohort.kit import participant_notebook

    kit = tmp_path / "participant"
    shutil.copytree(cohorts / _name(SEEDS[1]) / "participant" / "donnees", kit / "donnees")
    (kit / "ia").mkdir()
    (kit / "ia" / "enregistrements.json").write_text(
        json.dumps({"format": "o2c_lab.enregistrements", "version": 1, "enregistrements": []}), encoding="utf-8")
    notebook = kit / "carnets" / "05_litiges.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(participant_notebook(notebook.name, SEEDS[1], "rejeu"), encoding="utf-8")
    add_probe(notebook)
    [run] = execute([Job(notebook, notebook.name)], tmp_path / "journal")
    sent = probed_prompts(run.notebook)
    assert run.ok and sent and {p["mode"] for p in sent} == {"hors_ligne"}
    assert sum(p["prompt_id"] == "analyse_litige" for p in sent) == 2  # one per open dispute


def test_replay_mode_says_where_it_looked_when_there_is_no_recording(cohorts, tmp_path):
    from o2c_lab.ui import Course

    data = cohorts / _name(SEEDS[0]) / "participant" / "donnees"
    course = Course.start(data_folder=str(data), ai_mode="rejeu", journal_folder=tmp_path)
    assert course.assistant.mode == "hors_ligne"
    assert any(str(data.parent / "ia" / "enregistrements.json") in n and "cohort record" in n for n in course.notices)
    assert course.company.scenario["roles"]  # the truth is rebuilt in memory, never written in the kit


def test_existing_name_is_refused_and_left_unchanged(cohorts, capsys):
    cohort = cohorts / _name(SEEDS[0])
    before = _tree(cohort)
    assert main(["cohort", "create", _name(SEEDS[0]), "--seed", "99", "--size", str(SIZE),
                 "--out", str(cohorts)]) == 2
    err = capsys.readouterr().err
    assert "existe déjà" in err and "--force" in err
    assert _tree(cohort) == before
    assert sorted(p.name for p in cohorts.iterdir()) == sorted(_name(s) for s in SEEDS)


def test_force_keeps_the_old_cohort_when_the_new_one_fails(cohorts, tmp_path, monkeypatch, capsys):
    import o2c_lab.cohort.create as create

    out = tmp_path / "cohortes"
    shutil.copytree(cohorts / _name(SEEDS[1]), out / _name(SEEDS[1]))
    before = _tree(out / _name(SEEDS[1]))

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(create, "_trainer_kit", full_disk)
    assert main(["cohort", "create", _name(SEEDS[1]), "--seed", "5", "--size", str(SIZE), "--out", str(out),
                 "--force"]) == 2
    assert "Écriture impossible" in capsys.readouterr().err
    assert _tree(out / _name(SEEDS[1])) == before
    assert [p.name for p in out.iterdir()] == [_name(SEEDS[1])]


def test_folder_under_a_file_is_refused_in_french_and_nothing_is_left(tmp_path, capsys):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x", encoding="utf-8")
    assert main(["cohort", "create", "promo", "--seed", "1", "--size", str(SIZE),
                 "--out", str(blocker / "cohortes")]) == 2
    assert "est un fichier" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_read_only_folder_is_refused_in_french_and_nothing_is_left(tmp_path, capsys):
    locked = tmp_path / "cohortes"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("l'administrateur (root) écrit dans un dossier en lecture seule : cas non testable ici")
        assert main(["cohort", "create", "promo", "--seed", "1", "--size", str(SIZE), "--out", str(locked)]) == 2
        assert "droit d'écriture" in capsys.readouterr().err
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_tampered_or_missing_file_is_reported_with_its_path(cohorts, tmp_path, capsys):
    out = tmp_path / "cohortes"
    shutil.copytree(cohorts / _name(SEEDS[1]), out / _name(SEEDS[1]))
    cohort = out / _name(SEEDS[1])
    edited = cohort / "participant" / "carnets" / "03_balance_agee.ipynb"
    data = bytearray(edited.read_bytes())
    data[len(data) // 2] ^= 0x01  # one byte changed
    edited.write_bytes(bytes(data))
    (cohort / "formateur" / "guide" / "guide_animation.pdf").unlink()
    assert main(["cohort", "check", _name(SEEDS[1]), "--out", str(out)]) == 1
    report = capsys.readouterr().out
    assert "participant/carnets/03_balance_agee.ipynb : fichier modifié" in report
    assert "formateur/guide/guide_animation.pdf : fichier manquant" in report
    assert f"o2c-lab cohort create {_name(SEEDS[1])} --seed {SEEDS[1]} --size {SIZE}" in report
    assert "pas prête" in report


def test_unknown_cohort_gets_a_french_error(tmp_path, capsys):
    assert main(["cohort", "check", "inconnue", "--out", str(tmp_path)]) == 2
    assert "cohorte introuvable" in capsys.readouterr().err
    assert main(["cohort", "create", "../ailleurs", "--seed", "1", "--out", str(tmp_path)]) == 2
    assert "Nom de cohorte invalide" in capsys.readouterr().err


def test_kit_notebooks_follow_the_mode_chosen_in_the_settings(cohorts):
    # The settings panel of notebook 00 chooses the AI mode: a kit pins only its seed and data
    # (and « rejeu » once the trainer recorded the answers).
    for name in course_notebooks():
        nb = nbformat.read(cohorts / _name(SEEDS[0]) / "participant" / "carnets" / name, as_version=4)
        parameters = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        assert re.search(r"^ai_mode = None\b", parameters, re.M), name
        assert re.search(rf"^seed = {SEEDS[0]}\b", parameters, re.M), name
