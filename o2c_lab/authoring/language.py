"""A scanner for trainee-visible text: English leftovers and unrendered template syntax."""

from __future__ import annotations

import re

__all__ = ["leftovers", "visible_problems"]

# Common English words of interface text; « prompt », « e-mail », « DSO » are used in French.
_ENGLISH = re.compile(r"\b(the|and|with|click|error|warning|please|your|you|save|submit|loading|todo|fixme|"
                      r"lorem|ipsum|not available|coming soon|undefined|null|none)\b", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|\$\{|<%|\bXXX\b")
_CODE_SPAN = re.compile(r"`[^`]*`")


def leftovers(text: str) -> list[str]:
    """English words and template markers found in ``text`` (code spans in backquotes are skipped)."""
    text = _CODE_SPAN.sub(" ", text)
    return _ENGLISH.findall(text) + _TEMPLATE.findall(text)


# Identifiers (« grand_compte »), absolute file paths and technical seeds have no place in what a
# trainee reads; the toolkit folder is named so she can find it in the file browser.
_SNAKE = re.compile(r"\b(?=\w*_)(?=\w*[a-zà-ÿ])\w+\b")  # a word with « _ » and a lower-case letter
_ALLOWED = {"ma_boite_a_outils"}
_PATH = re.compile(r"(?:^|[\s«(])(?:/[\w.-]+){2,}|\b[A-Z]:\\[\w\\.-]+")
_SEED = re.compile(r"\bgraine\b", re.IGNORECASE)


def visible_problems(text: str) -> list[str]:
    """What a trainee must not read in ``text``: English words, template syntax, identifiers in
    snake_case, file paths, the technical seed."""
    snake = [t for t in _SNAKE.findall(text) if t not in _ALLOWED]
    return leftovers(text) + snake + [p.strip() for p in _PATH.findall(text)] + _SEED.findall(text)
