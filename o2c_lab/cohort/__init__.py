"""A trainer's cohort pack in one command: a company for the cohort, the participant kit (and its
ZIP), the trainer kit (executed solutions, answer keys, facilitator guide), a manifest; a
readiness check that runs everything headless; recorded AI answers for the « rejeu » mode.

>>> from o2c_lab.cohort import check_cohort, create_cohort      # doctest: +SKIP
>>> create_cohort("paris-2026-12", seed=11, customers=150)       # cohortes/paris-2026-12/
>>> print(check_cohort("paris-2026-12"))                          # French readiness report
"""

from .check import Problem, Readiness, check_cohort, participant_leaks
from .create import DEFAULT_OUT, Created, create_cohort
from .record import Recorded, course_prompts, record_cohort

__all__ = ["DEFAULT_OUT", "Created", "Problem", "Readiness", "Recorded", "check_cohort", "course_prompts",
           "create_cohort", "participant_leaks", "record_cohort"]
