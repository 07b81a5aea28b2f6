"""``o2c-lab cohort check``: is a cohort ready for the day?

Five checks, reported in French with the fix for each problem: every file matches the manifest;
notebooks, exercises, solutions and answer key match the course's single source; the
participant kit (folder and ZIP) holds no solution, truth or trainer note; the whole kit runs
headless (papermill, in a temporary copy, with a temporary journal); and, when the cohort has
recordings, every prompt the notebooks send has a recorded answer that is actually replayed.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..money import format_date, format_number
from .create import DEFAULT_OUT, unfit_seed
from .execute import Job, Run, add_probe, execute, feedback, probed_prompts
from .kit import (DATA, EXERCISES, KEYS, NOTEBOOKS, PARTICIPANT, SOLUTIONS, TRAINER, cohort_folder, digests,
                  participant_exercise, participant_notebook, read_manifest, recordings_file, solution_notebook,
                  zip_name)

__all__ = ["PARTS", "Problem", "Readiness", "check_cohort", "integrity_problems", "participant_leaks",
           "static_problems"]

#: The parts of the report, in order.
PARTS = ("intégrité", "source unique", "kit participant", "exécution", "IA")


@dataclass(frozen=True)
class Problem:
    """One thing that makes the cohort not ready: the part, the file (relative path), what, what to do."""

    part: str
    path: str
    what: str
    todo: str


@dataclass
class Readiness:
    """The readiness report; ``ready`` only when nothing is wrong and everything ran."""

    folder: Path
    manifest: dict
    problems: list[Problem] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    ai_mode: str = "hors_ligne"
    prompts: list[dict] = field(default_factory=list)
    skipped: str = ""
    seconds: float = 0.0
    execution_seconds: float = 0.0
    workers: int = 2

    @property
    def ready(self) -> bool:
        return not self.problems and not self.skipped

    @property
    def replayed(self) -> int:
        """Distinct prompts answered from a recording."""
        return len({p["hash"] for p in self.prompts if p["mode"] == "rejeu"})

    @property
    def missing(self) -> dict[str, str]:
        """Distinct prompts (hash → title) that got no recorded answer in « rejeu » mode."""
        if self.ai_mode != "rejeu":
            return {}
        return {p["hash"]: p["title"] for p in self.prompts if p["mode"] != "rejeu"}

    def _status(self, part: str) -> str:
        count = sum(p.part == part for p in self.problems)
        return "✔" if not count else f"✘ {count} problème(s)"

    def __str__(self) -> str:
        m = self.manifest
        lines = [f"Vérification de la cohorte « {m['name']} » — graine {m['seed']}, {m['customers']} clients, "
                 f"arrêté au {format_date(_date(m['as_of']))}",
                 f"Dossier : {self.folder}", "",
                 f"1. Intégrité : {len(m['files'])} fichiers attendus d'après le manifeste. {self._status(PARTS[0])}",
                 "2. Source unique : carnets, exercices, corrigés et clés de correction comparés à la source "
                 f"du cours. {self._status(PARTS[1])}",
                 "3. Kit participant (dossier et ZIP) : aucun corrigé, aucune vérité terrain, aucune note du "
                 f"formateur. {self._status(PARTS[2])}"]
        if self.skipped:
            lines.append(f"4. Exécution : non lancée — {self.skipped}")
        else:
            mode = self.ai_mode.replace("_", " ")
            lines.append(f"4. Exécution sans interface (papermill, mode IA des carnets : {mode}) : "
                         f"{self._status(PARTS[3])}")
            width = max(len(r.label) for r in self.runs)
            lines.append(f"   {'carnet':<{width}}  {'statut':<7}  {'durée':>8}")
            for run in self.runs:
                lines.append(f"   {run.label:<{width}}  {'réussi' if run.ok else 'échec':<7}  "
                             f"{format_number(run.seconds, 1):>6} s")
            lines.append(f"   Exécution en {format_number(self.execution_seconds, 0)} s, {self.workers} carnet(s) à la fois "
                         f"(somme des durées : {format_number(sum(r.seconds for r in self.runs), 0)} s).")
            distinct = len({p["hash"] for p in self.prompts})
            if self.ai_mode == "rejeu":
                lines.append(f"5. IA (rejeu) : {distinct} prompts différents envoyés par les carnets ; "
                             f"{self.replayed} réponses enregistrées rejouées, {len(self.missing)} prompt(s) sans "
                             f"enregistrement. {self._status(PARTS[4])}")
            else:
                lines.append(f"5. IA (hors ligne) : {distinct} prompts différents envoyés par les carnets, chacun "
                             "avec sa référence générée sans IA ; aucun enregistrement (facultatif : "
                             f"o2c-lab cohort record {m['name']}). {self._status(PARTS[4])}")
        if self.problems:
            lines += ["", f"Problèmes ({len(self.problems)}) :"]
            for problem in self.problems:
                lines += [f"  ✘ {problem.path} : {problem.what}", f"    Que faire : {problem.todo}"]
        lines += ["", "Verdict : ✅ cohorte prête." if self.ready else
                  f"Verdict : ❌ cohorte pas prête ({len(self.problems)} problème(s) à corriger).",
                  f"(vérification en {format_number(self.seconds, 0)} s)"]
        return "\n".join(lines)


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def _recreate(manifest: dict, out: Path) -> str:
    command = (f"recréez la cohorte : o2c-lab cohort create {manifest['name']} --seed {manifest['seed']} "
               f"--size {manifest['customers']} --date {manifest['as_of']} --out {out} --force "
               "(même graine, mêmes données)")
    return command + (f", puis o2c-lab cohort record {manifest['name']} --out {out}"
                      if manifest.get("recordings") else "")


def integrity_problems(folder: Path, manifest: dict, out: Path) -> list[Problem]:
    """Files missing, changed or added since the manifest was written."""
    listed, actual = manifest["files"], digests(folder)
    fix = _recreate(manifest, out)
    problems = [Problem(PARTS[0], path, "fichier manquant.", fix) for path in sorted(set(listed) - set(actual))]
    problems += [Problem(PARTS[0], path, "fichier modifié depuis la création (empreinte SHA-256 différente de "
                         "celle du manifeste).", fix)
                 for path in sorted(set(listed) & set(actual)) if listed[path] != actual[path]]
    problems += [Problem(PARTS[0], path, "fichier ajouté après la création (absent du manifeste).",
                         "supprimez-le, ou " + fix) for path in sorted(set(actual) - set(listed))]
    return problems


def _source_problems(folder: Path, manifest: dict, out: Path, skip: set[str]) -> list[Problem]:
    from .. import load_company
    from ..authoring import course_exercises, course_notebooks
    from ..coaching.checks import Verifier
    from .answer_key import expected_answers

    seed, fix = manifest["seed"], _recreate(manifest, out)
    mode = "rejeu" if manifest.get("recordings") else None
    expected = {f"{PARTICIPANT}/{NOTEBOOKS}/{n}": participant_notebook(n, seed, mode) for n in course_notebooks()}
    expected |= {f"{PARTICIPANT}/{EXERCISES}/{n}": participant_exercise(n, seed) for n in course_exercises()}
    expected |= {f"{TRAINER}/{SOLUTIONS}/{n}": None for n in course_exercises()}
    problems = [Problem(PARTS[1], path, "absent du kit : le cours a changé depuis la création de la cohorte.", fix)
                for path in expected if path not in skip and not (folder / path).is_file()]
    for path, text in expected.items():
        if text is not None and path not in skip and (folder / path).is_file() \
                and (folder / path).read_bytes() != text.encode("utf-8"):
            problems.append(Problem(PARTS[1], path, "différent de la source du cours (cohorte créée avec une "
                                    "autre version du cours, ou fichier modifié).", fix))
    for name in course_exercises():
        path = folder / TRAINER / SOLUTIONS / name
        if path.is_file() and path.relative_to(folder).as_posix() not in skip:
            sources = [c.source for c in nbformat.read(path, as_version=4).cells]
            if sources != [c.source for c in solution_notebook(name, seed).cells]:
                problems.append(Problem(PARTS[1], path.relative_to(folder).as_posix(),
                                        "corrigé différent de la source du cours.", fix))
    key = folder / TRAINER / KEYS / "reponses_attendues.json"
    if key.is_file() and not any(p.startswith(f"{TRAINER}/{DATA}/") or p == f"{TRAINER}/{KEYS}/{key.name}"
                                 for p in skip):
        stored = json.loads(key.read_text(encoding="utf-8"))
        fresh = json.loads(json.dumps(expected_answers(Verifier(load_company(folder / TRAINER / DATA)))))
        if stored != fresh:
            problems.append(Problem(PARTS[1], key.relative_to(folder).as_posix(), "réponses attendues différentes "
                                    "de celles recalculées sur les données de la cohorte.", fix))
    return problems


def _participant_files(folder: Path, archive: Path):
    """(where, file name, bytes) of every file of the participant kit, in the folder and in the ZIP."""
    kit = folder / PARTICIPANT
    for path in sorted(p for p in kit.rglob("*") if p.is_file()):
        rel = path.relative_to(kit).as_posix()
        yield f"{PARTICIPANT}/{rel}", rel, path.read_bytes()
    if archive.is_file():
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield f"{archive.name}:{info.filename}", info.filename.split("/", 1)[-1], zf.read(info)


def _secrets() -> tuple[set[str], list[bytes]]:
    """Solution lines of every exercise, and byte patterns that only trainer material contains."""
    from ..authoring import course_exercises
    from ..authoring.exercises import BEGIN, END, exercise_source, solution_lines
    from ..company.schema import TRUTH_TABLES

    lines = set().union(*(solution_lines(exercise_source(n)) for n in course_exercises()))
    patterns = [m.encode() for m in (BEGIN, END, "# SOLUTION", "Note pour le formateur")]
    patterns += [";".join(c.header for c in t.columns).encode("utf-8") for t in TRUTH_TABLES]
    patterns += [f'name="{t.sheet}"'.encode("utf-8") for t in TRUTH_TABLES]  # xlsx sheet names
    return lines, patterns


def participant_leaks(folder: Path, name: str) -> list[Problem]:
    """Solutions, truth or trainer notes found in the participant kit (folder or ZIP); a notebook that
    is not valid JSON any more is reported too."""
    from ..authoring.exercises import solution_leaks

    lines, patterns = _secrets()
    todo = "retirez ce fichier du kit participant, ou recréez la cohorte avec --force"
    problems = []
    for where, rel, data in _participant_files(folder, folder / zip_name(name)):
        parts = rel.split("/")
        if "verite" in parts or parts[-1] == "scenario.json":
            problems.append(Problem(PARTS[2], where, "vérité terrain dans le kit participant.", todo))
            continue
        if any(word in rel.lower() for word in ("corrige", "solution", TRAINER)):
            problems.append(Problem(PARTS[2], where, "fichier du formateur dans le kit participant.", todo))
            continue
        if rel.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                data = book.read("xl/workbook.xml")
        found = [p.decode("utf-8") for p in patterns if p in data]
        if rel.endswith(".ipynb"):
            try:
                nb = nbformat.reads(data.decode("utf-8"), as_version=4)
            except (UnicodeDecodeError, ValueError):  # NotJSONError is a ValueError
                problems.append(Problem(PARTS[2], where, "carnet illisible (JSON invalide).", todo))
                continue
            found = list(dict.fromkeys(found + solution_leaks(nb, lines)))
        if found:
            problems.append(Problem(PARTS[2], where, "contient du matériel du formateur ou de la vérité terrain : "
                                    + ", ".join(f"« {f[:60]} »" for f in found[:3]), todo))
    return problems


def static_problems(folder: Path, manifest: dict, out: Path) -> list[Problem]:
    """Everything checked without running anything: integrity, single source, participant kit."""
    problems = integrity_problems(folder, manifest, out)
    problems += _source_problems(folder, manifest, out, {p.path for p in problems})
    return problems + participant_leaks(folder, manifest["name"])


def _jobs(copy: Path) -> list[Job]:
    from ..authoring import course_exercises, course_notebooks

    jobs = []
    for name in course_notebooks():
        path = copy / PARTICIPANT / NOTEBOOKS / name
        add_probe(path)
        jobs.append(Job(path, f"{PARTICIPANT}/{NOTEBOOKS}/{name}"))
    jobs += [Job(copy / PARTICIPANT / EXERCISES / n, f"{PARTICIPANT}/{EXERCISES}/{n}") for n in course_exercises()]
    jobs += [Job(copy / TRAINER / SOLUTIONS / n, f"{TRAINER}/{SOLUTIONS}/{n}") for n in course_exercises()]
    return jobs


def _run_problems(runs: list[Run], report: Readiness) -> list[Problem]:
    problems = []
    retry = ("relancez la vérification ; si l'échec persiste, recréez la cohorte avec --force ou signalez "
             "l'erreur aux auteurs du cours")
    for run in runs:
        if not run.ok:
            problems.append(Problem(PARTS[3], run.label, f"échec à l'exécution : {run.error}", retry))
            continue
        verdicts = feedback(run.notebook)
        if f"/{EXERCISES}/" in run.label and (not verdicts or any(v is not None for _, v in verdicts)):
            problems.append(Problem(PARTS[3], run.label, "l'exercice devrait attendre les réponses du participant.",
                                    retry))
        wrong = [q for q, v in verdicts if v is not True]
        if f"/{SOLUTIONS}/" in run.label and (not verdicts or wrong):
            problems.append(Problem(PARTS[3], run.label, "le corrigé ne valide pas la réponse attendue "
                                    f"({', '.join(wrong) or 'aucune vérification affichée'}).", unfit_seed(report.manifest["seed"])))
        if f"/{NOTEBOOKS}/" in run.label:
            sent = probed_prompts(run.notebook)
            if sent is None:
                problems.append(Problem(PARTS[4], run.label, "les prompts du carnet n'ont pas pu être relevés.", retry))
            report.prompts += sent or []
    for prompt in report.prompts:
        if prompt["mode"] == "erreur":
            problems.append(Problem(PARTS[4], prompt["prompt_id"], "« Voir la référence » échoue pour ce prompt.",
                                    retry))
    if report.missing:
        problems.append(Problem(
            PARTS[4], f"{PARTICIPANT}/ia/enregistrements.json",
            f"{len(report.missing)} prompt(s) envoyé(s) par les carnets sans réponse enregistrée : "
            + ", ".join(sorted(set(report.missing.values()))[:5]),
            f"relancez o2c-lab cohort record {report.manifest['name']} (les carnets ou les données ont changé "
            "depuis l'enregistrement)"))
    return problems


def check_cohort(name: str, out: str | Path = DEFAULT_OUT, *, workers: int = 2) -> Readiness:
    """Check the cohort ``name`` in ``out`` and return the readiness report (see the module doc)."""
    started = time.monotonic()
    out = Path(out)
    folder = cohort_folder(name, out)
    manifest = read_manifest(folder)
    report = Readiness(folder, manifest, workers=workers)
    report.problems += static_problems(folder, manifest, out)
    if report.problems:
        report.skipped = ("le kit ne correspond pas à son manifeste ou à la source du cours ; corrigez d'abord "
                          "les problèmes ci-dessous, puis relancez la vérification.")
    else:
        report.ai_mode = "rejeu" if recordings_file(folder / PARTICIPANT).is_file() else "hors_ligne"
        with tempfile.TemporaryDirectory(prefix="o2c-cohorte-") as tmp:
            copy = Path(tmp)
            for kit in (PARTICIPANT, TRAINER):
                shutil.copytree(folder / kit, copy / kit)
            begun = time.monotonic()
            report.runs = execute(_jobs(copy), copy / "journal", workers)
            report.execution_seconds = time.monotonic() - begun
        report.problems += _run_problems(report.runs, report)
    report.seconds = time.monotonic() - started
    return report
