"""The XLSX form a unit fills in with its campaign activities, and reading it back.

Sheets: "Thông tin" (pack, campaign, year, unit: what the import needs, and how to fill in),
"Hoạt động" (one row per activity, Vietnamese headings, a drop-down of activity types, whole
numbers of 0 or more, dates inside the campaign's window) and "Danh mục" (the types' names).
Reading checks every cell and names its row and column; ``models.activity_logs`` checks the rest.
Each sheet prints as our other workbooks do (:func:`reports.spreadsheet.print_ready`): A4, one page
wide, its heading row on every page, the form's title at the head of each page, one font.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from models.activity_logs import LogRow
from reports.spreadsheet import HEADER_FILL, font, open_workbook, print_ready, sheet_rows, text_row
from rules.activity import MEDIA_KINDS, NOTE_MAX, TITLE_MAX, ActivityEntry, PackCampaign, campaign_window, parse_count
from rules.clock import read_day as read_text_day
from rules.errors import ACTION, DunghanError
from rules.i18n import _
from rules.text import cell_text, is_sample

INFO_SHEET, ENTRY_SHEET, LIST_SHEET = "Thông tin", "Hoạt động", "Danh mục"
INFO_LABELS = {"pack": "Gói quy định", "campaign": "Chiến dịch", "year": "Năm", "unit": "Mã đơn vị"}

# (field, heading, width); the headings are what people read and what the import looks for.
COLUMNS: list[tuple[str, str, int]] = [
    ("day", "Ngày", 12),
    ("activity_type", "Loại hoạt động", 40),
    ("title", "Tên hoạt động", 45),
    ("male", "Số người tham gia: nam", 12),
    ("female", "Số người tham gia: nữ", 12),
    ("total", "Số người tham gia: tổng số", 14),
    *((f"media.{kind}", f"Sản phẩm: {name}", 18) for kind, name in MEDIA_KINDS.items()),
    ("budget", "Kinh phí (đồng)", 16),
    ("note", "Ghi chú", 40),
]
HEADINGS = {fld: heading for fld, heading, _width in COLUMNS} | {"unit": INFO_LABELS["unit"]}
NUMBERS = ("male", "female", "total", *(f"media.{kind}" for kind in MEDIA_KINDS), "budget")
GUIDANCE = [
    "Mỗi dòng của trang «Hoạt động» là một hoạt động. Chỉ ghi số lượng: không ghi tên, số điện thoại, "
    "số CCCD, năm sinh hay bất cứ điều gì nhận diện người bị bạo lực.",
    "Số người tham gia: nam + nữ = tổng số (để trống tổng số thì được tính bằng nam + nữ). "
    "Các số là số nguyên, không âm; để trống là 0.",
    "Không sửa trang «Thông tin»: dunghan đọc gói, chiến dịch, năm và mã đơn vị ở đây.",
]
FORM_ROWS = 300


@dataclass(frozen=True)
class FormContent:
    chosen: PackCampaign
    year: int
    unit: str
    rows: list[LogRow]
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, sentence)


def write_form(path: Path, *, chosen: PackCampaign, year: int, unit_code: str, unit_name: str) -> None:
    """Write the form for one unit, with drop-downs and data validation."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    window = campaign_window(chosen.campaign, year)
    book = Workbook()
    info = book.active
    assert info is not None
    info.title = INFO_SHEET
    for key, value in (
        ("pack", chosen.pack.id),
        ("campaign", chosen.campaign.id),
        ("year", year),
        ("unit", unit_code),
    ):
        info.append(text_row(info, [INFO_LABELS[key], value]))
    info.append(text_row(info, ["Đơn vị", unit_name]))
    info.append(text_row(info, ["Tên chiến dịch", chosen.campaign.name]))
    info.append(text_row(info, ["Thời gian", f"{window.start:%d/%m/%Y} – {window.end:%d/%m/%Y}"]))
    if window.earliest < window.start:
        info.append(text_row(info, ["Hoạt động chuẩn bị từ", f"{window.earliest:%d/%m/%Y}"]))
    info.append([])
    for line in GUIDANCE:
        info.append(text_row(info, ["Hướng dẫn", line]))
    info["B3"].number_format = "0"  # the year, without a thousands separator
    info["B3"].alignment = Alignment(horizontal="left")
    for row in info.iter_rows():
        row[0].font = font(bold=True)
        row[0].alignment = Alignment(vertical="top")
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 100

    entries = book.create_sheet(ENTRY_SHEET)
    entries.append(text_row(entries, [heading for _field, heading, _width in COLUMNS]))
    for index, (_field, _heading, width) in enumerate(COLUMNS, start=1):
        entries.column_dimensions[get_column_letter(index)].width = width
        cell = entries.cell(row=1, column=index)
        cell.font = font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    entries.freeze_panes = "A2"

    lists = book.create_sheet(LIST_SHEET)
    lists.append(text_row(lists, ["Loại hoạt động", "Mã"]))
    for type_id, name in chosen.type_ids().items():
        lists.append(text_row(lists, [name, type_id]))
    lists.column_dimensions["A"].width = 50
    lists.column_dimensions["B"].width = 24
    for cell in lists[1]:
        cell.font = font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)

    def column(fld: str) -> str:
        return get_column_letter(next(i for i, (f, _heading, _width) in enumerate(COLUMNS, start=1) if f == fld))

    def cells(fld: str) -> str:
        return f"{column(fld)}2:{column(fld)}{FORM_ROWS + 1}"

    last = len(chosen.type_ids()) + 1
    types = DataValidation(
        type="list",
        formula1=f"='{LIST_SHEET}'!$A$2:$A${last}",
        showErrorMessage=True,
        errorTitle="Loại hoạt động",
        error="Chọn một loại hoạt động trong danh sách.",
    )
    types.add(cells("activity_type"))
    days = DataValidation(
        type="date",
        operator="between",
        formula1=f"DATE({window.earliest.year},{window.earliest.month},{window.earliest.day})",
        formula2=f"DATE({window.end.year},{window.end.month},{window.end.day})",
        showErrorMessage=True,
        errorTitle="Ngày",
        error=f"Ngày trong khoảng {window.earliest:%d/%m/%Y} – {window.end:%d/%m/%Y}.",
    )
    days.add(cells("day"))
    whole = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        showErrorMessage=True,
        errorTitle="Số",
        error="Nhập số nguyên, không âm.",
    )
    for fld in NUMBERS:
        whole.add(cells(fld))
    title = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(TITLE_MAX),
        showErrorMessage=True,
        error=f"Tối đa {TITLE_MAX} ký tự.",
    )
    title.add(cells("title"))
    note = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(NOTE_MAX),
        showErrorMessage=True,
        error=f"Tối đa {NOTE_MAX} ký tự.",
    )
    note.add(cells("note"))
    for validation in (types, days, whole, title, note):
        entries.add_data_validation(validation)
    for number in range(2, FORM_ROWS + 2):
        entries[f"{column('day')}{number}"].number_format = "dd/mm/yyyy"
        entries[f"{column('budget')}{number}"].number_format = "#,##0"
    heading = form_title(chosen, year, unit_name)
    print_ready(info, title=heading)
    print_ready(entries, heading_rows=(1, 1), landscape=True, title=heading)
    print_ready(lists, heading_rows=(1, 1), title=heading)
    book.properties.title = heading
    book.active = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def form_title(chosen: PackCampaign, year: int, unit_name: str) -> str:
    """What each printed page of the form says at its head: the campaign, its year, the unit."""
    return f"Hoạt động {chosen.campaign.name} năm {year} – {unit_name}"[:200]


