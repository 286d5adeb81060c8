"""The overdue list as a spreadsheet a supervisor forwards: Vietnamese headings, one row per
obligation, real dates in Vietnam time, late and left working days in columns of their own."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.lifecycle import STATE_NAMES
from models.queries import OverdueRow
from reports.table_xlsx import write_sheet
from rules.calendar import VIETNAM
from rules.periods import period_name
from rules.schema import LEVEL_NAMES

SHEET_TITLE = "Quá hạn"
COLUMNS = [
    ("status", "Tình trạng"),
    ("unit", "Mã đơn vị"),
    ("unit_name", "Đơn vị"),
    ("level", "Cấp"),
    ("report_name", "Báo cáo"),
    ("period", "Kỳ báo cáo"),
    ("due_date", "Hạn"),
    ("wording", "Văn bản ghi"),
    ("days_late", "Số ngày làm việc quá hạn"),
    ("days_left", "Số ngày làm việc còn lại"),
    ("state", "Trạng thái"),
    ("extended", "Đã gia hạn"),
    ("focal_point", "Cán bộ đầu mối"),
    ("focal_point_email", "Thư điện tử đầu mối"),
    ("head", "Thủ trưởng"),
    ("head_email", "Thư điện tử thủ trưởng"),
    ("recipient", "Nơi nhận"),
    ("id", "Số nghĩa vụ"),
]


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


def overdue_workbook(rows: Sequence[OverdueRow]) -> bytes:
    """An XLSX of ``rows`` (one sheet, 'Quá hạn')."""
    with tempfile.TemporaryDirectory(prefix="dunghan-xlsx-") as folder:
        path = Path(folder) / "qua-han.xlsx"
        write_sheet(path, SHEET_TITLE, overdue_records(rows), COLUMNS)
        return path.read_bytes()
