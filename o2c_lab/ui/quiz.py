"""The « Humain ou IA ? » quiz view: one choice per text, then every text's recorded provenance."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from ..coaching import PROVENANCES, score_quiz
from .views import View

__all__ = ["ProvenanceQuiz"]


class ProvenanceQuiz(View):
    """Guess who wrote each text, then see its true provenance; the score goes to the journal.

    ``.result`` is the last :func:`~o2c_lab.coaching.score_quiz` dict.
    """

    def __init__(self, journal, texts, key: str = "01_quiz_humain_ou_ia"):
        super().__init__()
        self.journal, self.texts, self.key = journal, list(texts), key
        options = [("sans réponse", None)] + [(label, k) for k, label in PROVENANCES.items()]
        self.choices = [widgets.ToggleButtons(options=options, value=None, description="Écrit par :",
                                              style={"description_width": "initial", "button_width": "auto"})
                        for _ in self.texts]
        self.reveals = [widgets.HTML() for _ in self.texts]
        self.button = widgets.Button(description="Valider mes réponses", icon="check", button_style="primary",
                                     layout=widgets.Layout(width="auto"))
        self.summary = widgets.HTML()
        self.button.on_click(self.panel.guard(self._validate))
        blocks = []
        for number, (text, choice, reveal) in enumerate(zip(self.texts, self.choices, self.reveals), 1):
            blocks += [widgets.HTML(f"<b>Texte {number}</b><pre style='white-space:pre-wrap;border:1px solid "
                                    f"#c9d3e0;padding:6px;max-height:14em;overflow:auto'>{escape(text.text)}</pre>"),
                       choice, reveal]
        self.widget = widgets.VBox([*blocks, self.button, self.summary, self.panel.widget])

    def _validate(self, _button=None):
        guesses = [choice.value for choice in self.choices]
        score = score_quiz(self.texts, guesses)
        for text, guess, reveal in zip(self.texts, guesses, self.reveals):
            mark = "" if guess is None else ("✔ " if guess == text.provenance else "✘ ")
            reveal.value = (f"<p>{mark}Réponse : <b>{escape(PROVENANCES[text.provenance])}</b> — "
                            f"{escape(text.origin)}</p>")
        lines = [f"{score['right']} bonne(s) réponse(s) sur {score['answered']} texte(s) attribué(s)."]
        if score["wrongly_ai"]:
            lines.append(f"{score['wrongly_ai']} texte(s) attribué(s) à une IA alors qu'aucune IA ne les a écrits : "
                         "le style ne prouve rien, seule la provenance enregistrée compte.")
        if not score["ai_texts"]:
            lines.append("Aucun texte de ce quiz n'a été écrit par une IA : en mode hors ligne, le cours ne montre "
                         "jamais un texte comme venant d'une IA s'il n'en vient pas. Avec les réponses enregistrées "
                         "par le formateur (mode rejeu) ou une IA connectée (mode api), de vrais textes de modèle "
                         "s'ajoutent, avec le modèle et la date.")
        self.result = score
        self.journal.record_answer(self.key, lines[0])
        self.summary.value = "".join(f"<p>{escape(line, quote=False)}</p>" for line in lines)
