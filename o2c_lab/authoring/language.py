"""A scanner for trainee-visible text: English leftovers and unrendered template syntax."""

from __future__ import annotations

import re

__all__ = ["leftovers"]

# Common English words of interface text; « prompt », « e-mail », « DSO » are used in French.
_ENGLISH = re.compile(r"\b(the|and|with|click|error|warning|please|your|you|save|submit|loading|todo|fixme|"
                      r"lorem|ipsum|not available|coming soon|undefined|null|none)\b", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|\$\{|<%|\bXXX\b")
_CODE_SPAN = re.compile(r"`[^`]*`")


def leftovers(text: str) -> list[str]:
    """English words and template markers found in ``text`` (code spans in backquotes are skipped)."""
    text = _CODE_SPAN.sub(" ", text)
    return _ENGLISH.findall(text) + _TEMPLATE.findall(text)
