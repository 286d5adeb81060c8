"""Writing an :class:`AdministrativeDocument` as a .docx in the layout of Nghị định 30/2020/NĐ-CP.

A4, margins top and bottom 2 cm, left 3 cm, right 1.5 cm; Times New Roman throughout, 14 pt body
text justified with a 1.27 cm first-line indent and 6 pt between paragraphs. On top, a borderless
two-column table: the parent body (regular) and the issuing body (bold, a short rule under it) in
capitals over the number on the left; the Quốc hiệu (13 pt bold), the tiêu ngữ (14 pt bold, a rule
under it) and the place and date (italic) on the right. Then the kind of document and its subject
(bold, centred), "Kính gửi", the body, and the signature block: "Nơi nhận" (12 pt bold italic, the
list 11 pt) on the left, the signer's title (bold capitals) and name on the right.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.document import (
    AdministrativeDocument,
    Block,
    Bullet,
    Heading,
    Image,
    Paragraph,
    Table,
    date_line,
    number_line,
)

FONT = "Times New Roman"
BODY_PT = 14
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FIRST_LINE_INDENT = Cm(1.27)
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
A4_CM = (21.0, 29.7)
_PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _fonts(element: Any) -> None:
    """Times New Roman for every script, so Word never falls back for a Vietnamese letter."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _run(paragraph: Any, text: str, size: float, *, bold: bool = False, italic: bool = False) -> Any:
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    _fonts(run._element)
    return run


def _paragraph(
    container: Any,
    text: str = "",
    size: float = BODY_PT,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    after: float = 0,
    before: float = 0,
    indent: Any = None,
) -> Any:
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_after, fmt.space_before, fmt.line_spacing = Pt(after), Pt(before), 1.0
    if indent is not None:
        fmt.first_line_indent = indent
    lines = text.split("\n")
    for index, line in enumerate(lines):
        run = _run(paragraph, line, size, bold=bold, italic=italic)
        if index < len(lines) - 1:
            run.add_break()
    return paragraph


