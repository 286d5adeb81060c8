"""The supervisor's lists as spreadsheets, the use case behind `dunghan overdue --format xlsx` and
`dunghan status --format xlsx`: written to the data folder's ``reports/`` unless the caller gives
a path, as roll-ups are.

The overdue list is written by the writer of the web's /qua-han.xlsx, so the file a supervisor
downloads and the one the command writes are the same; the rates are one sheet with Vietnamese
headings, a row per level, report and period. Both have a title naming the unit and the instant
they are as of, and print on A4, one page wide.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from models.queries import OverdueRow, StatusRow
from reports import overdue_xlsx
from reports.spreadsheet import as_of
from reports.table_xlsx import Column, write_sheet
from rules.calendar import VIETNAM
from rules.periods import period_name
from rules.schema import LEVEL_NAMES

STATUS_SHEET = "Tỷ lệ báo cáo"
STATUS_TITLE = "TỶ LỆ NỘP BÁO CÁO VÀ TỶ LỆ NỘP ĐÚNG HẠN"
STATUS_COLUMNS: list[Column] = [
    ("came_from", "Đơn vị nguồn", 22),
    ("level", "Cấp", 9),
    ("report_name", "Báo cáo", 36),
    ("period", "Kỳ báo cáo", 16),
    ("expected", "Phải nộp", 9),
    ("submitted", "Đã nộp", 9),
    ("on_time", "Đúng hạn", 9),
    ("overdue", "Quá hạn", 9),
    ("exempted", "Miễn", 8),
    ("reporting_rate", "Tỷ lệ nộp (%)", 10),
    ("timeliness_rate", "Tỷ lệ đúng hạn (%)", 10),
    ("report", "Mã báo cáo", 24),
]


def scope_name(engine: Engine, under: str | None, *, at: datetime) -> str | None:
    """'Tỉnh Bắc Ninh (24)': the unit holding ``under`` on the day of ``at``, as a list's title
    names it; None for everywhere."""
    if not under:
        return None
    from models.units import unit_at

    unit = unit_at(engine, under, at.astimezone(VIETNAM).date())
    return f"{unit.name} ({unit.code})"


def report_names() -> dict[str, str]:
    """Each report's name, by its id, from the packs in force (the first pack naming it)."""
    from app.packs_in_force import packs_in_force

    names: dict[str, str] = {}
    for loaded in packs_in_force():
        for report in loaded.pack.reports:
            names.setdefault(report.id, report.name)
    return names


def _stem(kind: str, at: datetime, under: str | None, year: int | None = None) -> str:
    """'qua-han-24-2026-06-24', 'ty-le-bao-cao-2026-2026-06-24': what, where, for when, as of when."""
    parts = [kind, *([under] if under else []), *([str(year)] if year else []), f"{at.astimezone(VIETNAM):%Y-%m-%d}"]
    return "-".join(parts)


def overdue_path(home: Path, *, at: datetime, under: str | None) -> Path:
    """Where the overdue list goes when no path is given: ``reports/qua-han[-UNDER]-DATE.xlsx``."""
    return home / "reports" / f"{_stem('qua-han', at, under)}.xlsx"


def write_overdue(
    rows: Sequence[OverdueRow],
    home: Path,
    *,
    at: datetime,
    under: str | None,
    path: Path | None = None,
    scope: str | None = None,
) -> Path:
    """The overdue list as the web's /qua-han.xlsx, at ``path`` or in ``home``'s reports/;
    ``scope`` names the unit ``under`` in its title (see :func:`scope_name`), else its code does."""
    target = path or overdue_path(home, at=at, under=under)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(overdue_xlsx.overdue_workbook(rows, at=at, scope=scope or _code_scope(under)))
    return target


def _code_scope(under: str | None) -> str | None:
    return f"mã {under}" if under else None


def status_records(rows: Sequence[StatusRow], names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The rates as the sheet shows them: levels, reports (by ``names``) and periods named, rates
    in per cent."""
    return [
        dataclasses.asdict(r)
        | {
            "level": LEVEL_NAMES.get(r.level, r.level),
            "report_name": (names or {}).get(r.report, r.report),
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
    scope: str | None = None,
) -> Path:
    """The rates, one sheet, at ``path`` or in ``home``'s reports/, under a title naming the
    year, the unit (``scope``, else ``under``'s code) and the instant they are as of."""
    target = path or status_path(home, at=at, under=under, year=year)
    columns = STATUS_COLUMNS if any(r.came_from for r in rows) else STATUS_COLUMNS[1:]
    title = f"{STATUS_TITLE} NĂM {year}" if year else STATUS_TITLE
    where = scope or _code_scope(under)
    lines = [title, f"{f'Đơn vị: {where}' if where else 'Phạm vi: mọi đơn vị được theo dõi'} – {as_of(at)}"]
    write_sheet(
        target,
        STATUS_SHEET,
        status_records(rows, report_names()),
        columns,
        heading=lines,
        printed=len(columns) - 1,
        landscape=True,
    )
    return target
