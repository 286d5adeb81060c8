"""`dunghan calendar …`: the working-day calendar and deadline wording, one question at a time."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from cli.errors import report_errors
from cli.options import AtOption, FormatOption, parse_date
from cli.output import Format, format_rows, to_json
from rules.calendar import Roll, WorkCalendar
from rules.clock import clock_for
from rules.deadlines import due_for, due_instant, evaluate_nominal, undated
from rules.errors import DunghanError
from rules.i18n import _
from rules.loader import calendar_for
from rules.periods import parse_period
from rules.wording import AfterAnchor, DayOfMonth, DeadlineRule, FixedDate, FromParameter, Undated, parse_wording

calendar_app = typer.Typer(help=_("Vietnamese working days, holidays and deadline wording."), no_args_is_help=True)

CultureDayOption = Annotated[
    bool,
    typer.Option(
        "--culture-day/--no-culture-day", help=_("Count 24/11 (Ngày Văn hóa Việt Nam, from 2026) as a day off.")
    ),
]


# The table's headings for people; JSON keeps the keys.
HEADINGS = {
    "wording": _("wording"),
    "period": _("period"),
    "assumed": _("assumed"),
    "nominal_date": _("nominal_date"),
    "due_date": _("due_date"),
    "rolled": _("rolled"),
    "reason": _("reason"),
    "due_at": _("due_at"),
    "start": _("start"),
    "days": _("days"),
    "working": _("working"),
    "result": _("result"),
    "date": _("date"),
}


def _emit(obj: dict[str, Any], fmt: Format) -> None:
    if fmt is Format.json:
        typer.echo(to_json(obj))
    else:
        typer.echo(format_rows([obj], [(k, HEADINGS.get(k, k)) for k in obj], Format.table))


@calendar_app.command(
    "due",
    help=_(
        "Compute the last day a deadline's wording gives, rolled off weekends and holidays.\n"
        "\n"
        "With --period the wording is read against a reporting period (2026, 2026-H1, 2026-Q3, "
        "2026-03, 2026-W36, 2026-09-02); monthly periods use the Decree 09 cut-off window.\n"
        "\n"
        'Example: dunghan calendar due "trước 10 giờ ngày hôm sau" --period 2026-09-02'
    ),
)
@report_errors
def due(
    wording: Annotated[str, typer.Argument(help=_('The deadline as written, e.g. "trước ngày 25/11".'))],
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help=_("The reporting period: 2026, 2026-H1, 2026-Q3, 2026-03, 2026-W36, 2026-09-02.")
        ),
    ] = None,
    event: Annotated[
        str | None,
        typer.Option("--event", help=_("For a deadline counted from an event or a request: the day it happened.")),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help=_("Year of the date (default: from the wording, else this year)."))
    ] = None,
    counted_from: Annotated[
        str | None, typer.Option("--from", help=_("For '… kể từ …' wording: the day counting starts from."))
    ] = None,
    roll: Annotated[Roll, typer.Option("--roll", help=_("next (Civil Code art. 148), keep or previous."))] = Roll.NEXT,
    culture_day: CultureDayOption = True,
    fmt: FormatOption = Format.json,
    at: AtOption = None,
) -> None:
    rule = parse_wording(wording)
    calendar = calendar_for(culture_day=culture_day)
    anchor = parse_date(counted_from, "--from") if counted_from else None
    happened = parse_date(event, "--event") if event else None
    if isinstance(rule, Undated):
        raise undated(rule)
    if isinstance(rule, FromParameter):
        raise DunghanError(_("a deadline set by a cycle parameter has no date of its own"))
    if isinstance(rule, AfterAnchor) and rule.anchor == "event" and (happened or anchor) is None:
        raise undated(rule)
    if period is not None:
        if year is not None:
            raise DunghanError(_("give --period or --year, not both"))
        _due_in_period(rule, period, calendar, roll, happened or anchor, anchor, fmt)
        return
    _due_in_year(rule, wording, calendar, roll, year, anchor, happened, fmt, at)


def _due_in_period(
    rule: DeadlineRule,
    label: str,
    calendar: WorkCalendar,
    roll: Roll,
    event: date | None,
    counted_from: date | None,
    fmt: Format,
) -> None:
    result = due_for(rule, parse_period(label), calendar, roll=roll, event=event, previous_due=counted_from)
    _emit(
        {
            "wording": result.wording,
            "period": result.period,
            "nominal_date": result.nominal_date,
            "due_date": result.due_date,
            "due_at": result.due_at,
            "rolled": result.rolled,
            "reason": result.reason,
            "assumed": result.assumed,
        },
        fmt,
    )


def _due_in_year(
    rule: DeadlineRule,
    wording: str,
    calendar: WorkCalendar,
    roll: Roll,
    year: int | None,
    anchor: date | None,
    happened: date | None,
    fmt: Format,
    at: str | None,
) -> None:
    counted_event = isinstance(rule, AfterAnchor) and rule.anchor == "event"
    if isinstance(rule, AfterAnchor | DayOfMonth) and not counted_event and anchor is None:
        raise DunghanError(
            _('"{wording}" counts from another day: give it with --from YYYY-MM-DD').format(wording=wording)
        )
    if isinstance(rule, FixedDate) and rule.year and year and rule.year != year:
        raise DunghanError(
            _('"{wording}" names the year {named}, which contradicts --year {year}').format(
                wording=wording, named=rule.year, year=year
            )
        )
    the_year = year or clock_for(at)().year
    nominal = evaluate_nominal(
        rule,
        reference_year=the_year,
        cutoff_end=anchor,
        previous_due=anchor,
        event=happened or anchor,
        calendar=calendar,
    )
    rolled = calendar.roll(nominal.day, nominal.roll or roll)
    row: dict[str, Any] = {
        "wording": wording,
        "nominal_date": rolled.nominal_date,
        "due_date": rolled.due_date,
        "rolled": rolled.rolled,
        "reason": rolled.reason,
        "due_at": due_instant(rolled.due_date, nominal.at),
    }
    if nominal.assumed:
        row["assumed"] = nominal.assumed
    _emit(row, fmt)


@calendar_app.command(
    "add",
    help=_("Add working days (or calendar days) to a date.\n\nExample: dunghan calendar add 2026-02-14 3 --working"),
)
@report_errors
def add(
    start: Annotated[str, typer.Argument(help=_("The day to count from (YYYY-MM-DD), not counted itself."))],
    days: Annotated[int, typer.Argument(help=_("How many days; negative counts backwards."))],
    working: Annotated[
        bool, typer.Option("--working/--calendar-days", help=_("Count working days (default) or all days."))
    ] = True,
    culture_day: CultureDayOption = True,
    fmt: FormatOption = Format.json,
) -> None:
    from datetime import timedelta

    first = parse_date(start, "start")
    calendar = calendar_for(culture_day=culture_day)
    result = calendar.add_working_days(first, days) if working else first + timedelta(days=days)
    _emit({"start": first, "days": days, "working": working, "result": result}, fmt)


@calendar_app.command(
    "is-working-day",
    help=_(
        "Say whether a date is a working day for state agencies, and why (holiday, weekend, swap).\n"
        "\n"
        "Example: dunghan calendar is-working-day 2026-08-22"
    ),
)
@report_errors
def is_working_day(
    day: Annotated[str, typer.Argument(help=_("The date, YYYY-MM-DD."))],
    culture_day: CultureDayOption = True,
    fmt: FormatOption = Format.json,
) -> None:
    the_day = parse_date(day, "date")
    calendar = calendar_for(culture_day=culture_day)
    _emit({"date": the_day, "working": calendar.is_working_day(the_day), "reason": calendar.reason(the_day)}, fmt)


@calendar_app.command(
    "holidays",
    help=_(
        "List the public holidays and swap days off of a year (weekends are not listed).\n"
        "\n"
        "Example: dunghan calendar holidays 2026"
    ),
)
@report_errors
def holidays(
    year: Annotated[int, typer.Argument(help=_("The year."))],
    culture_day: CultureDayOption = True,
    fmt: FormatOption = Format.json,
) -> None:
    calendar = calendar_for(culture_day=culture_day)
    rows = [{"date": d, "name": name} for d, name in calendar.holidays(year)]
    typer.echo(format_rows(rows, [("date", _("date")), ("name", _("name"))], fmt))


def register(app: typer.Typer) -> None:
    app.add_typer(calendar_app, name="calendar")
