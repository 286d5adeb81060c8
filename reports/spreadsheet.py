"""XLSX sheets in and out: reading rows of named cells (bounded, for files from anyone) and writing
people's text so that a spreadsheet program shows it and never runs it.

Reading. An .xlsx is a zip of XML parts, and openpyxl inflates a part whole before it looks
inside: a 1.5 MB file may hold a 1.5 GB string. So before openpyxl sees a workbook, its parts'
declared sizes must add up to at most :data:`MAX_WORKBOOK_BYTES`, and each part is inflated once
to check that it does not hold more than it declares. Then a cell holds at most
:data:`MAX_CELL_CHARS` characters (Excel's own limit), a sheet at most :data:`MAX_ROWS` rows and
:data:`MAX_COLUMNS` columns. Each refusal is one line naming the file (and sheet, row, column).

A row whose first cell begins with ``#`` (:data:`SAMPLE_MARK`) is an example or a note written
by one of our templates: it is never imported.

Writing. A text beginning with ``=`` becomes a formula in openpyxl, one beginning with ``+``,
``-`` or ``@`` becomes one as soon as someone edits the cell, and ``#N/A`` becomes an error
value. :func:`text_row` turns every text of a row into a cell typed as text (with Excel's
"quote prefix" where a spreadsheet would read a formula), leaving the visible text unchanged.

Printing. Every workbook we write prints as a document an office files: A4, as wide as the page
(``fitToWidth=1``, as many pages down as it takes), its heading rows repeated on every page, long
text wrapped in rows tall enough to show it, numbers with thousands separators, one font
(:data:`FONT_NAME`) and page numbers in the footer: :func:`print_ready` does all of it.
"""

from __future__ import annotations

import math
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from rules.calendar import VIETNAM
from rules.errors import DunghanError
from rules.i18n import _
from rules.text import MAX_CELL_CHARS, cell_text, is_sample, size_name

MAX_WORKBOOK_BYTES = 32 << 20  # 32 MiB once inflated: a national tree of 14,000 units takes about 3 MiB
MAX_MEMBERS = 1_000  # parts in the zip; a workbook of ours has about 10
MAX_ROWS = 100_000
MAX_COLUMNS = 256
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_CHUNK = 1 << 20
# What zipfile raises for a damaged archive: a bad header or checksum, a damaged deflate stream,
# a truncated file, an unknown compression method or a password-protected part.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


class WorkbookRefused(DunghanError):
    """A workbook that is not read: too big once inflated, not a workbook, or a cell too long."""


class Sheet(NamedTuple):
    title: str
    records: list[tuple[int, dict[str, Any]]]  # (row number, {column: value})
    samples: int  # rows skipped as examples (first cell beginning with #)


