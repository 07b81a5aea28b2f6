"""``o2c-lab cohort prepare``: the trainer's pre-course brief, from the preparatory questionnaires
the participants sent back (their journals, see :mod:`o2c_lab.cohort.exports`).

The brief gives the roles, the AI tools and the employers' rules, the most time-consuming tasks
with their hours, the objectives of progress, where the cohort stands on each course objective
(count, mean, min–max of the « avant » self-positioning) and which fil-rouge cases to stress. It is
written as .md, .docx and .pdf into the cohort's trainer kit (``formateur/preparation/``), and the
manifest is brought up to date so that ``cohort check`` stays green.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..coaching import OBJECTIVES, self_ratings
from ..coaching.followup import preparation_of
from ..deliverables.document import Document, Section, Table
from ..money import format_number
from .exports import Exports, read_exports
from .kit import TRAINER, cohort_folder, read_manifest, write_manifest

__all__ = ["BRIEF_FOLDER", "OBJECTIVE_CASES", "STRESS_BELOW", "TASK_CASES", "Prepared", "add_to_trainer_kit",
           "positioning", "pre_course_brief", "prepare_cohort", "stressed_cases"]

#: Sub-folder of the trainer kit that receives the pre-course brief.
BRIEF_FOLDER = "preparation"

#: The notebook (and fil-rouge case) that teaches each course objective.
OBJECTIVE_CASES = {
    "concepts": "01_prompts.ipynb", "prompts": "01_prompts.ipynb", "risque_facture": "02_risque_facture.ipynb",
    "encours": "03_balance_agee.ipynb", "relances": "04_relances.ipynb", "litiges": "05_litiges.ipynb",
    "encaissements": "06_encaissements_plan.ipynb",
}

#: Words of a task (lower case, accents kept) → the notebook whose case practises it.
TASK_CASES = (
    (r"relanc|recouvr|impay|appel|téléphon|telephon|retard", "04_relances.ipynb"),
    (r"litig|réclam|reclam|contest|avoir", "05_litiges.ipynb"),
    (r"lettr|rapproch|encaiss|banc|banque|paiement|virement|prévision|prevision|trésor|tresor", "06_encaissements_plan.ipynb"),
    (r"balance|âgée|agee|encours|priorit|dso|reporting|tableau de bord|indicateur", "03_balance_agee.ipynb"),
    (r"risque|crédit|credit|solvab|factur|limite|bodacc|procédure|procedure", "02_risque_facture.ipynb"),
    (r"mail|courrier|prompt|rédig|redig|synth|compte rendu|note", "01_prompts.ipynb"),
)

#: A cohort mean below this (3 : « je sais faire avec de l'aide ») asks to stress the objective's case.
STRESS_BELOW = 3.0

_CASES = {"01_prompts.ipynb": "cas fil rouge 1/5 — bien demander à l'IA",
          "02_risque_facture.ipynb": "cas fil rouge 2/5 — risque client et facturation",
          "03_balance_agee.ipynb": "cas fil rouge 3/5 — balance âgée et priorités",
          "04_relances.ipynb": "cas fil rouge 4/5 — relances et échanges clients",
          "05_litiges.ipynb": "cas fil rouge 5/5 — litiges, alertes et synthèses",
          "06_encaissements_plan.ipynb": "encaissements, indicateurs et plan d'action"}


def positioning(journals: list[dict], phase: str = "avant") -> pd.DataFrame:
    """Per course objective, the cohort's self-positioning at ``phase``: ``objective``, ``label``,
    ``count`` (participants who rated it), ``mean``, ``min``, ``max`` (NaN when nobody rated it);
    a participant's last rating counts, as in the cohort report."""
    ratings = [self_ratings(data) for data in journals]
    rows = []
    for key, label in OBJECTIVES.items():
        scores = [r[key, phase] for r in ratings if (key, phase) in r]
        rows.append({"objective": key, "label": label, "count": len(scores),
                     "mean": sum(scores) / len(scores) if scores else float("nan"),
                     "min": min(scores) if scores else float("nan"), "max": max(scores) if scores else float("nan")})
    return pd.DataFrame(rows)


def _tasks(journals: list[dict]) -> list[tuple[str, str, float]]:
    """(participant, task, hours per week) of every preparatory questionnaire."""
    return [(data["participant"], t["task"], float(t["hours_per_week"])) for data in journals
            for t in (preparation_of(data) or {}).get("tasks", [])]


def stressed_cases(journals: list[dict]) -> list[tuple[str, str]]:
    """(notebook, why) of the fil-rouge cases to stress, the most weekly hours at stake first."""
    table = positioning(journals)
    weak = table[table["mean"] < STRESS_BELOW]
    reasons: dict[str, dict] = {}
    for row in weak.itertuples():
        reasons.setdefault(OBJECTIVE_CASES[row.objective], {"hours": 0.0, "why": []})["why"].append(
            f"objectif « {row.label} » : moyenne {format_number(row.mean, 1)}/5")
    for who, task, hours in _tasks(journals):
        for pattern, notebook in TASK_CASES:
            if re.search(pattern, task.lower()):
                entry = reasons.setdefault(notebook, {"hours": 0.0, "why": []})
                entry["hours"] += hours
                entry["why"].append(f"{who} : « {task} » ({format_number(hours, 1)} h/semaine)")
                break
    ranked = sorted(reasons.items(), key=lambda item: (-item[1]["hours"], item[0]))
    return [(notebook, "; ".join(entry["why"])) for notebook, entry in ranked]


