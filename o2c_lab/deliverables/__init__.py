"""The eleven deliverables handed to participants: Word, Excel and Markdown, one ZIP each.

>>> from o2c_lab.deliverables import export_deliverables        # doctest: +SKIP
>>> export_deliverables(company, "livrables")                    # generic versions
>>> export_deliverables(company, "livrables", journal=journal)   # a participant's own kit + ZIP
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from ..errors import OutputFolderError
from .catalog import DELIVERABLES, JOURNAL_READERS, build_document, measured_minutes
from .document import Document, Section, Table, to_markdown, write_docx, write_xlsx

__all__ = ["DELIVERABLES", "JOURNAL_READERS", "build_document", "export_deliverables", "measured_minutes",
           "Document", "Section", "Table", "to_markdown", "write_docx", "write_xlsx"]


def export_deliverables(company, out, journal: dict | None = None, *, only=None) -> list[Path]:
    """Write every deliverable as .md and .docx (and .xlsx for tables) into ``out``.

    With ``journal`` (a participant's journal data), the kit is personal and a ZIP of it is added.
    ``only`` (slugs) rewrites just those deliverables and keeps the others already in ``out``
    (the ZIP still holds them all): a kit prepared in advance is brought up to date in a moment.
    Files are written in a temporary folder first, then moved: an error leaves ``out`` unchanged.
    Returns the files written.
    """
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".livrables.", dir=out))
    except OSError:
        raise OutputFolderError(f"Impossible d'écrire dans « {out} ».",
                                todo="choisissez un dossier où vous pouvez écrire") from None
    try:
        written = []
        for slug in (DELIVERABLES if only is None else only):
            doc = build_document(slug, company, journal)
            (tmp / f"{slug}.md").write_text(to_markdown(doc), encoding="utf-8")
            write_docx(doc, tmp / f"{slug}.docx")
            if doc.sheet is not None:
                write_xlsx(doc.sheet, tmp / f"{slug}.xlsx", doc.title)
        for path in sorted(tmp.iterdir()):
            target = out / path.name
            path.replace(target)
            written.append(target)
        if journal and journal.get("participant"):
            name = "".join(ch if ch.isalnum() else "_" for ch in journal["participant"]).strip("_") or "participant"
            archive = tmp / f"livrables_{name}.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
                for path in sorted(p for p in out.glob("*.*") if p.stem in DELIVERABLES):
                    zf.write(path, path.name)
                # the journal itself: the trainer's cohort report reads it from the ZIP handed over
                from ..coaching.journal import journal_path

                zf.writestr(journal_path(journal["participant"], ".").name,
                            json.dumps(journal, ensure_ascii=False, indent=1))
            written.append(out / archive.name)
            archive.replace(written[-1])
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
