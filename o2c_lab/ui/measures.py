"""Displays of the before/after measures: one chart per objective figure, the timing table of the
journal, and the closing scoreboard."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from ..coaching import MODES, NOT_MEASURED, timing_table
from .charts import BeforeAfterChart, ChartSpec
from .tables import french_table

__all__ = ["measure_chart", "scoreboard_chart", "scoreboard_table", "timing_view"]

_BEFORE, _AFTER = MODES["manuel"], MODES["avec_ia"]


def measure_chart(title: str, category: str, values: tuple[float, float]) -> BeforeAfterChart:
    """A before/after chart of one ratio (0–1), shown in percent."""
    before, after = values
    return BeforeAfterChart(ChartSpec(title, (category,), {_BEFORE: [100 * before], _AFTER: [100 * after]}, unit="%"))


def scoreboard_table(board: pd.DataFrame) -> pd.DataFrame:
    """The scoreboard written the French way (« non mesuré » where a side was not measured)."""
    shown = french_table(board, percent=[_BEFORE, _AFTER])
    for col in (_BEFORE, _AFTER):
        shown[col] = [NOT_MEASURED if pd.isna(v) else text for v, text in zip(board[col], shown[col])]
    return shown.drop(columns=["état"])


def scoreboard_chart(board: pd.DataFrame) -> BeforeAfterChart:
    """Grouped bars of every measured figure of the scoreboard, in percent."""
    rows = board[board["état"] != NOT_MEASURED]
    return BeforeAfterChart(ChartSpec("Avant / après : les mesures objectives de la journée",
                                      tuple(_short(m + (" (plus bas = mieux)" if b == "plus bas" else ""))
                                            for m, b in zip(rows["mesure"], rows["mieux"])),
                                      {_BEFORE: list(100 * rows[_BEFORE]), _AFTER: list(100 * rows[_AFTER])},
                                      unit="%", decimals=0))


def _short(label: str, width: int = 22) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def timing_view(journal, tasks: dict[str, str]):
    """The participant's timings for ``tasks``: a table, and a chart of those measured both ways."""
    table = timing_table(journal.data, tasks)
    shown = table[["tâche", _BEFORE, _AFTER, "gain"]]
    both = table.dropna(subset=["manuel_s", "avec_ia_s"])
    parts = [HTML(shown.to_html(index=False))]
    if len(both):
        parts.append(BeforeAfterChart(ChartSpec("Vos temps mesurés", tuple(both["tâche"]),
                                                {_BEFORE: list(both["manuel_s"] / 60),
                                                 _AFTER: list(both["avec_ia_s"] / 60)}, unit="min")))
    else:
        parts.append(HTML("<p><i>Aucune tâche chronométrée dans les deux modes pour l'instant : "
                          "pas de graphique (aucun temps n'est inventé).</i></p>"))
    return parts
