"""The course programme (seed 000's « Programme de la formation » bullets) and where each is covered.

:func:`programme` reads the list kept with the course sources (``course/programme.yml``);
:func:`parse_programme` reads the bullets from the programme text so a test can check that none is
forgotten; :func:`programme_table` writes the Markdown table of ``notebooks/README.md``.
"""

from __future__ import annotations

from .sources import course_folder

__all__ = ["parse_programme", "programme", "programme_table"]


def programme() -> list[tuple[str, str]]:
    """(programme bullet, where it is covered: notebook and section), from ``course/programme.yml``."""
    import yaml

    items = yaml.safe_load((course_folder() / "programme.yml").read_text(encoding="utf-8")) or []
    return [(item["puce"], item["ou"]) for item in items]


def _is_heading(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def parse_programme(text: str) -> list[str]:
    """The bullets of the « Programme de la formation » section of the programme text.

    The page layout interleaves administrative blocks (evaluation, remote assistance) under
    upper-case headings; their bullets are not course content and are left out.
    """
    body = text.split("Programme de la formation", 1)[-1].split("\nTransfert", 1)[0]
    bullets, skipping, seen = [], False, False
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("- "):
            if skipping:
                seen = True
            else:
                bullets.append(line[2:].strip())
        elif _is_heading(line):
            skipping, seen = True, False
        elif skipping and seen:  # prose after an administrative block's bullets: course content resumes
            skipping = False
    return bullets


def programme_table() -> str:
    """The Markdown table « élément du programme | où c'est traité »."""
    rows = ["| élément du programme | carnet(s) et sections |", "|---|---|"]
    rows += [f"| {bullet} | {where} |" for bullet, where in programme()]
    return "\n".join(rows)
