"""Tidy spreadsheets a supervisor can forward: one header row, one row per record, real dates,
people's text as text (a name beginning with = is never a formula), printable on A4.

A list for reading (the overdue list, the rates) has a title block above its header row: what it
is, for which unit, as of when; a template to fill in has none, its header row is the first, where
the importers look for it, and its title heads each printed page instead. A template's columns
may offer drop-downs: their choices are listed on a sheet of their own, :data:`LIST_SHEET`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reports.spreadsheet import DAY, DECIMAL, HEADER_FILL, INSTANT, WHOLE, font, print_ready, text_row
from rules.text import SAMPLE_MARK

SAMPLE_COLOUR = "808080"
LIST_SHEET = "Danh mục"  # a template's drop-down choices, column by column; never imported
TEMPLATE_ROWS = 5_000  # the rows of a template whose cells offer the drop-downs
# (key, heading) or (key, heading, width): a width makes the column's cells wrap at it.
Column = tuple[str, str] | tuple[str, str, float]


def write_sheet(
    path: Path,
    title: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    *,
    samples: Sequence[Mapping[str, Any]] = (),
    heading: Sequence[str] = (),
    printed: int | None = None,
    landscape: bool = False,
    page_title: str | None = None,
    choices: Mapping[str, Sequence[str]] | None = None,
    days: Sequence[str] = (),
) -> None:
    """Write ``rows`` to ``path`` with Vietnamese headings, filters and frozen header. ``samples``
    (a template's examples) come first, in grey italics, their first cell marked ``#`` so that
    the importers skip them. ``heading`` lines (a title, then what it covers) go above the header
    row; only the first ``printed`` columns are printed when given, on A4 ``landscape`` or portrait,
    ``page_title`` at the head of every page. ``choices`` gives a column (by key) a drop-down of
    these texts, listed on the sheet :data:`LIST_SHEET`; the columns ``days`` show dd/mm/yyyy."""
    from openpyxl import Workbook  # imported here: a second at start-up for commands that write no sheet
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    span = printed or len(columns)
    for number, line in enumerate(heading, start=1):
        sheet.append(text_row(sheet, [line]))
        cell = sheet.cell(number, 1)
        cell.font = font(bold=number == 1, italic=number > 1, size=13 if number == 1 else 11)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if span > 1:
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=span)
    if heading:
        sheet.append([])
    header = len(heading) + 2 if heading else 1  # a blank row between the title block and the header
    sheet.append(text_row(sheet, [column[1] for column in columns]))
    for cell in sheet[header]:
        cell.font = font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for sample in samples:
        values = _values(sample, columns)
        values[0] = f"{SAMPLE_MARK} {values[0] if values[0] is not None else ''}"
        sheet.append(text_row(sheet, values))
        for cell in sheet[sheet.max_row]:
            cell.font = font(italic=True, color=SAMPLE_COLOUR)
    for row in rows:
        sheet.append(text_row(sheet, _values(row, columns)))
    first = header + 1
    for index, column in enumerate(columns, start=1):
        key, name = column[0], column[1]
        letter = get_column_letter(index)
        if len(column) == 3:
            sheet.column_dimensions[letter].width = column[2]
        else:
            lengths = [len(str(r.get(key) or "")) for r in [*samples, *rows][:200]]
            sheet.column_dimensions[letter].width = min(60, max([len(name), *lengths]) + 2)
        kind = next((r.get(key) for r in rows if r.get(key) is not None), None)
        number_format = (
            DAY
            if key in days
            else (INSTANT if isinstance(kind, datetime) else DAY)
            if isinstance(kind, date)
            else DECIMAL
            if isinstance(kind, float)
            else WHOLE
            if isinstance(kind, int) and not isinstance(kind, bool)
            else None
        )
        for cell in sheet[letter][first - 1 :]:
            if number_format is not None:
                cell.number_format = number_format
            if len(column) == 3 and isinstance(cell.value, str):
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            elif cell.value is not None:
                cell.alignment = Alignment(vertical="top")
        if key in days:
            sheet.column_dimensions[letter].number_format = DAY  # the days typed below the rows too
    sheet.freeze_panes = f"A{first}"
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(columns))}{max(sheet.max_row, header)}"
    if choices:
        _drop_downs(book, sheet, columns, choices, first=first, page_title=page_title)
    print_ready(sheet, heading_rows=(header, header), landscape=landscape, columns=printed, title=page_title)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _drop_downs(
    book: Any,
    sheet: Any,
    columns: Sequence[Column],
    choices: Mapping[str, Sequence[str]],
    *,
    first: int,
    page_title: str | None,
) -> None:
    """List each column's choices on the sheet :data:`LIST_SHEET` under the column's heading, and
    give the column's cells, from row ``first`` down :data:`TEMPLATE_ROWS` rows, a drop-down of them
    that refuses anything else."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    headings = {column[0]: column[1] for column in columns}
    keys = [key for key in choices if key in headings]
    lists = book.create_sheet(LIST_SHEET)
    lists.append(text_row(lists, [headings[key] for key in keys]))
    for cell in lists[1]:
        cell.font = font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index in range(max(len(choices[key]) for key in keys)):
        lists.append(text_row(lists, [choices[key][index] if index < len(choices[key]) else None for key in keys]))
    order = [column[0] for column in columns]
    for index, key in enumerate(keys, start=1):
        letter = get_column_letter(index)
        lists.column_dimensions[letter].width = min(40, max(len(t) for t in [headings[key], *choices[key]]) + 2)
        target = get_column_letter(order.index(key) + 1)
        check = DataValidation(
            type="list",
            formula1=f"'{LIST_SHEET}'!${letter}$2:${letter}${len(choices[key]) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=headings[key][:32],
            error=f"Chọn một giá trị trong danh sách (trang «{LIST_SHEET}»).",
        )
        check.add(f"{target}{first}:{target}{first + TEMPLATE_ROWS - 1}")
        sheet.add_data_validation(check)
    lists.freeze_panes = "A2"
    title = f"{page_title} – danh mục" if page_title else None
    print_ready(lists, heading_rows=(1, 1), landscape=len(keys) > 3, title=title)


def _values(row: Mapping[str, Any], columns: Sequence[Column]) -> list[Any]:
    values = []
    for column in columns:
        value = row.get(column[0])
        if isinstance(value, datetime):
            value = value.replace(tzinfo=None)  # spreadsheets have no zones: shown in Vietnam time
        values.append(value)
    return values
