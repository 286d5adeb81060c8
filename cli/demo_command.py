"""`dunghan demo`: the whole daily job on a generated Bắc Ninh workspace, in under a minute."""

from __future__ import annotations

import dataclasses
import shlex
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from app.settings import get_settings
from cli.errors import report_errors
from cli.labels import ROLE_LABELS, STATUS_LABELS, USER_ROLE_LABELS, level_label
from cli.options import AtOption
from cli.output import Format, format_rows
from cli.supervision_commands import STATUS_COLUMNS
from rules.i18n import _
from rules.scope import EVERYWHERE

OVERDUE_SHOWN = 12
DEMO_OVERDUE_COLUMNS = [
    ("status_name", _("status")),
    ("unit_name", _("unit")),
    ("report", _("report")),
    ("period", _("period")),
    ("due_date", _("due")),
    ("working_days", _("working days")),
    ("focal_point", _("focal point")),
]
RATE_COLUMNS = [column for column in STATUS_COLUMNS if column[0] != "exempted"]
SENT_COLUMNS = [("step", _("step")), ("template", _("template")), ("channel", _("channel")), ("count", _("notices"))]
EXAMPLE_COLUMNS = [
    ("recipient_name", _("addressee")),
    ("role", _("role")),
    ("address", _("address")),
    ("template", _("template")),
    ("subject", _("subject")),
]
EXAMPLES_SHOWN = 6
USER_COLUMNS = [("email", "e-mail"), ("role", _("role")), ("unit", _("unit")), ("password", _("password"))]


def section(title: str) -> None:
    typer.echo(f"\n{title}")
    typer.echo("-" * len(title))


def register(app: typer.Typer) -> None:
    @app.command(
        "demo",
        help=_(
            "Build a Bắc Ninh demo workspace and run one day of the job on it.\n"
            "\n"
            "The current tree, departments, generated contacts, the 2026 packs planned, some reports\n"
            "already in and Action Month logs; then the reminder sweep and the roll-up for --at (default\n"
            "now), messages written to the outbox folder, and what a supervisor sees. Each run\n"
            "rebuilds the demo folder from scratch; a folder the demo did not make is never touched.\n"
            "\n"
            "Example: dunghan demo --at 2026-12-23T07:30"
        ),
    )
    @report_errors
    def demo(
        at: AtOption = None,
        home: Annotated[
            Path | None,
            typer.Option("--home", help=_("The demo's data folder (default: demo/ inside the data folder).")),
        ] = None,
    ) -> None:
        from app.demo import MARKER, demo_settings, prepare_home
        from app.settings import using
        from app.workspace import close_databases
        from rules.clock import clock_for

        now = clock_for(at)()
        at_text = now.isoformat()
        if home is None:  # demo/ in the data folder, or the data folder itself when it is the demo's
            data = get_settings().home
            home = data if (data / MARKER).exists() else data / "demo"
        home = home.expanduser().resolve()
        close_databases()  # an earlier demo in this process may still hold the file about to go
        replaced = prepare_home(home)  # refuses a folder the demo did not make
        with using(demo_settings(home)):  # every later step, the flows included, works in the demo folder
            _run(home, now, at_text, replaced)