def _table(columns: list[str], rows: list[list]) -> Table:
    """A table, with one row saying so when there is nothing to show (never an empty grid)."""
    return Table(columns, rows or [["aucune réponse"] + [""] * (len(columns) - 1)])


def pre_course_brief(exports: Exports, cohort: str) -> Document:
    """The pre-course brief of ``cohort`` from the journals in ``exports``."""
    journals = exports.journals
    prepared = [(data, preparation_of(data)) for data in journals]
    answered = [(data, answers) for data, answers in prepared if answers]
    missing = [data["participant"] for data, answers in prepared if not answers]
    sections = [Section("Fichiers reçus", paragraphs=[
        f"{len(journals)} journal(aux) lu(s) dans « {exports.folder.name} », dont {len(answered)} avec le "
        "questionnaire préparatoire rempli."],
        bullets=[f"Sans questionnaire : {who}." for who in missing]
        + [f"Écarté : {note}" for note in exports.set_aside])]
    sections.append(Section("Participants : métiers, outils d'IA et règles de l'employeur", table=_table(
        ["participant", "métier", "outils d'IA au travail", "règles de l'employeur"],
        [[data["participant"], a["role"], ", ".join(a.get("ai_tools", [])) or "aucun indiqué",
          a.get("ai_rules") or "non précisées"] for data, a in answered])))
    tools: dict[str, int] = {}
    for _, a in answered:
        for tool in a.get("ai_tools", []):
            tools[tool] = tools.get(tool, 0) + 1
    sections.append(Section("Outils d'IA disponibles", paragraphs=[
        "Nombre de participants qui disposent de chaque outil au travail : à croiser avec le mode d'IA de la "
        "journée (copier-coller avec l'outil autorisé, ou hors ligne)."],
        table=_table(["outil", "participants"], [[t, n] for t, n in sorted(tools.items(), key=lambda i: (-i[1], i[0]))])))
    tasks = _tasks(journals)
    sections.append(Section("Tâches les plus chronophages", paragraphs=[
        f"{len(tasks)} tâche(s) pour {format_number(sum(h for *_, h in tasks), 1)} heures par semaine au total."],
        table=_table(["participant", "tâche", "heures par semaine"],
                    [[who, task, format_number(hours, 1)] for who, task, hours in tasks])))
    sections.append(Section("Objectifs de progrès", bullets=[
        f"{data['participant']} : {a['goals']}" for data, a in answered if a.get("goals")]
        or ["Aucun objectif de progrès écrit."]))
    table = positioning(journals)
    sections.append(Section("Positionnement de la promotion sur les objectifs", paragraphs=[
        "Auto-positionnement avant la formation, de 1 (je découvre) à 5 (je suis autonome et je peux "
        "l'expliquer) : nombre de réponses, moyenne, note la plus basse et la plus haute."],
        table=Table(["objectif", "réponses", "moyenne", "min–max"],
                    [[r.label, r.count, format_number(r.mean, 1) if r.count else "non mesuré",
                      f"{int(r.min)}–{int(r.max)}" if r.count else "non mesuré"] for r in table.itertuples()])))
    stressed = stressed_cases(journals)
    sections.append(Section("Cas fil rouge à appuyer", paragraphs=[
        f"Un cas est à appuyer quand la moyenne d'un de ses objectifs est sous {format_number(STRESS_BELOW, 0)}/5, "
        "ou quand des tâches chronophages des participants s'y rattachent (mots de la tâche). Les cas qui "
        "pèsent le plus d'heures par semaine viennent en premier."],
        table=_table(["carnet", "cas", "pourquoi"], [[nb, _CASES[nb], why] for nb, why in stressed])))
    return Document("brief_preparation", f"Brief de préparation — cohorte {cohort}",
                    "Synthèse des questionnaires préparatoires envoyés par les participants, pour adapter la "
                    "journée. Document réservé au formateur : il cite les réponses des participants.", sections)


@dataclass(frozen=True)
class Prepared:
    """What ``prepare_cohort`` wrote: the files, the journals read, the notes on files set aside."""

    files: list[Path]
    participants: list[str]
    set_aside: list[str]


def add_to_trainer_kit(name: str, out: str | Path, subfolder: str, write) -> list[Path]:
    """Replace ``formateur/<subfolder>/`` of cohort ``name`` with what ``write(folder)`` writes (it
    returns the paths), then rewrite the manifest so that the cohort's integrity check still holds."""
    folder = cohort_folder(name, out)
    manifest = read_manifest(folder)
    target = folder / TRAINER / subfolder
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    written = write(target)
    meta = {k: v for k, v in manifest.items() if k not in ("files", "versions", "format", "version")}
    write_manifest(folder, meta)
    return written


def prepare_cohort(name: str, source: str | Path, out: str | Path) -> Prepared:
    """Read the participants' files in ``source`` and write the pre-course brief into cohort ``name``."""
    from .create import write_documents

    exports = read_exports(source)
    doc = pre_course_brief(exports, name)
    files = add_to_trainer_kit(name, out, BRIEF_FOLDER, lambda folder: write_documents(doc, folder))
    return Prepared(files, [j["participant"] for j in exports.journals], exports.set_aside)
