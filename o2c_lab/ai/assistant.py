"""One assistant, four modes: ``hors_ligne`` (default), ``api``, ``copier_coller``, ``rejeu``.

Whatever the mode, an :class:`Answer` carries its provenance (mode, model, date, prompt hash,
token usage, cost) and a French label; an offline text is always labelled « Référence générée
sans IA » and never presented as an AI answer. Data leaves the machine only through the API or
the clipboard, and only after anonymisation; answers come back re-identified, with any pseudonym
the model mangled reported.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from ..errors import InvalidParameterError
from .backends import BackendError, OpenAIBackend, Usage, parse_json_reply
from .config import AIConfig, load_config
from .pricing import Cost, estimate_cost
from .recordings import Recording, RecordingStore, prompt_hash

__all__ = ["MODES", "OFFLINE_LABEL", "Task", "Provenance", "Answer", "Assistant", "copy_block_html"]

MODES = ("hors_ligne", "api", "copier_coller", "rejeu")
_ALIASES = {"hors ligne": "hors_ligne", "offline": "hors_ligne", "copier-coller": "copier_coller",
            "copier coller": "copier_coller", "replay": "rejeu", "API": "api"}
OFFLINE_LABEL = "Référence générée sans IA"


@dataclass(frozen=True)
class Task:
    """A request: the filled prompt, an optional system text, and the offline reference.

    ``reference`` is the template text built from the data (or a pydantic object for a JSON task);
    ``output_model`` is the pydantic model an AI answer must validate against.
    """

    prompt: str
    system: str | None = None
    reference: object = None
    output_model: type | None = None
    title: str = "Demande"


@dataclass(frozen=True)
class Provenance:
    """Where an answer comes from."""

    mode: str
    source: str
    model: str | None
    produced_at: str
    prompt_hash: str
    usage: Usage | None
    cost: Cost | None
    anonymisation: str | None


@dataclass(frozen=True)
class Answer:
    """An answer and its provenance; ``is_ai`` is False for template references."""

    text: str
    is_ai: bool
    label: str
    provenance: Provenance
    parsed: object = None
    notices: tuple[str, ...] = ()
    mangled: tuple = ()
    pending: bool = False
    prompt_sent: str | None = None

    def __str__(self) -> str:
        lines = [f"[{self.label}]", self.text]
        lines += [f"⚠ {n}" for n in self.notices]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        notes = "".join(f"<p style='color:#a15c00'>⚠ {html.escape(n)}</p>" for n in self.notices)
        return (f"<div><strong>{html.escape(self.label)}</strong>"
                f"<pre style='white-space:pre-wrap'>{html.escape(self.text)}</pre>{notes}</div>")


def copy_block_html(text: str) -> str:
    """HTML showing ``text`` with a « Copier » button (for the copier-coller mode)."""
    escaped = html.escape(text)
    # The button says when the copy is done (or refused). The selection copy is synchronous, so the
    # confirmation is immediate, and it works where the asynchronous clipboard API waits or is absent.
    copy = ("const s = getSelection(), r = document.createRange(); r.selectNodeContents(this.nextElementSibling); "
            "s.removeAllRanges(); s.addRange(r); const ok = document.execCommand('copy'); s.removeAllRanges(); "
            "this.textContent = ok ? '✔ Prompt copié' : 'Copie refusée : sélectionnez le texte puis Ctrl+C'")
    return (f"<div><button onclick=\"{copy}\">Copier le prompt</button><pre style='white-space:pre-wrap;"
            f"overflow-wrap:break-word;word-break:normal;border:1px solid #ccc;padding:6px'>{escaped}</pre></div>")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _normalise_mode(mode: str) -> str:
    mode = _ALIASES.get(mode, mode)
    if mode not in MODES:
        raise InvalidParameterError(f"Mode d'IA inconnu : « {mode} ».", valid=", ".join(MODES),
                                    todo="choisissez hors_ligne si vous n'avez pas d'accès à une IA")
    return mode


@dataclass
class Assistant:
    """The single entry point of the AI layer.

    ``anonymizer`` (see :mod:`o2c_lab.ai.anonymize`) pseudonymises every prompt that leaves the
    machine (by default the full engine without company knowledge; pass
    ``Anonymizer.from_company(company)`` to hide the company's known entities too); each request
    gets a fresh mapping so the same prompt always gives the same text and hash (what makes
    recordings replayable).
    """

    mode: str = "hors_ligne"
    config: AIConfig | None = None
    anonymizer: object = None
    store: RecordingStore | None = None
    _backend: OpenAIBackend | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        self.mode = _normalise_mode(self.mode)
        if self.anonymizer is None:  # nothing leaves in clear, even without a company
            from .anonymize import Anonymizer

            self.anonymizer = Anonymizer()
        if self.mode == "rejeu" and self.store is None:
            raise InvalidParameterError("Le mode rejeu a besoin d'un fichier d'enregistrements.",
                                        todo="passez store=RecordingStore('enregistrements.json')")

    # -- the prompt actually sent ------------------------------------------------------------
    def _outgoing(self, task: Task):
        """(messages as sent, anonymiser session)."""
        session = self.anonymizer.fresh()
        messages = []
        if task.system:
            messages.append({"role": "system", "content": task.system})
        messages.append({"role": "user", "content": task.prompt})
        messages = [dict(m, content=session.anonymize_text(m["content"]).text) for m in messages]
        return messages, session

    def prompt_to_copy(self, task: Task) -> str:
        """The anonymised text a trainee pastes into any AI tool."""
        messages, _ = self._outgoing(task)
        return "\n\n".join(m["content"] for m in messages)

    # -- answers ---------------------------------------------------------------------------
    def _offline(self, task: Task, phash: str, notices=()) -> Answer:
        ref = task.reference
        parsed = None
        if ref is None:
            text = "Aucune référence hors ligne n'est prévue pour cette tâche."
        elif hasattr(ref, "model_dump_json"):
            parsed, text = ref, ref.model_dump_json(indent=2)
        else:
            text = str(ref)
        prov = Provenance("hors_ligne", OFFLINE_LABEL.lower(), None, _now(), phash, None, None, None)
        label = OFFLINE_LABEL + (" (repli : l'IA n'a pas pu répondre)" if notices else "")
        return Answer(text, False, label, prov, parsed, tuple(notices))

    def _from_model_text(self, task, raw: str, session, prov_args: dict, label: str, notices=()) -> Answer:
        notices = list(notices) + ([session.warning] if session.warning else [])
        parsed = None
        if task.output_model is not None:
            try:
                parsed = parse_json_reply(raw, task.output_model)
            except BackendError as err:
                notices.append(err.message)
        back = session.reidentify(raw)
        text, mangled = back.text, tuple(back.mangled)
        if mangled:
            notices.append(f"{len(mangled)} pseudonyme(s) déformé(s) par le modèle : "
                           + ", ".join(m.found for m in mangled[:5]))
        if parsed is not None:
            parsed = task.output_model.model_validate_json(session.reidentify(parsed.model_dump_json()).text)
        usage = prov_args.get("usage")
        cost = None
        if usage is not None:
            cost = estimate_cost(prov_args["model"], usage.prompt_tokens, usage.completion_tokens,
                                 basis="usage réel" if usage.source == "réel" else "usage estimé")
        prov = Provenance(prov_args["mode"], prov_args["source"], prov_args["model"], prov_args["at"],
                          prov_args["hash"], usage, cost, session.engine)
        return Answer(text, True, label, prov, parsed, tuple(notices), mangled)

    def ask(self, task: Task, *, stream: bool = False, on_text=None) -> Answer:
        """Answer ``task`` in the assistant's mode (never raises for an API failure)."""
        messages, session = self._outgoing(task)
        phash = prompt_hash(messages)
        if self.mode == "hors_ligne":
            return self._offline(task, phash)
        if self.mode == "copier_coller":
            prov = Provenance("copier_coller", "en attente de la réponse collée", None, _now(), phash,
                              None, None, session.engine)
            prompt = "\n\n".join(m["content"] for m in messages)
            return Answer("", False, "Copiez le prompt dans votre outil d'IA, puis collez sa réponse",
                          prov, notices=(session.warning,) if session.warning else (), pending=True,
                          prompt_sent=prompt)
        if self.mode == "rejeu":
            rec = self.store.get(phash)
            if rec is None:
                return self._offline(task, phash, [
                    "Aucune réponse enregistrée pour ce prompt (les données ou le prompt ont changé "
                    "depuis l'enregistrement) : la référence hors ligne est affichée."])
            usage = Usage(rec.prompt_tokens, rec.completion_tokens, rec.usage_source)
            return self._from_model_text(task, rec.answer, session, dict(
                mode="rejeu", source="réponse enregistrée", model=rec.model, at=rec.recorded_at,
                hash=phash, usage=usage), f"Réponse enregistrée de {rec.model} ({rec.recorded_at[:10]})")
        try:
            reply = self._api().chat(messages, output_model=task.output_model, stream=stream, on_text=on_text)
        except BackendError as err:
            return self._offline(task, phash, [err.message])
        return self._from_model_text(task, reply.text, session, dict(
            mode="api", source="modèle d'IA via API", model=reply.model, at=_now(), hash=phash,
            usage=reply.usage), f"Réponse de l'IA ({reply.model})")

    def paste(self, task: Task, text: str) -> Answer:
        """Run a pasted answer (copier-coller mode) through the same checks as an API answer."""
        if not text or not text.strip():
            raise InvalidParameterError("La réponse collée est vide.",
                                        todo="collez le texte produit par votre outil d'IA")
        messages, session = self._outgoing(task)
        from .tokens import count_chat_tokens, count_tokens

        usage = Usage(count_chat_tokens(messages).tokens, count_tokens(text).tokens, "estimé")
        return self._from_model_text(task, text, session, dict(
            mode="copier_coller", source="réponse collée depuis un outil d'IA externe", model=None,
            at=_now(), hash=prompt_hash(messages), usage=usage), "Réponse collée (outil d'IA externe)")

    def record(self, tasks, store: RecordingStore) -> int:
        """API mode only: ask every task and store the raw answers for replay; return the count."""
        if self.mode != "api":
            raise InvalidParameterError("L'enregistrement se fait en mode api.",
                                        todo="configurez un modèle (fichier .env) et créez Assistant('api')")
        count = 0
        for task in tasks:
            messages, _ = self._outgoing(task)
            reply = self._api().chat(messages, output_model=task.output_model)
            store.add(Recording(prompt_hash(messages), reply.model, _now(), reply.text,
                                reply.usage.prompt_tokens, reply.usage.completion_tokens,
                                reply.usage.source, task.title))
            count += 1
        store.save()
        return count

    def _api(self) -> OpenAIBackend:
        if self._backend is None:
            self._backend = OpenAIBackend(self.config if self.config is not None else load_config())
        return self._backend
