"""Cell builders for the course notebooks: deterministic ids, hidden and locked UI code."""

from __future__ import annotations

import textwrap

import nbformat

__all__ = ["PARAMETERS", "code", "header", "md", "setup"]

#: The papermill parameters cell (no "=" in its comments: papermill would take them for code).
PARAMETERS = '''\
# Paramètres du carnet (le formateur peut les changer ; en formation, laissez-les tels quels)
seed = 2026                             # graine de l'entreprise (même graine, même entreprise)
data_folder = "../datasets/fil_rouge"   # dossier de l'entreprise du cours (None pour la générer)
ai_mode = "hors_ligne"                  # « hors_ligne » : aucune connexion, aucune clé nécessaire
participant = ""                        # votre prénom (facultatif)'''


def md(text: str):
    return nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip())


def code(source: str, *, hidden: bool = True, tags: tuple = ()):
    """A code cell; ``hidden`` collapses it and locks it (trainees run it, never edit it)."""
    metadata = {}
    if hidden:
        metadata = {"jupyter": {"source_hidden": True}, "editable": False, "deletable": False}
    if tags:
        metadata["tags"] = list(tags)
    return nbformat.v4.new_code_cell(textwrap.dedent(source).strip(), metadata=metadata)


def parameters():
    cell = code(PARAMETERS, tags=("parameters",))
    cell.metadata.pop("editable")  # the trainer may change the parameters
    return cell


def header(title: str, part: str, covers: list[str], intro: str):
    """Title, the programme part covered (seed 000 bullets) and the rhythm of the steps."""
    bullets = "\n".join(f"- {c}" for c in covers)
    return md(f"""\
# {title}

**Partie du programme couverte** : {part}

{bullets}

{textwrap.dedent(intro).strip()}

Chaque étape suit le même rythme : **situation → essai → mesure → comparaison avec la référence
→ ce que vous emportez** (enregistré dans votre journal personnel, hors du dossier du cours).
Menu **Exécution › Exécuter toutes les cellules** pour commencer.""")


def setup():
    """Hidden cell: company, journal, AI mode, and the widgets used below."""
    return code("""\
import pandas as pd
from IPython.display import display

from o2c_lab.coaching import COURSE_TASKS
from o2c_lab.money import format_eur
from o2c_lab.ui import (BeforeAfterChart, ChartSpec, Course, LetterCheck, PromptLab, SelfAssessment,
                        Stopwatch, TakeAway, french_table)
from o2c_lab.ui.measures import measure_chart, scoreboard_chart, scoreboard_table, timing_view

course = Course.start(seed=seed, data_folder=data_folder, ai_mode=ai_mode, participant=participant)
company, journal, analysis = course.company, course.journal, course.analysis
course""")
