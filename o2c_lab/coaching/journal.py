"""The participant's journal: one JSON file per participant in a user-data folder.

Writes are atomic (temporary file in the same folder, then :func:`os.replace`), so a crash never
leaves half a journal. Several kernels (two notebooks open at once) share one journal safely: each
change takes a file lock (``filelock``: ``fcntl`` on POSIX, ``msvcrt`` on Windows, released by the
system if the process dies), re-reads the file, applies itself and writes. A temporary file left by
a killed process is removed on the next open. A journal that cannot be read is never silently
reset: it is kept under a ``.corrompu-…`` name and a French message (:attr:`Journal.notice`) says where.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import InvalidParameterError, OutputFolderError

__all__ = ["COURSE_TASKS", "JOURNAL_DIR_ENV", "MODES", "OBJECTIVES", "PHASES", "Journal", "default_journal_folder",
           "journal_path"]

#: Environment variable that moves every journal elsewhere (a trainer's shared folder, a test).
JOURNAL_DIR_ENV = "O2C_LAB_JOURNAL_DIR"

#: Timing modes: the task done by hand, then with the help of AI.
MODES = {"manuel": "sans IA", "avec_ia": "avec IA"}

#: Self-assessment phases: positioning at the start of the day, final assessment at the end, and
#: the follow-up 40 days after the training (transfer to real work).
PHASES = {"avant": "positionnement (début)", "apres": "évaluation finale", "j40": "suivi à J+40"}

#: The course objectives the participant rates from 1 to 5 (seed 000's programme).
OBJECTIVES = {
    "concepts": "S'approprier les concepts de base de l'IA dans le cycle O2C",
    "prompts": "Structurer ses demandes à l'IA pour obtenir des résultats fiables",
    "risque_facture": "Sécuriser le cycle en amont : risque client et facturation",
    "encours": "Piloter les encours et prioriser les actions",
    "relances": "Accélérer le recouvrement et traiter les échanges clients",
    "litiges": "Gérer les litiges, alertes internes et communication multi-parties",
    "encaissements": "Interpréter les écarts, estimer les encaissements et lire les indicateurs cash",
}

#: The tasks the notebooks time (id → French label), in course order.
COURSE_TASKS = {
    "01_prompt_relance": "Rédiger un prompt de relance structuré",
    "02_dossier_client": "Analyser le dossier d'un client à risque",
    "03_priorites": "Choisir les priorités de la semaine",
    "04_cinq_relances": "Rédiger 5 relances",
    "04_script_appel": "Transformer un fil d'e-mails en script d'appel",
    "05_litige": "Analyser un litige et rédiger la note interne",
    "06_rapprochement": "Formuler des hypothèses de rapprochement",
}

_SCORE_RANGE = range(1, 6)
_VERSION = 1
#: Seconds a write waits for another kernel holding the lock (a write takes milliseconds).
_LOCK_WAIT_S = 20


def default_journal_folder() -> Path:
    """Folder of the journals: ``$O2C_LAB_JOURNAL_DIR`` if set, else the user-data folder."""
    env = os.environ.get(JOURNAL_DIR_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("o2c_lab", appauthor=False) / "journal"


def _slug(participant: str) -> str:
    text = unicodedata.normalize("NFKD", participant.strip()).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text or "participant"


def journal_path(participant: str, folder: Path | str | None = None) -> Path:
    """Path of ``participant``'s journal file in ``folder`` (default :func:`default_journal_folder`)."""
    base = Path(folder) if folder is not None else default_journal_folder()
    return base / f"journal-{_slug(participant)}.json"


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _empty(participant: str) -> dict:
    return {"version": _VERSION, "participant": participant, "created": _now(),
            "answers": {}, "timings": [], "prompts": [], "self_assessments": [], "fact_checks": [],
            "forms": {}, "quizzes": {}, "visits": {}, "consent_report": False}

#: Parts added after the first journals: an older journal gets them empty when it is read.
_LATER_PARTS = {"fact_checks": list, "forms": dict, "quizzes": dict, "visits": dict}


def _valid(data) -> bool:
    return (isinstance(data, dict) and data.get("version") == _VERSION
            and isinstance(data.get("answers"), dict)
            and all(isinstance(data.get(k), list) for k in ("timings", "prompts", "self_assessments"))
            and all(isinstance(data.get(k, kind()), kind) for k, kind in _LATER_PARTS.items()))


def _read(path: Path, participant: str) -> tuple[dict, str]:
    """(data, notice) of the journal file; a corrupt file is set aside and a fresh journal begins."""
    if not path.exists():
        return _empty(participant), ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if _valid(data):
            for part, kind in _LATER_PARTS.items():  # journals written before these parts existed
                data.setdefault(part, kind())
            data.setdefault("consent_report", False)
            return data, ""
        problem = "son contenu n'a pas la structure attendue"
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problem = f"il est illisible ({type(exc).__name__})"
    backup = path.with_name(f"{path.stem}.corrompu-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.json")
    os.replace(path, backup)
    return _empty(participant), (
        f"Votre journal « {path.name} » n'a pas pu être relu : {problem}. Il a été mis de côté "
        f"sous « {backup.name} » (rien n'est effacé) et un nouveau journal commence. "
        "Montrez ce fichier au formateur pour récupérer vos saisies.")


