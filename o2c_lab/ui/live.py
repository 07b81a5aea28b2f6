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
    """HTML rendered by ``render(journal) -> str`` and rendered again after a journal save that changed
    ``key(journal.data)`` (what the view shows; by default the whole journal). Drawing a chart takes a
    fraction of a second: a save that does not concern the view must not pay for it.

    ``.result`` is the last HTML shown.
    """

    def __init__(self, journal, render, key=None):
        super().__init__()
        self.journal, self._render, self._key = journal, render, key or (lambda data: repr(data))
        self._shown_for = None
        self.html = widgets.HTML(layout=widgets.Layout(max_width="100%", overflow="hidden"))
        self.widget = widgets.VBox([self.html, self.panel.widget], layout=widgets.Layout(max_width="100%"))
        self.refresh = self.panel.guard(self._refresh)
        journal.on_change(lambda _journal: self.refresh())
        self.refresh()

    def _refresh(self):
        key = self._key(self.journal.data)
        if key == self._shown_for:
            return
        self.result = self._render(self.journal)
        self.html.value = self.result
        self._shown_for = key
