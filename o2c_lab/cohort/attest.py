"""``o2c-lab cohort attest``: one attestation of training (certificate of completion) per participant,
as a PDF, from the journals the participants sent back.

The training organisation and the course are described by the trainer in a YAML (or JSON) file
given with ``--organisme``; nothing is hard-coded: without that file the attestation names no
organisation. The modules are read from the journal: a module is « suivi » when the journal shows
the notebook opened or work saved in it (an answer, a timing, a questionnaire, a quiz answer); the
PDF says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError
from ..money import format_date
from ..ui.course import AFTER_COURSE, MODULES
from .exports import read_exports

__all__ = ["ATTEST_FOLDER", "COURSE_HOURS", "FOLLOWED", "PATH_MODULES", "Attested", "TrainingInfo",
           "attest_cohort", "attestation", "load_training_info", "module_traces"]

#: Sub-folder of the trainer kit that receives the attestations.
ATTEST_FOLDER = "attestations"

#: Length of the day (programme : « 1 jour / 7 heures »).
COURSE_HOURS = 7

#: The plain definition printed on every attestation.
FOLLOWED = ("Un module est « suivi » quand le journal du participant montre que son carnet a été ouvert, ou "
            "qu'un travail y a été enregistré (réponse, texte, chronométrage, questionnaire, réponse à un quiz).")

#: The modules of the blended path, in order: notebook → title.
PATH_MODULES = {
    "avant_1_preparation.ipynb": "Questionnaire préparatoire",
    "avant_2_essentiels_ia.ipynb": "E-learning : les essentiels de l'IA générative (45 min)",
    "avant_3_prompting.ipynb": "E-learning : maîtriser le prompting (25 min)",
    **MODULES,
    "evaluation_fin_de_journee.ipynb": "Évaluation de fin de journée",
    **{name: f"Après la formation : {title.lower()}" for name, title in AFTER_COURSE.items()},
    "apres_j40_suivi.ipynb": "Suivi à J+40",
}
_FORMS = {"preparation": "avant_1_preparation.ipynb", "evaluation_a_chaud": "evaluation_fin_de_journee.ipynb",
          "j40": "apres_j40_suivi.ipynb"}
_QUIZZES = {"essentiels_ia": "avant_2_essentiels_ia.ipynb", "prompting": "avant_3_prompting.ipynb",
            "evaluation_finale": "evaluation_fin_de_journee.ipynb"}
_DAY = list(MODULES)

_ORGANISATION_KEYS = {"nom", "adresse", "siret", "numero_declaration_activite", "signataire", "ville"}
_COURSE_KEYS = {"intitule", "code", "duree_heures", "dates", "lieu", "formateur", "modalite"}


@dataclass(frozen=True)
class TrainingInfo:
    """What the trainer configures: the organisation (all optional) and the course."""

    organisation: dict = field(default_factory=dict)
    course: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.course.get("intitule") or "IA et Order to Cash")

    @property
    def hours(self) -> float:
        return float(self.course.get("duree_heures") or COURSE_HOURS)


def load_training_info(path: str | Path | None) -> TrainingInfo:
    """Read the organisation/course file (YAML or JSON: ``organisme:`` and ``formation:`` mappings);
    ``None`` gives an attestation without organisation."""
    import yaml

    if path is None:
        return TrainingInfo()
    path = Path(path)
    example = ("organisme: {nom: …, adresse: …, numero_declaration_activite: …} ; formation: {intitule: …, "
               "dates: …, lieu: …, formateur: …}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise DataFileError("fichier de l'organisme introuvable ou illisible.", path=path,
                            todo="indiquez avec --organisme un fichier YAML ou JSON existant") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataFileError(f"fichier YAML/JSON invalide ({type(exc).__name__}).", path=path, valid=example) from None
    if not isinstance(data, dict) or set(data) - {"organisme", "formation"}:
        raise DataFileError("rubriques inattendues.", path=path, valid=example,
                            todo="gardez seulement les rubriques « organisme » et « formation »")
    parts = {}
    for part, keys in (("organisme", _ORGANISATION_KEYS), ("formation", _COURSE_KEYS)):
        value = data.get(part) or {}
        if not isinstance(value, dict) or set(value) - keys:
            unknown = sorted(set(value) - keys) if isinstance(value, dict) else [str(value)]
            raise DataFileError(f"rubrique « {part} » : champ(s) inconnu(s) {', '.join(unknown)}.", path=path,
                                valid=", ".join(sorted(keys)))
        # a YAML date (« dates: 2026-12-14 ») is written the French way
        parts[part] = {k: format_date(v) if isinstance(v, dt.date) else v for k, v in value.items()
                       if v not in (None, "")}
    hours = parts["formation"].get("duree_heures")
    if hours is not None and (isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 100):
        raise DataFileError(f"durée impossible : {hours!r}.", path=path, column="duree_heures",
                            valid="un nombre d'heures, par exemple 7")
    return TrainingInfo(parts["organisme"], parts["formation"])


def _module_of(key: str) -> str | None:
    """The day notebook whose prefix ``key`` carries (``04_cinq_relances`` → 04_relances.ipynb)."""
    return next((n for n in _DAY if key.startswith(n[:3])), None)


def module_traces(data: dict) -> dict[str, dict]:
    """Per module of :data:`PATH_MODULES`: ``opened`` (times), ``saved`` (entries of work), ``seconds``
    (time measured by the stopwatch) and ``followed`` (see :data:`FOLLOWED`)."""
    traces = {n: {"opened": 0, "saved": 0, "seconds": 0.0} for n in PATH_MODULES}
    for notebook, visit in data.get("visits", {}).items():
        if notebook in traces:
            traces[notebook]["opened"] += int(visit.get("count", 0))
    for key in data.get("answers", {}):
        if (n := _module_of(key)) is not None:
            traces[n]["saved"] += 1
    for timing in data.get("timings", []):
        if (n := _module_of(timing["task"])) is not None:
            traces[n]["saved"] += 1
            traces[n]["seconds"] += float(timing["seconds"])
    for form, n in _FORMS.items():
        traces[n]["saved"] += form in data.get("forms", {})
    for quiz, n in _QUIZZES.items():
        traces[n]["saved"] += len(data.get("quizzes", {}).get(quiz, {}))
    for trace in traces.values():
        trace["followed"] = trace["opened"] > 0 or trace["saved"] > 0
    return traces


def _activity_dates(data: dict, notebooks) -> list[dt.date]:
    """The dates on which the journal shows activity in ``notebooks``."""
    stamps = [v.get(k) for n, v in data.get("visits", {}).items() if n in notebooks for k in ("first", "last")]
    stamps += [a.get("at") for key, a in data.get("answers", {}).items() if _module_of(key) in notebooks]
    stamps += [t.get("at") for t in data.get("timings", []) if _module_of(t["task"]) in notebooks]
    dates = set()
    for stamp in stamps:
        try:
            dates.add(dt.datetime.fromisoformat(str(stamp)).date())
        except ValueError:
            continue
    return sorted(dates)


def attestation(data: dict, info: TrainingInfo):
    """The attestation of one participant (a :class:`~o2c_lab.deliverables.document.Document`)."""
    from ..deliverables.document import Document, Section, Table
    from ..money import format_number

    traces = module_traces(data)
    who = str(data["participant"]).strip()
    org = info.organisation
    day = _activity_dates(data, _DAY)
    every = _activity_dates(data, PATH_MODULES)
    dates = str(info.course["dates"]) if info.course.get("dates") else (
        ", ".join(format_date(d) for d in day) if day else "non relevées dans le journal")
    hours = format_number(info.hours, 0 if info.hours.is_integer() else 1)
    lines = [f"Participant : {who}", f"Formation : {info.title}"
             + (f" (code {info.course['code']})" if info.course.get("code") else ""),
             f"Durée : {hours} h" + (" (1 jour)" if info.hours == COURSE_HOURS else ""),
             f"Date(s) de la formation : {dates}"]
    if len(every) > 1:
        lines.append(f"Parcours relevé dans le journal : du {format_date(every[0])} au {format_date(every[-1])}")
    for key, label in (("modalite", "Modalité"), ("lieu", "Lieu"), ("formateur", "Formateur")):
        if info.course.get(key):
            lines.append(f"{label} : {info.course[key]}")
    followed = [n for n, t in traces.items() if t["followed"]]
    intro = (f"{org['nom']} atteste que {who} a suivi la formation « {info.title} »." if org.get("nom") else
             f"Il est attesté que {who} a suivi la formation « {info.title} ».")
    sections = [Section("Participant et formation", bullets=lines),
                Section("Modules suivis", paragraphs=[
                    f"{len(followed)} module(s) suivi(s) sur {len(PATH_MODULES)} du parcours. {FOLLOWED}"],
                    table=Table(["module", "suivi", "ouvertures", "travaux enregistrés", "temps chronométré"],
                                [[PATH_MODULES[n], "oui" if t["followed"] else "non", t["opened"], t["saved"],
                                  _duration(t["seconds"])] for n, t in traces.items()]))]
    if org:
        sections.append(Section("Organisme de formation", bullets=[
            f"{label} : {org[key]}" for key, label in (("nom", "Organisme"), ("adresse", "Adresse"),
                                                       ("siret", "SIRET"),
                                                       ("numero_declaration_activite", "Déclaration d'activité"))
            if org.get(key)]))
    place = f"Fait à {org['ville']}" if org.get("ville") else "Fait"
    signer = f" — {org['signataire']}" if org.get("signataire") else ""
    sections.append(Section("Signature", paragraphs=[f"{place}, le ____________{signer}", "Signature et cachet :"]))
    return Document(f"attestation_{_slug(who)}", "Attestation de formation — certificat de réalisation", intro,
                    sections)


def _duration(seconds: float) -> str:
    from ..coaching import format_duration

    return format_duration(seconds) if seconds else "—"


def _slug(text: str) -> str:
    from ..coaching.journal import journal_path

    return journal_path(text, ".").stem.removeprefix("journal-")


@dataclass(frozen=True)
class Attested:
    """The attestations written, the participants, the notes on files set aside."""

    files: list[Path]
    participants: list[str]
    set_aside: list[str]


def attest_cohort(name: str, source: str | Path, out: str | Path, organisation: str | Path | None = None) -> Attested:
    """One PDF attestation per journal in ``source``, into ``formateur/attestations/`` of cohort ``name``."""
    from .pdf import write_pdf
    from .prepare import add_to_trainer_kit

    info = load_training_info(organisation)
    exports = read_exports(source)

    def write(folder: Path) -> list[Path]:
        return [write_pdf(doc, folder / f"{doc.slug}.pdf") for doc in (attestation(d, info) for d in exports.journals)]

    files = add_to_trainer_kit(name, out, ATTEST_FOLDER, write)
    return Attested(files, [j["participant"] for j in exports.journals], exports.set_aside)
