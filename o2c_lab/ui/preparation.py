"""Widgets of the blended path before and after the day: the preparatory questionnaire and the file
sent back to the trainer, the follow-up at J+40 with its side-by-side comparison, and the practice
company for the self-paced exercises."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from html import escape
from pathlib import Path

import ipywidgets as widgets

from ..coaching import NOT_MEASURED, Journal, load_settings, save_settings, self_assessment_table
from ..coaching.followup import (APPLIED, J40_FORM, PREPARATION_FORM, j40_answers, j40_table, plan_cases,
                                 preparation_answers, preparation_of, read_quantity)
from ..coaching.practice import new_practice_company, practice_seed, use_course_company
from ..errors import InvalidParameterError
from .live import LiveView
from .settings import ROLES
from .tables import table_html
from .toolkit import download_link
from .views import View

__all__ = ["AI_TOOLS", "EXPORT_FOLDER", "FollowUpForm", "JournalExport", "PracticeCompany", "PreparationForm",
           "followup_view"]

#: AI tools offered in the questionnaire (the programme's list, plus the employer's own tool).
AI_TOOLS = ("Copilot", "ChatGPT", "Claude", "Gemini", "Le Chat (Mistral)", "un outil interne de l'entreprise",
            "aucun outil d'IA autorisé")

#: Folder, next to the notebook, that receives the file to send back to the trainer.
EXPORT_FOLDER = "a_envoyer_au_formateur"

_TASKS = 3
_WIDE = widgets.Layout(width="95%")
_LABEL = {"description_width": "12em"}
_WIDE_LABEL = {"description_width": "20em"}


class PreparationForm(View):
    """The preparatory questionnaire: name, role, the three most time-consuming tasks with their hours
    per week, AI tools at work and the employer's rules, objectives of progress, consent for the
    trainer's report. « Enregistrer » keeps it in the journal (form ``preparation``), the name and role
    in the settings (notebook 00 then shows them). ``.result`` is the answers saved last.
    """

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self.folder = journal.path.parent
        saved = preparation_of(journal.data) or {}
        role = saved.get("role") or load_settings(self.folder).role
        self.name = widgets.Text(value=journal.participant, description="Votre prénom et nom",
                                 placeholder="par exemple Camille Martin", style=_LABEL, layout=_WIDE)
        self.role = widgets.Dropdown(options=ROLES, value=role if role in ROLES else None, description="Votre métier",
                                     style=_LABEL, layout=widgets.Layout(width="auto"))
        tasks = saved.get("tasks", [])
        self.tasks = [widgets.Text(value=tasks[n]["task"] if n < len(tasks) else "",
                                   placeholder="par exemple : relances téléphoniques des retards de plus de 30 jours",
                                   description=f"Tâche {n + 1}", style={"description_width": "5em"},
                                   layout=widgets.Layout(width="65%")) for n in range(_TASKS)]
        self.hours = [widgets.BoundedFloatText(value=tasks[n]["hours_per_week"] if n < len(tasks) else 0, min=0,
                                               max=60, step=0.5, description="heures par semaine",
                                               style={"description_width": "initial"},
                                               layout=widgets.Layout(width="30%")) for n in range(_TASKS)]
        self.tools = [widgets.Checkbox(value=tool in saved.get("ai_tools", []), description=tool, indent=False)
                      for tool in AI_TOOLS]
        self.rules = widgets.Textarea(value=saved.get("ai_rules", ""), layout=_WIDE,
                                      placeholder="par exemple : Copilot seulement, jamais de données clients "
                                                  "nominatives ; charte informatique en cours de rédaction…")
        self.goals = widgets.Textarea(value=saved.get("goals", ""), layout=_WIDE,
                                      placeholder="Ce que vous voulez savoir faire en sortant de la formation…")
        self.consent = widgets.Checkbox(value=bool(journal.data.get("consent_report")), indent=False,
                                        description="J'accepte que mes réponses figurent dans le bilan du formateur",
                                        layout=_WIDE)
        self.button = widgets.Button(description="Enregistrer mon questionnaire", icon="check",
                                     button_style="primary", layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.button.on_click(self.panel.guard(self._save))
        self.widget = widgets.VBox([
            widgets.HTML("<b>1. Vous</b>"), self.name, self.role,
            widgets.HTML("<b>2. Vos trois tâches les plus chronophages</b> (et le temps qu'elles vous prennent "
                         "chaque semaine)"),
            *[widgets.HBox([t, h]) for t, h in zip(self.tasks, self.hours)],
            widgets.HTML("<b>3. Les outils d'IA à votre disposition au travail</b>"), widgets.VBox(self.tools),
            widgets.HTML("<b>4. Les règles de votre employeur</b> sur ces outils (autorisés, interdits, données "
                         "permises)"), self.rules,
            widgets.HTML("<b>5. Vos objectifs de progrès</b>"), self.goals,
            widgets.HTML("<b>6. Votre accord</b>"), self.consent,
            self.button, self.status, self.panel.widget])

    def _save(self, _button=None):
        name = self.name.value.strip()
        if not name:
            raise InvalidParameterError("Votre nom n'est pas indiqué.",
                                        todo="écrivez votre prénom et votre nom : le formateur reconnaîtra votre fichier")
        answers = preparation_answers(
            role=self.role.value or "", tasks=[(t.value, h.value) for t, h in zip(self.tasks, self.hours)],
            tools=[box.description for box in self.tools if box.value], rules=self.rules.value, goals=self.goals.value)
        if name != self.journal.participant:
            self.journal.rename(name)
        self.journal.record_form(PREPARATION_FORM, answers)
        self.journal.set_report_consent(bool(self.consent.value))
        save_settings(replace(load_settings(self.folder), participant=name, role=answers["role"]), self.folder)
        self.result = answers
        self.status.value = (f"✔ Questionnaire enregistré dans votre journal ({len(answers['tasks'])} tâche(s)). "
                             "Situez-vous maintenant sur les objectifs, puis préparez le fichier à envoyer.")


class JournalExport(View):
    """« Préparer le fichier à envoyer »: a copy of the journal (the participant export that the
    trainer's cohort commands read) in ``a_envoyer_au_formateur/`` next to the notebook, with a
    download link, once questionnaire ``form`` is saved. ``.result`` is the path written."""

    _FORMS = {PREPARATION_FORM: "Enregistrer mon questionnaire", J40_FORM: "Enregistrer mon suivi"}

    def __init__(self, journal: Journal, form: str = PREPARATION_FORM, folder: str | Path | None = None):
        super().__init__()
        if form not in self._FORMS:
            raise InvalidParameterError(f"Questionnaire inconnu : « {form} ».", valid=", ".join(self._FORMS))
        self.journal, self.form = journal, form
        self.folder = Path(folder) if folder is not None else Path.cwd() / EXPORT_FOLDER
        self.button = widgets.Button(description="Préparer le fichier à envoyer", icon="download",
                                     button_style="primary", layout=widgets.Layout(width="auto"))
        self.output = widgets.Output()
        self.links_html = ""
        self.button.on_click(self.panel.guard(self._export))
        self.widget = widgets.VBox([self.button, self.output, self.panel.widget])

    def _export(self, _button=None):
        from IPython.display import HTML

        if not self.journal.participant:
            raise InvalidParameterError("Votre nom n'est pas encore enregistré : le formateur ne saurait pas de qui "
                                        "vient le fichier.", todo="remplissez et enregistrez le questionnaire préparatoire d'abord")
        if self.form not in self.journal.data.get("forms", {}):
            raise InvalidParameterError("Le questionnaire n'est pas encore enregistré.",
                                        todo=f"cliquez d'abord sur « {self._FORMS[self.form]} »")
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / self.journal.path.name
        target.write_text(json.dumps(self.journal.data, ensure_ascii=False, indent=1), encoding="utf-8")
        self.result = target
        self.links_html = (f"<p>✔ Fichier prêt dans le dossier « {EXPORT_FOLDER} » : <b>"
                           f"{download_link(target, f'télécharger {target.name}')}</b>. Envoyez-le à votre formateur (par e-mail ou sur "
                           "votre espace participant).</p>")
        self.output.outputs = ()
        self.output.append_display_data(HTML(self.links_html))


class FollowUpForm(View):
    """The follow-up at J+40: for each use case of the 30-day plan, whether it is applied, what was
    applied, and the time it took before and takes now (« je passais X heures, je passe Y minutes »
    par semaine). An empty time is « non mesuré ». ``.result`` is the answers saved last."""

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        form = journal.data.get("forms", {}).get(J40_FORM)
        saved = form["answers"].get("cases", {}) if isinstance(form, dict) else {}
        self.cases, rows = plan_cases(journal.data), []
        self.applied, self.what, self.before, self.now = {}, {}, {}, {}
        for case in self.cases:
            got = saved.get(case.key, {})
            self.applied[case.key] = widgets.ToggleButtons(
                options=[(label, key) for key, label in APPLIED.items()], value=got.get("applied"),
                description="Appliqué ?", style={"description_width": "initial"})
            self.what[case.key] = widgets.Textarea(value=got.get("what", ""), layout=_WIDE,
                                                   placeholder="Ce que vous faites maintenant, avec quel outil…")
            self.before[case.key] = widgets.Text(value=_shown(got.get("hours_before")), placeholder="vide : non mesuré",
                                                 description="Je passais (heures par semaine)", style=_WIDE_LABEL)
            self.now[case.key] = widgets.Text(value=_shown(got.get("minutes_now")), placeholder="vide : non mesuré",
                                              description="Je passe maintenant (minutes par semaine)", style=_WIDE_LABEL)
            plan = escape(case.text) if case.text else "<i>non enregistré dans le carnet 06</i>"
            rows.append(widgets.VBox([
                widgets.HTML(f"<b>{escape(case.label)}</b><pre style='white-space:pre-wrap'>{plan}</pre>"),
                self.applied[case.key], self.what[case.key], self.before[case.key], self.now[case.key]]))
        self.comment = widgets.Textarea(layout=_WIDE, placeholder="Ce qui a aidé, ce qui a freiné…",
                                        value=form["answers"].get("comment", "") if isinstance(form, dict) else "")
        self.button = widgets.Button(description="Enregistrer mon suivi", icon="check", button_style="primary",
                                     layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.button.on_click(self.panel.guard(self._save))
        self.widget = widgets.VBox([*rows, widgets.HTML("<b>Un commentaire ?</b>"), self.comment, self.button,
                                    self.status, self.panel.widget])

    def _save(self, _button=None):
        cases = {key: {"applied": self.applied[key].value, "what": self.what[key].value,
                       "hours_before": read_quantity(self.before[key].value, "je passais, en heures"),
                       "minutes_now": read_quantity(self.now[key].value, "je passe maintenant, en minutes")}
                 for key in self.applied}
        answers = j40_answers(cases, self.comment.value)
        self.journal.record_form(J40_FORM, answers)
        self.result = answers
        self.status.value = "✔ Suivi enregistré dans votre journal."


def _shown(value) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


def followup_view(journal: Journal) -> LiveView:
    """Self-positioning before, at the end of the day and at J+40 side by side, then the plan's use
    cases; « non mesuré » where nothing was entered. Refreshed after every save."""
    def render(j):
        return ("<h4>Vos auto-évaluations</h4>" + table_html(self_assessment_table(j.data, ("avant", "apres", "j40")))
                + "<h4>Votre plan à 30 jours, 40 jours après</h4>"
                + table_html(j40_table(j.data).drop(columns=["hours_before", "minutes_now", "gain_minutes"]))
                + f"<p><i>« {NOT_MEASURED} » : rien n'a été saisi ; aucun chiffre n'est inventé.</i></p>")
    return LiveView(journal, render, key=lambda data: repr((data.get("self_assessments"), data.get("forms"),
                                                            data.get("answers"))))


class PracticeCompany(View):
    """« Me donner une nouvelle entreprise »: another company (a new seed) written in the participant's
    folder; the exercises open it from then on. « Revenir à l'entreprise du cours » undoes the choice.
    ``rng`` is injectable for tests; ``.result`` is the folder of the company created last."""

    def __init__(self, course, rng: random.Random | None = None, customers: int | None = None):
        super().__init__()
        self.course, self._rng, self._customers = course, rng, customers
        self.folder = course.journal.path.parent
        self.button = widgets.Button(description="Me donner une nouvelle entreprise", icon="refresh",
                                     button_style="primary", layout=widgets.Layout(width="auto"))
        self.back = widgets.Button(description="Revenir à l'entreprise du cours", icon="undo",
                                   layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.button.on_click(self.panel.guard(self._new))
        self.back.on_click(self.panel.guard(self._back))
        self.widget = widgets.VBox([widgets.HBox([self.button, self.back]), self.status, self.panel.widget])

    def _new(self, _button=None):
        self.status.value = "<i>Création de l'entreprise (une dizaine de secondes)…</i>"
        self.button.disabled = True
        try:
            seed = practice_seed(self.course.company.seed, self._rng)
            self.result = new_practice_company(seed, self.folder, self._customers)
        finally:
            self.button.disabled = False
            self.status.value = ""
        self.status.value = (f"✔ Nouvelle entreprise prête (graine {seed}). Ouvrez les exercices (dossier "
                             "« exercises » ou « exercices » du kit) : ils l'utilisent désormais, avec des chiffres "
                             "et des réponses attendues propres à cette entreprise.")

    def _back(self, _button=None):
        use_course_company(self.folder)
        self.status.value = "✔ Les exercices ouvrent de nouveau l'entreprise du cours."
