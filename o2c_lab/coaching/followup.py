"""Before and after the day: the preparatory questionnaire and the follow-up 40 days later.

Both are questionnaires of the journal (:meth:`Journal.record_form`, forms ``preparation`` and
``j40``); this module builds and checks their answers, and reads them back as tables. The 30-day plan
is the three use cases the participant kept in notebook 06 (answers ``06_plan_cas_1`` to ``_3``).
Nothing is invented: what was not entered is shown as « non mesuré », and no gain is computed from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..errors import InvalidParameterError
from ..money import format_number
from .summary import NOT_MEASURED, format_duration

__all__ = ["APPLIED", "J40_FORM", "MAX_WEEK_HOURS", "PLAN_KEYS", "PREPARATION_FORM", "PlanCase",
           "j40_answers", "j40_table", "plan_cases", "preparation_answers", "preparation_of", "read_quantity"]

PREPARATION_FORM, J40_FORM = "preparation", "j40"

#: The three use cases of the 30-day plan (notebook 06, section 4), as the journal keeps them.
PLAN_KEYS = ("06_plan_cas_1", "06_plan_cas_2", "06_plan_cas_3")

#: How far a use case of the plan is applied 40 days later.
APPLIED = {"oui": "oui, en routine", "en_partie": "en partie", "non": "pas encore"}

#: Hours in a working week: a task cannot take more.
MAX_WEEK_HOURS = 60

_NUMBER = r"(\d+(?:[.,]\d+)?)"
# « Je passe de 3 heures à 40 minutes » (the wording the plan proposes), « de 1,5 h à 20 min ».
_ESTIMATE = re.compile(rf"de\s+{_NUMBER}\s*h(?:eures?)?\s+à\s+{_NUMBER}\s*min", re.I)


def _hours(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_WEEK_HOURS:
        raise InvalidParameterError(f"Durée hebdomadaire impossible pour « {what} » : {value!r}.",
                                    valid=f"un nombre d'heures par semaine, plus de 0 et au plus {MAX_WEEK_HOURS}",
                                    todo="indiquez le temps que la tâche vous prend chaque semaine")
    return float(value)


def preparation_answers(*, role: str, tasks: list[tuple[str, float]], tools: list[str], rules: str,
                        goals: str) -> dict:
    """The answers of the preparatory questionnaire, checked, ready for ``record_form("preparation", …)``.

    ``tasks`` are (task, hours per week) of the most time-consuming tasks; rows without a task are
    left out, a task without a valid duration is refused (never guessed).
    """
    if not str(role).strip():
        raise InvalidParameterError("Votre métier n'est pas indiqué.", todo="choisissez votre métier dans la liste")
    kept = [{"task": str(t).strip(), "hours_per_week": _hours(h, str(t).strip())} for t, h in tasks if str(t).strip()]
    if not kept:
        raise InvalidParameterError("Aucune tâche indiquée.", valid="au moins une tâche et son temps par semaine",
                                    todo="décrivez vos tâches les plus chronophages et leur durée hebdomadaire")
    return {"role": str(role).strip(), "tasks": kept, "ai_tools": [str(t) for t in tools],
            "ai_rules": str(rules).strip(), "goals": str(goals).strip()}


def preparation_of(data: dict) -> dict | None:
    """The preparatory answers kept in a journal's data, or None when not filled in."""
    form = data.get("forms", {}).get(PREPARATION_FORM)
    return form.get("answers") if isinstance(form, dict) else None


@dataclass(frozen=True)
class PlanCase:
    """One use case of the 30-day plan; the end-of-day estimate only when the text states it plainly."""

    key: str
    label: str
    text: str
    hours_before: float | None
    minutes_after: float | None


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def read_quantity(text: str, what: str) -> float | None:
    """A number typed by the participant (« 2 », « 1,5 », « 1.5 »); an empty field is None (not
    measured); anything else is refused with a French message, never guessed."""
    typed = str(text).strip()
    text = typed.replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    if not re.fullmatch(_NUMBER, text):
        raise InvalidParameterError(f"« {typed} » n'est pas un nombre ({what}).",
                                    valid="un nombre, par exemple 2 ou 1,5 ; laissez vide si vous n'avez pas mesuré",
                                    todo="corrigez la case, puis enregistrez à nouveau")
    return _number(text)


