"""A practice company for after the day: another seed, written into the participant's user-data
folder, that the self-paced exercises then open instead of the course company.

The choice is a settings entry (:attr:`Settings.practice_data`), so every exercise notebook reads it
when it starts, whatever folder it was opened from; :func:`use_course_company` clears it. A kit run
by the trainer (cohort create/check) uses its own empty journal folder, hence never a participant's
practice company.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from ..errors import O2CLabError
from .journal import default_journal_folder
from .settings import load_settings, save_settings

__all__ = ["PRACTICE_FOLDER", "course_company", "exercise_company", "new_practice_company", "practice_seed", "use_course_company"]

#: Sub-folder of the user-data folder that holds the practice companies, one per seed.
PRACTICE_FOLDER = "entreprises"

# The files an exercise needs (tables, truth for the checks), the Excel workbook to explore by hand,
# and the contracts; the bank and accounting formats are left out (they take most of the writing time).
_FORMATS = ("excel", "csv", "contracts", "truth")


def practice_seed(avoid: int, rng: random.Random | None = None) -> int:
    """A new seed for a practice company, different from ``avoid`` (the course company's seed)."""
    rng = rng or random.SystemRandom()
    while True:
        seed = rng.randrange(1, 1_000_000)
        if seed != avoid:
            return seed


def new_practice_company(seed: int, folder: Path | str | None = None, customers: int | None = None) -> Path:
    """Generate the company of ``seed``, write it to ``<folder>/entreprises/graine-<seed>`` (``folder``:
    the user-data folder of the journal by default) and point the exercises at it. Returns its folder."""
    from ..company import generate_company, write_dataset

    base = Path(folder) if folder is not None else default_journal_folder()
    target = base / PRACTICE_FOLDER / f"graine-{seed}"
    company = generate_company(seed=seed, **({"customers": customers} if customers else {}))
    write_dataset(company, target, force=True, formats=_FORMATS)
    save_settings(replace(load_settings(base), practice_data=str(target)), base)
    return target


def use_course_company(folder: Path | str | None = None) -> None:
    """The exercises open the course company again (the practice company's files are kept)."""
    save_settings(replace(load_settings(folder), practice_data=""), folder)


def exercise_company(seed: int, data_folder: str | Path | None, folder: Path | str | None = None):
    """The company an exercise opens: the practice company chosen in the settings when there is one,
    else ``data_folder`` when it exists, else the company of ``seed``. Returns (company, French notice)."""
    from ..company import load_company

    practice = load_settings(folder).practice_data
    if practice:
        try:
            company = load_company(practice)
        except O2CLabError as exc:
            return course_company(seed, data_folder), (
                f"Votre entreprise d'entraînement n'a pas pu être ouverte ({exc.what}) : l'exercice utilise "
                "l'entreprise du cours. Créez-en une autre depuis le carnet de suivi à J+40.")
        return company, (f"Entreprise d'entraînement (graine {company.seed}), choisie dans le carnet de suivi à "
                         "J+40. Pour revenir à l'entreprise du cours, utilisez le bouton de ce carnet.")
    return course_company(seed, data_folder), ""


def course_company(seed: int, data_folder: str | Path | None):
    """The course company: ``data_folder`` when it exists, else the company generated from ``seed``."""
    import o2c_lab  # the package's entry points (tests replace them there)

    if data_folder and Path(data_folder).is_dir():
        return o2c_lab.load_company(data_folder)
    return o2c_lab.generate_company(seed=seed)
