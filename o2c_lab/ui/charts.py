"""Before/after bar charts: interactive plotly in JupyterLab, a static PNG everywhere else.

:class:`BeforeAfterChart` returns both renderings in one display bundle: JupyterLab (with plotly's
extension) draws the interactive chart, a viewer without it (nbviewer, GitHub, an exported HTML
page) shows the matplotlib PNG. An executed notebook therefore renders anywhere.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass, field

from ..errors import InvalidParameterError
from ..money import format_number

__all__ = ["BeforeAfterChart", "ChartSpec"]

_COLOURS = ("#9aa5b1", "#1f6feb", "#2f9e44", "#e8590c")


@dataclass(frozen=True)
class ChartSpec:
    """What to draw: grouped bars, one group per category, one bar per series.

    ``series`` maps a French series name (« sans IA », « avec IA ») to one value per category,
    already in ``unit`` (e.g. 42.5 with unit « % »).
    """

    title: str
    categories: tuple
    series: dict = field(default_factory=dict)
    unit: str = ""
    decimals: int = 1

    def __post_init__(self):
        for name, values in self.series.items():
            if len(values) != len(self.categories):
                raise InvalidParameterError(
                    f"La série « {name} » a {len(values)} valeur(s) pour {len(self.categories)} catégorie(s).",
                    todo="donnez une valeur par catégorie")

    def label(self, value: float) -> str:
        """A value written the French way with its unit (« 42,5 % »)."""
        return f"{format_number(value, self.decimals)}\u00a0{self.unit}".rstrip()


class BeforeAfterChart:
    """A displayable chart built from a :class:`ChartSpec` (``.result`` is the spec)."""

    def __init__(self, spec: ChartSpec):
        self.result = spec

    def figure(self):
        """The plotly figure (grouped bars, French value labels)."""
        import plotly.graph_objects as go

        spec = self.result
        fig = go.Figure()
        for colour, (name, values) in zip(_COLOURS, spec.series.items()):
            fig.add_bar(name=name, x=list(spec.categories), y=list(values), marker_color=colour,
                        text=[spec.label(v) for v in values], textposition="outside",
                        hovertemplate="%{x}<br>" + name + " : %{text}<extra></extra>")
        fig.update_layout(title=spec.title, barmode="group", separators=", ", template="plotly_white",
                          yaxis_title=spec.unit or None, height=380, margin=dict(t=60, b=40, l=50, r=20),
                          legend=dict(orientation="h", y=-0.15))
        return fig

    def png(self) -> bytes:
        """The same chart drawn by matplotlib (no browser, no network)."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        spec = self.result
        n_groups = len(spec.categories)
        fig = Figure(figsize=(max(6.0, 2.2 * n_groups + 1.5), 4.2), dpi=100)
        ax = fig.subplots()
        n = max(len(spec.series), 1)
        width = 0.8 / n
        for i, (colour, (name, values)) in enumerate(zip(_COLOURS, spec.series.items())):
            xs = [k + (i - (n - 1) / 2) * width for k in range(len(spec.categories))]
            bars = ax.bar(xs, values, width, label=name, color=colour)
            ax.bar_label(bars, labels=[spec.label(v) for v in values], fontsize=8, padding=2)
        ax.set_xticks(range(len(spec.categories)), [str(c).replace("<br>", "\n") for c in spec.categories], fontsize=8)
        ax.set_title(spec.title, fontsize=11)
        if spec.unit:
            ax.set_ylabel(spec.unit)
        ax.margins(y=0.15)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(frameon=False, fontsize=9)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def text(self) -> str:
        spec = self.result
        lines = [spec.title]
        for k, category in enumerate(spec.categories):
            values = " · ".join(f"{name} {spec.label(v[k])}" for name, v in spec.series.items())
            lines.append(f"  {str(category).replace('<br>', ' ')} : {values}")
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/plain": self.text(),
            "image/png": base64.b64encode(self.png()).decode("ascii"),
            "application/vnd.plotly.v1+json": {**json.loads(self.figure().to_json()),
                                                "config": {"displaylogo": False, "locale": "fr"}},
        }
