"""The supervisor's lists as spreadsheets, the use case behind `dunghan overdue --format xlsx` and
`dunghan status --format xlsx`: written to the data folder's ``reports/`` unless the caller gives
a path, as roll-ups are.

The overdue list is written by the writer of the web's /qua-han.xlsx, so the file a supervisor
downloads and the one the command writes are the same; the rates are one sheet with Vietnamese
headings, a row per level, report and period.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from models.queries import OverdueRow, StatusRow
from reports import overdue_xlsx
from reports.table_xlsx import write_sheet
from rules.calendar import VIETNAM
from rules.periods import period_name
from rules.schema import LEVEL_NAMES

STATUS_SHEET = "Tỷ lệ báo cáo"
STATUS_COLUMNS = [
    ("came_from", "Đơn vị nguồn"),
    ("level", "Cấp"),
    ("report", "Báo cáo"),
    ("period", "Kỳ báo cáo"),
    ("expected", "Phải nộp"),
    ("submitted", "Đã nộp"),
    ("on_time", "Đúng hạn"),
    ("overdue", "Quá hạn"),
    ("exempted", "Miễn"),
    ("reporting_rate", "Tỷ lệ nộp (%)"),
    ("timeliness_rate", "Tỷ lệ đúng hạn (%)"),
]


def _stem(kind: str, at: datetime, under: str | None, year: int | None = None) -> str:
    """'qua-han-24-2026-06-24', 'ty-le-bao-cao-2026-2026-06-24': what, where, for when, as of when."""
    parts = [kind, *([under] if under else []), *([str(year)] if year else []), f"{at.astimezone(VIETNAM):%Y-%m-%d}"]
    return "-".join(parts)


def overdue_path(home: Path, *, at: datetime, under: str | None) -> Path:
    """Where the overdue list goes when no path is given: ``reports/qua-han[-UNDER]-DATE.xlsx``."""
    return home / "reports" / f"{_stem('qua-han', at, under)}.xlsx"


def write_overdue(
    rows: Sequence[OverdueRow], home: Path, *, at: datetime, under: str | None, path: Path | None = None
) -> Path:
    """The overdue list as the web's /qua-han.xlsx, at ``path`` or in ``home``'s reports/."""
    target = path or overdue_path(home, at=at, under=under)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(overdue_xlsx.overdue_workbook(rows))
    return target


def status_records(rows: Sequence[StatusRow]) -> list[dict[str, Any]]:
    """The rates as the sheet shows them: levels and periods named, rates in per cent."""
    return [
        dataclasses.asdict(r)
        | {
            "level": LEVEL_NAMES.get(r.level, r.level),
            "period": period_name(r.period),
            "reporting_rate": r.reporting_rate,
            "timeliness_rate": r.timeliness_rate,
        }
        for r in rows
    ]


def status_path(home: Path, *, at: datetime, under: str | None, year: int | None) -> Path:
    """Where the rates go when no path is given: ``reports/ty-le-bao-cao[-UNDER][-YEAR]-DATE.xlsx``."""
    return home / "reports" / f"{_stem('ty-le-bao-cao', at, under, year)}.xlsx"


def write_status(
    rows: Sequence[StatusRow],
    home: Path,
    *,
    at: datetime,
    under: str | None,
    year: int | None,
    path: Path | None = None,
) -> Path:
    """The rates, one sheet, at ``path`` or in ``home``'s reports/."""
    target = path or status_path(home, at=at, under=under, year=year)
    columns = STATUS_COLUMNS if any(r.came_from for r in rows) else STATUS_COLUMNS[1:]
    write_sheet(target, STATUS_SHEET, status_records(rows), columns)
    return target
