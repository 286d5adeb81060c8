"""`dunghan overdue | status`: what supervisors ask."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from app.workspace import database
from cli.errors import report_errors
from cli.labels import STATUS_LABELS, level_label
from cli.options import AtOption, FormatOption
from cli.output import Format, format_rows
from rules.calendar import VIETNAM
from rules.clock import clock_for
from rules.i18n import _
from rules.scope import under_or_everywhere

UnderOption = Annotated[str | None, typer.Option("--under", help=_("Only units under this one (code)."))]
ReportOption = Annotated[str | None, typer.Option("--report", help=_("Only this report id."))]
LevelOption = Annotated[str | None, typer.Option("--level", help=_("Only units of this level (commune, province…)."))]


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


OVERDUE_COLUMNS = [
    ("status_name", _("status")),
    ("unit", _("unit code")),
    ("unit_name", _("unit")),
    ("report", _("report")),
    ("period", _("period")),
    ("due_date", _("due")),
    ("working_days", _("no. of working days")),
    ("focal_point", _("focal point")),
    ("focal_point_email", _("focal point e-mail")),
    ("head", _("head")),
    ("recipient", _("recipient")),
]
STATUS_COLUMNS = [
    ("level_name", _("level")),
    ("report", _("report")),
    ("period", _("period")),
    ("expected", _("expected")),
    ("submitted", _("submitted")),
    ("on_time", _("on time")),
    ("overdue", _("overdue")),
    ("exempted", _("exempted")),
    ("reporting_rate", _("reporting rate %")),
    ("timeliness_rate", _("timeliness rate %")),
]


def overdue(
    under: UnderOption = None,
    report: ReportOption = None,
    level: LevelOption = None,
    soon: Annotated[int, typer.Option("--soon", help=_("Also list what is due within N working days."))] = 3,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help=_("table, json or xlsx."))] = ListFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=_("The XLSX file to write (default: the reports/ folder in the data folder).")
        ),
    ] = None,
    at: AtOption = None,
) -> None:
    now = clock_for(at)()
    from app import supervision  # the database layer loads only for commands that use it

    rows = supervision.overdue(
        database(reading=True), at=now, under=under_or_everywhere(under), report=report, level=level, soon=soon
    )
    if fmt is ListFormat.xlsx:
        from app.settings import get_settings
        from app.supervision_files import scope_name, write_overdue

        scope = scope_name(database(reading=True), under, at=now)
        written = write_overdue(rows, get_settings().home, at=now, under=under, path=output, scope=scope)
        typer.echo(_("wrote {count} rows to {path}").format(count=len(rows), path=written))
        return
    records: list[dict[str, Any]] = [dataclasses.asdict(r) for r in rows]
    for record in records:
        record["due_at"] = record["due_at"].astimezone(VIETNAM)
        if fmt is ListFormat.table:  # JSON keeps the state as stored
            record["status_name"] = STATUS_LABELS.get(record["status"], record["status"])
    typer.echo(format_rows(records, OVERDUE_COLUMNS, Format(fmt.value)))


def status(
    under: UnderOption = None,
    report: ReportOption = None,
    level: LevelOption = None,
    year: Annotated[int | None, typer.Option("--year", help=_("Only cycles of this year."))] = None,
    with_predecessors: Annotated[
        bool,
        typer.Option(
            "--with-predecessors",
            help=_("Also count the units --under took over (its history across the 2025 reform), row by row."),
        ),
    ] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help=_("table, json or xlsx."))] = ListFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=_("The XLSX file to write (default: the reports/ folder in the data folder).")
        ),
    ] = None,
    at: AtOption = None,
) -> None:
    from app import supervision

    now = clock_for(at)()
    rows = supervision.status(
        database(reading=True),
        at=now,
        year=year,
        under=under_or_everywhere(under),
        under_on=now.date() if at else None,
        report=report,
        level=level,
        with_predecessors=with_predecessors,
    )
    if fmt is ListFormat.xlsx:
        from app.settings import get_settings
        from app.supervision_files import scope_name, write_status

        scope = scope_name(database(reading=True), under, at=now)
        written = write_status(rows, get_settings().home, at=now, under=under, year=year, path=output, scope=scope)
        typer.echo(_("wrote {count} rows to {path}").format(count=len(rows), path=written))
        return
    records = [
        dict(dataclasses.asdict(r), reporting_rate=r.reporting_rate, timeliness_rate=r.timeliness_rate) for r in rows
    ]
    if fmt is ListFormat.table:  # "cấp xã" for people; JSON keeps the level's id
        for record in records:
            record["level_name"] = level_label(record["level"])
    columns = STATUS_COLUMNS if not any(r.came_from for r in rows) else [("came_from", _("source")), *STATUS_COLUMNS]
    typer.echo(format_rows(records, columns, Format(fmt.value)))


TREND_COLUMNS = [
    ("period", _("period")),
    ("pack", _("pack")),
    ("report", _("report")),
    ("came_from", _("unit")),
    ("expected", _("expected")),
    ("submitted", _("submitted")),
    ("on_time", _("on time")),
    ("reporting_rate", _("reporting rate %")),
    ("timeliness_rate", _("timeliness rate %")),
]


def trend(
    report: Annotated[str, typer.Argument(help=_("The report id (the pack's current report of the series)."))],
    under: Annotated[str, typer.Option("--under", help=_("The unit (code), held on --at or today."))],
    pack: Annotated[
        str | None, typer.Option("--pack", help=_("The pack of the report (default: the one in force on --at)."))
    ] = None,
    fmt: FormatOption = Format.table,
    at: AtOption = None,
) -> None:
    from app import supervision

    now = clock_for(at)()
    chosen = supervision.trend_pack(report, pack, at=now)
    rows = supervision.trend(database(reading=True), report, pack=chosen, under=under, at=now)
    records = [
        dict(dataclasses.asdict(r), reporting_rate=r.reporting_rate, timeliness_rate=r.timeliness_rate) for r in rows
    ]
    typer.echo(format_rows(records, TREND_COLUMNS, fmt))


def register(app: typer.Typer) -> None:
    app.command(
        "overdue",
        help=_(
            "List overdue and due-soon obligations, most late first, with focal point and head.\n"
            "\n"
            "--under CODE is the unit holding the code on the day of --at (default: today). --format xlsx\n"
            "writes the spreadsheet the web's overdue page downloads, to the data folder's reports/\n"
            "unless --output says where, and prints its path.\n"
            "\n"
            "Example: dunghan overdue --under 24 --level commune --format xlsx"
        ),
    )(report_errors(overdue))
    app.command(
        "status",
        help=_(
            "Reporting rates per level and report: expected, submitted, on time, overdue (never above 100%).\n"
            "\n"
            "--under CODE is the unit holding the code on --at, else during --year (a code that named two\n"
            "units that year is refused, naming both), else today. --format xlsx writes one sheet to the\n"
            "data folder's reports/ unless --output says where, and prints its path.\n"
            "\n"
            "Example: dunghan status --under 24 --year 2026 --format json\n"
            "Example: dunghan status --under 24 --at 2026-01-01 --year 2024 --with-predecessors\n"
            "Example: dunghan status --under 24 --year 2026 --format xlsx"
        ),
    )(report_errors(status))
    app.command(
        "trend",
        help=_(
            "A report's rates period by period across the 2025 reform: the report and those it continues\n"
            "in earlier packs, over the unit and the units it took over, each row labelled.\n"
            "\n"
            "Example: dunghan trend bdg-nam --under 24"
        ),
    )(report_errors(trend))
