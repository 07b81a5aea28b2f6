"""End-of-day views: the « évaluation à chaud » questionnaire and the scored final assessment.

Both are thin: the questionnaire's answers go to the journal's forms, each assessment answer to
the journal's quizzes (:meth:`~o2c_lab.coaching.Journal.record_quiz_item`), with instant feedback.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from ..coaching import ASSESSMENT_QUIZ, HOT_FORM, OBJECTIVES, PROGRESS_LEVELS, Journal
from ..errors import InvalidParameterError
from .course import MODULES
from .views import View

__all__ = ["FinalAssessment", "HotEvaluation", "ReportConsent"]

_ROW = {"description_width": "initial", "button_width": "auto"}


class HotEvaluation(View):
    """Satisfaction per module (1–5), perceived progress per objective, a free comment.

    ``.result`` is the answers dict saved by the last click (unanswered questions left out).
    """

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        known = journal.data["forms"].get(HOT_FORM, {}).get("answers", {})
        liked, progress = known.get("satisfaction", {}), known.get("progres", {})
        self.satisfaction = {
            module: widgets.ToggleButtons(options=[str(n) for n in range(1, 6)],
                                          value=str(liked[module]) if module in liked else None, style=_ROW)
            for module in MODULES}
        self.progress = {
            key: widgets.ToggleButtons(options=[(label, level) for level, label in PROGRESS_LEVELS.items()],
                                       value=progress.get(key), style=_ROW)
            for key in OBJECTIVES}
        self.comment = widgets.Textarea(value=known.get("commentaire", ""),
                                        placeholder="Ce qui vous a été le plus utile, ce qui manquait…",
                                        layout=widgets.Layout(width="95%", height="6em"))
        self.button = widgets.Button(description="Envoyer mon évaluation", icon="check", button_style="primary",
                                     layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.button.on_click(self.panel.guard(self._save))
        self.widget = widgets.VBox([
            widgets.HTML("<b>Votre satisfaction par module</b> — 1 : pas utile · 5 : très utile"),
            *[widgets.VBox([widgets.HTML(escape(title)), self.satisfaction[m]]) for m, title in MODULES.items()],
            widgets.HTML("<b>Vos progrès ressentis sur chaque objectif</b>"),
            *[widgets.VBox([widgets.HTML(escape(label)), self.progress[k]]) for k, label in OBJECTIVES.items()],
            widgets.HTML("<b>Vos commentaires</b>"), self.comment, self.button, self.status, self.panel.widget])

    def _save(self, _button=None):
        answers = {"satisfaction": {m: int(w.value) for m, w in self.satisfaction.items() if w.value is not None},
                   "progres": {k: w.value for k, w in self.progress.items() if w.value is not None},
                   "commentaire": self.comment.value.strip()}
        if not (answers["satisfaction"] or answers["progres"] or answers["commentaire"]):
            raise InvalidParameterError("Aucune réponse à envoyer.",
                                        todo="notez au moins un module ou un objectif, ou écrivez un commentaire")
        self.journal.record_form(HOT_FORM, answers)
        self.result = answers
        self.status.value = "✔ Merci : votre évaluation est enregistrée dans votre journal."


class FinalAssessment(View):
    """The final assessment: one choice per item, checked at once with the right answer and why.

    An item answered is locked (its first answer counts). ``.result`` is ``{"answered", "right",
    "total"}`` after each validation.
    """

    def __init__(self, journal: Journal, items):
        super().__init__()
        self.journal, self.items = journal, list(items)
        done = journal.data["quizzes"].get(ASSESSMENT_QUIZ, {})
        self.choices, self.buttons, self.feedback = {}, {}, {}
        blocks = []
        for number, item in enumerate(self.items, 1):
            choice = widgets.RadioButtons(options=list(item.options), value=None,
                                          layout=widgets.Layout(width="auto"))
            button = widgets.Button(description="Valider", icon="check", layout=widgets.Layout(width="auto"))
            button.on_click(self.panel.guard(lambda _b, item=item: self._check(item)))
            self.choices[item.id], self.buttons[item.id], self.feedback[item.id] = choice, button, widgets.HTML()
            blocks.append(widgets.VBox([widgets.HTML(f"<b>Question {number}.</b> {escape(item.question)}"),
                                        choice, button, self.feedback[item.id]]))
            if item.id in done and done[item.id].get("answer") in item.options:
                choice.value = done[item.id]["answer"]
                self._show(item)
        self.summary = widgets.HTML()
        self.widget = widgets.VBox([*blocks, self.summary, self.panel.widget])
        self._score()

    def _check(self, item):
        choice = self.choices[item.id].value
        if choice is None:
            raise InvalidParameterError("Aucune réponse choisie.", valid="une des réponses proposées",
                                        todo="cliquez sur une réponse, puis sur « Valider »")
        self.journal.record_quiz_item(ASSESSMENT_QUIZ, item.id, answer=choice, correct=item.is_correct(choice))
        self._show(item)
        self._score()

    def _show(self, item):
        choice = self.choices[item.id].value
        self.choices[item.id].disabled = self.buttons[item.id].disabled = True
        head = ("<span style='color:#1a7f37'>✔ Bonne réponse.</span>" if item.is_correct(choice) else
                f"<span style='color:#b42318'>✘ La bonne réponse : <b>{escape(item.answer)}</b>.</span>")
        self.feedback[item.id].value = f"<p>{head} {escape(item.explanation).replace(chr(10), '<br>')}</p>"

    def _score(self):
        done = self.journal.data["quizzes"].get(ASSESSMENT_QUIZ, {})
        ids = {item.id for item in self.items}
        answered = [v for k, v in done.items() if k in ids]
        self.result = {"answered": len(answered), "right": sum(v["correct"] for v in answered),
                       "total": len(self.items)}
        self.summary.value = (f"<p><b>{self.result['right']} bonne(s) réponse(s) sur {self.result['answered']} "
                              f"question(s) répondue(s)</b> ({self.result['total']} au total).</p>")


class ReportConsent(View):
    """Whether the trainer's cohort report may read this journal (a box to tick, then saved).

    ``.result`` is the consent saved by the last click.
    """

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self.box = widgets.Checkbox(value=bool(journal.data.get("consent_report")), indent=False,
                                    description="J'accepte que le formateur lise mon journal pour le bilan de la "
                                                "session", layout=widgets.Layout(width="auto"))
        self.button = widgets.Button(description="Enregistrer mon choix", icon="save", layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.button.on_click(self.panel.guard(self._save))
        self.widget = widgets.VBox([self.box, self.button, self.status, self.panel.widget])

    def _save(self, _button=None):
        self.journal.set_report_consent(bool(self.box.value))
        self.result = bool(self.box.value)
        self.status.value = ("✔ Accord enregistré : votre journal comptera dans le bilan de la session."
                             if self.result else "✔ Choix enregistré : votre journal ne sera pas lu pour le bilan.")
