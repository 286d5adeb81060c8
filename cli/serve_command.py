"""`dunghan serve`: the web pages and the schedule of prefect.yaml, on one machine."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli.errors import report_errors
from cli.options import AtOption
from rules.i18n import _

CLOCK_ENV = "DUNGHAN_SERVE_AT"


def serve(
    host: Annotated[str, typer.Option("--host", help=_("The address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help=_("The port to listen on."))] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help=_("Worker processes (PostgreSQL: several)."))] = 1,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help=_("Reverse proxies whose X-Forwarded-* headers are believed (comma-separated)."),
        ),
    ] = "127.0.0.1",
    web: Annotated[bool, typer.Option("--web/--no-web", help=_("Serve the web pages (default) or not."))] = True,
    schedule: Annotated[
        bool | None,
        typer.Option(
            "--schedule/--no-schedule",
            help=_("Run prefect.yaml's deployments on their schedule (default; not with --at or PREFECT_API_URL)."),
        ),
    ] = None,
    at: AtOption = None,
) -> None:
    from app.orchestration import Supervisor, cron_overrides, scheduled_deployments, web_command
    from app.settings import get_settings
    from app.workspace import database
    from rules.clock import parse_at
    from rules.errors import DunghanError

    if schedule is None:
        schedule = at is None  # a replayed day on the pages; the schedule would send for today
    if os.environ.get("PREFECT_API_URL") and schedule:
        schedule = False
        typer.echo(
            _("dunghan: PREFECT_API_URL is set: the schedule is kept by the Prefect server and its workers"), err=True
        )
    if not web and not schedule:
        raise DunghanError(_("nothing to run: drop --no-web or --no-schedule"))
    if at is not None:
        os.environ[CLOCK_ENV] = parse_at(at).isoformat()
    else:
        os.environ.pop(CLOCK_ENV, None)
    database().dispose()  # migrated once here, before any worker opens it
    pages = None
    if web:
        pages = web_command(host=host, port=port, workers=workers, forwarded_allow_ips=forwarded_allow_ips)
        typer.echo(
            _("dunghan: the web pages at http://{host}:{port}/ (Ctrl+C to stop)").format(host=host, port=port), err=True
        )
    if schedule:
        jobs = scheduled_deployments(overrides=cron_overrides(os.environ))  # refused here, in one line, if unreadable
        typer.echo(
            _(
                "dunghan: starting the schedule ({count} jobs from prefect.yaml; the Prefect API, about 10-20 seconds)…"
            ).format(count=len(jobs)),
            err=True,
        )
    supervisor = Supervisor(home=get_settings().home, say=lambda line: typer.echo(line, err=True), web=pages)
    supervisor.schedule = schedule
    supervisor.run()
    typer.echo(_("dunghan: stopped"), err=True)


def register(app: typer.Typer) -> None:
    app.command(
        "serve",
        help=_(
            "Serve the web pages and keep the schedule: the 07:30 sweep, the hourly retries, the digests,\n"
            "the Action Month roll-up and the yearly planning, at the times prefect.yaml gives (Vietnam time).\n"
            "\n"
            "The database is created or migrated first. The schedule runs on a Prefect API started here\n"
            "(its database in the data folder's prefect/); a scheduled time missed while the machine was\n"
            "off is caught up at start. With PREFECT_API_URL set, the schedule is the Prefect server's and\n"
            "its workers' (prefect deploy), and only the pages are served. Ctrl+C or SIGTERM stops\n"
            "everything this command started. With --at the pages' clock starts at that instant and runs\n"
            "on (a replayed day, as after `dunghan demo --at`); the schedule keeps the real time, so it\n"
            "is off with --at unless --schedule is given.\n"
            "\n"
            "Example: dunghan serve --port 8000"
        ),
    )(report_errors(serve))
