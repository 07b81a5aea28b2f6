"""What every course notebook needs first: the company, the journal, the AI assistant, the analytics.

The notebooks' hidden first cell is ``course = Course.start(seed, data_folder, ai_mode, participant, module)``;
``ai_mode`` and ``participant`` left to ``None`` are read from the settings chosen in notebook 00 (the
papermill parameters still set them for trainers and tests).
In the « rejeu » mode the recorded answers are read from ``ia/enregistrements.json`` next to the data
folder (``<data_folder>/../ia/enregistrements.json``), where ``o2c-lab cohort record`` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path

from ..coaching import COURSE_TASKS, Journal, load_settings
from ..coaching.practice import course_company
from ..coaching.scores import Analysis
from ..coaching.summary import format_duration
from ..errors import O2CLabError
from ..money import format_date

__all__ = ["AFTER_COURSE", "AI_MODE_LABELS", "MODULES", "Course", "recordings_path"]

#: The notebooks of the day, in order: file name → short French title.
MODULES = {
    "00_bienvenue.ipynb": "Bienvenue",
    "01_prompts.ipynb": "Bien demander à l'IA",
    "02_risque_facture.ipynb": "Risque client et facturation",
    "03_balance_agee.ipynb": "Balance âgée et priorités",
    "04_relances.ipynb": "Relances et échanges clients",
    "05_litiges.ipynb": "Litiges, alertes et synthèses",
    "06_encaissements_plan.ipynb": "Encaissements, indicateurs et plan d'action",
}

#: Notebooks for after the day, with her own data (not modules of the day): file name → short French title.
AFTER_COURSE = {"07_vos_donnees.ipynb": "Vos données"}

AI_MODE_LABELS = {
    "hors_ligne": "hors ligne (aucune connexion : les textes sont des références générées sans IA)",
    "copier_coller": "copier-coller (vous utilisez votre propre outil d'IA)",
    "api": "API (le carnet interroge le modèle configuré)",
    "rejeu": "rejeu (réponses enregistrées par le formateur)",
}


def recordings_path(data_folder: str | Path) -> Path:
    """The recorded answers the « rejeu » mode replays for ``data_folder``: ``../ia/enregistrements.json``."""
    return Path(data_folder).parent / "ia" / "enregistrements.json"


@dataclass(repr=False)
class Course:
    """The company of the day, the participant's journal and the assistant in the chosen mode."""

    company: object
    journal: Journal
    assistant: object
    notices: list = field(default_factory=list)
    module: str | None = None

    @classmethod
    def start(cls, seed: int = 2026, data_folder: str | None = None, ai_mode: str | None = None,
              participant: str | None = None, module: str | None = None,
              journal_folder: str | Path | None = None) -> "Course":
        """Load the course company (``data_folder`` if it exists, else generate ``seed``), open the journal.

        ``ai_mode`` and ``participant`` default to the participant's saved settings; ``module`` is the
        notebook's file name (for the banner), and its opening is noted in the journal."""
        from ..ai import Anonymizer, Assistant, RecordingStore

        settings = load_settings(journal_folder)
        ai_mode = ai_mode or settings.ai_mode
        participant = settings.participant if participant is None else participant
        company = course_company(seed, data_folder)
        journal = Journal.open(participant, folder=journal_folder)
        if module:
            journal.record_visit(module)  # attendance: which notebooks were opened, and when
        notices = [journal.notice] if journal.notice else []
        # Every prompt shown for copying is pseudonymised, whatever the mode.
        anonymizer = Anonymizer.from_company(company)
        try:
            config = store = None
            if ai_mode == "api":
                from ..ai import load_config
                config = load_config()
            if ai_mode in ("rejeu", "replay"):
                recordings = recordings_path(data_folder) if data_folder else None
                if recordings is None or not recordings.is_file():
                    # The trainer must see where the course looked: the path stays in this notice.
                    where = f"« {recordings} »" if recordings else "(aucun dossier de données indiqué)"
                    raise O2CLabError(f"fichier d'enregistrements introuvable {where} ; le formateur le crée "
                                      "avec « o2c-lab cohort record ».")
                store = RecordingStore(recordings)
            assistant = Assistant(ai_mode, config=config, anonymizer=anonymizer, store=store)
        except O2CLabError as exc:
            notices.append(f"Mode d'IA « {ai_mode} » indisponible : {exc.message} Le carnet passe en mode hors ligne.")
            assistant = Assistant("hors_ligne", anonymizer=anonymizer)
        return cls(company, journal, assistant, notices, module)

    @cached_property
    def analysis(self) -> Analysis:
        return Analysis(self.company)

    @cached_property
    def fact_checker(self):
        from ..ai import FactChecker

        return FactChecker(self.company)

    @property
    def workdir(self) -> Path:
        """The participant's folder for files the notebooks write (next to the journal, not in the project)."""
        folder = self.journal.path.parent / "fichiers"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def name(self, customer_id: str) -> str:
        return str(self.company.customer(customer_id)["name"])

    def __repr__(self) -> str:
        return (f"Cours : {self.company.name}, situation au {format_date(self.company.as_of)}, "
                f"mode IA {self.assistant.mode}, journal de {self.journal.participant or 'participant anonyme'}")

    def _repr_html_(self) -> str:
        return self.banner_html()

    def banner(self):
        """The banner as a live view: it follows the journal while the participant works."""
        from .live import LiveView

        return LiveView(self.journal, lambda _journal: self.banner_html(),
                        key=lambda data: repr((self.journal.participant, data["timings"], sorted(data["answers"]))))

    def banner_html(self) -> str:
        """Where the participant is in the day: module n/7, what her journal holds for it, links."""
        c = self.company
        who = escape(self.journal.participant) if self.journal.participant else "participant anonyme"
        notes = "".join(f"<p style='color:#a15c00'>⚠ {escape(n)}</p>" for n in self.notices)
        where = ""
        if self.module in MODULES:
            names = list(MODULES)
            n = names.index(self.module)
            prefix = self.module[:3]
            data = self.journal.data
            tasks = [t for t in COURSE_TASKS if t.startswith(prefix)]
            timed = {(t["task"], t["mode"]) for t in data["timings"]}
            done = sum((t, m) in timed for t in tasks for m in ("manuel", "avec_ia"))
            seconds = sum(t["seconds"] for t in data["timings"] if t["task"].startswith(prefix))
            saved = sum(k.startswith(prefix) for k in data["answers"])
            links = " · ".join(
                f"<a href='{escape(names[k])}'>{label} : {escape(MODULES[names[k]])}</a>"
                for k, label in ((n - 1, "◀ précédent"), (n + 1, "suivant ▶")) if 0 <= k < len(names))
            progress = (f"chronométrages faits : {done}/{2 * len(tasks)} · textes enregistrés : {saved} · "
                        f"temps chronométré : {format_duration(seconds) if seconds else 'aucun'}") if n else ""
            where = (f"<div style='background:#eef4fb;border-left:4px solid #1f6feb;padding:6px 10px;"
                     f"margin-bottom:6px'><b>Module {n + 1}/{len(names)} — {escape(MODULES[self.module])}</b>"
                     f"<br>{progress}{'<br>' if progress else ''}{links}</div>")
        elif self.module in AFTER_COURSE:
            last = list(MODULES)[-1]
            where = (f"<div style='background:#eef7ee;border-left:4px solid #2e7d32;padding:6px 10px;"
                     f"margin-bottom:6px'><b>Après la formation — {escape(AFTER_COURSE[self.module])}</b><br>"
                     "vos fichiers sont lus sur ce poste et n'en sortent pas · "
                     f"<a href='{escape(last)}'>◀ dernier module du jour : {escape(MODULES[last])}</a></div>")
        return (f"<div style='font-family:system-ui,sans-serif'>{where}<b>{escape(c.name)}</b> — situation au "
                f"{format_date(c.as_of)} · mode d'IA : {escape(AI_MODE_LABELS[self.assistant.mode])}"
                f"<br><span style='color:#52606d'>Journal de {who}</span>{notes}</div>")
