"""Try first, then compare: a reference, an answer or a solution appears only on a click, after the
participant tried (or said « je passe cette étape »), never under a plain « Exécuter tout »."""

from __future__ import annotations

import ipywidgets as widgets

from .views import View

__all__ = ["Reveal", "TryFirst", "tried"]

_HINT = ("<i>La référence s'affiche après votre essai (chronomètre ou réponse vérifiée), ou si vous "
         "choisissez de passer cette étape.</i>")


def tried(data: dict, task: str) -> bool:
    """Whether the journal holds a try of ``task``: a timing, a checked letter or a saved answer."""
    return (any(t["task"] == task for t in data.get("timings", []))
            or any(c["task"] == task for c in data.get("fact_checks", []))
            or task in data.get("answers", {}))


class TryFirst:
    """« Voir la référence » (locked until :meth:`unlock`) and « Je passe cette étape »; either runs
    ``show`` with a progress sign on the button while it computes."""

    def __init__(self, panel, show, label: str = "Voir la référence"):
        self._show_callback = show
        self.show_button = widgets.Button(description=label, icon="eye", disabled=True,
                                          tooltip="disponible après votre essai", layout=widgets.Layout(width="auto"))
        self.skip_button = widgets.Button(description="Je passe cette étape", icon="forward",
                                          layout=widgets.Layout(width="auto"))
        self.hint = widgets.HTML(_HINT)
        self.show_button.on_click(panel.guard(self._show))
        self.skip_button.on_click(panel.guard(self._show))
        self.widget = widgets.VBox([widgets.HBox([self.show_button, self.skip_button]), self.hint])

    def unlock(self) -> None:
        self.show_button.disabled = False
        self.show_button.tooltip = ""

    def _show(self, button=None):
        self.unlock()
        self.hint.value = "<i>Calcul en cours…</i>"
        icon = self.show_button.icon
        self.show_button.icon = "spinner"
        try:
            self._show_callback()
        finally:
            self.show_button.icon = icon
            self.hint.value = ""


class Reveal(View):
    """The comparison of a step (``render(course) -> html``), behind :class:`TryFirst`; unlocked by a
    try of ``task`` (or of one of several tasks) recorded in the journal, even after the cell ran.

    ``.result`` is the HTML revealed (None until then).
    """

    def __init__(self, course, task: str | tuple, render, title: str = "Comparer avec la référence"):
        super().__init__()
        self.course, self._render = course, render
        self.tasks = (task,) if isinstance(task, str) else tuple(task)
        self.output = widgets.HTML(layout=widgets.Layout(max_width="100%", overflow="auto"))
        self.gate = TryFirst(self.panel, self._reveal, label=title)
        course.journal.on_change(self._follow)
        self._follow(course.journal)
        self.widget = widgets.VBox([self.gate.widget, self.output, self.panel.widget])

    def _follow(self, journal) -> None:
        if any(tried(journal.data, t) for t in self.tasks):
            self.gate.unlock()

    def _reveal(self):
        self.result = self._render(self.course)
        self.output.value = self.result