def read_day(value: Any) -> date:
    """A date cell: a real date, or text written dd/mm/yyyy or YYYY-MM-DD."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return read_text_day(cell_text(value))


def read_form(path: Path, choose: Callable[[str, str, int], PackCampaign]) -> FormContent:
    """The form's campaign and rows; cells that cannot be read are listed in ``errors`` with their
    row and column. ``choose(pack, campaign, year)`` finds the campaign the form names."""
    if path.suffix.lower() != ".xlsx":
        raise DunghanError(
            _("{path}: activity import takes the .xlsx form of {action}").format(path=path, action=ACTION),
            action="activity template",
        )
    if not path.exists():
        raise DunghanError(_("{path}: no such file").format(path=path))
    with open_workbook(path) as book:
        if INFO_SHEET not in book.sheetnames or ENTRY_SHEET not in book.sheetnames:
            raise DunghanError(
                _("{file}: sheets {info!r} and {entries!r} are missing: start from {action}").format(
                    file=path.name, info=INFO_SHEET, entries=ENTRY_SHEET, action=ACTION
                ),
                action="activity template",
            )
        labels = {label: key for key, label in INFO_LABELS.items()}
        header: dict[str, str] = {}
        for _number, row in sheet_rows(book[INFO_SHEET], path.name):
            if row and cell_text(row[0]) in labels:
                header[labels[cell_text(row[0])]] = cell_text(row[1] if len(row) > 1 else None)
        missing = [INFO_LABELS[k] for k in INFO_LABELS if not header.get(k)]
        if missing:
            raise DunghanError(
                _("{file}: sheet {sheet!r} lacks {missing}").format(
                    file=path.name, sheet=INFO_SHEET, missing=", ".join(missing)
                )
            )
        if not header["year"].isdigit():
            raise DunghanError(
                _("{file}: sheet {sheet!r}: the year {year!r} is not a year").format(
                    file=path.name, sheet=INFO_SHEET, year=header["year"]
                )
            )
        records = [values for _number, values in sheet_rows(book[ENTRY_SHEET], path.name)]
    by_heading = {heading.lower(): fld for fld, heading, _width in COLUMNS}
    names = [by_heading.get(cell_text(h).lower()) for h in (records[0] if records else [])]
    errors: list[tuple[int, str]] = []
    unit = header["unit"]
    if absent := [heading for fld, heading, _width in COLUMNS if fld not in names]:
        raise DunghanError(
            _("{file}: sheet {sheet!r} lacks the column(s) {missing}").format(
                file=path.name, sheet=ENTRY_SHEET, missing=", ".join(absent)
            )
        )
    chosen = choose(header["pack"], header["campaign"], int(header["year"]))
    type_by_name = {name.lower(): type_id for type_id, name in chosen.type_ids().items()}
    window = campaign_window(chosen.campaign, int(header["year"]))
    rows: list[LogRow] = []
    for number, values in enumerate(records[1:], start=2):
        raw = {n: v for n, v in zip(names, values, strict=False) if n}
        if all(cell_text(v) == "" for v in raw.values()) or is_sample(values):
            continue
        where = _("{file}: row {row} ({unit})").format(file=path.name, row=number, unit=unit)
        unreadable: set[str] = set()
        numbers: dict[str, int] = {}
        for fld in NUMBERS:
            if fld == "total" and cell_text(raw.get(fld)) == "":
                continue
            try:
                numbers[fld] = parse_count(raw.get(fld))
            except ValueError as exc:
                errors.append(
                    (
                        number,
                        _("{where}, column {column}: {problem}").format(where=where, column=HEADINGS[fld], problem=exc),
                    )
                )
                unreadable.add(fld)
                numbers[fld] = 0
        day = window.start  # a placeholder while the cell cannot be read
        if cell_text(raw.get("day")) == "":
            errors.append(
                (number, _("{where}, column {column}: the date is empty").format(where=where, column=HEADINGS["day"]))
            )
            unreadable.add("day")
        else:
            try:
                day = read_day(raw.get("day"))
            except ValueError:
                text = cell_text(raw.get("day"))
                errors.append(
                    (
                        number,
                        _("{where}, column {column}: {text!r} is not a date (dd/mm/yyyy)").format(
                            where=where, column=HEADINGS["day"], text=text
                        ),
                    )
                )
                unreadable.add("day")
        type_text = cell_text(raw.get("activity_type"))
        entry = ActivityEntry(
            day=day,
            activity_type=type_by_name.get(type_text.lower(), type_text),
            title=cell_text(raw.get("title")),
            male=numbers["male"],
            female=numbers["female"],
            total=numbers.get("total"),
            media={kind: numbers[f"media.{kind}"] for kind in MEDIA_KINDS},
            budget=numbers["budget"],
            note=cell_text(raw.get("note")) or None,
        )
        rows.append(LogRow(number, unit, entry, frozenset(unreadable)))
    return FormContent(chosen, int(header["year"]), unit, rows, errors)