def _run(home: Path, now: Any, at_text: str, replaced: bool) -> None:
    from app.demo import PROVINCE, add_demo_users, load_tree, plans, record_demo_activities, record_submissions
    from app.orchestration import run_flow
    from rules.loader import calendar_for

    typer.echo(_("dunghan demo: Bắc Ninh, as of {now:%d/%m/%Y %H:%M} (Asia/Ho_Chi_Minh)").format(now=now))
    if replaced:
        typer.echo(_("workspace {home}: rebuilt from scratch (the earlier demo was replaced)").format(home=home))
    else:
        typer.echo(_("workspace {home}: new").format(home=home))

    from app.workspace import database

    engine = database()
    calendar = calendar_for()
    units, contacts = load_tree(engine)
    typer.echo(
        "  "
        + _("tree: {units} units (the official list of 01/07/2025 and the departments), {contacts} contacts").format(
            units=units, contacts=contacts
        )
    )
    people = add_demo_users(engine, at=now)

    for pack, params in plans(now.year):
        summary = run_flow(
            "plan_cycle", pack=pack, year=now.year, params=params, under=[PROVINCE], at=at_text, actor="demo"
        )
        typer.echo(
            "  " + _("planned {pack} {year}: {total} obligations").format(pack=pack, year=now.year, total=summary.total)
        )
    done = record_submissions(engine, at=now, calendar=calendar)
    typer.echo(
        "  " + _("submitted before now: {on_time} on time, {late} late").format(on_time=done.on_time, late=done.late)
    )
    for key in done.returned:
        typer.echo("  " + _("returned for correction: {key}").format(key=key))
    logs = record_demo_activities(engine, at=now)
    result = run_flow("send_reminders", at=at_text)
    reports = run_flow("rollup_action_month", year=now.year, under=PROVINCE, at=at_text) if logs else []
    if logs:
        typer.echo("  " + _("Action Month: {count} activity logs since 15/11").format(count=logs))
    _supervisor_view(engine, now, calendar)
    if logs:
        _action_month(engine, now)
    _sent(result, now, calendar)
    _files(home, now, reports)
    _web(home, now, people)


def _supervisor_view(engine: Any, now: Any, calendar: Any) -> None:
    from app import supervision

    rows = supervision.overdue(engine, at=now, calendar=calendar, under=EVERYWHERE, soon=5)
    late = sum(1 for r in rows if r.status == "quá hạn")
    section(
        _("Overdue and due soon: {late} overdue, {soon} due soon (5 working days)").format(
            late=late, soon=len(rows) - late
        )
    )
    shown = [
        dataclasses.asdict(r) | {"status_name": STATUS_LABELS.get(r.status, r.status)} for r in rows[:OVERDUE_SHOWN]
    ]
    if shown:
        typer.echo(format_rows(shown, DEMO_OVERDUE_COLUMNS, Format.table))
    if len(rows) > OVERDUE_SHOWN:
        typer.echo(_("… and {count} more: dunghan overdue").format(count=len(rows) - OVERDUE_SHOWN))
    rates = supervision.status(engine, at=now, year=now.year, under=EVERYWHERE)
    section(_("Reporting rates by level"))
    typer.echo(
        format_rows(
            [
                dict(
                    dataclasses.asdict(r),
                    level_name=level_label(r.level),
                    reporting_rate=r.reporting_rate,
                    timeliness_rate=r.timeliness_rate,
                )
                for r in rates
            ],
            RATE_COLUMNS,
            Format.table,
        )
    )


def _sent(result: Any, now: Any, calendar: Any) -> None:
    sent = [d for d in result.delivered if d.status == "sent"]
    held = [d for d in result.queued if d.key not in {s.notice.key for s in sent}]
    section(
        _("Sent today: {count} notices to {people} recipients").format(
            count=len(sent), people=len({d.notice.address for d in sent})
        )
    )
    if not sent and not calendar.is_working_day(now.date()):
        reason = calendar.reason(now.date()) or _("a day off")
        following = calendar.next_working_day(now.date())
        typer.echo(
            _(
                "today is not a working day ({reason}): the ladders' steps wait for the next one, "
                "{following:%d/%m/%Y}; to see them go out: dunghan demo --at {following:%Y-%m-%d}T07:30"
            ).format(reason=reason, following=following)
        )
    counts = Counter((_step(d.notice), d.notice.template, d.notice.channel) for d in sent)
    rows = [{"step": s, "template": t, "channel": c, "count": n} for (s, t, c), n in sorted(counts.items())]
    if rows:
        typer.echo(format_rows(rows, SENT_COLUMNS, Format.table))
        examples = [
            {
                "recipient_name": d.notice.recipient_name,
                "role": ROLE_LABELS.get(d.notice.recipient_role, _("system administrator")),
                "address": d.notice.address,
                "template": d.notice.template,
                "subject": d.notice.subject,
            }
            for d in sent[:EXAMPLES_SHOWN]
        ]
        typer.echo("")
        typer.echo(format_rows(examples, EXAMPLE_COLUMNS, Format.table))
        if len(sent) > EXAMPLES_SHOWN:
            typer.echo(_("… and {count} more: dunghan outbox list").format(count=len(sent) - EXAMPLES_SHOWN))
    if held:
        typer.echo(_("{count} held back (no Zalo at night): dunghan outbox --status pending").format(count=len(held)))
    if result.gaps:
        typer.echo(
            _("{count} reminder(s) had nobody to go to (no head on file): the admin was told").format(
                count=len(result.gaps)
            )
        )


