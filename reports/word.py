"""Writing an :class:`AdministrativeDocument` as a .docx in the layout of Nghị định 30/2020/NĐ-CP.

A4, margins top and bottom 2 cm, left 3 cm, right 1.5 cm; Times New Roman throughout, 14 pt body
text justified with a 1.27 cm first-line indent and 6 pt between paragraphs. On top, a borderless
two-column table: the parent body (regular) and the issuing body (bold, a short rule under it) in
capitals over the number on the left; the Quốc hiệu (13 pt bold), the tiêu ngữ (14 pt bold, a rule
under it) and the place and date (italic) on the right. Then the kind of document and its subject
(bold, centred), "Kính gửi", the body, and the signature block: "Nơi nhận" (12 pt bold italic, the
list 11 pt) on the left, the signer's title (bold capitals) and name on the right.

The page number (14 pt) is at the top centre from page 2 on. Pages break as a reader expects: a
heading stays with what follows it, a table's caption and heading row with its first rows, no
table row is split across two pages, and the last paragraph of the body stays with the signature
block, which is never split. The text is marked Vietnamese (vi-VN) so that a word processor checks
it as Vietnamese. Appendices (phụ lục) follow the signature in sections of their own, landscape
when they hold a wide table, under "Phụ lục 01", their title and "(Kèm theo Báo cáo số …)".
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.document import (
    AdministrativeDocument,
    Appendix,
    Block,
    Bullet,
    Heading,
    Image,
    Paragraph,
    Table,
    attached_line,
    date_line,
    number_line,
)

FONT = "Times New Roman"
BODY_PT = 14
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
MOTTO_CM = 5.8  # the motto's length in 14 pt bold Times New Roman: its rule is as long
LANGUAGE = "vi-VN"
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


def _text_cm(text: str, size: float) -> float:
    """About how long ``text`` is in bold capitals of ``size`` pt: half an em a letter, a
    quarter an em a space (Times New Roman bold capitals average close to that)."""
    ems = sum(0.25 if c.isspace() else 0.5 for c in text)
    return ems * size / 72 * 2.54


def _rule(container: Any, width_cm: float, line_cm: float) -> None:
    """A short horizontal line, centred right under the line above it: an empty paragraph exactly
    3 pt high (clear of the letters' descenders; its mark sized too, which Word measures an empty
    paragraph by) whose bottom border is the line."""
    paragraph = _paragraph(container, "", 1)
    mark, size = OxmlElement("w:rPr"), OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    paragraph._p.get_or_add_pPr().append(mark)  # rPr closes pPr
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(3)
    side = Cm(max(0.0, (width_cm - line_cm) / 2))
    fmt.left_indent = side
    fmt.right_indent = side
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(border, *_PBDR_SUCCESSORS)


def _keep_with_next(paragraph: Any) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _unsplit_row(row: Any) -> None:
    """The row stays whole on one page (w:cantSplit)."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


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


def _section(section: Any, landscape: bool) -> float:
    """A4 with the margins, portrait or landscape; returns the width of the text in cm."""
    width, height = (A4_CM[1], A4_CM[0]) if landscape else A4_CM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(width), Cm(height)
    section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    return width - MARGINS_CM["left"] - MARGINS_CM["right"]


def _page_number(section: Any) -> None:
    """The page number at the top centre (14 pt), from page 2: the first page's header is empty."""
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1.0)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = _run(paragraph, "", BODY_PT)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
        else:
            run.text = text  # shown until the field is updated


