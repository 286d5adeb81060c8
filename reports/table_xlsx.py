"""Tidy spreadsheets a supervisor can forward: one header row, one row per record, real dates,
people's text as text (a name beginning with = is never a formula)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reports.spreadsheet import text_row
from rules.text import SAMPLE_MARK

HEADER_FILL = "DDEBF7"
SAMPLE_COLOUR = "808080"


def write_sheet(
    path: Path,
    title: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]],
    *,
    samples: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Write ``rows`` to ``path`` with Vietnamese headings, filters and frozen header. ``samples``
    (a template's examples) come first, in grey italics, their first cell marked ``#`` so that
    the importers skip them."""
    from openpyxl import Workbook  # imported here: a second at start-up for commands that write no sheet
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(text_row(sheet, [heading for _, heading in columns]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for sample in samples:
        values = _values(sample, columns)
        values[0] = f"{SAMPLE_MARK} {values[0] if values[0] is not None else ''}"
        sheet.append(text_row(sheet, values))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(italic=True, color=SAMPLE_COLOUR)
    for row in rows:
        sheet.append(text_row(sheet, _values(row, columns)))
    for index, (key, heading) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        lengths = [len(str(r.get(key) or "")) for r in [*samples, *rows][:200]]
        sheet.column_dimensions[letter].width = min(60, max([len(heading), *lengths]) + 2)
        if rows and isinstance(rows[0].get(key), date):
            for cell in sheet[letter][1:]:
                cell.number_format = "dd/mm/yyyy hh:mm" if isinstance(rows[0].get(key), datetime) else "dd/mm/yyyy"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _values(row: Mapping[str, Any], columns: Sequence[tuple[str, str]]) -> list[Any]:
    values = []
    for key, _ in columns:
        value = row.get(key)
        if isinstance(value, datetime):
            value = value.replace(tzinfo=None)  # spreadsheets have no zones: shown in Vietnam time
        values.append(value)
    return values
