"""Replay store: answers recorded from a real model, replayed offline for a cohort.

A recording holds the model, the date, the hash of the exact (anonymised) messages sent, the
answer as the model wrote it (with pseudonyms, so no identifier is stored) and the token usage.
The store is one UTF-8 JSON file a trainer can hand out with the course material.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import DataFileError

__all__ = ["prompt_hash", "Recording", "RecordingStore"]


def prompt_hash(messages: list[dict]) -> str:
    """Stable short hash of chat messages (role and content only)."""
    canon = json.dumps([{"role": m["role"], "content": m["content"]} for m in messages],
                       ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Recording:
    """One recorded exchange."""

    prompt_hash: str
    model: str
    recorded_at: str
    answer: str
    prompt_tokens: int
    completion_tokens: int
    usage_source: str
    title: str = ""


class RecordingStore:
    """Recordings keyed by prompt hash, kept in a JSON file (``path``)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._items: dict[str, Recording] = {}
        if self.path.is_file():
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                self._items = {r["prompt_hash"]: Recording(**r) for r in raw["enregistrements"]}
            except (ValueError, KeyError, TypeError) as exc:
                raise DataFileError(f"fichier d'enregistrements illisible ({type(exc).__name__}).",
                                    path=self.path, todo="régénérez-le avec la commande d'enregistrement"
                                    ) from None

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def get(self, key: str) -> Recording | None:
        return self._items.get(key)

    def add(self, recording: Recording) -> None:
        self._items[recording.prompt_hash] = recording

    def save(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": "o2c_lab.enregistrements", "version": 1,
                "enregistrements": [asdict(r) for r in sorted(self._items.values(),
                                                               key=lambda r: r.prompt_hash)]}
        self.path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return self.path