def plan_cases(data: dict) -> list[PlanCase]:
    """The three use cases of the plan (an empty text when one was not kept in notebook 06)."""
    cases = []
    for n, key in enumerate(PLAN_KEYS, 1):
        text = data.get("answers", {}).get(key, {}).get("text", "")
        found = _ESTIMATE.search(text)
        cases.append(PlanCase(key, f"Cas d'usage {n}", text, _number(found[1]) if found else None,
                              _number(found[2]) if found else None))
    return cases


def j40_answers(cases: dict[str, dict], comment: str = "") -> dict:
    """The follow-up answers, checked, for ``record_form("j40", …)``.

    ``cases`` maps a plan key to ``{"applied": one of APPLIED, "what": text, "hours_before": hours per
    week or None, "minutes_now": minutes per week or None}``; None means « not measured ».
    """
    kept = {}
    for key, case in cases.items():
        if key not in PLAN_KEYS:
            raise InvalidParameterError(f"Cas d'usage inconnu : « {key} ».", valid=", ".join(PLAN_KEYS))
        applied = case.get("applied")
        if applied is not None and applied not in APPLIED:
            raise InvalidParameterError(f"Réponse impossible : « {applied} ».", valid=", ".join(APPLIED.values()))
        before, now = case.get("hours_before"), case.get("minutes_now")
        if before is not None:
            before = _hours(before, "je passais")
        if now is not None:
            if isinstance(now, bool) or not isinstance(now, (int, float)) or not 0 <= now <= MAX_WEEK_HOURS * 60:
                raise InvalidParameterError(f"Durée impossible pour « je passe maintenant » : {now!r}.",
                                            valid=f"des minutes par semaine, de 0 à {MAX_WEEK_HOURS * 60}")
            now = float(now)
        kept[key] = {"applied": applied, "what": str(case.get("what", "")).strip(),
                     "hours_before": before, "minutes_now": now}
    return {"cases": kept, "comment": str(comment).strip()}


def _hours_text(hours: float | None) -> str:
    return NOT_MEASURED if hours is None else f"{format_number(hours, 1 if hours % 1 else 0)} h"


def _minutes_text(minutes: float | None) -> str:
    if minutes is None:
        return NOT_MEASURED
    if abs(minutes) >= 60:  # « 2 h 15 min »
        return ("-" if minutes < 0 else "") + format_duration(abs(minutes) * 60)
    return f"{format_number(minutes, 0)} min"


def j40_table(data: dict) -> pd.DataFrame:
    """One row per use case of the plan: the end-of-day estimate beside what was measured at J+40.

    Columns (display): ``cas d'usage``, ``estimation fin de journée``, ``appliqué à J+40``, ``je
    passais (par semaine)``, ``je passe (par semaine)``, ``gain par semaine``; numbers:
    ``hours_before``, ``minutes_now``, ``gain_minutes`` (NaN when not measured).
    """
    form = data.get("forms", {}).get(J40_FORM)
    recorded = form["answers"].get("cases", {}) if isinstance(form, dict) else {}
    rows = []
    for case in plan_cases(data):
        got = recorded.get(case.key, {})
        before, now = got.get("hours_before"), got.get("minutes_now")
        gain = before * 60 - now if before is not None and now is not None else None
        estimate = (f"{_hours_text(case.hours_before)} → {_minutes_text(case.minutes_after)}"
                    if case.hours_before is not None else NOT_MEASURED)
        rows.append({
            "cas d'usage": f"{case.label} : {case.text.splitlines()[0]}" if case.text else case.label,
            "estimation fin de journée": estimate,
            "appliqué à J+40": APPLIED.get(got.get("applied"), NOT_MEASURED),
            "je passais (par semaine)": _hours_text(before),
            "je passe (par semaine)": _minutes_text(now),
            "gain par semaine": NOT_MEASURED if gain is None else _minutes_text(gain),
            "hours_before": before, "minutes_now": now, "gain_minutes": gain,
        })
    return pd.DataFrame(rows)
