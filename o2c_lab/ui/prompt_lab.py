"""The prompt workbench: a library prompt filled with the company's data, to copy into any AI tool,
paste the answer back and have it checked; the offline reference for comparison; save the prompt."""

from __future__ import annotations

import ast
import threading
from html import escape

import ipywidgets as widgets
from IPython.display import HTML

from ..errors import InvalidParameterError
from ..money import format_pct
from .glossary import plain_text
from .reveal import TryFirst
from .views import View

__all__ = ["LetterCheck", "PromptLab", "RcotfBuilder", "checks_html", "dispute_scorer", "rubric_text"]


_RUBRIC = {
    "contains": "contient « {} »", "icontains": "contient « {} »",
    "contains-all": "contient tous ces éléments : {}", "icontains-all": "contient tous ces éléments : {}",
    "contains-any": "contient au moins l'un de : {}", "icontains-any": "contient au moins l'un de : {}",
    "regex": "respecte la forme attendue ({})", "word-count": "respecte la longueur ({})",
    "is-json": "est un JSON valide",
}


def rubric_text(assertion) -> str:
    """One prompt check in French (the library states it in promptfoo's English terms)."""
    kind = assertion.type
    negate = kind.startswith("not-")
    base = kind[4:] if negate else kind
    raw = assertion.detail[len(kind):].strip()
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    if isinstance(value, (list, tuple)):
        value = ", ".join(f"« {v} »" for v in value)
    elif isinstance(value, dict):
        value = ", ".join(f"{k} {v}" for k, v in value.items())
    text = _RUBRIC.get(base, base + " {}").format(value)
    return ("ne " + text.replace("contient", "contient pas", 1)) if negate and text.startswith("contient") else (
        f"à éviter : {text}" if negate else text)


def dispute_scorer(company, dispute_id: str):
    """``text -> score`` for an answer about ``dispute_id``, or None when the casework engine is absent."""
    try:
        from ..casework import score_dispute_answer
    except ImportError:
        return None
    return lambda text: score_dispute_answer(company, dispute_id, text)


def checks_html(report, assertions) -> str:
    """French HTML of the fact check (the one rendering of :func:`~o2c_lab.ai.render_html`; None:
    still running) and of the prompt's own checks."""
    from ..ai import render_html

    facts = (render_html(report) if report is not None else
             "<p><i>Vérification des faits de la référence en cours…</i></p>")
    rubric = "".join(f"<li>{'✔' if a.passed else '✘'} {escape(rubric_text(a))}</li>" for a in assertions)
    rubric = f"<b>Points de contrôle du prompt</b><ul>{rubric}</ul>" if assertions else ""
    return f"<div>{facts}{rubric}</div>"


