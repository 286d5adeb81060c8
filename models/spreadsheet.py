"""Reading XLSX sheets as rows of named cells, with their spreadsheet row numbers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from rules.errors import DunghanError


def cell_text(value: Any) -> str:
    """A cell as text: dates as ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes") if (value.hour, value.minute) != (0, 0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheets(
    path: Path, aliases: dict[str, str] | None = None
) -> list[tuple[str, list[tuple[int, dict[str, Any]]]]]:
    """Every sheet as (title, [(row number, {column: value})]); headings may be given as aliases
    (Vietnamese headings of our templates). Empty rows are skipped."""
    from openpyxl import load_workbook  # imported when used: it slows every start otherwise

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise DunghanError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    sheets = []
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            continue
        names = [(aliases or {}).get(cell_text(h).lower(), cell_text(h).lower()) for h in header]
        records = []
        for number, values in enumerate(rows, start=2):
            if all(v is None or cell_text(v) == "" for v in values):
                continue
            records.append((number, {n: v for n, v in zip(names, values, strict=False) if n}))
        sheets.append((sheet.title, records))
    book.close()
    return sheets
