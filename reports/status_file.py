"""The submissions spreadsheet (dunghan submissions import): its template written (the headings
the import reads, a drop-down of the actions, an example row never imported, printed as our other
workbooks), its rows read and checked; models.bulk_status applies them, all rows or none. A day
or an instant is read as dd/mm/yyyy [HH:MM], as ISO, or from a date cell."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from models.bulk_status import ACTIONS, COLUMNS, HEADINGS, StatusRow
from models.obligations import ObligationKey
from models.org_rows import ImportRefused
from reports.spreadsheet import read_workbook
from reports.table_xlsx import LIST_SHEET, Column, write_sheet
from rules.clock import read_instant
from rules.errors import DunghanError
from rules.i18n import _
from rules.text import cell_text

SHEET_TITLE = "Tình hình nộp"
PAGE_TITLE = "CẬP NHẬT TÌNH HÌNH NỘP, TIẾP NHẬN BÁO CÁO"
ACTION_CHOICES = ["nộp", "tiếp nhận", "trả lại", "miễn"]
WIDTHS = {"unit": 12, "report": 22, "period": 10, "hop": 7, "action": 12, "at": 18, "by": 24, "note": 36}
EXAMPLE = {
    "unit": "24-SYT",
    "report": "bdg-6-thang",
    "period": "2026-H1",
    "hop": 1,
    "action": "nộp",
    "at": "18/06/2026 16:00",
    "by": "Nguyễn Văn A (ví dụ)",
    "note": "",
}


def write_status_template(path: Path) -> None:
    """The spreadsheet to fill in for ``submissions import``: its headings first (where the
    import looks for them), the example row, a drop-down of the actions; A4 landscape."""
    columns: list[Column] = [(key, heading, WIDTHS[key]) for heading, key in HEADINGS.items()]
    write_sheet(
        path,
        SHEET_TITLE,
        [],
        columns,
        samples=[EXAMPLE],
        landscape=True,
        page_title=PAGE_TITLE,
        choices={"action": ACTION_CHOICES},
    )


def _instant(text: str) -> datetime:
    return read_instant(text, day_at=time(12))  # a day alone: its noon


def read_status_rows(path: Path) -> list[StatusRow]:
    if path.suffix.lower() != ".xlsx":
        raise DunghanError(_("{path}: submissions import takes an .xlsx file").format(path=path))
    if not path.exists():
        raise DunghanError(_("{path}: no such file").format(path=path))
    errors: list[str] = []
    rows: list[StatusRow] = []
    for sheet in read_workbook(path, HEADINGS):
        if sheet.title == LIST_SHEET:
            continue  # the template's drop-down choices
        for number, raw in sheet.records:
            values = {k: cell_text(raw.get(k)) for k in COLUMNS}
            if values["unit"]:
                where = _("{file}: row {row} ({code})").format(file=path.name, row=number, code=values["unit"])
            else:
                where = _("{file}: row {row}").format(file=path.name, row=number)
            missing = [k for k in ("unit", "report", "period", "action", "at") if not values[k]]
            if missing:
                errors.append(_("{where}: missing {columns}").format(where=where, columns=", ".join(missing)))
                continue
            action = ACTIONS.get(values["action"].lower())
            if action is None:
                errors.append(
                    _("{where}: action {value!r} is not one of submit, accept, return, exempt").format(
                        where=where, value=values["action"]
                    )
                )
                continue
            try:
                at = _instant(values["at"])
            except ValueError:
                errors.append(
                    _(
                        "{where}: at {value!r} is not a day or an instant (dd/mm/yyyy [HH:MM] or YYYY-MM-DD[THH:MM])"
                    ).format(where=where, value=values["at"])
                )
                continue
            if values["hop"] and not values["hop"].isdigit():
                errors.append(_("{where}: hop {value!r} is not a number").format(where=where, value=values["hop"]))
                continue
            key = ObligationKey(
                values["unit"], values["report"], values["period"], int(values["hop"]) if values["hop"] else None
            )
            rows.append(StatusRow(number, key, action, at, values["by"] or None, values["note"] or None))
    if errors:
        raise ImportRefused(errors)
    return rows
