"""``o2c-lab cohort record``: send every prompt the course notebooks send, on the cohort's data, to
the configured model, and keep the answers for the « rejeu » mode in both kits.

The prompts are not listed by hand: the participant notebooks are executed headless (a
temporary copy) and the probe of :mod:`o2c_lab.cohort.execute` reads each prompt workbench they
build, so the recordings carry exactly the prompt hashes the notebooks will look up.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..company.dataset import replace_folder
from ..deliverables.document import Document, Section, Table
from ..errors import O2CLabError, OutputFolderError
from ..money import format_number
from .create import DEFAULT_OUT, participant_readme, write_documents
from .kit import (AI, DATA, NOTEBOOKS, PARTICIPANT, TRAINER, cohort_folder, read_manifest, recordings_file,
                  write_manifest, write_zip, zip_name)

__all__ = ["Recorded", "course_prompts", "record_cohort"]


@dataclass(frozen=True)
class Recorded:
    """What ``record_cohort`` stored: count, model, tokens, cost in euros (None when unknown), time."""

    count: int
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_eur: Decimal | None
    seconds: float


def course_prompts(kit: Path, workers: int = 2) -> list[dict]:
    """The distinct prompts the participant notebooks of ``kit`` send (probe of a headless run)."""
    from ..authoring import course_notebooks
    from .execute import Job, add_probe, execute, probed_prompts

    with tempfile.TemporaryDirectory(prefix="o2c-cohorte-") as tmp:
        copy = Path(tmp) / PARTICIPANT
        shutil.copytree(kit, copy, ignore=shutil.ignore_patterns(AI))
        jobs = []
        for name in course_notebooks():
            add_probe(copy / NOTEBOOKS / name)
            jobs.append(Job(copy / NOTEBOOKS / name, name, {"ai_mode": "hors_ligne"}))
        runs = execute(jobs, Path(tmp) / "journal", workers)
    prompts = {}
    for run in runs:
        sent = probed_prompts(run.notebook) if run.ok else None
        if sent is None:
            raise O2CLabError(f"Le carnet {run.label} ne s'exécute pas : {run.error or 'prompts introuvables'}",
                              todo="lancez « o2c-lab cohort check » pour le détail")
        prompts.update({p["hash"]: p for p in sent})
    return [prompts[h] for h in sorted(prompts)]


def _task(prompt: dict):
    from ..ai import Task

    model = None
    if prompt["output_model"]:
        module, qualname = prompt["output_model"].split(":")
        model = importlib.import_module(module)
        for part in qualname.split("."):
            model = getattr(model, part)
    return Task(prompt["prompt"], prompt["system"], output_model=model, title=prompt["title"])


def _cost_document(recordings: list, manifest: dict) -> tuple[Document, Decimal | None]:
    from ..ai import estimate_cost

    rows, total = [], Decimal(0)
    for rec in recordings:
        cost = estimate_cost(rec.model, rec.prompt_tokens, rec.completion_tokens,
                             basis="usage réel" if rec.usage_source == "réel" else "usage estimé")
        total = None if total is None or cost.eur is None else total + cost.eur
        rows.append([rec.title, rec.prompt_hash, rec.model, rec.recorded_at, rec.prompt_tokens, rec.completion_tokens,
                     str(cost)])
    doc = Document("enregistrements", f"Réponses enregistrées pour la cohorte « {manifest['name']} »",
                   f"{len(rows)} réponses, à rejouer sans réseau (mode « rejeu » des carnets). Coût total : "
                   + (f"{format_number(total, 4)} €." if total is not None else
                      "inconnu (modèle absent de la table des prix du cours)."),
                   [Section("Détail par prompt", table=Table(
                       ["prompt", "empreinte", "modèle", "enregistré le", "jetons envoyés", "jetons reçus", "coût"],
                       rows))])
    return doc, total


def record_cohort(name: str, out: str | Path = DEFAULT_OUT, *, config=None, workers: int = 2) -> Recorded:
    """Record the answers of the configured model (``config``, default from the environment) to
    every prompt the cohort's notebooks send; store them in both kits and switch the participant
    notebooks to the « rejeu » mode. The cohort is rebuilt next to itself, then swapped in."""
    from .. import load_company
    from ..ai import Anonymizer, Assistant, RecordingStore, check_connection, load_config
    from ..authoring import course_notebooks
    from .check import static_problems
    from .kit import participant_notebook

    started = time.monotonic()
    out = Path(out)
    folder = cohort_folder(name, out)
    manifest = read_manifest(folder)
    problems = static_problems(folder, manifest, out)
    if problems:
        raise O2CLabError(f"La cohorte « {name} » n'est pas en état d'être enregistrée ({len(problems)} problème(s), "
                          f"dont {problems[0].path} : {problems[0].what})", todo=problems[0].todo)
    config = config if config is not None else load_config()
    diagnosis = check_connection(config, probe=False)
    if not diagnosis.ok:
        raise O2CLabError(f"Aucun modèle utilisable pour l'enregistrement. {diagnosis.message}",
                          todo="réglez O2C_AI_BASE_URL, O2C_AI_API_KEY et O2C_AI_MODEL, puis « o2c-lab ai-check »")
    prompts = course_prompts(folder / PARTICIPANT, workers)
    company = load_company(folder / PARTICIPANT / DATA)
    assistant = Assistant("api", config=config, anonymizer=Anonymizer.from_company(company))
    built = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=folder.parent))
    try:
        shutil.copytree(folder, built, dirs_exist_ok=True)
        for kit in (PARTICIPANT, TRAINER):  # a new recording replaces the previous one entirely
            shutil.rmtree(built / kit / AI, ignore_errors=True)
        store = RecordingStore(recordings_file(built / TRAINER))
        assistant.record([_task(p) for p in prompts], store)
        unmatched = [p["title"] for p in prompts if p["hash"] not in store]
        if unmatched:
            raise O2CLabError(f"{len(unmatched)} prompt(s) n'ont pas l'empreinte des carnets : {unmatched[:3]}",
                              todo="signalez-le aux auteurs du cours")
        recordings_file(built / PARTICIPANT).parent.mkdir()
        shutil.copyfile(store.path, recordings_file(built / PARTICIPANT))
        recs = [store.get(p["hash"]) for p in prompts]
        doc, cost = _cost_document(recs, manifest)
        write_documents(doc, built / TRAINER / AI)
        for notebook in course_notebooks():
            (built / PARTICIPANT / NOTEBOOKS / notebook).write_text(
                participant_notebook(notebook, manifest["seed"], "rejeu"), encoding="utf-8")
        (built / PARTICIPANT / "LISEZMOI.md").write_text(participant_readme(name, company, recorded=True),
                                                          encoding="utf-8")
        write_zip(built / PARTICIPANT, built / zip_name(name), name)
        summary = Recorded(len(recs), recs[0].model if recs else config.model,
                           sum(r.prompt_tokens for r in recs), sum(r.completion_tokens for r in recs), cost,
                           time.monotonic() - started)
        meta = {k: v for k, v in manifest.items() if k not in ("files", "versions", "format", "version")}
        meta["recordings"] = {"model": summary.model, "recorded_at": recs[0].recorded_at if recs else None,
                              "count": summary.count, "prompt_tokens": summary.prompt_tokens,
                              "completion_tokens": summary.completion_tokens,
                              "cost_eur": None if cost is None else str(cost)}
        write_manifest(built, meta)
        replace_folder(built, folder)
    except BaseException as exc:
        shutil.rmtree(built, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, O2CLabError):
            raise OutputFolderError(f"Écriture impossible dans « {folder.parent} » ({exc.strerror or exc}).",
                                    todo="vérifiez l'espace disque et vos droits d'écriture") from None
        raise
    return summary
