"""`dunghan event record` and `dunghan request`: reports due when something happens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.errors import report_errors
from cli.options import AtOption, FormatOption, parse_date
from cli.output import Format, format_rows, to_json
from rules.i18n import _

if TYPE_CHECKING:
    from collections.abc import Sequence

    from models.occasions import Recorded

event_app = typer.Typer(
    help=_("Events that start reports (a case found, an inspection ended): record one."), no_args_is_help=True
)
PackOption = Annotated[
    str | None, typer.Option("--pack", help=_("The pack (id or file), when several packs in force know the name."))
]
ByOption = Annotated[str | None, typer.Option("--by", help=_("Who records it (for the audit trail)."))]
NoteOption = Annotated[str | None, typer.Option("--note", help=_("A note kept with it."))]

COLUMNS = [
    ("unit", _("unit")),
    ("report", _("report")),
    ("hop", _("hop")),
    ("recipient", _("sent to")),
    ("wording", _("wording")),
    ("due_date", _("due date")),
]


def _rows(recorded: Sequence[Recorded]) -> list[dict[str, Any]]:
    return [
        {
            "unit": f"{o.unit_code} {o.unit_name}",
            "report": o.report_id,
            "hop": o.hop,
            "recipient": o.recipient_name,
            "wording": o.wording,
            "due_date": f"{o.due_date:%d/%m/%Y}",
            "due_at": o.due_at.isoformat(),
            "new": r.created,
        }
        for r in recorded
        for o in r.obligations
    ]


def _emit(recorded: Sequence[Recorded], fmt: Format, header: str) -> None:
    rows = _rows(recorded)
    if fmt is Format.json:
        typer.echo(to_json({"occasions": [r.occasion_id for r in recorded], "obligations": rows}))
        return
    typer.echo(header)
    typer.echo(format_rows(rows, COLUMNS, fmt))
    again = [r.unit_code for r in recorded if not r.created]
    if again:
        typer.echo(
            _("recorded before, left as it was: {units}").format(units=", ".join(again)),
            err=True,
        )


@report_errors
def record(
    kind: Annotated[str, typer.Argument(help=_("The event kind's id in its pack, e.g. phat-hien-vu-viec."))],
    unit: Annotated[str, typer.Option("--unit", help=_("The code of the unit where it happened."))],
    day: Annotated[str, typer.Option("--date", help=_("The day it happened: dd/mm/yyyy or YYYY-MM-DD."))],
    pack: PackOption = None,
    note: NoteOption = None,
    by: ByOption = None,
    fmt: FormatOption = Format.table,
    at: AtOption = None,
) -> None:
    from app.occasions import record_event
    from app.workspace import current_actor, database
    from rules.clock import clock_for

    when = parse_date(day, "--date")
    recorded = record_event(
        database(), kind, unit=unit, day=when, now=clock_for(at)(), actor=current_actor(by), pack=pack, note=note
    )
    _emit(
        [recorded],
        fmt,
        _("event {kind} at {unit} on {day}: {count} obligation(s)").format(
            kind=kind, unit=recorded.unit_code, day=f"{when:%d/%m/%Y}", count=len(recorded.obligations)
        ),
    )


@report_errors
def request(
    report: Annotated[str, typer.Argument(help=_("The id of the report asked for, e.g. bao-cao-dot-xuat."))],
    to: Annotated[list[str], typer.Option("--to", help=_("The code of a unit asked (repeat for several)."))],
    received: Annotated[str, typer.Option("--received", help=_("The day the request was received."))],
    days: Annotated[
        int | None,
        typer.Option("--days", help=_("Working days the request allows (else the pack's wording)."), min=1),
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help=_("The request's document, e.g. 'Công văn số 125/SNV-BĐG'."))
    ] = None,
    pack: PackOption = None,
    note: NoteOption = None,
    by: ByOption = None,
    fmt: FormatOption = Format.table,
    at: AtOption = None,
) -> None:
    from app.occasions import request_report
    from app.workspace import current_actor, database
    from rules.clock import clock_for

    when = parse_date(received, "--received")
    requested = request_report(
        database(),
        report,
        to=to,
        received=when,
        now=clock_for(at)(),
        actor=current_actor(by),
        days=days,
        pack=pack,
        reference=reference,
        note=note,
    )
    _emit(
        requested.units,
        fmt,
        _("{report} asked of {count} unit(s), received on {day}").format(
            report=requested.report_name, count=len(requested.units), day=f"{when:%d/%m/%Y}"
        ),
    )


def register(app: typer.Typer) -> None:
    event_app.command(
        "record",
        help=_(
            "Record an event and create the obligations of every report that counts from it, each hop\n"
            "dated from the event (Civil Code art. 147: counting starts the next day). Recording the\n"
            "same event again changes nothing.\n"
            "\n"
            "Example: dunghan event record phat-hien-vu-viec --unit 07375 --date 28/08/2026"
        ),
    )(record)
    app.add_typer(event_app, name="event")
    app.command(
        "request",
        help=_(
            "Ask units for an on-request report (đột xuất, khi có yêu cầu): each gets its obligation,\n"
            "due the working days the request allows (--days) or as the pack words it. All units or\n"
            "none; asking again changes nothing.\n"
            "\n"
            "Example: dunghan request bao-cao-dot-xuat --to 07375 --to 24-SYT --received 01/12/2026 --days 5"
        ),
    )(request)
