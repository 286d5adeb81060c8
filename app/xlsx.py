"""Tidy spreadsheets a supervisor can forward: one header row, one row per record, real dates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

HEADER_FILL = "DDEBF7"


def write_sheet(path: Path, title: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> None:
    """Write ``rows`` to ``path`` with Vietnamese headings, filters and frozen header."""
    from openpyxl import Workbook  # imported here: a second at start-up for commands that write no sheet
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([heading for _, heading in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for row in rows:
        values = []
        for key, _ in columns:
            value = row.get(key)
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)  # spreadsheets have no zones: shown in Vietnam time
            values.append(value)
        sheet.append(values)
    for index, (key, heading) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sample = [len(str(r.get(key) or "")) for r in rows[:200]]
        sheet.column_dimensions[letter].width = min(60, max([len(heading), *sample]) + 2)
        if rows and isinstance(rows[0].get(key), date):
            for cell in sheet[letter][1:]:
                cell.number_format = "dd/mm/yyyy hh:mm" if isinstance(rows[0].get(key), datetime) else "dd/mm/yyyy"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
