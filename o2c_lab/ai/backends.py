"""The API backend: the official ``openai`` client against any OpenAI-compatible endpoint.

The client is created lazily, on the first real call, and never in offline mode. Every failure
(no key, refused connection, timeout, TLS proxy, 401/403/404/429/5xx, unreadable JSON) becomes a
:class:`BackendError` whose message is French and says what to do; the assistant then falls back
to the offline reference.
"""

from __future__ import annotations

import json
import os
import re
import traceback
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


def _translate(exc: Exception, config: AIConfig) -> BackendError:
    """One French message per failure family, with what to do."""
    import openai

    url = config.base_url
    if isinstance(exc, openai.APITimeoutError):
        return BackendError(f"Le service d'IA n'a pas répondu dans le délai de {config.timeout_s:g} s ({url}).",
                            reason="timeout",
                            todo=f"réessayez plus tard ou augmentez O2C_AI_TIMEOUT ; {_FALLBACK}")
    if isinstance(exc, openai.APIConnectionError):
        chain = repr(exc.__cause__) + repr(getattr(exc.__cause__, "__cause__", None))
        if re.search(r"(?i)ssl|certificate|certificat", chain):
            return BackendError(
                f"Connexion sécurisée refusée vers {url} : certificat non reconnu (proxy d'entreprise ?).",
                reason="tls",
                todo="demandez à votre service informatique le certificat du proxy et indiquez-le "
                     f"dans SSL_CERT_FILE ; {_FALLBACK}")
        return BackendError(f"Impossible de joindre le service d'IA à l'adresse {url}.",
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
    if _raised_by_sdk(exc):  # e.g. a text/plain page: the SDK fails on what is not an API answer
        return BackendError(f"Réponse inattendue du service d'IA ({url}) : ce n'est pas une réponse "
                            f"d'API compatible OpenAI ({type(exc).__name__}).", reason="reponse_illisible",
                            todo=f"vérifiez que l'adresse pointe bien vers une API compatible OpenAI "
                                 f"(terminée par /v1) ; {_FALLBACK}")
    raise exc


def _raised_by_sdk(exc: Exception) -> bool:
    """Whether ``exc`` was raised inside the ``openai`` package (not in this project's code)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and f"{os.sep}openai{os.sep}" in frames[-1].filename


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

            self._client = openai.OpenAI(api_key=self.config.api_key.reveal(), base_url=self.config.base_url,
                                         timeout=self.config.timeout_s, max_retries=self.config.max_retries)
        return self._client

    def chat(self, messages: list[dict], *, output_model=None, stream: bool = False,
             on_text=None) -> Reply:
        """Send ``messages`` (roles ``system``/``user``/``assistant``); return a :class:`Reply`.

        With ``output_model`` (a pydantic model) the server is asked for a JSON schema output and
        the text is validated client-side, with one corrective retry.
        """
        client = self._get_client()
        cfg = self.config
        messages = _adapt_roles(messages, cfg.system_role)
        kwargs = {"model": cfg.model, "messages": messages, "temperature": cfg.temperature,
                  cfg.max_tokens_param: cfg.max_output_tokens}
        if output_model is not None:
            kwargs["response_format"] = {"type": "json_schema", "json_schema": {
                "name": output_model.__name__, "strict": True,
                "schema": _strict_schema(output_model.model_json_schema())}}
        try:
            reply = self._stream(client, kwargs, on_text) if stream else self._create(client, kwargs)
            if output_model is None:
                return reply
            try:
                parsed = parse_json_reply(reply.text, output_model)
            except BackendError:
                retry = dict(kwargs, messages=messages + [
                    {"role": "assistant", "content": reply.text},
                    {"role": "user", "content": "Réponds uniquement par un objet JSON valide conforme au schéma."}])
                second = self._create(client, retry)
                parsed = parse_json_reply(second.text, output_model)
                reply = Reply(second.text, second.model, Usage(
                    reply.usage.prompt_tokens + second.usage.prompt_tokens,
                    reply.usage.completion_tokens + second.usage.completion_tokens,
                    "réel" if "réel" == reply.usage.source == second.usage.source else "estimé"),
                    second.finish_reason)
            return Reply(reply.text, reply.model, reply.usage, reply.finish_reason, parsed)
        except BackendError:
            raise
        except Exception as exc:  # every SDK failure becomes a French BackendError
            raise _translate(exc, cfg) from None

    def _create(self, client, kwargs) -> Reply:
        resp = client.chat.completions.create(**kwargs)
        if not getattr(resp, "choices", None):
            raise BackendError("Réponse vide du service d'IA.", reason="reponse_illisible", todo=_FALLBACK)
        text = resp.choices[0].message.content or ""
        return Reply(text, resp.model or self.config.model, self._usage(resp.usage, kwargs, text),
                     resp.choices[0].finish_reason)

    def _stream(self, client, kwargs, on_text) -> Reply:
        extra = {"stream_options": {"include_usage": True}} if self.config.stream_usage else {}
        parts, usage, model, finish = [], None, self.config.model, None
        for chunk in client.chat.completions.create(stream=True, **kwargs, **extra):
            model = chunk.model or model
            if chunk.usage is not None:
                usage = chunk.usage
            for choice in chunk.choices:
                finish = choice.finish_reason or finish
                if choice.delta and choice.delta.content:
                    parts.append(choice.delta.content)
                    if on_text is not None:
                        on_text(choice.delta.content)
        text = "".join(parts)
        return Reply(text, model, self._usage(usage, kwargs, text), finish)

    def _usage(self, usage, kwargs, text) -> Usage:
        if usage is not None and usage.prompt_tokens is not None:
            return Usage(int(usage.prompt_tokens), int(usage.completion_tokens or 0), "réel")
        # Some compatible servers send no usage: estimate locally and say so.
        from .tokens import count_chat_tokens, count_tokens

        return Usage(count_chat_tokens(kwargs["messages"], self.config.model).tokens,
                     count_tokens(text, self.config.model).tokens, "estimé")

    def list_models(self) -> list[str]:
        """Model ids the endpoint offers (raises :class:`BackendError`)."""
        try:
            return [m.id for m in self._get_client().models.list()]
        except BackendError:
            raise
        except Exception as exc:
            raise _translate(exc, self.config) from None


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
            return Diagnosis(False, err.reason, err.message, tuple(models))
    return Diagnosis(True, "ok", f"Connexion réussie à {config.base_url} ; le modèle « {config.model} » "
                                 "est disponible.", tuple(models))
