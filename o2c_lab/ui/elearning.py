"""Views of the e-learning modules: a scored single-choice quiz, the score per section, the tokens
of a text, the drafts of the n-gram model."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from ..errors import InvalidParameterError
from .live import LiveView
from .views import View

__all__ = ["ScoredQuiz", "quiz_summary", "tokens_html", "drafts_html", "side_by_side_html"]

_RIGHT, _WRONG = "#2f9e44", "#c0392b"


class ScoredQuiz(View):
    """Single-choice questions, validated together; each answer goes to the journal with whether it
    is right, and every answered question shows why its answer is right or wrong.

    ``items``: objects with ``id``, ``question``, ``choices``, ``correct`` (index) and ``feedback``
    (one text per choice), e.g. :class:`o2c_lab.coaching.elearning.QuizItem`.
    ``.result`` is ``{"questions", "answered", "right"}`` of the last validation.
    """

    def __init__(self, items, journal, quiz: str, title: str = "Quiz"):
        super().__init__()
        self.items, self.journal, self.quiz = list(items), journal, quiz
        if not self.items:
            raise InvalidParameterError("Quiz sans question.", todo="donnez au moins une question")
        self.answers = [widgets.RadioButtons(options=[(c, i) for i, c in enumerate(item.choices)], value=None,
                                             layout=widgets.Layout(width="auto"))
                        for item in self.items]
        self.feedbacks = [widgets.HTML() for _ in self.items]
        self.button = widgets.Button(description="Valider mes réponses", icon="check", button_style="primary",
                                     layout=widgets.Layout(width="auto"))
        self.score = widgets.HTML()
        self.button.on_click(self.panel.guard(self._validate))
        blocks = [widgets.HTML(f"<b>{escape(title)}</b>")]
        for n, (item, answer, feedback) in enumerate(zip(self.items, self.answers, self.feedbacks), 1):
            blocks += [widgets.HTML(f"<p style='margin:8px 0 2px'><b>{n}.</b> {escape(item.question)}</p>"),
                       answer, feedback]
        self.widget = widgets.VBox([*blocks, self.button, self.score, self.panel.widget])

    def _validate(self, _button=None):
        given = [(item, answer.value, feedback) for item, answer, feedback in zip(self.items, self.answers,
                                                                                  self.feedbacks)]
        if all(value is None for _, value, _ in given):
            raise InvalidParameterError("Aucune réponse choisie.", valid="un choix par question",
                                        todo="cochez une réponse à chaque question, puis validez")
        right = 0
        for item, value, feedback in given:
            if value is None:
                feedback.value = "<p style='color:#52606d'>Sans réponse.</p>"
                continue
            correct = value == item.correct
            right += correct
            self.journal.record_quiz_item(self.quiz, item.id, answer=item.choices[value], correct=correct)
            colour, mark = (_RIGHT, "✔") if correct else (_WRONG, "✘")
            feedback.value = (f"<p style='color:{colour};margin:2px 0 6px'>{mark} {escape(item.feedback[value])}</p>")
        answered = sum(value is not None for _, value, _ in given)
        self.result = {"questions": len(self.items), "answered": answered, "right": right}
        missing = len(self.items) - answered
        self.score.value = (f"<p><b>Score : {right}/{len(self.items)}</b>"
                            + (f" ({missing} question(s) sans réponse)" if missing else "")
                            + " — enregistré dans votre journal.</p>")


def quiz_summary(journal, quiz: str) -> LiveView:
    """The score per section of ``quiz``, following the journal as the participant answers."""
    from ..coaching.elearning import quiz_scores
    from .tables import table_html

    def render(j):
        return table_html(quiz_scores(j.data, quiz).rename(columns=str.capitalize))

    return LiveView(journal, render, key=lambda data: repr(data.get("quizzes", {}).get(quiz)))


_COLOURS = ("#dbeafe", "#fde68a", "#bbf7d0", "#fbcfe8", "#ddd6fe")


def tokens_html(pieces: list[str]) -> str:
    """``pieces`` (a text cut into tokens) as coloured boxes, spaces shown as « · », line ends kept."""
    boxes = []
    for n, piece in enumerate(pieces):
        shown = escape(piece.replace(" ", "·").replace("\u00a0", "·").replace("\u202f", "·")).replace("\n", "↵<br>")
        boxes.append(f"<span style='background:{_COLOURS[n % len(_COLOURS)]};padding:1px 0;margin:0 1px;"
                     f"border-radius:3px'>{shown}</span>")
    return f"<div style='font-family:monospace;line-height:1.9'>{''.join(boxes)}</div>"


def drafts_html(drafts) -> str:
    """Each n-gram draft beside its fact check (:class:`o2c_lab.coaching.elearning.Draft`)."""
    from ..ai import render_html

    parts = []
    for d in drafts:
        parts.append(f"<h4>Brouillon n° {d.number}</h4><div style='display:flex;gap:12px;flex-wrap:wrap'>"
                     f"<pre style='white-space:pre-wrap;border:1px solid #c9d3e0;padding:6px;flex:1 1 380px;"
                     f"max-height:22em;overflow:auto'>{escape(d.text)}</pre>"
                     f"<div style='flex:1 1 320px'>{render_html(d.report, show_confirmed=False)}</div></div>")
    return "".join(parts)


def side_by_side_html(before: str, after: str) -> str:
    """Two texts side by side, « Avant » and « Après » (an e-mail and its anonymised copy)."""
    box = "white-space:pre-wrap;border:1px solid #c9d3e0;padding:6px"
    cols = "".join(f"<div style='flex:1 1 360px'><b>{title}</b><pre style='{box}'>{escape(text)}</pre></div>"
                   for title, text in (("Avant", before), ("Après", after)))
    return f"<div style='display:flex;gap:12px;flex-wrap:wrap'>{cols}</div>"
