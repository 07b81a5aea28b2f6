"""Views that follow the journal: a measure table shown before the stopwatch ran updates itself
when the participant records a time, without re-running (and unfolding) its cell."""

from __future__ import annotations

import base64
from html import escape

import ipywidgets as widgets

from .views import View

__all__ = ["LiveView", "chart_html"]


def chart_html(chart) -> str:
    """A :class:`~o2c_lab.ui.charts.BeforeAfterChart` as an image that fits its cell."""
    data = base64.b64encode(chart.png()).decode("ascii")
    return (f"<img alt='{escape(chart.result.title, quote=True)}' style='max-width:100%;height:auto' "
            f"src='data:image/png;base64,{data}'>")


class LiveView(View):
    """HTML rendered by ``render(journal) -> str`` and rendered again after every journal save.

    ``.result`` is the last HTML shown.
    """

    def __init__(self, journal, render):
        super().__init__()
        self.journal, self._render = journal, render
        self.html = widgets.HTML(layout=widgets.Layout(max_width="100%", overflow="hidden"))
        self.widget = widgets.VBox([self.html, self.panel.widget], layout=widgets.Layout(max_width="100%"))
        self.refresh = self.panel.guard(self._refresh)
        journal.on_change(lambda _journal: self.refresh())
        self.refresh()

    def _refresh(self):
        self.result = self._render(self.journal)
        self.html.value = self.result