def _rule(container: Any, width_cm: float, line_cm: float) -> None:
    """A short horizontal line, centred: a tiny paragraph whose bottom border is the line."""
    paragraph = _paragraph(container, "", 2)
    side = Cm(max(0.0, (width_cm - line_cm) / 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(border, *_PBDR_SUCCESSORS)


def _first_cell_paragraph(cell: Any) -> None:
    """Cells start with an empty paragraph; remove it so the content starts at the top."""
    first = cell.paragraphs[0]
    if not first.text:
        first._element.getparent().remove(first._element)


def _widths(table: Any, widths_cm: Sequence[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid: what LibreOffice reads
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _page(word: Any, landscape: bool) -> float:
    """Set up A4 and the margins; returns the width of the text in cm."""
    section = word.sections[0]
    width, height = (A4_CM[1], A4_CM[0]) if landscape else A4_CM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(width), Cm(height)
    section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element)
    return width - MARGINS_CM["left"] - MARGINS_CM["right"]


def _header(word: Any, doc: AdministrativeDocument, text_width: float) -> None:
    # Portrait: the Quốc hiệu (13 pt bold) is 9.5 cm long and must hold on one line.
    left_width = 6.2 if text_width < 20 else 11.0
    right_width = text_width - left_width
    table = word.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, (left_width, right_width))
    left, right = table.rows[0].cells
    if doc.issuer.parent:
        _paragraph(left, doc.issuer.parent.upper(), 13)
    _paragraph(left, doc.issuer.name.upper(), 13, bold=True)
    _rule(left, left_width, left_width / 3)
    _paragraph(left, number_line(doc), 13, before=4)
    _paragraph(right, NATIONAL_TITLE, 13, bold=True)
    _paragraph(right, MOTTO, 14, bold=True)
    _rule(right, right_width, 6.0)
    _paragraph(right, date_line(doc.issuer.place, doc.day), 14, italic=True, before=4)
    _first_cell_paragraph(left)
    _first_cell_paragraph(right)


def _title(word: Any, doc: AdministrativeDocument, text_width: float) -> None:
    _paragraph(word, doc.kind.upper(), 14, bold=True, before=18)
    _paragraph(word, doc.subject, 14, bold=True)
    _rule(word, text_width, 3.5)
    if not doc.recipients:
        return
    if len(doc.recipients) == 1:
        _paragraph(word, f"Kính gửi: {doc.recipients[0]}", 14, before=12, after=6)
        return
    _paragraph(word, "Kính gửi:", 14, align=WD_ALIGN_PARAGRAPH.LEFT, before=12).paragraph_format.left_indent = Cm(3.0)
    for recipient in doc.recipients:
        line = _paragraph(word, f"- {recipient}", 14, align=WD_ALIGN_PARAGRAPH.LEFT)
        line.paragraph_format.left_indent = Cm(4.5)
    word.paragraphs[-1].paragraph_format.space_after = Pt(6)


def _table(word: Any, block: Table, text_width: float) -> None:
    if block.caption:
        _paragraph(word, block.caption, 13, bold=True, before=6, after=6)
    count = len(block.columns)
    table = word.add_table(rows=1 + len(block.rows), cols=count)
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = list(block.widths_cm or [text_width / count] * count)
    _widths(table, widths)
    header = table.rows[0]
    header_props = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the heading row repeats on every page
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for cell, heading in zip(header.cells, block.columns, strict=True):
        _first_cell_paragraph(cell)
        _paragraph(cell, heading, block.font_size, bold=True)
    for index, values in enumerate(block.rows):
        bold = index in block.bold_rows
        for column, (cell, value) in enumerate(zip(table.rows[index + 1].cells, values, strict=True)):
            _first_cell_paragraph(cell)
            align = WD_ALIGN_PARAGRAPH.CENTER if column in block.centered_columns else WD_ALIGN_PARAGRAPH.LEFT
            _paragraph(cell, value, block.font_size, bold=bold, align=align)
    _paragraph(word, "", 6)


def _block(word: Any, block: Block, text_width: float) -> None:
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    if isinstance(block, Heading):
        _paragraph(
            word,
            block.text,
            BODY_PT,
            bold=True,
            italic=block.level >= 3,
            align=justify,
            after=6,
            indent=FIRST_LINE_INDENT,
        )
    elif isinstance(block, Paragraph):
        _paragraph(
            word,
            block.text,
            BODY_PT,
            bold=block.bold,
            italic=block.italic,
            align=justify,
            after=6,
            indent=FIRST_LINE_INDENT,
        )
    elif isinstance(block, Bullet):
        _paragraph(word, f"- {block.text}", BODY_PT, align=justify, after=6, indent=FIRST_LINE_INDENT)
    elif isinstance(block, Table):
        _table(word, block, text_width)
    elif isinstance(block, Image):
        paragraph = _paragraph(word, "", BODY_PT, after=3, before=6)
        paragraph.runs[0].add_picture(BytesIO(block.png), width=Cm(min(block.width_cm, text_width)))
        if block.caption:
            _paragraph(word, block.caption, 13, italic=True, after=6)


def _signature(word: Any, doc: AdministrativeDocument, text_width: float) -> None:
    left_width = 7.0 if text_width < 20 else 11.0
    table = word.add_table(rows=1, cols=2)
    _widths(table, (left_width, text_width - left_width))
    left, right = table.rows[0].cells
    left_align = WD_ALIGN_PARAGRAPH.LEFT
    _paragraph(left, "Nơi nhận:", 12, bold=True, italic=True, align=left_align, before=12)
    for line in doc.copies_to:
        _paragraph(left, f"- {line}", 11, align=left_align)
    _paragraph(right, doc.signer_title.upper(), 14, bold=True, before=12)
    for _ in range(4):
        _paragraph(right, "", 14)
    if doc.signer_name:
        _paragraph(right, doc.signer_name, 14, bold=True)
    _first_cell_paragraph(left)
    _first_cell_paragraph(right)


def write_docx(doc: AdministrativeDocument, path: Path) -> Path:
    """Lay out ``doc`` and save it at ``path`` (folders created); returns the path."""
    word = Document()
    text_width = _page(word, doc.landscape)
    _header(word, doc, text_width)
    _title(word, doc, text_width)
    for block in doc.body:
        _block(word, block, text_width)
    _signature(word, doc, text_width)
    path.parent.mkdir(parents=True, exist_ok=True)
    word.save(str(path))
    return path
