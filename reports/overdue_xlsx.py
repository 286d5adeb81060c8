"""The overdue list as a spreadsheet a supervisor forwards: a title naming the unit and the instant
it is as of, Vietnamese headings, one row per obligation, real dates in Vietnam time, working days
late and working days left in columns of their own; it prints on A4 landscape, one page wide."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from models.lifecycle import STATE_NAMES
from models.queries import OverdueRow
from reports.spreadsheet import as_of
from reports.table_xlsx import Column, write_sheet
from rules.calendar import VIETNAM
from rules.periods import period_name
from rules.schema import LEVEL_NAMES

SHEET_TITLE = "Quá hạn"
TITLE = "DANH SÁCH BÁO CÁO QUÁ HẠN VÀ SẮP ĐẾN HẠN"
# The first PRINTED columns fit an A4 page across; the others (codes, e-mail addresses, the
# deadline's wording, the obligation's number) are on screen and in filters only.
COLUMNS: list[Column] = [
    ("status", "Tình trạng", 11),
    ("unit_name", "Đơn vị", 24),
    ("level", "Cấp", 8),
    ("report_name", "Báo cáo", 30),
    ("period", "Kỳ báo cáo", 14),
    ("due_date", "Hạn nộp", 11),
    ("days_late", "Số ngày làm việc đã quá hạn", 11),
    ("days_left", "Số ngày làm việc còn lại đến hạn", 11),
    ("state", "Trạng thái", 12),
    ("extended", "Đã gia hạn", 8),
    ("focal_point", "Cán bộ đầu mối", 18),
    ("head", "Thủ trưởng", 18),
    ("recipient", "Nơi nhận", 22),
    ("unit", "Mã đơn vị", 11),
    ("wording", "Văn bản ghi", 30),
    ("focal_point_email", "Thư điện tử đầu mối", 28),
    ("head_email", "Thư điện tử thủ trưởng", 28),
    ("id", "Số nghĩa vụ", 11),
]
PRINTED = 13


def overdue_records(rows: Sequence[OverdueRow]) -> list[dict[str, Any]]:
    """The rows as the sheet shows them, in Vietnamese."""
    records = []
    for r in rows:
        late = r.status == "quá hạn"
        records.append(
            {
                "status": r.status,
                "unit": r.unit,
                "unit_name": r.unit_name,
                "level": LEVEL_NAMES.get(r.level, r.level),
                "report_name": r.report_name,
                "period": period_name(r.period),
                "due_date": r.due_date,
                "due_at": r.due_at.astimezone(VIETNAM),
                "wording": r.wording,
                "days_late": r.working_days if late else None,
                "days_left": None if late else r.working_days,
                "state": STATE_NAMES.get(r.state, r.state),
                "extended": "có" if r.late_with_permission else "",
                "focal_point": r.focal_point,
                "focal_point_email": r.focal_point_email,
                "head": r.head,
                "head_email": r.head_email,
                "recipient": r.recipient,
                "id": r.id,
            }
        )
    return records


def heading(rows: Sequence[OverdueRow], *, at: datetime | None, scope: str | None) -> list[str]:
    """The title block: what the list is, for which unit, as of when, and how many rows it has."""
    late = sum(1 for r in rows if r.status == "quá hạn")
    lines = [TITLE]
    where = f"Đơn vị: {scope}" if scope else "Phạm vi: mọi đơn vị được theo dõi"
    lines.append(f"{where} – {as_of(at)}" if at is not None else where)
    lines.append(f"{_count(late)} báo cáo quá hạn, {_count(len(rows) - late)} báo cáo sắp đến hạn")
    return lines


def _count(number: int) -> str:
    """12.345: a count as Vietnamese writes it."""
    return f"{number:,}".replace(",", ".")


def overdue_workbook(rows: Sequence[OverdueRow], *, at: datetime | None = None, scope: str | None = None) -> bytes:
    """An XLSX of ``rows`` (one sheet, 'Quá hạn') under its title block: ``scope`` names the
    unit the list covers, ``at`` the instant it is as of."""
    with tempfile.TemporaryDirectory(prefix="dunghan-xlsx-") as folder:
        path = Path(folder) / "qua-han.xlsx"
        write_sheet(
            path,
            SHEET_TITLE,
            overdue_records(rows),
            COLUMNS,
            heading=heading(rows, at=at, scope=scope),
            printed=PRINTED,
            landscape=True,
        )
        return path.read_bytes()
