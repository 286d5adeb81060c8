"""`dunghan overdue | status`: what supervisors ask."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from app.errors import report_errors
from app.options import AtOption, FormatOption
from app.output import Format, render
from app.workspace import database
from app.xlsx import write_sheet
from rules.calendar import VIETNAM
from rules.clock import clock_for
from rules.errors import DunghanError
from rules.loader import calendar_for

UnderOption = Annotated[str | None, typer.Option("--under", help="Only units under this one (code).")]
ReportOption = Annotated[str | None, typer.Option("--report", help="Only this report id.")]
LevelOption = Annotated[str | None, typer.Option("--level", help="Only units of this level (commune, province…).")]


class OverdueFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


OVERDUE_COLUMNS = [
    ("status", "tình trạng"),
    ("unit", "mã đơn vị"),
    ("unit_name", "đơn vị"),
    ("report", "báo cáo"),
    ("period", "kỳ"),
    ("due_date", "hạn"),
    ("working_days", "số ngày làm việc"),
    ("focal_point", "cán bộ đầu mối"),
    ("focal_point_email", "email đầu mối"),
    ("head", "thủ trưởng"),
    ("recipient", "nơi nhận"),
]
STATUS_COLUMNS = [
    ("level", "cấp"),
    ("report", "báo cáo"),
    ("period", "kỳ"),
    ("expected", "phải nộp"),
    ("submitted", "đã nộp"),
    ("on_time", "đúng hạn"),
    ("overdue", "quá hạn"),
    ("exempted", "miễn"),
    ("reporting_rate", "tỷ lệ nộp %"),
    ("timeliness_rate", "tỷ lệ đúng hạn %"),
]


def overdue(
    under: UnderOption = None,
    report: ReportOption = None,
    level: LevelOption = None,
    soon: Annotated[int, typer.Option("--soon", help="Also list what is due within N working days.")] = 3,
    fmt: Annotated[OverdueFormat, typer.Option("--format", "-f", help="table, json or xlsx.")] = OverdueFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The XLSX file to write.")] = None,
    at: AtOption = None,
) -> None:
    """List overdue and due-soon obligations, most late first, with focal point and head.

    Example: dunghan overdue --under 24 --level commune --format xlsx -o qua-han.xlsx
    """
    now = clock_for(at)()
    from models import queries  # the database layer loads only for commands that use it

    rows = queries.overdue(
        database(), at=now, calendar=calendar_for(), under=under, report=report, level=level, soon=soon
    )
    records: list[dict[str, Any]] = [dataclasses.asdict(r) for r in rows]
    for record in records:
        record["due_at"] = record["due_at"].astimezone(VIETNAM)
    if fmt is OverdueFormat.xlsx:
        if output is None:
            raise DunghanError("--format xlsx writes a file: give it with --output FILE.xlsx")
        write_sheet(output, "Quá hạn", records, OVERDUE_COLUMNS)
        typer.echo(f"wrote {len(records)} row(s) to {output}")
        return
    typer.echo(render(records, OVERDUE_COLUMNS, Format(fmt.value)))


def status(
    under: UnderOption = None,
    report: ReportOption = None,
    level: LevelOption = None,
    year: Annotated[int | None, typer.Option("--year", help="Only cycles of this year.")] = None,
    fmt: FormatOption = Format.table,
    at: AtOption = None,
) -> None:
    """Reporting rates per level and report: expected, submitted, on time, overdue (never above 100%).

    Example: dunghan status --under 24 --year 2026 --format json
    """
    from models import queries

    rows = queries.status(database(), at=clock_for(at)(), year=year, under=under, report=report, level=level)
    records = [
        dict(dataclasses.asdict(r), reporting_rate=r.reporting_rate, timeliness_rate=r.timeliness_rate) for r in rows
    ]
    typer.echo(render(records, STATUS_COLUMNS, fmt))


def register(app: typer.Typer) -> None:
    for command in (overdue, status):
        app.command(command.__name__)(report_errors(command))