class PromptLab(View):
    """Copy the prompt, paste your AI's answer and check it, or show the reference.

    ``.result`` is the last checked ``{"answer", "report", "assertions"}``.
    """

    def __init__(self, course, prompt_id: str, *, scorer=None, fact_task: str | None = None, **subject):
        super().__init__()
        #: ``scorer(text) -> {"score", "feedback"}`` rates a pasted answer on the company's truth.
        self.scorer = scorer
        #: When set, the fact check of a pasted answer is kept in the journal as a letter written
        #: with AI for this task (the « faits confirmés » measure of the scoreboard).
        self.fact_task = fact_task
        from ..ai import fill

        self.course, self.prompt_id = course, prompt_id
        self.filled = fill(prompt_id, course.company, **subject)
        self.task = self.filled.task()
        copy = plain_text(course.assistant.prompt_to_copy(self.task))
        from ..ai import copy_block_html

        # The copy button runs a line of JavaScript: a display output runs it, a widget's HTML does not.
        self.copy_html = copy_block_html(copy)
        self.copy_area = widgets.Output(layout=widgets.Layout(max_width="100%"))
        self.copy_area.append_display_data(HTML(self.copy_html))
        self.answer = widgets.Textarea(placeholder="Collez ici la réponse de votre outil d'IA…",
                                       layout=widgets.Layout(width="95%", height="10em"))
        self.check_button = widgets.Button(description="Vérifier la réponse collée", icon="search",
                                           button_style="primary", layout=widgets.Layout(width="auto"))
        self.save_button = widgets.Button(description="Ajouter ce prompt à ma bibliothèque", icon="save",
                                          layout=widgets.Layout(width="auto"))
        self.output = widgets.HTML()
        self.check_button.on_click(self.panel.guard(self._check_pasted))
        self.gate = TryFirst(self.panel, self._show_reference)
        self._checking: threading.Thread | None = None
        self.reference_button = self.gate.show_button
        self.save_button.on_click(self.panel.guard(self._save))
        self.widget = widgets.VBox([
            widgets.HTML(f"<b>{escape(self.filled.prompt.title)}</b> — prompt prêt à copier "
                         "(noms et identifiants remplacés par des pseudonymes)"),
            self.copy_area,
            self.answer,
            widgets.HBox([self.check_button, self.save_button]),
            self.gate.widget, self.output, self.panel.widget])

    def _report(self, text: str):
        from ..ai import check_answer

        return check_answer(text, self.course.fact_checker, customer_id=self.filled.context.get("customer_id"))

    def _render(self, answer, report, scored: bool = False) -> None:
        from ..ai import run_assertions

        assertions = run_assertions(self.filled.prompt, answer.text, self.filled.values)
        self.result = {"answer": answer, "report": report, "assertions": assertions}
        grade = ""
        if scored and self.scorer is not None:
            self.result["score"] = self.scorer(answer.text)
            items = "".join(f"<li>{escape(f)}</li>" for f in self.result["score"].get("feedback", []))
            grade = (f"<b>Correction sur les faits de l'entreprise</b> : "
                     f"{format_pct(self.result['score']['score'], 0)}<ul>{items}</ul>")
        self.output.value = (f"<div style='border:1px solid #c9d3e0;padding:8px;margin-top:6px'>"
                             f"{answer._repr_html_()}{checks_html(report, assertions)}{grade}</div>")

    def _check_pasted(self, _button=None):
        answer = self.course.assistant.paste(self.task, self.answer.value)
        self._render(answer, self._report(answer.text), scored=True)
        self.gate.unlock()
        report = self.result["report"]
        if self.fact_task and report.verdicts:
            self.course.journal.record_fact_check(self.fact_task, "avec_ia", report.counts["confirmé"],
                                                  len(report.verdicts))

    def _show_reference(self):
        """The reference at once; its fact check (long for a reference that lists many invoices)
        follows in the background and completes the display (:meth:`wait` for it)."""
        answer = self.course.assistant.ask(self.task)
        self._render(answer, None)
        self._checking = threading.Thread(target=self.panel.guard(lambda: self._render(answer, self._report(answer.text))),
                                          daemon=True)
        self._checking.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the fact check of the reference shown (tests, benchmarks)."""
        if self._checking is not None:
            self._checking.join(timeout)

    def _save(self, _button=None):
        self.course.journal.record_prompt(self.prompt_id, self.filled.text)
        self.output.value = "✔ Prompt ajouté à votre bibliothèque (journal)."


class LetterCheck(View):
    """Paste a letter written without AI and have its facts checked against the ledger; the count of
    confirmed facts goes to the journal (the « sans IA » side of the facts measure).

    ``.result`` is the last :class:`~o2c_lab.ai.FactCheckReport`.
    """

    def __init__(self, course, task: str):
        super().__init__()
        self.course, self.task = course, task
        self.letter = widgets.Textarea(placeholder="Collez ici la relance que vous avez rédigée sans IA…",
                                       layout=widgets.Layout(width="95%", height="10em"))
        self.button = widgets.Button(description="Vérifier les faits de ma relance", icon="search",
                                     button_style="primary", layout=widgets.Layout(width="auto"))
        self.output = widgets.HTML()
        self.button.on_click(self.panel.guard(self._check))
        self.widget = widgets.VBox([widgets.HTML("<b>Ma relance sans IA</b> : montants, dates, factures et "
                                                 "client comparés au grand livre"),
                                    self.letter, self.button, self.output, self.panel.widget])

    def _check(self, _button=None):
        from ..ai import check_answer

        report = check_answer(self.letter.value, self.course.fact_checker)
        if not report.verdicts:
            raise InvalidParameterError(
                "Aucun fait vérifiable dans ce texte.",
                valid="une relance qui cite au moins un montant, une date, un numéro de facture ou le client",
                todo="collez votre relance complète, puis cliquez à nouveau")
        self.result = report
        self.course.journal.record_fact_check(self.task, "manuel", report.counts["confirmé"], len(report.verdicts))
        self.output.value = checks_html(report, []) + "<p>✔ Résultat ajouté à votre journal (mesure « sans IA »).</p>"


class RcotfBuilder(View):
    """Write a prompt part by part (Rôle, Contexte, Objectif, Ton, Format) and have it checked.

    ``.result`` is the list of French issues found by the last check (empty: the prompt is complete).
    """

    def __init__(self, journal, key: str = "mon_prompt_rcotf", prefill: dict | None = None):
        super().__init__()
        from ..ai.rcotf import DEFAULT_FIELDS

        self.journal, self.key = journal, key
        prefill = prefill or {}
        self.parts = {name: widgets.Textarea(value=prefill.get(name, ""), placeholder=f"{title} : {expects}",
                                             description=title, layout=widgets.Layout(width="95%", height="4em"))
                      for name, title, expects in DEFAULT_FIELDS}
        self.check_button = widgets.Button(description="Vérifier mon prompt", icon="check",
                                           button_style="primary", layout=widgets.Layout(width="auto"))
        self.save_button = widgets.Button(description="Ajouter à ma bibliothèque de prompts", icon="save",
                                          layout=widgets.Layout(width="auto"))
        self.output = widgets.HTML()
        self.check_button.on_click(self.panel.guard(self._check))
        self.save_button.on_click(self.panel.guard(self._save))
        self.widget = widgets.VBox([*self.parts.values(), widgets.HBox([self.check_button, self.save_button]),
                                    self.output, self.panel.widget])

    def prompt(self):
        from ..ai import RcotfPrompt

        return RcotfPrompt({name: w.value for name, w in self.parts.items()})

    def _check(self, _button=None):
        prompt = self.prompt()
        self.result = [issue.message for issue in prompt.check()]
        verdict = ("✔ Les cinq parties sont présentes et précises." if not self.result else
                   "<ul>" + "".join(f"<li>{escape(m)}</li>" for m in self.result) + "</ul>")
        self.output.value = (f"<div>{verdict}<pre style='white-space:pre-wrap;border:1px solid #ccc;"
                             f"padding:6px'>{escape(prompt.render())}</pre></div>")

    def _save(self, _button=None):
        from ..errors import InvalidParameterError

        text = self.prompt().render()
        if not text:
            raise InvalidParameterError("Le prompt est vide.", todo="remplissez au moins le rôle et l'objectif")
        self.journal.record_prompt(self.key, text)
        self.output.value = "✔ Prompt ajouté à votre bibliothèque (journal)."
