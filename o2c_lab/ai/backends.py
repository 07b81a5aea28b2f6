"""The API backend: the official ``openai`` client against any OpenAI-compatible endpoint.

The client is created lazily, on the first real call, and never in offline mode. Every failure
(no key, refused connection, timeout, TLS proxy, 401/403/404/429/5xx, unreadable JSON) becomes a
:class:`BackendError` whose message is French and says what to do; the assistant then falls back
to the offline reference.

An answer is accepted only when it is complete: the body is read by this module (never more than
``AIConfig.max_reply_kb``), a stream must end with a ``finish_reason``, a reply cut by the length
limit, empty, not JSON or not shaped like the OpenAI protocol is refused. One deadline
(``AIConfig.timeout_s``) covers the whole call, retries and corrective retry included: the
exchange runs in a worker thread and the caller stops waiting when the deadline is reached.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
from dataclasses import dataclass

from ..errors import O2CLabError
from .config import AIConfig

__all__ = ["Usage", "Reply", "BackendError", "Diagnosis", "OpenAIBackend", "check_connection",
           "parse_json_reply"]


@dataclass(frozen=True)
class Usage:
    """Token usage of one exchange; ``source`` is ``"réel"`` (from the server) or ``"estimé"``."""

    prompt_tokens: int
    completion_tokens: int
    source: str = "réel"

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Reply:
    """What a backend returned: text, the model that answered, usage, and the parsed JSON if any."""

    text: str
    model: str
    usage: Usage
    finish_reason: str | None = None
    parsed: object = None


class BackendError(O2CLabError):
    """The API could not give an answer; ``reason`` is a short code (``timeout``, ``quota``…)."""

    def __init__(self, what: str, *, reason: str, todo: str | None = None):
        self.reason = reason
        super().__init__(what, todo=todo)


@dataclass(frozen=True)
class Diagnosis:
    """Result of :func:`check_connection`: ``ok`` and a French explanation."""

    ok: bool
    reason: str
    message: str
    models: tuple[str, ...] = ()

    def __str__(self) -> str:
        return ("✅ " if self.ok else "❌ ") + self.message


_FALLBACK = "le mode hors ligne prend le relais en attendant"


def _scrub(text: str, config: AIConfig) -> str:
    """Remove the key from any text coming back from the server or the SDK."""
    key = config.api_key.reveal()
    return text.replace(key, "••••") if key else text


def _is_transport_error(exc, name: str = "TransportError") -> bool:
    """Whether ``exc`` is an httpx ``name`` (httpx or the copy bundled with the SDK)."""
    return any(cls.__name__ == name and cls.__module__.startswith("httpx") for cls in type(exc).__mro__)


def _translate(exc: Exception, config: AIConfig) -> BackendError:
    """One French message per failure family, with what to do."""
    import openai

    url = config.base_url
    if isinstance(exc, openai.APITimeoutError):
        return _timeout(config)
    if isinstance(exc, openai.APIConnectionError):
        chain = repr(exc.__cause__) + repr(getattr(exc.__cause__, "__cause__", None))
        if re.search(r"(?i)ssl|certificate|certificat", chain):
            return BackendError(
                f"Connexion sécurisée refusée vers {url} : certificat non reconnu (proxy d'entreprise ?).",
                reason="tls",
                todo="demandez à votre service informatique le certificat du proxy et indiquez-le "
                     f"dans SSL_CERT_FILE ; {_FALLBACK}")
        if _is_transport_error(exc.__cause__, "RemoteProtocolError"):  # it accepted the request, then hung up
            return _interrupted(f"le serveur {url} a fermé la connexion sans répondre.")
        return BackendError(f"Serveur injoignable : impossible de joindre le service d'IA à l'adresse {url}.",
                            reason="connexion",
                            todo=f"vérifiez l'adresse (O2C_AI_BASE_URL, terminée par /v1), le réseau "
                                 f"et que le serveur est démarré ; {_FALLBACK}")
    if isinstance(exc, openai.APIResponseValidationError) or isinstance(exc, (json.JSONDecodeError,)):
        return BackendError(f"Réponse illisible du service d'IA ({url}) : ce n'est pas du JSON valide.",
                            reason="reponse_illisible",
                            todo=f"vérifiez que l'adresse pointe bien vers une API compatible OpenAI ; {_FALLBACK}")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        detail = _scrub(_error_detail(exc), config)
        if isinstance(exc, openai.AuthenticationError):
            return BackendError("Clé d'API refusée par le service (401).", reason="cle_refusee",
                                todo=f"vérifiez O2C_AI_API_KEY dans le fichier .env ; {_FALLBACK}")
        if isinstance(exc, openai.PermissionDeniedError):
            return BackendError("Accès refusé par le service (403) : droits ou région non autorisés.",
                                reason="acces_refuse", todo=f"contactez l'administrateur du compte ; {_FALLBACK}")
        if isinstance(exc, openai.NotFoundError):
            if "model" in detail.lower() or "modèle" in detail.lower():
                return BackendError(f"Modèle « {config.model} » introuvable chez ce fournisseur.",
                                    reason="modele_introuvable",
                                    todo=f"choisissez un modèle listé par le fournisseur (O2C_AI_MODEL) ; {_FALLBACK}")
            return BackendError(f"Adresse introuvable (404) : {url}.", reason="adresse_incorrecte",
                                todo=f"vérifiez O2C_AI_BASE_URL (elle se termine en général par /v1) ; {_FALLBACK}")
        if isinstance(exc, openai.RateLimitError):
            wait = exc.response.headers.get("retry-after")
            quota = "quota" in detail.lower()
            what = ("Quota du compte épuisé (429)." if quota
                    else "Trop de requêtes : limite de débit atteinte (429)")
            if wait and not quota:
                what += f", le service demande d'attendre {wait} s."
            return BackendError(what, reason="quota" if quota else "limite_debit",
                                todo=f"attendez un peu ou vérifiez la facturation du compte ; {_FALLBACK}")
        if status >= 500:
            return BackendError(f"Erreur interne du service d'IA ({status}).", reason="erreur_serveur",
                                todo=f"réessayez dans quelques minutes ; {_FALLBACK}")
        return BackendError(f"Requête refusée par le service ({status}) : {detail[:200]}",
                            reason="requete_refusee",
                            todo="si le message parle de max_tokens, changez O2C_AI_MAX_TOKENS_PARAM ; "
                                 + _FALLBACK)
    if isinstance(exc, openai.OpenAIError):
        return BackendError(f"Erreur du client OpenAI : {_scrub(str(exc), config)[:200]}", reason="client",
                            todo=_FALLBACK)
    # Anything else (a broken proxy, an unexpected body) is still reported, never as a traceback.
    return _unreadable(f"erreur inattendue ({type(exc).__name__} : {_scrub(str(exc), config)[:160]})", config)



def _error_detail(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            return " ".join(str(err.get(k, "")) for k in ("message", "code", "type")).strip()
        return str(err)
    return str(getattr(exc, "message", "") or "")


def _adapt_roles(messages: list[dict], system_role: str) -> list[dict]:
    """Rename the system message, or fold it into the first user message for servers without one."""
    if system_role == "system":
        return messages
    if system_role == "developer":
        return [dict(m, role="developer") if m["role"] == "system" else m for m in messages]
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    rest = [dict(m) for m in messages if m["role"] != "system"]
    if system and rest:
        rest[0]["content"] = system + "\n\n" + rest[0]["content"]
    return rest


def _strict_schema(schema: dict) -> dict:
    """Make a pydantic JSON schema acceptable to strict structured outputs (closed objects)."""
    if isinstance(schema, dict):
        schema = {k: _strict_schema(v) for k, v in schema.items()}
        if schema.get("type") == "object" and "properties" in schema:
            schema["additionalProperties"] = False
            schema["required"] = list(schema["properties"])
    elif isinstance(schema, list):
        schema = [_strict_schema(v) for v in schema]
    return schema


def _json_from_text(text: str) -> str:
    """The JSON object inside a reply that may wrap it in a ```json fence or a sentence."""
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.S)
    if fenced:
        return fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    return text[start:end + 1] if 0 <= start < end else text


def parse_json_reply(text: str, output_model):
    """Validate ``text`` as ``output_model`` (pydantic); raise :class:`BackendError` in French."""
    from pydantic import ValidationError

    try:
        return output_model.model_validate_json(_json_from_text(text))
    except ValidationError as exc:
        raise BackendError(f"La réponse ne respecte pas le format attendu ({exc.error_count()} erreur(s)).",
                           reason="format_invalide",
                           todo="relancez la demande ou précisez le format dans le prompt") from None


class _Deadline:
    """One total time budget for a call (seconds from now)."""

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.end = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())


def _interrupted(what: str, reason: str = "reponse_interrompue") -> BackendError:
    return BackendError(f"Réponse interrompue : {what} Le texte partiel n'est pas affiché comme une réponse.",
                        reason=reason, todo=f"relancez la demande ; {_FALLBACK}")


def _unreadable(what: str, config: AIConfig) -> BackendError:
    return BackendError(f"Réponse illisible du service d'IA ({config.base_url}) : {what}.",
                        reason="reponse_illisible",
                        todo=f"vérifiez que l'adresse pointe bien vers une API compatible OpenAI ; {_FALLBACK}")


def _timeout(config: AIConfig) -> BackendError:
    return BackendError(f"Délai dépassé : pas de réponse complète du service d'IA en {config.timeout_s:g} s "
                        f"(délai total de la demande, {config.base_url}).", reason="timeout",
                        todo=f"réessayez plus tard ou augmentez O2C_AI_TIMEOUT ; {_FALLBACK}")


class _Body:
    """Read a response body in chunks, refusing more than ``limit`` bytes."""

    def __init__(self, response, limit: int, cancel: threading.Event):
        self.response, self.limit, self.cancel, self.size = response, limit, cancel, 0

    def chunks(self):
        try:
            for chunk in self.response.iter_bytes():
                if self.cancel.is_set():
                    return
                self.size += len(chunk)
                if self.size > self.limit:
                    raise BackendError(
                        f"Réponse illisible : trop volumineuse (plus de {self.limit // 1024} Ko), lecture arrêtée.",
                        reason="reponse_trop_longue",
                        todo=f"la limite se règle avec O2C_AI_MAX_REPLY_KB ; {_FALLBACK}")
                yield chunk
        except BackendError:
            raise
        except Exception as exc:
            # The SDK may ship its own copy of httpx: recognise its transport errors by class name.
            if not _is_transport_error(exc):
                raise
            raise _interrupted(f"la connexion a été fermée après {self.size} octets reçus.") from None

    def lines(self):
        pending = b""
        for chunk in self.chunks():
            pending += chunk
            *complete, pending = pending.split(b"\n")
            yield from complete
        if pending:
            yield pending


def _content_type(response) -> str:
    return (response.headers.get("content-type") or "").split(";")[0].strip().lower()


class OpenAIBackend:
    """Chat completions through the official client; one instance per configuration."""

    def __init__(self, config: AIConfig):
        self.config = config
        self._client = None

    def __repr__(self) -> str:
        return f"OpenAIBackend({self.config.describe()})"

    def _get_client(self):
        if not self.config.has_key:
            raise BackendError(
                "Aucune clé d'API n'est configurée : le mode API ne peut pas démarrer.",
                reason="pas_de_cle",
                todo="renseignez O2C_AI_API_KEY dans le fichier .env (une valeur quelconque pour un "
                     f"serveur local comme Ollama) ; {_FALLBACK}")
        if self._client is None:
            import openai

            # The SDK's own timeout only bounds each read; the total deadline is enforced by _run.
            self._client = openai.OpenAI(api_key=self.config.api_key.reveal(), base_url=self.config.base_url,
                                         timeout=self.config.timeout_s, max_retries=self.config.max_retries)
        return self._client

    def chat(self, messages: list[dict], *, output_model=None, stream: bool = False,
             on_text=None) -> Reply:
        """Send ``messages`` (roles ``system``/``user``/``assistant``); return a complete :class:`Reply`.

        With ``output_model`` (a pydantic model) the server is asked for a JSON schema output and
        the text is validated client-side, with one corrective retry within the same deadline.
        ``on_text`` receives streamed pieces in the caller's thread; a stream that does not end
        properly still raises, so a caller must not treat those pieces as an answer.
        """
        client = self._get_client()
        cfg = self.config
        deadline = _Deadline(cfg.timeout_s)
        messages = _adapt_roles(messages, cfg.system_role)
        kwargs = {"model": cfg.model, "messages": messages, "temperature": cfg.temperature,
                  cfg.max_tokens_param: cfg.max_output_tokens}
        if output_model is not None:
            kwargs["response_format"] = {"type": "json_schema", "json_schema": {
                "name": output_model.__name__, "strict": True,
                "schema": _strict_schema(output_model.model_json_schema())}}
        reply = self._with_usage(self._run(
            lambda emit, cancel: self._exchange(client, kwargs, stream, emit, cancel), deadline, on_text), kwargs)
        if output_model is None:
            return reply
        try:
            parsed = parse_json_reply(reply.text, output_model)
        except BackendError:
            retry = dict(kwargs, messages=messages + [
                {"role": "assistant", "content": reply.text},
                {"role": "user", "content": "Réponds uniquement par un objet JSON valide conforme au schéma."}])
            second = self._with_usage(self._run(
                lambda emit, cancel: self._exchange(client, retry, False, emit, cancel), deadline), retry)
            parsed = parse_json_reply(second.text, output_model)
            reply = Reply(second.text, second.model, Usage(
                reply.usage.prompt_tokens + second.usage.prompt_tokens,
                reply.usage.completion_tokens + second.usage.completion_tokens,
                "réel" if "réel" == reply.usage.source == second.usage.source else "estimé"),
                second.finish_reason)
        return Reply(reply.text, reply.model, reply.usage, reply.finish_reason, parsed)

    def _run(self, work, deadline: _Deadline, on_text=None):
        """Run ``work(emit, cancel)`` in a worker thread; wait at most what is left of ``deadline``.

        Streamed pieces come back through a queue so ``on_text`` runs in the caller's thread.
        """
        events: queue.Queue = queue.Queue()
        cancel = threading.Event()

        def target():
            try:
                events.put(("done", work(lambda piece: events.put(("text", piece)), cancel)))
            except BaseException as exc:  # handed to the caller, translated there
                events.put(("error", exc))

        threading.Thread(target=target, daemon=True, name="o2c-ai-request").start()
        while True:
            try:
                kind, value = events.get(timeout=deadline.remaining())
            except queue.Empty:
                cancel.set()
                raise _timeout(self.config) from None
            if kind == "text":
                if on_text is not None:
                    on_text(value)
            elif kind == "done":
                return value
            elif isinstance(value, BackendError):
                raise value
            else:
                raise _translate(value, self.config) from None

    def _exchange(self, client, kwargs, stream: bool, emit, cancel: threading.Event) -> Reply:
        """One HTTP exchange; the body is read here, capped, and checked for completeness."""
        extra = {"stream_options": {"include_usage": True}} if stream and self.config.stream_usage else {}
        limit = self.config.max_reply_kb * 1024
        with client.chat.completions.with_streaming_response.create(stream=stream, **kwargs, **extra) as resp:
            body = _Body(resp, limit, cancel)
            ctype = _content_type(resp)
            if ctype == "text/event-stream":
                return self._read_stream(body, kwargs, emit, cancel)
            if ctype != "application/json" and not ctype.endswith("+json"):
                raw = b"".join(body.chunks())
                raise _unreadable(f"contenu de type « {ctype or 'inconnu'} » au lieu de JSON "
                                  f"({len(raw)} octets)", self.config)
            raw = b"".join(body.chunks())
        if cancel.is_set():
            raise _timeout(self.config)
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _unreadable("ce n'est pas du JSON valide", self.config) from None
        try:
            choice = payload["choices"][0]
            text, finish = choice["message"].get("content"), choice.get("finish_reason")
        except (KeyError, IndexError, TypeError, AttributeError):
            raise _unreadable("le JSON reçu n'a pas la forme d'une réponse de chat (choices, message)",
                              self.config) from None
        return self._complete(text, finish, payload.get("model"), payload.get("usage"), kwargs, stream=False)

    def _read_stream(self, body: _Body, kwargs, emit, cancel) -> Reply:
        parts, usage, model, finish = [], None, None, None
        for line in body.lines():
            line = line.strip()
            if not line.startswith(b"data:"):
                continue  # comments, event names, keep-alives
            data = line[5:].strip()
            if data == b"[DONE]":
                break
            try:
                chunk = json.loads(data.decode("utf-8"))
                if "error" in chunk:
                    raise _interrupted(f"le service a signalé une erreur en cours de route "
                                       f"({str(chunk['error'])[:120]}).")
                model = chunk.get("model") or model
                usage = chunk.get("usage") or usage
                for choice in chunk.get("choices") or []:
                    finish = choice.get("finish_reason") or finish
                    piece = (choice.get("delta") or {}).get("content")
                    if piece:
                        parts.append(piece)
                        emit(piece)
            except BackendError:
                raise
            except (UnicodeDecodeError, ValueError, TypeError, AttributeError):
                raise _unreadable("un morceau du flux n'est pas du JSON valide", self.config) from None
        if cancel.is_set():
            raise _timeout(self.config)
        if finish is None:
            raise _interrupted(f"le flux s'est arrêté sans signal de fin ({len(''.join(parts))} caractères "
                               "reçus).")
        return self._complete("".join(parts), finish, model, usage, kwargs, stream=True)

    def _complete(self, text, finish, model, usage, kwargs, *, stream: bool) -> Reply:
        """Refuse empty, truncated or filtered texts; build the :class:`Reply`."""
        if finish == "length":
            raise _interrupted(f"le modèle a atteint la limite de {self.config.max_output_tokens} jetons "
                               "(O2C_AI_MAX_TOKENS).", reason="reponse_tronquee")
        if finish == "content_filter":
            raise _interrupted("le fournisseur a filtré la réponse.", reason="reponse_filtree")
        if not isinstance(text, str) or not text.strip():
            raise _unreadable("réponse vide" + (" (flux sans texte)" if stream else ""), self.config)
        real = None
        if isinstance(usage, dict) and isinstance(usage.get("prompt_tokens"), int):
            real = Usage(int(usage["prompt_tokens"]), int(usage.get("completion_tokens") or 0), "réel")
        return Reply(text, model or self.config.model, real, finish)  # usage estimated by _with_usage

    def _with_usage(self, reply: Reply, kwargs) -> Reply:
        """Some compatible servers send no usage: estimate it locally (after the deadline) and say so."""
        if reply.usage is not None:
            return reply
        from .tokens import count_chat_tokens, count_tokens

        usage = Usage(count_chat_tokens(kwargs["messages"], self.config.model).tokens,
                      count_tokens(reply.text, self.config.model).tokens, "estimé")
        return Reply(reply.text, reply.model, usage, reply.finish_reason, reply.parsed)

    def list_models(self) -> list[str]:
        """Model ids the endpoint offers (raises :class:`BackendError`), within the deadline."""
        client = self._get_client()

        def work(emit, cancel):
            with client.models.with_streaming_response.list() as resp:
                raw = b"".join(_Body(resp, self.config.max_reply_kb * 1024, cancel).chunks())
            try:
                return [str(m["id"]) for m in json.loads(raw.decode("utf-8"))["data"]]
            except (UnicodeDecodeError, ValueError, KeyError, TypeError):
                raise _unreadable("la liste des modèles n'est pas au format OpenAI "
                                  f"(type « {_content_type(resp) or 'inconnu'} »)", self.config) from None

        return self._run(work, _Deadline(self.config.timeout_s))


def check_connection(config: AIConfig, probe: bool = True) -> Diagnosis:
    """Test the configuration (key, address, model, quota) and explain the result in French.

    Lists the models, then (``probe``) sends a one-word request, the only way to see a quota or
    billing problem; that costs a handful of tokens.
    """
    backend = OpenAIBackend(config)
    try:
        models = backend.list_models()
    except BackendError as err:
        return Diagnosis(False, err.reason, err.message)
    if config.model not in models:
        shown = ", ".join(models[:8]) or "aucun"
        return Diagnosis(False, "modele_introuvable",
                         f"Le service répond, mais le modèle « {config.model} » n'est pas proposé. "
                         f"Modèles disponibles : {shown}. Que faire : changez O2C_AI_MODEL.", tuple(models))
    if probe:
        from dataclasses import replace

        try:
            OpenAIBackend(replace(config, max_output_tokens=5)).chat(
                [{"role": "user", "content": "Réponds seulement : OK"}])
        except BackendError as err:
            if err.reason != "reponse_tronquee":  # 5 tokens may well cut a real model short: it answered
                return Diagnosis(False, err.reason, err.message, tuple(models))
    return Diagnosis(True, "ok", f"Connexion réussie à {config.base_url} ; le modèle « {config.model} » "
                                 "est disponible.", tuple(models))
