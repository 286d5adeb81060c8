"""`dunghan activity …`: a campaign's activity logs: the form to fill in, its import, one entry,
the logs listed, one deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.campaigns import choose_campaign
from cli.errors import report_errors
from cli.options import AtOption, FormatOption, parse_date
from cli.output import Format, to_json, to_table
from rules.i18n import _, ngettext

activity_app = typer.Typer(
    help=_("Activity logs of a campaign (Tháng hành động): the form, its import, one entry, list, delete."),
    no_args_is_help=True,
)

CampaignOption = Annotated[str, typer.Option("--campaign", help=_("The campaign id in its pack: thang-hanh-dong."))]
PackOption = Annotated[
    str | None,
    typer.Option("--pack", help=_("The pack (id or file) stating the campaign, when it is not the one shipped pack.")),
]
ByOption = Annotated[str | None, typer.Option("--by", help=_("Who records the logs (default: the login name)."))]


@activity_app.command(
    "template",
    help=_(
        "Write the XLSX form a unit fills in: one row per activity, a drop-down of the campaign's\n"
        "activity types, dates inside the window, whole numbers of 0 or more.\n"
        "\n"
        "Example: dunghan activity template 07375 --campaign thang-hanh-dong --year 2026"
    ),
)
@report_errors
def template(
    unit: Annotated[str, typer.Argument(help=_("The code of the unit that fills in the form."))],
    campaign: CampaignOption,
    year: Annotated[int, typer.Option("--year", help=_("The campaign's year."))],
    pack: PackOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("The .xlsx to write (default: hoat-dong-UNIT-YEAR.xlsx)."))
    ] = None,
) -> None:
    from app.activities import write_template
    from app.workspace import database

    chosen = choose_campaign(pack, campaign, year)
    path = write_template(
        database(), output or Path(f"hoat-dong-{unit}-{year}.xlsx"), chosen=chosen, year=year, unit=unit
    )
    typer.echo(_("wrote {path}").format(path=path))


@activity_app.command(
    "import",
    help=_(
        "Import a filled-in form. Every row is checked first; one bad row refuses the whole file,\n"
        "listing each error with its row and column, and nothing is written. A file already imported\n"
        "is refused; a new file of the same unit and campaign year (a corrected form) replaces the\n"
        "activities its earlier file gave, and the audit trail says what changed.\n"
        "\n"
        "Example: dunghan activity import hoat-dong-07375-2026.xlsx"
    ),
)
@report_errors
def import_(
    file: Annotated[Path, typer.Argument(help=_("A form written by `dunghan activity template`, filled in."))],
    pack: PackOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app.activities import read_filled_form, record_form
    from app.workspace import current_actor, database
    from rules.clock import clock_for

    form = read_filled_form(file, pack)
    done = record_form(database(), form, file, now=clock_for(at)(), actor=current_actor(by))
    count = done.added
    typer.echo(
        ngettext(
            "imported {count} activity of unit {unit} from {file}",
            "imported {count} activities of unit {unit} from {file}",
            count,
        ).format(count=count, unit=form.unit, file=file.name)
    )
    for earlier in done.replaced:
        replacing = ngettext(
            "replacing {count} activity of unit {unit} imported before from {sources}",
            "replacing {count} activities of unit {unit} imported before from {sources}",
            earlier.removed,
        )
        typer.echo(
            "  " + replacing.format(count=earlier.removed, unit=earlier.unit, sources=", ".join(earlier.sources))
        )


@activity_app.command(
    "add",
    help=_(
        "Log one activity, checked like a row of the form.\n"
        "\n"
        "Example: dunghan activity add 07375 --campaign thang-hanh-dong --date 2026-11-15 --type le-phat-dong\n"
        '--title "Lễ phát động Tháng hành động" --male 80 --female 120 --media panel=4 --budget 5000000'
    ),
)
@report_errors
def add(
    unit: Annotated[str, typer.Argument(help=_("The code of the unit that did the activity."))],
    campaign: CampaignOption,
    day: Annotated[str, typer.Option("--date", help=_("The day of the activity, YYYY-MM-DD."))],
    activity_type: Annotated[str, typer.Option("--type", help=_("An activity type id of the campaign: le-phat-dong…"))],
    title: Annotated[str, typer.Option("--title", help=_("What it was, in a few words (no personal data)."))],
    male: Annotated[str, typer.Option("--male", help=_("Participants: men."))] = "0",
    female: Annotated[str, typer.Option("--female", help=_("Participants: women."))] = "0",
    total: Annotated[str | None, typer.Option("--total", help=_("Participants in all (must be men + women)."))] = None,
    media: Annotated[
        list[str] | None,
        typer.Option(
            "--media", help=_("Media products KIND=N, repeatable; kinds: news, broadcast, print, panel, online.")
        ),
    ] = None,
    budget: Annotated[str, typer.Option("--budget", help=_("Budget spent, in đồng."))] = "0",
    note: Annotated[str | None, typer.Option("--note", help=_("A note (no personal data)."))] = None,
    year: Annotated[int | None, typer.Option("--year", help=_("The campaign's year (default: the date's)."))] = None,
    pack: PackOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app.activities import record_entry
    from app.workspace import current_actor, database
    from rules.activity import ActivityEntry, parse_count
    from rules.clock import clock_for
    from rules.errors import DunghanError

    when = parse_date(day, "--date")
    options = {"male": male, "female": female, "budget": budget} | ({"total": total} if total is not None else {})
    counts: dict[str, int] = {}
    for name, value in options.items():
        try:
            counts[name] = parse_count(value)
        except ValueError as exc:
            raise DunghanError(f"--{name}: {exc}") from None
    products: dict[str, int] = {}
    for item in media or []:
        kind, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError(_("expected KIND=N, e.g. panel=4"))
            products[kind.strip()] = parse_count(value)
        except ValueError as exc:
            raise DunghanError(f"--media {item!r}: {exc}") from None
    chosen = choose_campaign(pack, campaign, year or when.year)
    entry = ActivityEntry(
        day=when,
        activity_type=activity_type,
        title=title,
        male=counts["male"],
        female=counts["female"],
        total=counts.get("total"),
        media=products,
        budget=counts["budget"],
        note=note,
    )
    columns = {
        "day": "--date",
        "activity_type": "--type",
        "unit": "unit",
        **{name: f"--{name}" for name in ("title", "male", "female", "total", "budget", "note")},
        **{f"media.{kind}": f"--media {kind}" for kind in products},
    }
    record_entry(
        database(),
        unit,
        entry,
        chosen=chosen,
        year=year or when.year,
        now=clock_for(at)(),
        actor=current_actor(by),
        source="cli",
        columns=columns,
    )
    typer.echo(
        _("logged {activity_type} of {day:%d/%m/%Y} for {unit} ({campaign} {year})").format(
            activity_type=activity_type, day=when, unit=unit, campaign=chosen.campaign.id, year=year or when.year
        )
    )


LIST_COLUMNS = [
    ("id", "id"),
    ("unit", _("unit code")),
    ("day", _("day")),
    ("type", _("type")),
    ("title", _("title")),
    ("male", _("men")),
    ("female", _("women")),
    ("participants", _("total")),
    ("media_total", _("media")),
    ("budget", _("budget (đồng)")),
    ("source", _("source")),
]


@activity_app.command(
    "list",
    help=_(
        "List a campaign year's activity logs, a unit's or every unit's, with the id that\n"
        "`activity delete` takes.\n"
        "\n"
        "Example: dunghan activity list 07375 --campaign thang-hanh-dong --year 2026"
    ),
)
@report_errors
def list_(
    campaign: CampaignOption,
    year: Annotated[int, typer.Option("--year", help=_("The campaign's year."))],
    unit: Annotated[str | None, typer.Argument(help=_("Only this unit's logs (its code)."))] = None,
    pack: PackOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    from app.activities import list_logs
    from app.workspace import database
    from rules.numbers import vn_number

    chosen = choose_campaign(pack, campaign, year)
    logs = list_logs(database(), chosen=chosen, year=year, unit=unit)
    if fmt is Format.json:
        typer.echo(
            to_json(
                [
                    {
                        "id": log.id,
                        "unit": log.unit_code,
                        "unit_name": log.unit_name,
                        "campaign": log.campaign_id,
                        "year": log.year,
                        "day": log.day,
                        "type": log.activity_type,
                        "title": log.title,
                        "male": log.male,
                        "female": log.female,
                        "participants": log.total,
                        "media": log.media,
                        "media_total": log.media_total,
                        "budget": log.budget,
                        "note": log.note,
                        "source": log.source,
                        "imported": log.imported,
                        "recorded_by": log.recorded_by,
                        "recorded_at": log.recorded_at,
                    }
                    for log in logs
                ]
            )
        )
        return
    if not logs:
        if unit:
            nothing = _("no activity logged for {campaign} {year} by {unit}")
        else:
            nothing = _("no activity logged for {campaign} {year}")
        typer.echo(nothing.format(campaign=chosen.campaign.id, year=year, unit=unit))
        return
    rows = [
        {
            "id": log.id,
            "unit": log.unit_code,
            "day": log.day,
            "type": log.activity_type,
            "title": log.title,
            "male": vn_number(log.male, 0),
            "female": vn_number(log.female, 0),
            "participants": vn_number(log.total, 0),
            "media_total": vn_number(log.media_total, 0),
            "budget": vn_number(log.budget, 0),
            "source": log.source,
        }
        for log in logs
    ]
    typer.echo(to_table(rows, LIST_COLUMNS, max_width=40))
    typer.echo(ngettext("{count} activity", "{count} activities", len(logs)).format(count=len(logs)))


@activity_app.command(
    "delete",
    help=_("Delete one activity log; the audit trail keeps everything it said.\n\nExample: dunghan activity delete 42"),
)
@report_errors
def delete(
    log_id: Annotated[int, typer.Argument(help=_("The log's id, as `activity list` shows it."))],
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app.activities import delete_log
    from app.workspace import current_actor, database
    from rules.clock import clock_for

    gone = delete_log(database(), log_id, now=clock_for(at)(), actor=current_actor(by))
    typer.echo(
        _("deleted activity {id} of {unit} ({campaign} {year}): {day:%d/%m/%Y} {activity_type} {title!r}").format(
            id=gone.id,
            unit=gone.unit_code,
            campaign=gone.campaign_id,
            year=gone.year,
            day=gone.day,
            activity_type=gone.activity_type,
            title=gone.title,
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(activity_app, name="activity")
