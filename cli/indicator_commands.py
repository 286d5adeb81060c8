"""`dunghan indicators …`: the figures of an indicator table (Phụ lục 01), typed by the agencies
that answer for them, and the table of a year with its ratios and progress against the targets."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import typer

from app.settings import get_settings
from app.workspace import current_actor, database
from cli.errors import report_errors
from cli.options import AtOption
from rules.clock import clock_for
from rules.errors import DunghanError
from rules.i18n import _

indicators_app = typer.Typer(
    help=_("Indicator tables (Phụ lục 01): enter figures, fill in forms, report progress against targets."),
    no_args_is_help=True,
)

YearOption = Annotated[int, typer.Option("--year", help=_("The year of the figures (the report's period)."))]
PackOption = Annotated[
    str | None,
    typer.Option("--pack", help=_("The pack (id or file); default: the shipped one with a table that year.")),
]
FormOption = Annotated[str | None, typer.Option("--form", help=_("The table's form id, when a pack has several."))]
ByOption = Annotated[str | None, typer.Option("--by", help=_("Who enters the figures (for the audit trail)."))]


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    docx = "docx"


@indicators_app.command(
    "set",
    help=_(
        "Enter one figure. Ratios (tỷ lệ with a numerator and a denominator) are computed from their\n"
        "two rows and refused here.\n"
        "\n"
        "Example: dunghan indicators set 27-SLDTBXH III.3.1 12 --year 2024"
    ),
)
@report_errors
def set_(
    unit: Annotated[str, typer.Argument(help=_("The code of the unit that answers for the indicator."))],
    code: Annotated[str, typer.Argument(help=_("The indicator's code in the table (TT), e.g. III.3.1."))],
    value: Annotated[
        str, typer.Argument(help=_("The figure: 48,5 or 48.5; dots between thousands: 12.000 is twelve thousand."))
    ],
    year: YearOption,
    pack: PackOption = None,
    form: FormOption = None,
    note: Annotated[str | None, typer.Option("--note", help=_("Where the figure comes from."))] = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app import indicators
    from rules.numbers import parse_figure, vn_number

    try:
        figure = parse_figure(value)
    except ValueError:
        raise DunghanError(_("value {value!r} is not a number (write 48.5 or 48,5)").format(value=value)) from None
    table = indicators.indicator_table(pack, year, form)
    summary = indicators.enter_value(
        database(),
        table,
        unit=unit,
        code=code,
        value=figure,
        note=note,
        at=clock_for(at)(),
        actor=current_actor(by),
        source="cli",
    )
    what = _("unchanged") if summary.unchanged else _("corrected") if summary.changed else _("entered")
    typer.echo(f"{unit} {code} {year}: {vn_number(figure, 6)} ({what})")


@indicators_app.command(
    "template",
    help=_(
        "Write the form a unit fills in: only the rows it answers for, never a ratio, with the figures\n"
        "already entered; the Kết quả cells refuse what is not a valid figure.\n"
        "\n"
        "Example: dunghan indicators template 27-SYT --year 2024 -o chi-tieu-syt.xlsx"
    ),
)
@report_errors
def template(
    unit: Annotated[str, typer.Argument(help=_("The unit whose indicators the form lists."))],
    year: YearOption,
    pack: PackOption = None,
    form: FormOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("The .xlsx to write; default chi-tieu-UNIT-YEAR.xlsx here."))
    ] = None,
) -> None:
    from app import indicators

    engine = database()
    table = indicators.indicator_table(pack, year, form)
    written = indicators.write_entry_form(engine, table, unit, output or Path(f"chi-tieu-{unit}-{year}.xlsx"))
    if written.due_date:
        wrote = _("wrote {path} ({rows} indicator(s) of {unit}; due {due:%d/%m/%Y})")
    else:
        wrote = _("wrote {path} ({rows} indicator(s) of {unit})")
    typer.echo(wrote.format(path=written.path, rows=written.rows, unit=written.unit_name, due=written.due_date))


@indicators_app.command(
    "import",
    help=_(
        "Store the figures of a filled form; if any row is wrong, every error is listed and none is kept.\n"
        "\n"
        "Example: dunghan indicators import chi-tieu-syt.xlsx"
    ),
)
@report_errors
def import_(
    file: Annotated[Path, typer.Argument(help=_("A form written by `dunghan indicators template`, filled in."))],
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app import indicators

    filled = indicators.read_filled_form(file)
    summary = indicators.store_form(database(), filled, name=file.name, at=clock_for(at)(), actor=current_actor(by))
    typer.echo(
        _("{file}: {created} entered, {changed} corrected, {unchanged} unchanged").format(
            file=file.name, created=summary.created, changed=summary.changed, unchanged=summary.unchanged
        )
    )


@indicators_app.command(
    "report",
    help=_(
        "The table of a year in the layout of Phụ lục 01: every row, ratios computed, progress against\n"
        "the 2025 and 2030 targets, and who has not entered yet. DOCX is the compiling agency's report in\n"
        "the administrative layout (Nghị định 30/2020/NĐ-CP); the path written is printed.\n"
        "\n"
        "Example: dunghan indicators report --year 2024 --format docx"
    ),
)
@report_errors
def report(
    year: YearOption,
    format_: Annotated[ReportFormat, typer.Option("--format", "-f", help=_("xlsx (the table) or docx (the report)."))],
    pack: PackOption = None,
    form: FormOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Where to write; default the data folder's reports/."))
    ] = None,
) -> None:
    from app import indicators

    table = indicators.indicator_table(pack, year, form)
    kind: Literal["xlsx", "docx"] = "xlsx" if format_ is ReportFormat.xlsx else "docx"
    path = indicators.write_report(database(), table, kind, home=get_settings().home, path=output)
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    app.add_typer(indicators_app, name="indicators")
