"""``o2c-lab cohort create``: one company for a cohort, the participant kit (and its ZIP), the
trainer kit (executed solutions, answer keys, facilitator guide) and the manifest.

Everything is built in a temporary folder next to the cohort's folder, then moved into place in
one step: a failure leaves nothing behind, and ``force`` replaces an existing cohort only once
the new one is complete.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..company.dataset import replace_folder
from ..errors import O2CLabError, OutputFolderError
from ..money import format_date
from .kit import (AI, DATA, EXERCISES, GUIDE, KEYS, NOTEBOOKS, PARTICIPANT, SOLUTIONS, TRAINER, cohort_folder,
                  participant_exercise, participant_notebook, solution_notebook, write_manifest,
                  write_zip, zip_name)

__all__ = ["DEFAULT_OUT", "Created", "create_cohort", "participant_readme", "unfit_seed", "write_documents"]

DEFAULT_OUT = Path("cohortes")


@dataclass(frozen=True)
class Created:
    """What ``create_cohort`` made: the folder, its file count and size, the time it took."""

    folder: Path
    files: int
    bytes: int
    seconds: float
    company: object = field(repr=False)


def unfit_seed(seed: int) -> str:
    """What to do when an exercise has no valid answer on the company of ``seed`` (French)."""
    return (f"l'exercice ne convient pas à l'entreprise de la graine {seed} : recréez la cohorte avec une autre "
            "graine (--seed) ou une autre taille (--size)")


def participant_readme(name: str, company, recorded: bool = False) -> str:
    """The participant kit's French LISEZMOI.md."""
    ai = ("- **rejeu** (réglé par défaut dans les carnets) : les réponses d'un vrai modèle, enregistrées\n"
          "  par votre formateur sur ces données (`ia/enregistrements.json`), sont rejouées sans réseau ni clé ;\n"
          if recorded else "")
    return f"""\
# IA et Order to Cash — kit de la cohorte « {name} »

Entreprise fictive de la cohorte : **{company.name}**, situation au {format_date(company.as_of)}
(graine {company.seed}, {len(company.customers)} clients).

| dossier | contenu |
|---|---|
| `{NOTEBOOKS}/` | les carnets du cours : avant la journée (avant_1 à avant_3), la journée (00 à 06 puis l'évaluation), après (07, suivi à J+40) ; la liste est dans `{NOTEBOOKS}/README.md` |
| `{EXERCISES}/` | les exercices en autonomie : chaque réponse est vérifiée aussitôt, avec un indice si besoin |
| `{DATA}/` | les fichiers de l'entreprise (Excel, CSV, FEC, relevés bancaires camt.053, e-mails, contrats) ; `{DATA}/donnees.xlsx` s'ouvre dans Excel sans rien installer, `{DATA}/LISEZMOI.md` décrit chaque fichier |
{f"| `{AI}/` | les réponses d'IA enregistrées par votre formateur (mode rejeu) |" + chr(10) if recorded else ""}
## Ouvrir le kit

Les carnets s'ouvrent dans JupyterLab, avec la bibliothèque du cours (`o2c_lab`) installée.

1. Une seule fois, dans le dossier du projet o2c_lab : `make setup` (sous Windows :
   `python -m venv .venv` puis `.venv\\Scripts\\pip install -e .[test]`).
2. Dans ce dossier-ci (le kit décompressé), lancez JupyterLab avec l'environnement du projet :
   `<dossier du projet>/.venv/bin/jupyter lab` (sous Windows : `<dossier du projet>\\.venv\\Scripts\\jupyter lab`).
3. Ouvrez `{NOTEBOOKS}/00_bienvenue.ipynb`, puis menu **Exécution › Exécuter toutes les cellules**.
   Si l'interface est en anglais : menu **Settings › Language › Français**.

Les carnets et les exercices sont déjà réglés sur les données de la cohorte (`data_folder = "../{DATA}"`
dans leur cellule de paramètres) : gardez les dossiers côte à côte et ne modifiez pas cette cellule.
Vos réponses, vos temps et vos prompts sont enregistrés dans votre journal personnel, dans votre
dossier utilisateur, jamais dans ce kit.

## L'IA pendant la journée

- **hors ligne** : aucune connexion ; les textes affichés sont des références générées sans IA,
  présentées comme telles ;
{ai}- **copier-coller**, toujours possible : le carnet prépare un prompt anonymisé, vous l'utilisez dans
  votre outil d'IA habituel et collez sa réponse, qui est vérifiée sur les données.

Les données de ce kit sont fictives. Ne donnez jamais à un outil d'IA un fichier réel non anonymisé.
"""


def _notebooks_readme() -> str:
    from ..authoring import course_notebooks
    from ..authoring.programme import programme_table

    listing = "\n".join(f"- `{name}`" for name in course_notebooks())
    return f"""\
# Carnets du cours « IA et Order to Cash »

Ouvrez-les dans l'ordre. Chaque étape suit le même rythme : situation → essai (widget ou votre outil
d'IA) → mesure → comparaison avec la référence → ce que vous emportez dans votre boîte à outils.
Pour commencer : menu **Exécution › Exécuter toutes les cellules**.

{listing}

## Correspondance avec le programme de la formation

{programme_table()}
"""