class Journal:
    """One participant's journal, saved after every change.

    >>> j = Journal.open("Camille", folder=tmp)            # doctest: +SKIP
    >>> j.record_timing("relance_client", "manuel", 540)   # doctest: +SKIP
    """

    def __init__(self, path: Path, data: dict, notice: str = ""):
        self.path = Path(path)
        self.data = data
        #: French message for the participant (e.g. a corrupt journal was set aside), or "".
        self.notice = notice
        self._listeners: list = []

    def on_change(self, callback) -> None:
        """Call ``callback(journal)`` after every save (live views of the notebook refresh)."""
        self._listeners.append(callback)

    # ------------------------------------------------------------------ opening and saving
    @classmethod
    def open(cls, participant: str = "", folder: Path | str | None = None) -> "Journal":
        """Open (or create) ``participant``'s journal; recover from a corrupt file with a notice."""
        journal = cls(journal_path(participant, folder), _empty(participant))
        with journal._locked():
            for orphan in journal.path.parent.glob(f".{journal.path.stem}.*.tmp"):
                orphan.unlink(missing_ok=True)  # left by a kernel killed mid-write: we hold the lock
            journal.data, journal.notice = _read(journal.path, participant)
            if journal.notice:
                journal._write()
        return journal

    @contextmanager
    def _locked(self):
        """The lock every kernel takes before reading-then-writing this journal."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.path.with_name(f".{self.path.stem}.lock"), timeout=_LOCK_WAIT_S)
            lock.acquire()
        except Timeout:
            raise OutputFolderError(
                f"Votre journal est occupé par un autre carnet depuis plus de {_LOCK_WAIT_S} s ({self.path.parent}).",
                todo="attendez la fin de la cellule en cours dans l'autre carnet, puis relancez celle-ci") from None
        except OSError as exc:
            raise self._folder_error(exc) from exc
        try:
            yield
        finally:
            lock.release()

    def _change(self, apply) -> None:
        """Re-read the file under the lock (another notebook of the same participant may have
        written since: each runs in its own kernel with its own copy), apply, write."""
        with self._locked():
            data, notice = _read(self.path, self.participant)
            self.data = data
            if notice:
                self.notice = notice
            apply(self.data)
            self._write()
        self._notify()

    def save(self) -> None:
        """Write the journal as it is in memory, under the lock."""
        with self._locked():
            self._write()
        self._notify()

    def _write(self) -> None:
        """Atomic write (temporary file in the same folder, then rename); the caller holds the lock."""
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(self.data, handle, ensure_ascii=False, indent=1)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise self._folder_error(exc) from exc

    def _folder_error(self, exc: OSError) -> OutputFolderError:
        return OutputFolderError(
            f"Impossible d'enregistrer votre journal dans « {self.path.parent} » ({exc.strerror or exc}).",
            todo=f"vérifiez les droits sur ce dossier ou définissez {JOURNAL_DIR_ENV} vers un dossier à vous")

    def _notify(self) -> None:
        for listener in self._listeners:
            listener(self)

    def rename(self, participant: str, *, take_up: bool = False) -> None:
        """Give the journal to ``participant``: the file is renamed, never copied (no silent fork).
        With ``take_up``, an existing journal of ``participant`` is taken up instead (this one stays).

        Raises:
            InvalidParameterError: ``participant`` already has a journal (the caller asks which to keep).
        """
        target = journal_path(participant, self.path.parent)
        if target != self.path and target.exists():
            if not take_up:
                raise InvalidParameterError(f"Un journal existe déjà au nom de « {participant.strip()} ».",
                                            todo="reprenez ce journal, ou choisissez un autre nom")
            self.path = target
            with self._locked():
                self.data, notice = _read(self.path, participant)
                self.notice = notice or self.notice
            self._notify()
            return
        old = self.path
        with self._locked():
            data, notice = _read(old, self.participant)
            self.data, self.notice = data, notice or self.notice
            self.data["participant"] = participant.strip()
            self.path = target
            self._write()
            if old != target:
                old.unlink(missing_ok=True)
        self._notify()

    # ------------------------------------------------------------------ recording
    @property
    def participant(self) -> str:
        return self.data.get("participant", "")

    def record_answer(self, step: str, text: str) -> None:
        """Keep the participant's answer (or take-away) for ``step``; a new answer replaces the old."""
        key = _key(step, "étape")

        def apply(data):
            data["answers"][key] = {"text": str(text), "at": _now()}

        self._change(apply)

    def record_timing(self, task: str, mode: str, seconds: float) -> None:
        """Add one measured duration of ``task`` done in ``mode`` (``manuel`` or ``avec_ia``)."""
        if mode not in MODES:
            raise InvalidParameterError(f"Mode de chronométrage inconnu : « {mode} ».", valid=", ".join(MODES))
        if not (isinstance(seconds, (int, float)) and seconds > 0):
            raise InvalidParameterError(f"Durée impossible : {seconds!r}.", valid="un nombre de secondes positif",
                                        todo="démarrez puis arrêtez le chronomètre")
        key = _key(task, "tâche")
        self._change(lambda data: data["timings"].append({"task": key, "mode": mode,
                                                          "seconds": round(float(seconds), 1), "at": _now()}))

    def record_fact_check(self, task: str, mode: str, confirmed: int, checked: int) -> None:
        """Add the fact check of one letter of ``task`` written in ``mode``: ``confirmed`` facts out of
        ``checked`` (amounts, dates, invoice numbers, customers found in the text)."""
        if mode not in MODES:
            raise InvalidParameterError(f"Mode inconnu : « {mode} ».", valid=", ".join(MODES))
        if isinstance(checked, bool) or not isinstance(checked, int) or checked < 1 \
                or not isinstance(confirmed, int) or not 0 <= confirmed <= checked:
            raise InvalidParameterError(f"Décompte de faits impossible : {confirmed!r} sur {checked!r}.",
                                        valid="au moins un fait vérifié, et pas plus de faits confirmés que vérifiés",
                                        todo="collez une lettre qui cite des montants, dates ou factures")
        key = _key(task, "tâche")
        self._change(lambda data: data["fact_checks"].append(
            {"task": key, "mode": mode, "confirmed": confirmed, "checked": checked, "at": _now()}))

    def record_prompt(self, prompt_id: str, text: str) -> None:
        """Keep a prompt the participant chose for their toolkit (same id: replaced)."""
        key = _key(prompt_id, "prompt")

        def apply(data):
            data["prompts"] = [p for p in data["prompts"] if p["id"] != key]
            data["prompts"].append({"id": key, "text": str(text), "at": _now()})

        self._change(apply)

    def record_self_assessment(self, objective: str, phase: str, score: int) -> None:
        """Rate ``objective`` from 1 to 5 at ``phase`` (``avant`` or ``apres``); a new rating replaces the old."""
        if objective not in OBJECTIVES:
            raise InvalidParameterError(f"Objectif inconnu : « {objective} ».", valid=", ".join(OBJECTIVES))
        if phase not in PHASES:
            raise InvalidParameterError(f"Moment d'auto-évaluation inconnu : « {phase} ».", valid=", ".join(PHASES))
        if score not in _SCORE_RANGE or isinstance(score, bool):
            raise InvalidParameterError(f"Note impossible : {score!r}.", valid="un entier de 1 à 5")

        def apply(data):
            data["self_assessments"] = [s for s in data["self_assessments"]
                                        if (s["objective"], s["phase"]) != (objective, phase)]
            data["self_assessments"].append({"objective": objective, "phase": phase, "score": int(score),
                                             "at": _now()})

        self._change(apply)

    def record_form(self, form: str, answers: dict) -> None:
        """Keep the answers of a questionnaire (``preparation``, ``evaluation_a_chaud``, ``j40``…);
        ``answers`` is a JSON-serialisable dict; a new submission replaces the old one."""
        key = _key(form, "questionnaire")
        if not isinstance(answers, dict):
            raise InvalidParameterError("Les réponses d'un questionnaire sont un dictionnaire.",
                                        valid="{question: réponse}")
        try:
            answers = json.loads(json.dumps(answers, ensure_ascii=False))
        except (TypeError, ValueError):
            raise InvalidParameterError(f"Réponses impossibles à enregistrer pour « {key} ».",
                                        valid="du texte, des nombres, des listes") from None

        def apply(data):
            data["forms"][key] = {"answers": answers, "at": _now()}

        self._change(apply)

    def record_quiz_item(self, quiz: str, item: str, *, answer, correct: bool) -> None:
        """Keep the participant's answer to one scored question ``item`` of ``quiz`` (a module's
        quiz, the final assessment); answering again replaces the previous answer."""
        quiz_key, item_key = _key(quiz, "quiz"), _key(item, "question")
        if not isinstance(correct, bool):
            raise InvalidParameterError(f"Résultat de question impossible : {correct!r}.", valid="True ou False")
        answer = answer if isinstance(answer, (str, int, float, bool, type(None))) else str(answer)

        def apply(data):
            data["quizzes"].setdefault(quiz_key, {})[item_key] = {"answer": answer, "correct": correct,
                                                                  "at": _now()}

        self._change(apply)

    def record_visit(self, notebook: str) -> None:
        """Note that ``notebook`` was opened (attendance: first and last opening, how many times)."""
        key = _key(notebook, "carnet")

        def apply(data):
            now = _now()
            visit = data["visits"].setdefault(key, {"first": now, "count": 0})
            visit["last"] = now
            visit["count"] += 1

        self._change(apply)

    def set_report_consent(self, consent: bool) -> None:
        """Whether the participant agrees that the trainer's cohort report reads this journal."""
        if not isinstance(consent, bool):
            raise InvalidParameterError(f"Accord impossible : {consent!r}.", valid="True ou False")
        self._change(lambda data: data.__setitem__("consent_report", consent))


def _key(value: str, what: str) -> str:
    value = str(value).strip()
    if not value:
        raise InvalidParameterError(f"Nom de {what} vide.", todo=f"donnez un nom de {what}")
    return value