def _language(word: Any) -> None:
    """Every run defaults to Vietnamese (w:lang in the document defaults), and so does the file."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    for attribute in ("w:val", "w:eastAsia"):
        lang.set(qn(attribute), LANGUAGE)
    word.core_properties.language = LANGUAGE


def _page(word: Any, landscape: bool) -> float:
    """Set up A4, the margins, the page numbers, the font and the language; returns the width of the text in cm."""
    section = word.sections[0]
    text_width = _section(section, landscape)
    _page_number(section)
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element)
    _language(word)
    return text_width


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
    name = doc.issuer.name.upper()
    _paragraph(left, name, 13, bold=True)
    # 1/3 to 1/2 of the line above it (Nghị định 30/2020, Phụ lục I, mục II.3).
    _rule(left, left_width, 0.4 * min(_text_cm(name, 13), left_width - 0.4))
    _paragraph(left, number_line(doc), 13, before=4)
    _paragraph(right, NATIONAL_TITLE, 13, bold=True)
    _paragraph(right, MOTTO, 14, bold=True)
    _rule(right, right_width, MOTTO_CM)
    _paragraph(right, date_line(doc.issuer.place, doc.day, doc.year), 14, italic=True, before=4)
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


def _table(word: Any, block: Table, text_width: float, keep_with_next: bool = False) -> None:
    if block.caption:
        _keep_with_next(_paragraph(word, block.caption, 13, bold=True, before=6, after=6))
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
    for row in table.rows:
        _unsplit_row(row)
    for cell, heading in zip(header.cells, block.columns, strict=True):
        _first_cell_paragraph(cell)
        _keep_with_next(_paragraph(cell, heading, block.font_size, bold=True))
    for index, values in enumerate(block.rows):
        bold = index in block.bold_rows
        for column, (cell, value) in enumerate(zip(table.rows[index + 1].cells, values, strict=True)):
            _first_cell_paragraph(cell)
            align = WD_ALIGN_PARAGRAPH.CENTER if column in block.centered_columns else WD_ALIGN_PARAGRAPH.LEFT
            paragraph = _paragraph(cell, value, block.font_size, bold=bold, align=align)
            if index == 0 or (index == len(block.rows) - 1 and keep_with_next):
                _keep_with_next(paragraph)  # the first row with the heading; the last with what follows
    _paragraph(word, "", 6)


def _block(word: Any, block: Block, text_width: float, keep_with_next: bool = False) -> None:
    """Lay out ``block``; ``keep_with_next``: on the same page as what follows (the last block)."""
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph: Any = None
    if isinstance(block, Heading):
        paragraph = _paragraph(
            word,
            block.text,
            BODY_PT,
            bold=True,
            italic=block.level >= 3,
            align=justify,
            after=6,
            indent=FIRST_LINE_INDENT,
        )
        _keep_with_next(paragraph)
    elif isinstance(block, Paragraph):
        paragraph = _paragraph(
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
        paragraph = _paragraph(word, f"- {block.text}", BODY_PT, align=justify, after=6, indent=FIRST_LINE_INDENT)
    elif isinstance(block, Table):
        _table(word, block, text_width, keep_with_next)
    elif isinstance(block, Image):
        paragraph = _paragraph(word, "", BODY_PT, after=3, before=6)
        paragraph.runs[0].add_picture(BytesIO(block.png), width=Cm(min(block.width_cm, text_width)))
        if block.caption:
            _keep_with_next(paragraph)
            paragraph = _paragraph(word, block.caption, 13, italic=True, after=6)
    if keep_with_next and paragraph is not None:
        _keep_with_next(paragraph)


def _signature(word: Any, doc: AdministrativeDocument, text_width: float) -> None:
    left_width = 7.0 if text_width < 20 else 11.0
    table = word.add_table(rows=1, cols=2)
    _widths(table, (left_width, text_width - left_width))
    _unsplit_row(table.rows[0])
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


def _appendix(word: Any, doc: AdministrativeDocument, appendix: Appendix) -> None:
    """A new section, on a new page: 'Phụ lục 01', its title, '(Kèm theo Báo cáo số …)', a rule, the body.
    The page numbers go on (the section's header is the document's)."""
    section = word.add_section(WD_SECTION.NEW_PAGE)
    text_width = _section(section, appendix.landscape)
    section.different_first_page_header_footer = False
    for text, bold, italic, before in (
        (appendix.label, True, False, 0),
        (appendix.title, True, False, 0),
        (attached_line(doc), False, True, 0),
    ):
        _keep_with_next(_paragraph(word, text, BODY_PT, bold=bold, italic=italic, before=before))
    _rule(word, text_width, 3.5)
    _paragraph(word, "", 6)
    for block in appendix.body:
        _block(word, block, text_width)


def write_docx(doc: AdministrativeDocument, path: Path) -> Path:
    """Lay out ``doc`` and save it at ``path`` (folders created); returns the path."""
    word = Document()
    text_width = _page(word, doc.landscape)
    _header(word, doc, text_width)
    _title(word, doc, text_width)
    for index, block in enumerate(doc.body):
        _block(word, block, text_width, keep_with_next=index == len(doc.body) - 1)
    _signature(word, doc, text_width)
    for appendix in doc.appendices:
        _appendix(word, doc, appendix)
    path.parent.mkdir(parents=True, exist_ok=True)
    word.save(str(path))
    return path
