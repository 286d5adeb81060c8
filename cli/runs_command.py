"""`dunghan runs`: the latest runs of the jobs, from the schedule or from commands."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.errors import report_errors
from cli.options import FormatOption
from cli.output import Format, format_rows
from rules.i18n import _

# For the commands that run a job (cycle plan, remind, digest, rollup): run it as a Prefect flow.
ViaPrefectOption = Annotated[
    bool,
    typer.Option(
        "--via-prefect",
        help=_("Run it as a Prefect flow (on PREFECT_API_URL, a running `dunghan serve`, or a temporary API)."),
    ),
]

RUN_COLUMNS = [
    ("id", _("no.")),
    ("started", _("started")),
    ("duration", _("duration")),
    ("job_name", _("job")),
    ("who", _("run by")),
    ("how_name", _("how")),
    ("parameters_text", _("parameters")),
    ("outcome_name", _("outcome")),
    ("counts_text", _("counts")),
    ("message", _("note")),
]
JOBS = ("plan_cycle", "send_reminders", "send_digests", "retry_notices", "rollup")


def runs(
    limit: Annotated[int, typer.Option("--limit", min=1, help=_("At most this many, newest first."))] = 20,
    job: Annotated[
        str | None,
        typer.Option(
            "--job", help=_("Only this job: plan_cycle, send_reminders, send_digests, retry_notices, rollup.")
        ),
    ] = None,
    failed: Annotated[bool, typer.Option("--failed", help=_("Only the runs that failed."))] = False,
    fmt: FormatOption = Format.table,
) -> None:
    from app import runs as jobs
    from app.workspace import database
    from rules.calendar import VIETNAM

    if job is not None and job not in JOBS:
        raise typer.BadParameter(_("--job {job!r}: use {jobs}").format(job=job, jobs=", ".join(JOBS)))
    lines = jobs.latest(database(reading=True), limit=limit, name=job, outcome="failed" if failed else None)
    rows: list[dict[str, Any]] = []
    for line in lines:
        run = line.row
        rows.append(
            {
                "id": run.id,
                "job": run.name,
                "job_name": line.job,
                "who": run.who,
                "how": run.how,
                "how_name": line.how,
                "scope": run.scope,
                "parameters": run.parameters,
                "parameters_text": line.parameters_text,
                "started_at": run.started_at,
                "started": run.started_at.astimezone(VIETNAM),
                "finished_at": run.finished_at,
                "seconds": run.seconds,
                "duration": line.duration,
                "outcome": run.outcome,
                "outcome_name": line.outcome,
                "counts": run.counts,
                "counts_text": line.counts_text,
                "message": run.message,
            }
        )
    if fmt is Format.json:
        keep = ["id", "job", "who", "how", "scope", "parameters", "started_at", "finished_at", "seconds"]
        keep += ["outcome", "counts", "message"]
        typer.echo(format_rows([{k: r[k] for k in keep} for r in rows], RUN_COLUMNS, fmt))
        return
    if not rows:
        typer.echo(_("no failed runs yet") if failed else _("no runs yet"))
        return
    typer.echo(format_rows(rows, RUN_COLUMNS, fmt))


def register(app: typer.Typer) -> None:
    app.command(
        "runs",
        help=_(
            "List the latest runs: planning, reminder sweeps, digests, retries, roll-ups.\n"
            "\n"
            "Each run says when it started (Vietnam time) and how long it took, who ran it (cli:LOGIN,\n"
            "web:EMAIL, or prefect:FLOW/DEPLOYMENT for the schedule), how (directly or as a Prefect flow),\n"
            "its parameters, and how it ended: done with its counts, failed with the reason, or still\n"
            "running (a run stopped with kill -9 stays so).\n"
            "\n"
            "Example: dunghan runs --job send_reminders --limit 5"
        ),
    )(report_errors(runs))