def check_workbook(path: Path) -> None:
    """Refuse a workbook whose parts would inflate past :data:`MAX_WORKBOOK_BYTES`, by what they
    declare and by what they really hold, before openpyxl reads any of it."""
    name = path.name
    if path.stat().st_size > MAX_WORKBOOK_BYTES:
        raise WorkbookRefused(
            _("{file}: the file is larger than {size}, the limit: refused").format(
                file=name, size=size_name(MAX_WORKBOOK_BYTES)
            )
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise WorkbookRefused(
                    _("{file}: {count} parts, more than {limit}: not a workbook").format(
                        file=name, count=f"{len(members):,}", limit=f"{MAX_MEMBERS:,}"
                    )
                )
            declared = sum(m.file_size for m in members)
            if declared > MAX_WORKBOOK_BYTES:
                biggest = max(members, key=lambda m: m.file_size)
                raise WorkbookRefused(
                    _(
                        "{file}: inflates to {size} ({part}: {part_size}), "
                        "more than the {limit} a workbook may hold: refused"
                    ).format(
                        file=name,
                        size=size_name(declared),
                        part=biggest.filename,
                        part_size=size_name(biggest.file_size),
                        limit=size_name(MAX_WORKBOOK_BYTES),
                    )
                )
            for member in members:
                _check_member(archive, member, name)
    except _ZIP_ERRORS as exc:
        raise WorkbookRefused(_unreadable(name, exc)) from None


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    """Inflate one part in chunks, refusing it once it holds more than it declared (a checksum
    error also stops a part that lies about its size)."""
    seen = 0
    with archive.open(member) as part:
        while chunk := part.read(_CHUNK):
            seen += len(chunk)
            if seen > member.file_size:
                declared = size_name(member.file_size)
                raise WorkbookRefused(
                    _("{file}: part {part} holds more than the {size} it declares: refused").format(
                        file=name, part=member.filename, size=declared
                    )
                )


@contextmanager
def open_workbook(path: Path) -> Iterator[Any]:
    """The workbook, read-only and with cached values, once :func:`check_workbook` passed; any
    failure inside openpyxl while it is open becomes one line naming the file."""
    from openpyxl import load_workbook  # imported when used: it slows every start otherwise

    check_workbook(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookRefused(_unreadable(path.name, exc)) from None
    try:
        yield book
    except DunghanError:
        raise
    except Exception as exc:  # a part that fails its checksum or its XML while rows are read
        raise WorkbookRefused(_unreadable(path.name, exc)) from None
    finally:
        book.close()


def _unreadable(name: str, exc: BaseException) -> str:
    return _("{file}: not a readable XLSX workbook ({reason})").format(file=name, reason=_first_line(exc))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def sheet_rows(sheet: Any, where: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of a read-only sheet, within :data:`MAX_ROWS` and :data:`MAX_COLUMNS`;
    a text longer than :data:`MAX_CELL_CHARS` is refused with its sheet, row and column."""
    from openpyxl.utils import get_column_letter

    width = sheet.max_column
    if width is not None and width > MAX_COLUMNS:
        raise WorkbookRefused(
            _("{file}, sheet {sheet}: {count} columns wide, more than {limit}: refused").format(
                file=where, sheet=sheet.title, count=f"{width:,}", limit=MAX_COLUMNS
            )
        )
    rows = sheet.iter_rows(values_only=True, max_col=width or MAX_COLUMNS)
    for number, values in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise WorkbookRefused(
                _(
                    "{file}, sheet {sheet}: rows past row {limit}, the limit: "
                    "refused (delete the empty rows below the data)"
                ).format(file=where, sheet=sheet.title, limit=f"{MAX_ROWS:,}")
            )
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise WorkbookRefused(
                    _(
                        "{file}, sheet {sheet}: row {row}, column {column}: "
                        "{count} characters, more than the {limit} a cell may hold: refused"
                    ).format(
                        file=where,
                        sheet=sheet.title,
                        row=number,
                        column=get_column_letter(column),
                        count=f"{len(value):,}",
                        limit=f"{MAX_CELL_CHARS:,}",
                    )
                )
        yield number, values


def read_workbook(path: Path, aliases: dict[str, str] | None = None) -> list[Sheet]:
    """Every sheet as its title, its records and how many example rows were skipped; headings
    may be given as aliases (Vietnamese headings of our templates). Empty rows are skipped."""
    sheets = []
    with open_workbook(path) as book:
        for sheet in book.worksheets:
            rows = sheet_rows(sheet, path.name)
            first = next(rows, None)
            if first is None or not first[1]:
                continue
            names = [(aliases or {}).get(cell_text(h).lower(), cell_text(h).lower()) for h in first[1]]
            records = []
            samples = 0
            for number, values in rows:
                if all(v is None or cell_text(v) == "" for v in values):
                    continue
                if is_sample(values):
                    samples += 1
                    continue
                records.append((number, {n: v for n, v in zip(names, values, strict=False) if n}))
            sheets.append(Sheet(sheet.title, records, samples))
    return sheets


def read_sheets(
    path: Path, aliases: dict[str, str] | None = None
) -> list[tuple[str, list[tuple[int, dict[str, Any]]]]]:
    """Every sheet as (title, [(row number, {column: value})]): :func:`read_workbook` without the
    count of examples."""
    return [(sheet.title, sheet.records) for sheet in read_workbook(path, aliases)]


# --- writing -----------------------------------------------------------------------------------


def text_cell(sheet: Any, text: str) -> Any:
    """A cell holding ``text`` as text, never as a formula or an error value: typed ``s``, with the
    quote prefix where a spreadsheet would read a formula. Characters XML cannot carry are dropped,
    and text is cut to Excel's limit."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = WriteOnlyCell(sheet)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_CHARS]
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def text_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """``values`` ready for ``sheet.append``: every text as a :func:`text_cell`, other values as
    they are (numbers stay numbers, dates dates). Cells already made are kept."""
    return [text_cell(sheet, value) if isinstance(value, str) else value for value in values]


# --- printing ----------------------------------------------------------------------------------

FONT_NAME = "Times New Roman"  # the font of Nghị định 30's documents (Liberation Serif where it is missing)
FONT_SIZE = 11
WHOLE = "#,##0"  # thousands separators, shown as the reader's locale writes them (1.234 in Vietnamese)
DECIMAL = "#,##0.0"
VIETNAMESE = "[$-42A]"  # a number format's locale tag (vi-VN): 1.234,5 whatever the reader's locale


def vn_format(digits: int) -> str:
    """A number format writing figures as :func:`rules.numbers.vn_number` does (dots between
    thousands, a comma before ``digits`` decimals) in any locale; a spreadsheet program that
    ignores the tag falls back to the reader's locale's separators.

    >>> vn_format(0), vn_format(2)
    ('[$-42A]#,##0', '[$-42A]#,##0.00')
    """
    return f"{VIETNAMESE}#,##0" + (f".{'0' * digits}" if digits else "")


def shown_digits(value: float, digits: int = 2) -> int:
    """How many decimals :func:`rules.numbers.vn_number` shows of ``value`` (trailing zeros cut).

    >>> shown_digits(12.0), shown_digits(37.5), shown_digits(82.26666), shown_digits(1.004)
    (0, 1, 2, 0)
    """
    text = f"{abs(value):.{digits}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


DAY = "dd/mm/yyyy"
INSTANT = "dd/mm/yyyy hh:mm"
HEADER_FILL = "DDEBF7"
_LINE_POINTS = 15.0  # the height of a line of FONT_SIZE text, with its leading
_CHARS_PER_WIDTH = 1.25  # characters of FONT_SIZE text a unit of column width holds, a little under


def font(*, bold: bool = False, italic: bool = False, size: float = FONT_SIZE, color: Any = None) -> Any:
    """The one font of our workbooks, bold or italic or larger as asked."""
    from openpyxl.styles import Font

    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, color=color)


def as_of(at: datetime) -> str:
    """'tính đến 13:27 ngày 01/12/2026', in Vietnam time: the instant a list shows."""
    local = at.astimezone(VIETNAM)
    return f"tính đến {local:%H:%M} ngày {local:%d/%m/%Y}"


def line_count(text: str, width: float) -> int:
    """How many lines ``text`` takes, wrapped at words, in a column ``width`` wide."""
    per_line = max(1, math.floor(width * _CHARS_PER_WIDTH) - 1)
    lines = 0
    for paragraph in text.split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split(" "):
            size = len(word)
            if used and used + 1 + size > per_line:
                lines += 1
                used = 0
            while size > per_line:  # a word longer than the line breaks anywhere
                lines += 1
                size -= per_line
            used = used + 1 + size if used else size
    return lines


def _one_font(cell: Any) -> None:
    old = cell.font
    if old is None or old.name != FONT_NAME:
        size = old.sz if old is not None and old.sz and old.sz != 11 else FONT_SIZE
        color = old.color if old is not None else None
        bold = bool(old is not None and old.b)
        italic = bool(old is not None and old.i)
        cell.font = font(bold=bold, italic=italic, size=size, color=color)


def print_ready(
    sheet: Any,
    *,
    heading_rows: tuple[int, int] | None = None,
    landscape: bool = False,
    columns: int | None = None,
    fit_from: int = 1,
    title: str | None = None,
) -> None:
    """Make ``sheet`` (not write-only) print as a document: A4, ``landscape`` or portrait, one page
    wide, ``heading_rows`` (first, last) repeated on every page, only its first ``columns`` columns
    printed when given (the others stay on screen), every cell in :data:`FONT_NAME`, whole numbers
    with thousands separators, and each row from ``fit_from`` tall enough for its wrapped text.
    ``title`` heads every printed page, for a sheet whose first row must stay its heading row
    (a form or template the importers read)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    last_column = columns or sheet.max_column
    widths = {
        index: sheet.column_dimensions[get_column_letter(index)].width or 8.43 for index in range(1, last_column + 1)
    }
    merged = {r.min_row for r in sheet.merged_cells.ranges if r.min_row == r.max_row}
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None:
                continue
            _one_font(cell)
            if isinstance(cell.value, int) and not isinstance(cell.value, bool) and cell.number_format == "General":
                cell.number_format = WHOLE
            if isinstance(cell.value, str) and cell.row >= fit_from and cell.column in widths:
                wrap = cell.alignment.wrap_text if cell.alignment is not None else False
                if cell.row in merged:
                    width = sum(widths.values())
                elif wrap:
                    width = widths[cell.column]
                else:
                    continue
                lines = max(lines, line_count(cell.value, width))
                if not wrap:
                    cell.alignment = Alignment(
                        horizontal=cell.alignment.horizontal, vertical=cell.alignment.vertical, wrap_text=True
                    )
        if row and row[0].row >= fit_from and lines > 1:
            size = max((c.font.sz or FONT_SIZE) for c in row if c.font is not None) if row else FONT_SIZE
            sheet.row_dimensions[row[0].row].height = row_height(lines, size)
    page_setup(sheet, heading_rows=heading_rows, landscape=landscape, columns=columns, rows=sheet.max_row, title=title)


def row_height(lines: int, size: float = FONT_SIZE) -> float:
    """The height in points of a row showing ``lines`` lines of ``size`` text."""
    return round(lines * _LINE_POINTS * size / FONT_SIZE + 2, 1)


def page_setup(
    sheet: Any,
    *,
    heading_rows: tuple[int, int] | None = None,
    landscape: bool = False,
    columns: int | None = None,
    rows: int = 1,
    title: str | None = None,
) -> None:
    """The page of :func:`print_ready` alone, for a write-only sheet too (its cells are styled as
    they are made): A4, one page wide, heading rows repeated, the first ``columns`` columns of
    ``rows`` rows printed when given, ``title`` at the head of every page, "Trang n/N" at the foot."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    setup = sheet.page_setup
    setup.paperSize = "9"  # A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_options.horizontalCentered = True
    if heading_rows is not None:
        sheet.print_title_rows = f"{heading_rows[0]}:{heading_rows[1]}"
    if columns is not None:
        sheet.print_area = f"A1:{get_column_letter(columns)}{max(rows, 1)}"
    if title:
        sheet.oddHeader.center.text = title.replace("&", "&&")  # & starts a field code in a header
        sheet.oddHeader.center.font = f"{FONT_NAME},Bold"
        sheet.oddHeader.center.size = 12
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = f"{FONT_NAME},Regular"
    sheet.oddFooter.center.size = 9
