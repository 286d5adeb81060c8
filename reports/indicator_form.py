"""The spreadsheet an agency fills in with its indicator figures, and reading it back.

The form lists only the rows the unit types (never a ratio, never a heading), with the figures
already stored; the Kết quả cells check what is typed (a percentage between 0 and 100, a whole
number of people…) and only Kết quả and Ghi chú can be edited. It prints as our other workbooks do
(:func:`reports.spreadsheet.print_ready`): A4 landscape, one page wide, the heading row on every
page, the unit and table at the head of each page, one font. Reading it back checks every row
and lists every error as ``file: row N, column HEADING (CODE): what``; a blank Kết quả is no figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from models.indicators import IndicatorTable, Responsible, ValueRow
from models.org_rows import ImportRefused
from reports.spreadsheet import HEADER_FILL, font, print_ready, read_sheets, text_row
from rules.errors import ACTION, DunghanError
from rules.i18n import _
from rules.indicators import is_count, typed_indicators
from rules.numbers import parse_figure
from rules.text import cell_text

HEADINGS = {
    "pack": "Gói quy định",
    "form": "Biểu",
    "year": "Năm",
    "unit": "Mã đơn vị",
    "code": "Mã chỉ tiêu",
    "name": "Chỉ tiêu",
    "measure": "Đơn vị tính",
    "value": "Kết quả",
    "note": "Ghi chú",
}
WIDTHS = {"pack": 16, "form": 11, "year": 7, "unit": 12, "code": 13, "name": 80, "measure": 14, "value": 12, "note": 30}
EDITABLE = PatternFill("solid", fgColor="FFF2CC")
HEADER = PatternFill("solid", fgColor=HEADER_FILL)


@dataclass(frozen=True)
class EntryFile:
    pack_id: str
    form_id: str
    year: int
    rows: list[ValueRow]


def write_entry_form(
    path: Path,
    *,
    table: IndicatorTable,
    unit: Responsible,
    stored: Mapping[str, float],
    due_date: date | None = None,
) -> int:
    """Write the form of ``unit``'s rows; returns how many rows it lists."""
    indicators = typed_indicators(table.form, unit.agencies)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{unit.code}"[:31]
    keys = list(HEADINGS)
    sheet.append(text_row(sheet, [HEADINGS[k] for k in keys]))
    for cell in sheet[1]:
        cell.font = font(bold=True)
        cell.fill = HEADER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    checks = {
        "percent": DataValidation(type="decimal", operator="between", formula1="0", formula2="100"),
        "count": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0"),
        "other": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"),
    }
    messages = {
        "percent": "Nhập tỷ lệ phần trăm từ 0 đến 100.",
        "count": "Nhập số nguyên không âm.",
        "other": "Nhập số không âm.",
    }
    for kind, check in checks.items():
        check.error, check.errorTitle, check.showErrorMessage = messages[kind], "Số liệu không hợp lệ", True
        check.allow_blank = True
        sheet.add_data_validation(check)
    value_column = keys.index("value") + 1
    for number, indicator in enumerate(indicators, start=2):
        values = {
            "pack": table.pack.id,
            "form": table.form.id,
            "year": table.year,
            "unit": unit.code,
            "code": indicator.code,
            "name": indicator.name,
            "measure": indicator.unit or "",
            "value": stored.get(indicator.code),
            "note": None,
        }
        sheet.append(text_row(sheet, [values[k] for k in keys]))
        kind = "percent" if indicator.unit == "%" else "count" if is_count(indicator) else "other"
        checks[kind].add(sheet.cell(number, value_column))
        sheet.cell(number, keys.index("name") + 1).alignment = Alignment(vertical="top", wrap_text=True)
        sheet.cell(number, keys.index("year") + 1).number_format = "0"  # a year: no thousands separator
        for column in ("value", "note"):
            cell = sheet.cell(number, keys.index(column) + 1)
            cell.protection = Protection(locked=False)
            cell.fill = EDITABLE
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[chr(64 + index)].width = WIDTHS[key]
    sheet.freeze_panes = "F2"
    sheet.protection.sheet = True  # only Kết quả and Ghi chú can be typed in
    sheet.protection.formatColumns = False
    title = f"{unit.name}: số liệu {table.form.title}"
    if due_date is not None:
        title += f" (hạn gửi {due_date:%d/%m/%Y})"
    book.properties.title = title[:255]
    print_ready(sheet, heading_rows=(1, 1), landscape=True, title=title[:200])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return len(indicators)


def read_entry_form(path: Path) -> EntryFile:
    """Read a filled form; raise :class:`ImportRefused` listing every bad row (and its sheet, when
    the workbook has several)."""
    if path.suffix.lower() != ".xlsx":
        raise DunghanError(
            _("{path}: indicators import takes an .xlsx file ({action} writes one)").format(path=path, action=ACTION),
            action="indicators template",
        )
    if not path.exists():
        raise DunghanError(_("{path}: no such file").format(path=path))
    aliases = {heading.lower(): key for key, heading in HEADINGS.items()}
    errors: list[str] = []
    rows: list[ValueRow] = []
    first: tuple[str, str, str] | None = None
    sheets = read_sheets(path, aliases)
    for title, records in sheets:
        where = _("{file}, sheet {sheet}").format(file=path.name, sheet=title) if len(sheets) > 1 else path.name
        for number, raw in records:
            text = {k: cell_text(raw.get(k)) for k in HEADINGS}
            code = text["code"] or "?"

            def error(column: str, message: str, number: int = number, code: str = code, where: str = where) -> None:
                errors.append(
                    _("{where}: row {row}, column {column} ({code}): {problem}").format(
                        where=where, row=number, column=HEADINGS[column], code=code, problem=message
                    )
                )

            for column in ("pack", "form", "year", "unit", "code"):
                if not text[column]:
                    error(column, _("is empty"))
            key = (text["pack"], text["form"], text["year"])
            if first is None:
                first = key
            elif key != first:
                error(
                    "pack",
                    _("{given} differs from {first} above: one table and year per file").format(
                        given="/".join(key), first="/".join(first)
                    ),
                )
            if not text["year"].isdigit():
                error("year", _("{value!r} is not a year").format(value=text["year"]))
            raw_value = raw.get("value")
            if raw_value is None or text["value"] == "":
                continue
            try:
                value = float(raw_value) if isinstance(raw_value, int | float) else parse_figure(text["value"])
            except ValueError:
                error("value", _("{value!r} is not a number").format(value=text["value"]))
                continue
            sheet = title if len(sheets) > 1 else None
            rows.append(ValueRow(number, text["unit"], text["code"], value, text["note"] or None, sheet))
    if errors:
        raise ImportRefused(errors)
    if first is None:
        raise DunghanError(
            _("{file}: no rows ({action} writes the form to fill in)").format(file=path.name, action=ACTION),
            action="indicators template",
        )
    return EntryFile(first[0], first[1], int(first[2]), rows)
