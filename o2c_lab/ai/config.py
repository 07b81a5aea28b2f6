"""Configuration of the API mode: endpoint, key, model, timeouts, provider quirks.

Read from the environment or a ``.env`` file (never written into ``os.environ``). The key is held
by :class:`Secret`, whose ``repr`` and ``str`` never show it, so a notebook output, a log line or
an exported configuration cannot reveal it.

>>> cfg = AIConfig(api_key=Secret("sk-test-123"), model="gpt-4o-mini")
>>> "sk-test" in repr(cfg)
False
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..errors import InvalidParameterError

__all__ = ["Secret", "AIConfig", "load_config", "DEFAULT_BASE_URL", "DEFAULT_MODEL"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"

# Environment variables, in order of precedence (the course's own names first, then the SDK's).
_ENV = {
    "base_url": ("O2C_AI_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("O2C_AI_API_KEY", "OPENAI_API_KEY"),
    "model": ("O2C_AI_MODEL", "OPENAI_MODEL"),
    "timeout_s": ("O2C_AI_TIMEOUT",),
    "max_retries": ("O2C_AI_MAX_RETRIES",),
    "max_tokens_param": ("O2C_AI_MAX_TOKENS_PARAM",),
    "stream_usage": ("O2C_AI_STREAM_USAGE",),
    "system_role": ("O2C_AI_SYSTEM_ROLE",),
    "max_reply_kb": ("O2C_AI_MAX_REPLY_KB",),
}
_MAX_TOKENS_PARAMS = ("max_tokens", "max_completion_tokens")
_SYSTEM_ROLES = ("system", "developer", "user")


class Secret:
    """A string that never prints itself (API keys)."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = str(value)

    def reveal(self) -> str:
        """The real value, only for handing to the HTTP client."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('••••')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self):
        # Pickling or deep-copying for an export must not carry the key either.
        return (Secret, ("",))


@dataclass(frozen=True)
class AIConfig:
    """Everything the API mode needs; ``repr`` hides the key.

    ``max_tokens_param`` is ``max_tokens`` (Mistral, Ollama, vLLM…) or ``max_completion_tokens``
    (OpenAI reasoning models); ``stream_usage`` asks for the usage chunk when streaming, which
    some servers reject; ``system_role`` is ``system`` (widely accepted), ``developer`` (recent
    OpenAI models) or ``user`` (servers without a system role: the text goes before the question).
    ``timeout_s`` is the total time allowed for one request, retries included; ``max_reply_kb``
    caps the size of a reply body (an 800-token answer weighs a few kilobytes, streamed about 50).
    """

    base_url: str = DEFAULT_BASE_URL
    api_key: Secret = field(default_factory=lambda: Secret(""))
    model: str = DEFAULT_MODEL
    timeout_s: float = 30.0
    max_retries: int = 1
    max_output_tokens: int = 800
    max_tokens_param: str = "max_tokens"
    stream_usage: bool = True
    temperature: float = 0.2
    system_role: str = "system"
    max_reply_kb: int = 1024

    def __post_init__(self):
        if not isinstance(self.api_key, Secret):
            object.__setattr__(self, "api_key", Secret(self.api_key or ""))
        if self.max_tokens_param not in _MAX_TOKENS_PARAMS:
            raise InvalidParameterError(
                f"Paramètre de longueur inconnu : « {self.max_tokens_param} ».",
                valid=" ou ".join(_MAX_TOKENS_PARAMS),
                todo="choisissez max_completion_tokens pour les modèles de raisonnement OpenAI, "
                     "max_tokens sinon")
        if self.system_role not in _SYSTEM_ROLES:
            raise InvalidParameterError(f"Rôle système inconnu : « {self.system_role} ».",
                                        valid=", ".join(_SYSTEM_ROLES))
        if not (0 < float(self.timeout_s) <= 600):
            raise InvalidParameterError(f"Délai d'attente invalide : {self.timeout_s} s.",
                                        valid="un nombre de secondes entre 1 et 600")
        if isinstance(self.max_reply_kb, bool) or not isinstance(self.max_reply_kb, int) \
                or not 1 <= self.max_reply_kb <= 100_000:
            raise InvalidParameterError(f"Taille maximale de réponse invalide : {self.max_reply_kb!r} Ko.",
                                        valid="un nombre entier de kilo-octets entre 1 et 100000 (1024 par défaut)",
                                        todo="corrigez O2C_AI_MAX_REPLY_KB dans le fichier .env")

    @property
    def has_key(self) -> bool:
        return bool(self.api_key)

    def describe(self) -> str:
        """French one-liner for display (the key is only said to be present or absent)."""
        key = "clé présente" if self.has_key else "aucune clé"
        return f"Point d'accès {self.base_url}, modèle {self.model}, {key}, délai {self.timeout_s:g} s"

    def __repr__(self) -> str:
        parts = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"AIConfig({parts})"


def _first(source: dict, names) -> str | None:
    for name in names:
        value = source.get(name)
        if value not in (None, ""):
            return value
    return None


def load_config(env_file: str | os.PathLike | None = ".env", environ: dict | None = None,
                **overrides) -> AIConfig:
    """Build an :class:`AIConfig` from ``overrides``, then the environment, then ``env_file``.

    Reading a ``.env`` never touches the network and never changes ``os.environ``.
    """
    from dotenv import dotenv_values

    environ = dict(os.environ if environ is None else environ)
    file_values = {}
    if env_file is not None and Path(env_file).is_file():
        file_values = {k: v for k, v in dotenv_values(env_file, encoding="utf-8").items() if v}
    merged = {**file_values, **environ}
    values = {}
    for name, env_names in _ENV.items():
        raw = _first(merged, env_names)
        if raw is not None:
            values[name] = raw
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        if "timeout_s" in values:
            values["timeout_s"] = float(str(values["timeout_s"]).replace(",", "."))
        for name in ("max_retries", "max_reply_kb"):
            if name in values:
                values[name] = int(values[name])
    except ValueError:
        raise InvalidParameterError("Délai, nombre de tentatives ou taille de réponse illisible dans la configuration.",
                                    valid="O2C_AI_TIMEOUT=30, O2C_AI_MAX_RETRIES=1 et O2C_AI_MAX_REPLY_KB=1024 par exemple",
                                    todo="corrigez le fichier .env") from None
    if not 0 <= values.get("max_retries", 0) <= 10 or not 0 < values.get("timeout_s", 1) <= 3600:
        raise InvalidParameterError(
            f"Délai ({values.get('timeout_s', '—')} s) ou nombre de tentatives "
            f"({values.get('max_retries', '—')}) hors limites dans la configuration.",
            valid="O2C_AI_TIMEOUT entre 1 et 3600 secondes, O2C_AI_MAX_RETRIES entre 0 et 10",
            todo="corrigez la variable d'environnement ou le fichier .env")
    if isinstance(values.get("stream_usage"), str):
        values["stream_usage"] = values["stream_usage"].strip().lower() not in ("0", "non", "false", "no")
    if "api_key" in values and not isinstance(values["api_key"], Secret):
        values["api_key"] = Secret(values["api_key"])
    return AIConfig(**values)
