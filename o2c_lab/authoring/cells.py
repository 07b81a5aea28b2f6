"""Cell builders for the course notebooks: deterministic ids, hidden and locked UI code."""

from __future__ import annotations

import textwrap

import nbformat

__all__ = ["PARAMETERS", "code", "header", "md", "next_step", "parameters", "setup"]

#: The papermill parameters cell (no "=" in its comments: papermill would take them for code).
PARAMETERS = '''\
# Paramètres du carnet (le formateur peut les changer ; en formation, laissez-les tels quels)
seed = 2026                             # graine de l'entreprise (même graine, même entreprise)
data_folder = "../datasets/fil_rouge"   # dossier de l'entreprise du cours (None pour la générer)
ai_mode = None                          # None : le mode choisi dans les réglages du carnet 00
participant = None                      # None : le prénom choisi dans les réglages du carnet 00'''


def md(text: str):
    return nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip())


def code(source: str, *, hidden: bool = True, tags: tuple = ()):
    """A code cell; ``hidden`` collapses it and locks it (trainees run it, never edit it).

    A collapsed cell shows its first line only: it must be a short French comment saying what the
    cell shows (« # Afficher la balance âgée »), so that no code is in sight."""
    source = textwrap.dedent(source).strip()
    if hidden and not source.startswith("# "):
        raise ValueError(f"hidden cell without a French comment first: {source.splitlines()[0]!r}")
    metadata = {}
    if hidden:
        metadata = {"jupyter": {"source_hidden": True}, "editable": False, "deletable": False}
    if tags:
        metadata["tags"] = list(tags)
    return nbformat.v4.new_code_cell(source, metadata=metadata)


def parameters():
    cell = code(PARAMETERS, tags=("parameters",))
    cell.metadata.pop("editable")  # the trainer may change the parameters
    return cell


def header(title: str, part: str, covers: list[str], intro: str):
    """Title, the programme part covered (seed 000 bullets) and the rhythm of the steps."""
    bullets = "\n".join(f"- {c}" for c in covers)
    return md(f"""\
# {title}

*Le bandeau sous la première cellule indique où vous en êtes dans la journée, d'après votre journal.*

**Partie du programme couverte** : {part}

{bullets}

{textwrap.dedent(intro).strip()}

Chaque étape suit le même rythme : **situation → essai → mesure → comparaison avec la référence
→ ce que vous emportez** (enregistré dans votre journal personnel, hors du dossier du cours). Les
références et les corrigés ne s'affichent qu'après votre essai, sur un clic (ou si vous passez l'étape).
Menu **Exécution › Exécuter toutes les cellules** pour commencer.""")


def setup(notebook: str):
    """Hidden cell: company, journal, AI mode, the widgets used below, and the banner of ``notebook``."""
    return code(f"""\
# Ouvrir l'entreprise du cours et votre journal
import pandas as pd
from IPython.display import display

from o2c_lab.coaching import COURSE_TASKS
from o2c_lab.money import format_eur
from o2c_lab.ui import (BeforeAfterChart, ChartSpec, Course, LetterCheck, PromptLab, Reveal, SelfAssessment,
                        Stopwatch, TakeAway, french_table)
from o2c_lab.ui.measures import measure_chart, timing_view

course = Course.start(seed=seed, data_folder=data_folder, ai_mode=ai_mode, participant=participant,
                      module="{notebook}")
company, journal, analysis = course.company, course.journal, course.analysis
course.banner()""")


def next_step(text: str, notebook: str | None):
    """The last cell: what comes next, with a link to the next notebook."""
    from ..ui.course import MODULES

    link = f"\n\n**Carnet suivant** : [{MODULES[notebook]}]({notebook})" if notebook else ""
    return md(f"## Et ensuite ?\n\n{textwrap.dedent(text).strip()}{link}")
