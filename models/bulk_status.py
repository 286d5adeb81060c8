"""Bulk status updates from a spreadsheet (dunghan submissions import): all rows or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from models.database import transaction
from models.obligations import ObligationKey, act
from models.org_rows import ImportRefused
from rules.calendar import WorkCalendar
from rules.errors import DunghanError
from rules.i18n import _

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
                errors.append(
                    _("{file}: row {row} ({unit}): {problem}").format(
                        file=label, row=row.row, unit=row.key.unit, problem=exc
                    )
                )
        if errors:
            raise ImportRefused(errors)  # leaving the transaction with an error rolls everything back
    return len(rows)
