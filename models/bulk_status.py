"""Bulk status updates from a spreadsheet (dunghan submissions import): all rows or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import Engine

from models.database import transaction
from models.obligations import ObligationKey, act
from models.org_rows import ImportRefused
from models.spreadsheet import cell_text, read_sheets
from rules.calendar import VIETNAM, WorkCalendar
from rules.errors import DunghanError

COLUMNS = ("unit", "report", "period", "hop", "action", "at", "by", "note")
HEADINGS = {
    "mã đơn vị": "unit",
    "báo cáo": "report",
    "kỳ": "period",
    "bước": "hop",
    "thao tác": "action",
    "thời điểm": "at",
    "người thực hiện": "by",
    "ghi chú": "note",
}
ACTIONS = {
    "submit": "submit",
    "nộp": "submit",
    "accept": "accept",
    "tiếp nhận": "accept",
    "return": "return",
    "trả lại": "return",
    "exempt": "exempt",
    "miễn": "exempt",
}


@dataclass(frozen=True)
class StatusRow:
    row: int
    key: ObligationKey
    action: str
    at: datetime
    actor: str | None
    note: str | None


def _instant(text: str) -> datetime:
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time(12), tzinfo=VIETNAM)
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=VIETNAM) if value.tzinfo is None else value


def read_status_rows(path: Path) -> list[StatusRow]:
    if path.suffix.lower() != ".xlsx":
        raise DunghanError(f"{path}: submissions import takes an .xlsx file")
    if not path.exists():
        raise DunghanError(f"{path}: no such file")
    errors: list[str] = []
    rows: list[StatusRow] = []
    for _title, records in read_sheets(path, HEADINGS):
        for number, raw in records:
            values = {k: cell_text(raw.get(k)) for k in COLUMNS}
            where = f"{path.name}: row {number}" + (f" ({values['unit']})" if values["unit"] else "")
            missing = [k for k in ("unit", "report", "period", "action", "at") if not values[k]]
            if missing:
                errors.append(f"{where}: missing {', '.join(missing)}")
                continue
            action = ACTIONS.get(values["action"].lower())
            if action is None:
                errors.append(f"{where}: action {values['action']!r} is not one of submit, accept, return, exempt")
                continue
            try:
                at = _instant(values["at"])
            except ValueError:
                errors.append(f"{where}: at {values['at']!r} is not a date or an instant (YYYY-MM-DD[THH:MM])")
                continue
            if values["hop"] and not values["hop"].isdigit():
                errors.append(f"{where}: hop {values['hop']!r} is not a number")
                continue
            key = ObligationKey(
                values["unit"], values["report"], values["period"], int(values["hop"]) if values["hop"] else None
            )
            rows.append(StatusRow(number, key, action, at, values["by"] or None, values["note"] or None))
    if errors:
        raise ImportRefused(errors)
    return rows


def apply_status_rows(
    engine: Engine, rows: list[StatusRow], *, calendar: WorkCalendar, default_actor: str, label: str
) -> int:
    """Apply every row in order in one transaction; if any row is refused, none is kept."""
    errors: list[str] = []
    with transaction(engine) as session:
        for row in sorted(rows, key=lambda r: (r.at, r.row)):
            try:
                with session.begin_nested():  # a refused row leaves the others' work intact to check them
                    act(
                        session,
                        row.key,
                        row.action,
                        at=row.at,
                        actor=row.actor or default_actor,
                        calendar=calendar,
                        note=row.note,
                    )
            except DunghanError as exc:
                errors.append(f"{label}: row {row.row} ({row.key.unit}): {exc}")
        if errors:
            raise ImportRefused(errors)  # leaving the transaction with an error rolls everything back
    return len(rows)
