"""PDF rendering of a :class:`~o2c_lab.deliverables.document.Document` with fpdf2 (pure Python).

The text is set in DejaVu Sans, the font matplotlib ships, so every French character (é, œ, €,
narrow no-break spaces) prints on any system; the creation date is fixed so the same document
gives the same file.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..deliverables.document import _FIXED_DATE, Document

__all__ = ["write_pdf"]

_FONT = "DejaVu"


def _fonts(pdf) -> None:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf.add_font(_FONT, "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font(_FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))


def _block_lines(block: str):
    """(style, text) lines of a light-Markdown block, as the Word rendering reads it."""
    for raw in block.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            yield "heading", line.lstrip("#").strip()
        elif line.startswith(("- [ ]", "- [x]")):
            yield "text", ("☑ " if "[x]" in line else "☐ ") + line.split("]", 1)[1].strip()
        elif line.startswith(("- ", "* ")):
            yield "bullet", line[2:]
        else:
            yield "text", line


def write_pdf(doc: Document, path: Path) -> Path:
    """Write ``doc`` as an A4 PDF at ``path`` (title, intro, sections, bullets, blocks, images, tables)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_producer("o2c_lab")
    pdf.set_title(doc.title)
    pdf.set_author("o2c_lab")
    _fonts(pdf)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()

    def text(value: str, size: float = 10, style: str = "", gap: float = 1.5, bullet: bool = False) -> None:
        pdf.set_font(_FONT, style, size)
        if bullet:  # hanging indent: the text wraps under itself, not under the bullet
            pdf.cell(5, size * 0.5, "•")
        pdf.multi_cell(0, size * 0.5, value, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    text(doc.title, 16, "B", 3)
    text(doc.intro)
    for section in doc.sections:
        pdf.ln(2)
        text(section.heading, 13, "B", 2)
        for paragraph in section.paragraphs:
            text(paragraph)
        for bullet in section.bullets:
            text(bullet, gap=0.8, bullet=True)
        for style, line in _block_lines(section.block) if section.block else ():
            text(line, 11 if style == "heading" else 10, "B" if style == "heading" else "",
                 gap=0.8, bullet=style == "bullet")
        for image in section.images:
            pdf.image(io.BytesIO(image), w=pdf.epw * 0.8)
            pdf.ln(2)
        if section.table is not None:
            pdf.set_font(_FONT, "", 8.5)
            with pdf.table(headings_style=FontFace(emphasis="BOLD", fill_color=(221, 235, 247)),
                           line_height=4.5, text_align="LEFT") as table:
                row = table.row()
                for name in section.table.columns:
                    row.cell(str(name))
                for values in section.table.rows:
                    row = table.row()
                    for value in values:
                        row.cell("" if value is None else str(value))
            pdf.ln(2)
    path = Path(path)
    pdf.output(str(path))
    return path
