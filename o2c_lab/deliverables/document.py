"""A small document model and its three renderings: Markdown, Word (.docx) and Excel (.xlsx).

A :class:`Document` is a title and sections; a section holds paragraphs, bullet lists, a text
block written in light Markdown (the form the casework references come in) and optionally a
table. Tables also go to Excel, where only a :class:`~o2c_lab.formats.tabular.Formula` cell is a
formula: any other text stays text, whatever its first character.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Table", "Section", "Document", "to_markdown", "write_docx", "write_xlsx"]

# Fixed document dates keep the files identical from one generation to the next.
_FIXED_DATE = dt.datetime(2026, 1, 1)


@dataclass
class Table:
    columns: list[str]
    rows: list[list]
    widths: list[int] | None = None


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    block: str = ""
    table: Table | None = None
    images: list[bytes] = field(default_factory=list)  # PNG charts (the PDF rendering draws them)


@dataclass
class Document:
    slug: str
    title: str
    intro: str
    sections: list[Section]
    sheet: Table | None = None  # also written as an Excel workbook when set

    @property
    def text(self) -> str:
        return to_markdown(self)


def _cell(value) -> str:
    return "" if value is None else str(value).replace("|", "/").replace("\n", " ")


def to_markdown(doc: Document) -> str:
    lines = [f"# {doc.title}", "", doc.intro, ""]
    for s in doc.sections:
        lines += [f"## {s.heading}", ""]
        for p in s.paragraphs:
            lines += [p, ""]
        if s.bullets:
            lines += [f"- {b}" for b in s.bullets] + [""]
        if s.block:
            lines += [s.block.strip(), ""]
        if s.table is not None:
            lines.append("| " + " | ".join(s.table.columns) + " |")
            lines.append("|" + "---|" * len(s.table.columns))
            lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in s.table.rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _block_to_docx(docx, block: str) -> None:
    """Light Markdown (#, -, - [ ], blank lines) to Word headings, bullets and paragraphs."""
    for raw in block.strip().splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")) + 1, 4)
            docx.add_heading(line.lstrip("#").strip(), level=level)
        elif line.lstrip().startswith(("- [ ]", "- [x]")):
            mark = "☑" if "[x]" in line else "☐"
            docx.add_paragraph(f"{mark} {line.split(']', 1)[1].strip()}")
        elif line.lstrip().startswith(("- ", "* ")):
            docx.add_paragraph(line.lstrip()[2:], style="List Bullet")
        else:
            docx.add_paragraph(line.strip())


def _freeze_zip(path: Path) -> None:
    """Rewrite an Office file (a ZIP) with fixed entry dates: same content, same bytes."""
    import zipfile

    import re

    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, info.compress_type, src.read(info)) for info in src.infolist()]
    stamp = _FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = [(name, compression, re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
                if name == "docProps/core.xml" else data) for name, compression, data in entries]
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w") as dst:
        for name, compression, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            dst.writestr(info, data)
    tmp.replace(path)


def write_docx(doc: Document, path: Path) -> Path:
    from docx import Document as WordDocument

    word = WordDocument()
    props = word.core_properties
    props.title, props.author, props.created, props.modified = doc.title, "o2c_lab", _FIXED_DATE, _FIXED_DATE
    props.last_modified_by = "o2c_lab"
    word.add_heading(doc.title, level=0)
    word.add_paragraph(doc.intro)
    for s in doc.sections:
        word.add_heading(s.heading, level=1)
        for p in s.paragraphs:
            word.add_paragraph(p)
        for b in s.bullets:
            word.add_paragraph(b, style="List Bullet")
        if s.block:
            _block_to_docx(word, s.block)
        if s.table is not None:
            table = word.add_table(rows=1, cols=len(s.table.columns))
            table.style = "Table Grid"
            for cell, name in zip(table.rows[0].cells, s.table.columns):
                cell.text = name
            for row in s.table.rows:
                for cell, value in zip(table.add_row().cells, row):
                    cell.text = _cell(value)
    path = Path(path)
    word.save(path)
    _freeze_zip(path)
    return path


def write_xlsx(table: Table, path: Path, title: str) -> Path:
    from openpyxl import Workbook

    from ..formats.tabular import append_row
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    append_row(sheet, list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        append_row(sheet, list(row))  # text never becomes a formula; only Formula cells do
    for i, width in enumerate(table.widths or [24] * len(table.columns), start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = width
    sheet.freeze_panes = "A2"
    book.properties.created = book.properties.modified = _FIXED_DATE
    book.properties.creator = "o2c_lab"
    path = Path(path)
    book.save(path)
    _freeze_zip(path)
    return path
