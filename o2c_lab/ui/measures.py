"""Displays of the before/after measures: one chart per objective figure, the participant's timings
and the closing scoreboard, the last two as live views that follow the journal."""

from __future__ import annotations

import pandas as pd

from ..coaching import MODES, NOT_MEASURED, scoreboard, self_assessment_table, timing_table
from ..coaching.scores import GENERATIVE, measure
from .charts import BeforeAfterChart, ChartSpec
from .live import LiveView, chart_html
from .tables import french_table, table_html

__all__ = ["measure_chart", "progress_view", "scoreboard_chart", "scoreboard_table", "scoreboard_view", "timing_view"]

_BEFORE, _AFTER = MODES["manuel"], MODES["avec_ia"]


def measure_chart(analysis, key: str) -> BeforeAfterChart:
    """The before/after chart of measure ``key`` (see :data:`~o2c_lab.coaching.scores.MEASURES`), in
    percent, each bar named by its method and the kind of tool that made the difference."""
    m = measure(key)
    before, after = analysis.measured(key)
    title = m.label + (" (plus bas = mieux)" if m.better == "plus bas" else "")
    return BeforeAfterChart(ChartSpec(title, ("",), {f"avant : {m.before}": [100 * before],
                                                     f"après : {m.after} ({m.kind})": [100 * after]}, unit="%"))


def scoreboard_table(board: pd.DataFrame) -> pd.DataFrame:
    """The scoreboard written the French way (« non mesuré » where a side was not measured)."""
    shown = french_table(board, percent=[_BEFORE, _AFTER])
    for col in (_BEFORE, _AFTER):
        shown[col] = [NOT_MEASURED if pd.isna(v) else text for v, text in zip(board[col], shown[col])]
    shown["avant"] = shown["méthode sans IA"] + " : " + shown[_BEFORE]
    shown["après"] = shown["méthode avec IA"] + " : " + shown[_AFTER]
    return shown[["mesure", "avant", "après", "ce qui fait la différence", "mieux"]]


def scoreboard_chart(board: pd.DataFrame) -> BeforeAfterChart:
    """Grouped bars of every measured figure of the scoreboard, in percent."""
    rows = board[board["état"] != NOT_MEASURED]
    return BeforeAfterChart(ChartSpec("Avant / après : les mesures objectives de la journée",
                                      tuple(_short(m + (" (plus bas = mieux)" if b == "plus bas" else ""))
                                            for m, b in zip(rows["mesure"], rows["mieux"])),
                                      {"avant": list(100 * rows[_BEFORE]), "après": list(100 * rows[_AFTER])},
                                      unit="%", decimals=0))


def scoreboard_view(analysis, journal) -> LiveView:
    """The scoreboard, refreshed when the participant checks a letter (the facts row)."""
    def render(j):
        board = scoreboard(analysis, j.data)
        return table_html(scoreboard_table(board)) + chart_html(scoreboard_chart(board))
    return LiveView(journal, render, key=lambda data: repr(data.get("fact_checks")))


def _short(label: str, width: int = 22) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def timing_view(journal, tasks: dict[str, str]) -> LiveView:
    """The participant's timings for ``tasks``: a table, and a chart of those measured both ways;
    refreshed after every stopwatch stop."""
    def render(j):
        table = timing_table(j.data, tasks).head(len(tasks))  # the listed tasks only, never another's id
        shown = table[["tâche", _BEFORE, _AFTER, "gain"]].rename(columns={_AFTER: f"avec {GENERATIVE}"})
        both = table.dropna(subset=["manuel_s", "avec_ia_s"])
        if not len(both):
            return table_html(shown) + ("<p><i>Aucune tâche chronométrée dans les deux modes pour l'instant : "
                                        "pas de graphique (aucun temps n'est inventé).</i></p>")
        chart = BeforeAfterChart(ChartSpec("Vos temps mesurés", tuple(_short(t) for t in both["tâche"]),
                                           {_BEFORE: list(both["manuel_s"] / 60),
                                            f"avec {GENERATIVE}": list(both["avec_ia_s"] / 60)}, unit="min"))
        return table_html(shown) + chart_html(chart)
    return LiveView(journal, render, key=lambda data: repr([t for t in data.get("timings", []) if t["task"] in tasks]))


def progress_view(journal) -> LiveView:
    """Self-assessment at the start and at the end, refreshed when the final one is saved."""
    return LiveView(journal, lambda j: table_html(self_assessment_table(j.data)),
                    key=lambda data: repr(data.get("self_assessments")))
