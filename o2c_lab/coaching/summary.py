"""Before/after summaries of a journal: pure functions of the journal's data (a dict).

Nothing is invented: a timing that was not measured is shown as « non mesuré », and no gain is
computed from it.
"""

from __future__ import annotations

import pandas as pd

from ..errors import InvalidParameterError
from ..money import format_number
from .journal import MODES, OBJECTIVES, PHASES

__all__ = ["NOT_MEASURED", "fact_accuracy", "format_duration", "self_assessment_table", "self_ratings",
           "timing_table"]

NOT_MEASURED = "non mesuré"


def format_duration(seconds: float | None) -> str:
    """``125`` → « 2 min 05 s »; ``None`` → « non mesuré »."""
    if seconds is None or pd.isna(seconds):
        return NOT_MEASURED
    total = int(round(seconds))
    minutes, secs = divmod(total, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def fact_accuracy(data: dict) -> dict[str, float | None]:
    """Share of confirmed facts among all facts checked in the participant's letters, per mode
    (``manuel``, ``avec_ia``); ``None`` for a mode with no checked letter.

    >>> fact_accuracy({"fact_checks": [{"mode": "manuel", "confirmed": 3, "checked": 4}]})
    {'manuel': 0.75, 'avec_ia': None}
    """
    shares = {}
    for mode in MODES:
        checks = [c for c in data.get("fact_checks", []) if c["mode"] == mode]
        checked = sum(c["checked"] for c in checks)
        shares[mode] = sum(c["confirmed"] for c in checks) / checked if checked else None
    return shares


def timing_table(data: dict, tasks: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per task: last measured time without and with AI, and the gain when both exist.

    ``tasks`` maps task ids to French labels; listed tasks appear even when never measured.
    Columns: ``tâche``, ``sans IA``, ``avec IA``, ``gain`` (display strings) and the numbers
    ``manuel_s``, ``avec_ia_s``, ``gain_s`` (NaN when not measured).
    """
    last: dict[tuple[str, str], float] = {}
    for timing in data.get("timings", []):  # chronological: the last measure wins
        last[(timing["task"], timing["mode"])] = float(timing["seconds"])
    labels = dict(tasks or {})
    for task, _ in last:
        labels.setdefault(task, task)
    rows = []
    for task, label in labels.items():
        manual, with_ai = last.get((task, "manuel")), last.get((task, "avec_ia"))
        gain = manual - with_ai if manual is not None and with_ai is not None else None
        rows.append({
            "tâche": label,
            MODES["manuel"]: format_duration(manual),
            MODES["avec_ia"]: format_duration(with_ai),
            "gain": NOT_MEASURED if gain is None else _gain_text(gain, manual),
            "manuel_s": manual, "avec_ia_s": with_ai, "gain_s": gain,
        })
    return pd.DataFrame(rows, columns=["tâche", MODES["manuel"], MODES["avec_ia"], "gain",
                                       "manuel_s", "avec_ia_s", "gain_s"])


def _gain_text(gain: float, manual: float) -> str:
    # The gain is written from the whole seconds shown beside it, so « 5 s → 3 s » says « 2 s ».
    gain = round(manual) - round(manual - gain)
    share = format_number(100 * gain / round(manual), 0) if round(manual) else "0"
    if gain >= 0:
        return f"{format_duration(gain)} gagnées ({share} %)"
    return f"{format_duration(-gain)} perdues ({share} %)"


def self_ratings(data: dict) -> dict[tuple[str, str], int]:
    """A participant's self-ratings (1–5) by (objective, phase): the last one given counts.

    >>> self_ratings({"self_assessments": [{"objective": "a", "phase": "avant", "score": 2},
    ...                                    {"objective": "a", "phase": "avant", "score": 3}]})
    {('a', 'avant'): 3}
    """
    return {(s["objective"], s["phase"]): int(s["score"]) for s in data.get("self_assessments", [])}


def self_assessment_table(data: dict, phases: tuple[str, ...] = ("avant", "apres")) -> pd.DataFrame:
    """One row per course objective: the rating (1–5 scale) at each of ``phases`` and the progress.

    By default the start and the end of the day, and ``progrès`` (end minus start); with ``"j40"`` in
    ``phases``, a column for the follow-up and ``progrès à J+40`` (follow-up minus start). A rating
    not given is « non mesuré », and no progress is computed from it.
    """
    scores = self_ratings(data)
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        raise InvalidParameterError(f"Moment d'auto-évaluation inconnu : « {unknown[0]} ».", valid=", ".join(PHASES))
    rows = []
    for key, label in OBJECTIVES.items():
        row = {"objectif": label}
        for phase in phases:
            score = scores.get((key, phase))
            row[PHASES[phase]] = NOT_MEASURED if score is None else f"{score}/5"
        for column, later in (("progrès", "apres"), ("progrès à J+40", "j40")):
            if later in phases:
                before, after = scores.get((key, "avant")), scores.get((key, later))
                row[column] = "—" if before is None or after is None else f"{after - before:+d}"
        rows.append(row)
    return pd.DataFrame(rows)
