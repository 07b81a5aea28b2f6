"""Widgets of the course: stopwatch, self-assessment, take-away and prompt savers.

Each view builds its ipywidgets in ``.widget``, calls the journal (pure recording logic) in its
callbacks, shows errors in its French :class:`~o2c_lab.ui.errors.ErrorPanel`, and keeps its last
output in ``.result``.
"""

from __future__ import annotations

import time
from html import escape

import ipywidgets as widgets

from ..coaching import MODES, OBJECTIVES, PHASES, Journal, timing_table
from ..errors import InvalidParameterError
from .errors import ErrorPanel

__all__ = ["PromptSaver", "SelfAssessment", "Stopwatch", "TakeAway", "View"]

# The chosen note must stand out from the four others (JupyterLab only greys it slightly).
_SELECTED_CSS = ("<style>.o2c-rating .mod-active{background:#1f6feb !important;color:#fff !important;"
                 "font-weight:bold}</style>")


class View:
    """Base: ``.widget`` is displayed, ``.panel`` shows errors, ``.result`` is the last output."""

    widget: widgets.Widget
    result = None

    def __init__(self):
        self.panel = ErrorPanel()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class Stopwatch(View):
    """Time a task by hand, then with AI; each stop adds the duration to the journal.

    ``clock`` (seconds, monotonic) is injectable so tests control time.
    ``.result`` is the last recorded ``{"mode": ..., "seconds": ...}``.
    """

    def __init__(self, journal: Journal, task: str, label: str, *, clock=time.monotonic):
        super().__init__()
        self.journal, self.task, self.label, self._clock = journal, task, label, clock
        self._started: float | None = None
        self.mode = widgets.ToggleButtons(options=[(text, key) for key, text in MODES.items()],
                                          value="manuel", description="Je fais la tâche :",
                                          style={"description_width": "initial"})
        self.button = widgets.Button(description="Démarrer le chronomètre", icon="play",
                                     button_style="success", layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.button.on_click(self.panel.guard(self._toggle))
        self.widget = widgets.VBox([widgets.HTML(f"<b>Chronomètre — {escape(label)}</b>"), self.mode, self.button,
                                    self.status, self.panel.widget])
        self._refresh()

    def _toggle(self, _button=None):
        if self._started is None:
            self._started = self._clock()
            self.mode.disabled = True
            self.button.description, self.button.icon, self.button.button_style = "Arrêter", "stop", "danger"
            self.status.value = f"Chronomètre en marche ({MODES[self.mode.value]})…"
            return
        seconds = self._clock() - self._started
        self._started = None
        self.mode.disabled = False
        self.button.description, self.button.icon, self.button.button_style = (
            "Démarrer le chronomètre", "play", "success")
        self.journal.record_timing(self.task, self.mode.value, seconds)
        self.result = {"mode": self.mode.value, "seconds": round(seconds, 1)}
        self._refresh()

    def _refresh(self):
        row = timing_table(self.journal.data, {self.task: self.label}).iloc[0]
        self.status.value = (f"{MODES['manuel']} : <b>{escape(row[MODES['manuel']])}</b> · "
                             f"{MODES['avec_ia']} : <b>{escape(row[MODES['avec_ia']])}</b> · "
                             f"gain : <b>{escape(row['gain'])}</b>")


class SelfAssessment(View):
    """Rate each course objective from 1 (débutant) to 5 (autonome); saved at ``phase``.

    ``.result`` is the ``{objective: score}`` saved by the last click (unrated objectives left out).
    """

    def __init__(self, journal: Journal, phase: str):
        super().__init__()
        if phase not in PHASES:
            raise InvalidParameterError(f"Moment d'auto-évaluation inconnu : « {phase} ».", valid=", ".join(PHASES))
        self.journal, self.phase = journal, phase
        known = {s["objective"]: s["score"] for s in journal.data["self_assessments"] if s["phase"] == phase}
        self.ratings = {
            key: widgets.ToggleButtons(options=[str(n) for n in range(1, 6)],
                                       value=str(known[key]) if key in known else None,
                                       style={"button_width": "40px"})
            for key in OBJECTIVES}
        self.button = widgets.Button(description="Enregistrer mon auto-évaluation", icon="check",
                                     button_style="primary", layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.button.on_click(self.panel.guard(self._save))
        for toggle in self.ratings.values():
            toggle.add_class("o2c-rating")
        rows = [widgets.VBox([widgets.HTML(escape(OBJECTIVES[k])), w]) for k, w in self.ratings.items()]
        self.widget = widgets.VBox([
            widgets.HTML(_SELECTED_CSS + f"<b>{escape(PHASES[phase].capitalize())}</b> — 1 : je découvre · 3 : je "
                         "sais faire avec de l'aide · 5 : je suis autonome et je peux l'expliquer"),
            *rows, self.button, self.status, self.panel.widget])

    def _save(self, _button=None):
        scores = {k: int(w.value) for k, w in self.ratings.items() if w.value is not None}
        if not scores:
            raise InvalidParameterError("Aucune note choisie.", valid="une note de 1 à 5 par objectif",
                                        todo="cliquez sur un chiffre pour chaque objectif, puis enregistrez")
        for key, score in scores.items():
            self.journal.record_self_assessment(key, self.phase, score)
        self.result = scores
        missing = len(OBJECTIVES) - len(scores)
        self.status.value = (f"✔ {len(scores)} note(s) enregistrée(s) dans votre journal"
                             + (f" ; {missing} objectif(s) sans note." if missing else "."))


class TakeAway(View):
    """A text the participant keeps (answer, take-away), editable then saved under ``key``.

    ``.result`` is the text saved by the last click.
    """

    _button_label = "Enregistrer dans ma boîte à outils"

    def __init__(self, journal: Journal, key: str, label: str, prefill: str = "", rows: int = 6):
        super().__init__()
        self.journal, self.key = journal, key
        self.text = widgets.Textarea(value=prefill, placeholder="Écrivez ici…",
                                     layout=widgets.Layout(width="95%", height=f"{1.6 * rows:.0f}em"))
        self.button = widgets.Button(description=self._button_label, icon="save", button_style="primary",
                                     layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.button.on_click(self.panel.guard(self._save))
        self.widget = widgets.VBox([widgets.HTML(f"<b>{escape(label)}</b>"), self.text, self.button,
                                    self.status, self.panel.widget])

    def _record(self, text: str) -> None:
        self.journal.record_answer(self.key, text)

    def _save(self, _button=None):
        text = self.text.value.strip()
        if not text:
            raise InvalidParameterError("Le texte est vide : rien à enregistrer.",
                                        todo="écrivez ou collez votre texte, puis cliquez à nouveau")
        self._record(text)
        self.result = text
        self.status.value = "✔ Enregistré dans votre journal."


class PromptSaver(TakeAway):
    """A prompt shown for copying, editable, then added to the participant's prompt library."""

    _button_label = "Ajouter à ma bibliothèque de prompts"

    def _record(self, text: str) -> None:
        self.journal.record_prompt(self.key, text)
