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
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

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
