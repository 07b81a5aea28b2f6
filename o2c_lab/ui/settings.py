"""The settings panel of notebook 00: name, role and AI mode, chosen without touching code, saved in
the participant's user-data folder and read by every notebook when it starts."""

from __future__ import annotations

from dataclasses import replace
from html import escape

import ipywidgets as widgets

from ..coaching import Settings, load_settings, save_settings
from ..errors import InvalidParameterError, O2CLabError
from .course import AI_MODE_LABELS
from .views import View

__all__ = ["ROLES", "SettingsPanel"]

#: Roles offered (the programme's audience); « autre » keeps the choice open.
ROLES = ("chargé(e) de recouvrement", "comptable clients", "responsable du poste clients",
         "responsable administratif et financier", "autre")


def _model_line() -> str:
    """The model the trainer configured, or why the API mode is not available."""
    from ..ai import load_config

    try:
        config = load_config()
    except O2CLabError:
        return "Aucun modèle n'est configuré par le formateur : le mode API n'est pas disponible sur ce poste."
    return f"Modèle configuré par le formateur : « {escape(config.model)} »."


class SettingsPanel(View):
    """Name, role and AI mode; « Enregistrer » saves them and renames the journal when the name
    changes (or asks when that name already has a journal); « Tester la connexion » checks the API.

    ``.result`` is the :class:`~o2c_lab.coaching.Settings` last saved.
    """

    def __init__(self, course):
        super().__init__()
        self.course = course
        self.folder = course.journal.path.parent
        saved = load_settings(self.folder)
        self.name = widgets.Text(value=course.journal.participant, description="Votre prénom",
                                 placeholder="par exemple Camille", style={"description_width": "9em"})
        self.role = widgets.Dropdown(options=ROLES, value=saved.role if saved.role in ROLES else None,
                                     description="Votre métier", style={"description_width": "9em"},
                                     layout=widgets.Layout(width="auto"))
        self.mode = widgets.RadioButtons(options=[(label, key) for key, label in AI_MODE_LABELS.items()],
                                         value=course.assistant.mode, description="Mode d'IA",
                                         style={"description_width": "9em"}, layout=widgets.Layout(width="auto"))
        self.save_button = widgets.Button(description="Enregistrer mes réglages", icon="check",
                                          button_style="primary", layout=widgets.Layout(width="auto"))
        self.test_button = widgets.Button(description="Tester la connexion", icon="plug",
                                          layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.choice = widgets.HBox()  # filled when the new name already has a journal
        self.save_button.on_click(self.panel.guard(self._save))
        self.test_button.on_click(self.panel.guard(self._test))
        self.widget = widgets.VBox([self.name, self.role, self.mode, widgets.HTML(_model_line()),
                                    widgets.HBox([self.save_button, self.test_button]), self.choice,
                                    self.status, self.panel.widget])

    def _settings(self) -> Settings:
        # the practice company chosen after the day (J+40 notebook) is kept as it is
        return replace(load_settings(self.folder), participant=self.name.value.strip(), role=self.role.value or "",
                       ai_mode=self.mode.value)

    def _save(self, _button=None):
        settings = self._settings()
        journal = self.course.journal
        self.choice.children = ()
        try:
            journal.rename(settings.participant)
        except InvalidParameterError:
            self._ask(settings)
            return
        self._done(settings, "")

    def _ask(self, settings: Settings) -> None:
        """The new name has a journal already: take it up, or keep the current one (no silent fork)."""
        take = widgets.Button(description=f"Reprendre le journal de {settings.participant}", button_style="warning",
                              layout=widgets.Layout(width="auto"))
        keep = widgets.Button(description="Garder mon journal actuel", layout=widgets.Layout(width="auto"))
        take.on_click(self.panel.guard(lambda _b: self._take_up(settings)))
        keep.on_click(self.panel.guard(lambda _b: self._keep()))
        self.status.value = (f"Un journal existe déjà au nom de « {escape(settings.participant)} ». "
                             "Est-ce le vôtre ? Rien n'est enregistré tant que vous n'avez pas choisi.")
        self.choice.children = (take, keep)

    def _take_up(self, settings: Settings) -> None:
        self.course.journal.rename(settings.participant, take_up=True)
        self._done(settings, " Votre journal précédent est conservé tel quel.")

    def _keep(self) -> None:
        self.choice.children = ()
        self.name.value = self.course.journal.participant
        self.status.value = "Nom inchangé : votre journal actuel reste le même."

    def _done(self, settings: Settings, note: str) -> None:
        self.choice.children = ()
        save_settings(settings, self.folder)
        self.result = settings
        who = f"« {escape(settings.participant)} »" if settings.participant else "anonyme"
        self.status.value = (f"✔ Réglages enregistrés : journal {who}, mode {escape(AI_MODE_LABELS[settings.ai_mode])}."
                             f"{note} Les carnets suivants les lisent à leur ouverture.")

    def _test(self, _button=None):
        if self.mode.value != "api":
            self.status.value = "Aucune connexion à tester dans ce mode : tout fonctionne sans réseau."
            return
        from ..ai import check_connection, load_config

        self.status.value = "Test de la connexion en cours…"
        self.status.value = f"<pre style='white-space:pre-wrap'>{escape(str(check_connection(load_config())))}</pre>"