def _step(notice: Any) -> str:
    """``default:cap-tren@2026-07-15`` → ``default:cap-tren``; admin messages by their kind."""
    return str(notice.step).split("@")[0] if notice.step else str(notice.kind)


def _action_month(engine: Any, now: Any) -> None:
    from app.demo import ACTION_MONTH, PROVINCE
    from app.rollups import roll_up

    result = roll_up(engine, campaign=ACTION_MONTH, year=now.year, under=PROVINCE)
    section(
        _("Action Month {year}: {logged}/{expected} units have reported their activities").format(
            year=now.year, logged=result.logged, expected=result.expected
        )
    )
    rows = [
        {
            "level": level_label(level.level),
            "logged": f"{level.logged}/{level.expected}",
            "coverage": level.coverage,
            "activities": level.figures.activities,
            "female": level.figures.female,
            "male": level.figures.male,
            "media": level.figures.media_total,
        }
        for level in result.levels
    ]
    columns = [
        ("level", _("level")),
        ("logged", _("reported")),
        ("coverage", _("rate %")),
        ("activities", _("activities")),
        ("female", _("women")),
        ("male", _("men")),
        ("media", _("media products")),
    ]
    typer.echo(format_rows(rows, columns, Format.table))


def _files(home: Path, now: Any, reports: list[Path]) -> None:
    settings = get_settings()
    outbox = settings.outbox_dir
    kinds = Counter(f.suffix for f in outbox.rglob("*") if f.is_file()) if outbox.exists() else Counter()
    section(_("Files"))
    typer.echo(_("database:  {database}").format(database=settings.database.removeprefix("sqlite:///")))
    typer.echo(
        _("outbox:    {outbox} ({emails} email .eml, {zalo} Zalo .json)").format(
            outbox=outbox, emails=kinds.get(".eml", 0), zalo=kinds.get(".json", 0)
        )
    )
    for report in reports:
        typer.echo(_("report:    {report}").format(report=report))
    typer.echo(_("Prefect:   {folder} (runs of the ephemeral API)").format(folder=home / "prefect"))
    typer.echo(
        "\n" + _("explore it: DUNGHAN_HOME={home} dunghan overdue --at {now:%Y-%m-%dT%H:%M}").format(home=home, now=now)
    )


def _web(home: Path, now: Any, people: Any) -> None:
    section(_("Web accounts (the passwords are shown this once; only their hashes are stored)"))
    rows = [
        {
            "email": p.email,
            "role": USER_ROLE_LABELS[p.role],
            "unit": f"{p.unit_name} ({p.unit_code})",
            "password": p.password,
        }
        for p in people
    ]
    typer.echo(format_rows(rows, USER_COLUMNS, Format.table))
    serve = f"DUNGHAN_HOME={shlex.quote(str(home))} dunghan serve --at {now:%Y-%m-%dT%H:%M}"
    typer.echo("\n" + _("Open the web pages: {serve} then open http://127.0.0.1:8000/").format(serve=serve))