def write_documents(document, folder: Path) -> list[Path]:
    """``document`` as .md, .docx and .pdf in ``folder``."""
    from ..deliverables import to_markdown, write_docx
    from .pdf import write_pdf

    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / document.slug
    (stem.with_suffix(".md")).write_text(to_markdown(document), encoding="utf-8")
    return [stem.with_suffix(".md"), write_docx(document, stem.with_suffix(".docx")),
            write_pdf(document, stem.with_suffix(".pdf"))]


def _participant_kit(kit: Path, name: str, company) -> None:
    from .. import write_dataset
    from ..authoring import course_exercises, course_notebooks
    from ..company.dataset import FORMATS

    write_dataset(company, kit / DATA, formats=tuple(f for f in FORMATS if f != "truth"))
    (kit / NOTEBOOKS).mkdir()
    for notebook in course_notebooks():
        (kit / NOTEBOOKS / notebook).write_text(participant_notebook(notebook, company.seed), encoding="utf-8")
    (kit / NOTEBOOKS / "README.md").write_text(_notebooks_readme(), encoding="utf-8")
    (kit / EXERCISES).mkdir()
    for exercise in course_exercises():
        (kit / EXERCISES / exercise).write_text(participant_exercise(exercise, company.seed), encoding="utf-8")
    (kit / "LISEZMOI.md").write_text(participant_readme(name, company), encoding="utf-8")


def _trainer_kit(kit: Path, company, workers: int) -> None:
    import nbformat

    from .. import write_dataset
    from ..authoring import course_exercises
    from ..coaching.checks import Verifier
    from .answer_key import answer_key, expected_answers
    from .execute import Job, execute, feedback
    from .guide import facilitator_guide

    write_dataset(company, kit / DATA)
    (kit / SOLUTIONS).mkdir()
    jobs = []
    for exercise in course_exercises():
        path = kit / SOLUTIONS / exercise
        nbformat.write(solution_notebook(exercise, company.seed), path)
        jobs.append(Job(path, f"{TRAINER}/{SOLUTIONS}/{exercise}"))
    with tempfile.TemporaryDirectory(prefix="o2c-journal-") as journal:
        runs = execute(jobs, Path(journal), workers)
    for run in runs:
        if not run.ok:
            raise O2CLabError(f"Le corrigé {run.label} ne s'exécute pas sur les données de la cohorte : "
                              f"{run.error}", todo="signalez-le aux auteurs du cours ; essayez une autre graine")
        wrong = [question for question, verdict in feedback(run.notebook) if verdict is not True]
        if wrong:
            raise O2CLabError(f"Sur l'entreprise de la graine {company.seed}, le corrigé {run.label} ne valide pas "
                              f"la réponse attendue ({', '.join(wrong)}).", todo=unfit_seed(company.seed))
    for job in jobs:  # papermill notes the temporary paths it ran in: keep only the file names
        nb = nbformat.read(job.path, as_version=4)
        nb.metadata.get("papermill", {}).update(input_path=job.path.name, output_path=job.path.name)
        nbformat.write(nb, job.path)
    verifier = Verifier(company)
    for exercise in course_exercises():
        write_documents(answer_key(exercise, verifier), kit / KEYS)
    (kit / KEYS / "reponses_attendues.json").write_text(
        json.dumps(expected_answers(verifier), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_documents(facilitator_guide(company, verifier), kit / GUIDE)


def _check_target(target: Path, force: bool) -> None:
    from ..company.dataset import check_output_folder

    if target.exists() and not force:
        raise OutputFolderError(f"La cohorte « {target.name} » existe déjà dans « {target.parent} ».",
                                todo="choisissez un autre nom, ou ajoutez --force pour la remplacer "
                                     "(l'ancienne reste en place tant que la nouvelle n'est pas prête)")
    check_output_folder(target, force=True)


def create_cohort(name: str, seed: int, *, customers: int | None = None, as_of=None,
                  out: str | Path = DEFAULT_OUT, force: bool = False, workers: int = 2) -> Created:
    """Create the cohort ``name`` in ``out`` (see :mod:`o2c_lab.cohort.kit` for the layout)."""
    from .. import generate_company

    started = time.monotonic()
    target = cohort_folder(name, out)
    new_parent = not target.parent.exists()
    _check_target(target, force)
    built = None
    try:
        company = generate_company(seed=seed, **{k: v for k, v in {"customers": customers, "as_of": as_of}.items()
                                                 if v is not None})
        built = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
        _participant_kit(built / PARTICIPANT, name, company)
        write_zip(built / PARTICIPANT, built / zip_name(name), name)
        _trainer_kit(built / TRAINER, company, workers)
        write_manifest(built, {"name": name, "seed": company.seed, "customers": len(company.customers),
                               "as_of": company.as_of.isoformat(), "noise": company.scenario.get("noise"),
                               "recordings": None})
        replace_folder(built, target)
    except BaseException as exc:
        if built is not None:
            shutil.rmtree(built, ignore_errors=True)
        if new_parent and target.parent.is_dir() and not any(target.parent.iterdir()):
            target.parent.rmdir()
        if isinstance(exc, OSError) and not isinstance(exc, O2CLabError):
            raise OutputFolderError(f"Écriture impossible dans « {target.parent} » ({exc.strerror or exc}).",
                                    todo="vérifiez l'espace disque et vos droits d'écriture") from None
        raise
    files = [p for p in target.rglob("*") if p.is_file()]
    return Created(target, len(files), sum(p.stat().st_size for p in files), time.monotonic() - started, company)
