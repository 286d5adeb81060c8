"""`dunghan remind`, `dunghan digest` and `dunghan outbox …`: the reminder sweep and what it sent."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.orchestration import run_job
from app.settings import get_settings
from app.workspace import current_actor, database
from cli.errors import report_errors
from cli.options import AtOption, FormatOption
from cli.output import Format, format_rows, to_json
from cli.runs_command import ViaPrefectOption
from rules.clock import clock_for
from rules.i18n import _

if TYPE_CHECKING:  # the sending machinery (Apprise, templates) loads only when a command needs it
    from app.notifying import SweepResult

NOTICE_COLUMNS = [
    ("notice", _("no.")),
    ("unit", _("unit code")),
    ("report", _("report")),
    ("period", _("period")),
    ("step", _("step")),
    ("role", _("role")),
    ("contact", _("person notified")),
    ("channel", _("channel")),
    ("template", _("template")),
    ("status", _("status")),
    ("detail", _("note")),
]
STATUS_NAMES = {
    "would send": _("would send"),
    "pending": _("waiting to be sent"),
    "sending": _("being sent"),
    "sent": _("sent"),
    "lost": _("lease lost, another process sends it"),
    "failed": _("failed, will be retried"),
    "dead": _("could not be sent"),
    "written": _("written to the folder"),
}


def _rows(result: SweepResult, folder_mode: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    delivered = {d.notice.key: d for d in result.delivered}
    shown = result.planned if result.dry_run else result.queued
    keys = {d.key for d in shown}
    for draft in shown:
        row = {"notice": None, **_draft_row(draft)}
        done = delivered.get(draft.key)
        if result.dry_run:
            row["status"] = "would send"
        elif done is not None:
            row.update(notice=done.notice.id, status=done.status, detail=done.detail)
        else:
            row["status"] = "pending"
            row["detail"] = (
                _("held until {moment:%d/%m %H:%M}").format(moment=draft.not_before) if draft.not_before else None
            )
        rows.append(row)
    for done in result.delivered:  # earlier notices delivered now: held overnight, retried, fallbacks
        if done.notice.key not in keys:
            rows.append(
                {**_draft_row(done.notice), "notice": done.notice.id, "status": done.status, "detail": done.detail}
            )
    from app.outbox import about

    facts = about(database(), {r["obligation"] for r in rows if r["obligation"]})
    for row in rows:
        row.update(facts.get(row["obligation"], {"unit": "", "report": row["template"], "period": ""}))
        if folder_mode and row["status"] == "sent":
            row["status"] = "written"
        row["status_name"] = STATUS_NAMES.get(row["status"], row["status"])
    return rows


def _draft_row(notice: Any) -> dict[str, Any]:
    return {
        "obligation": notice.obligation_id,
        "step": notice.step or notice.kind,
        "role": notice.recipient_role,
        "contact": notice.recipient_name,
        "channel": notice.channel,
        "address": notice.address if notice.channel != "apprise" else "(Apprise URL)",
        "template": notice.template,
        "detail": notice.note,
    }


def _print(result: SweepResult, fmt: Format) -> None:
    settings = get_settings()
    rows = _rows(result, settings.delivery == "folder")
    gaps = [dataclasses.asdict(g) for g in result.gaps]
    if fmt is Format.json:
        typer.echo(to_json({"notices": rows, "gaps": gaps, "warnings": result.warnings}))
        return
    for warning in result.warnings:
        typer.echo(_("warning: {warning}").format(warning=warning), err=True)
    if rows:
        typer.echo(format_rows(rows, NOTICE_COLUMNS, fmt))
    sent = sum(1 for r in rows if r["status"] in ("sent", "written"))
    if result.dry_run:
        line = _("{count} notice(s) would be queued, {sent} delivered").format(count=len(result.planned), sent=sent)
    else:
        line = _("{count} notice(s) queued, {sent} delivered").format(count=len(result.queued), sent=sent)
    if settings.delivery == "folder" and sent:
        line += " " + _("(written to {folder})").format(folder=settings.outbox_dir)
    if gaps:
        line += "; " + _("{count} role(s) with no active contact (see --format json)").format(count=len(gaps))
    typer.echo(line)


def register(app: typer.Typer) -> None:
    @app.command(
        "remind",
        help=_(
            "Run the reminder sweep: decide, queue, deliver; nothing is sent twice.\n"
            "\n"
            "Decides which ladder steps are due, queues them in the outbox, delivers what is ready, and\n"
            "shows one row per notice. The run is recorded (`dunghan runs`); it runs as a Prefect flow\n"
            "with PREFECT_API_URL or --via-prefect.\n"
            "\n"
            "Example: dunghan remind --at 2026-12-22T07:30"
        ),
    )
    @report_errors
    def remind(
        at: AtOption = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Decide and show; write and send nothing."))] = False,
        fmt: FormatOption = Format.table,
        via_prefect: ViaPrefectOption = False,
    ) -> None:
        if dry_run:  # decides only: no flow, nothing written
            from app.notifying import decide

            result = decide(database(), get_settings(), at=clock_for(at)())
            result.dry_run = True
        else:
            result = run_job("send_reminders", forced=via_prefect, at=at, by=current_actor(None))
        _print(result, fmt)

    @app.command(
        "digest",
        help=_(
            "Send each supervisor the day's digest: pending, due soon and overdue under them.\n"
            "\n"
            "The run is recorded (`dunghan runs`); it runs as a Prefect flow with PREFECT_API_URL or\n"
            "--via-prefect.\n"
            "\n"
            "Example: dunghan digest --at 2026-12-22T08:00"
        ),
    )
    @report_errors
    def digest(at: AtOption = None, fmt: FormatOption = Format.table, via_prefect: ViaPrefectOption = False) -> None:
        result = run_job("send_digests", forced=via_prefect, at=at, by=current_actor(None))
        _print(result, fmt)

    outbox_app = typer.Typer(help=_("The outbox: every message queued, sent or failed."))
    app.add_typer(outbox_app, name="outbox")

    @outbox_app.callback(invoke_without_command=True)
    def outbox_default(
        context: typer.Context,
        status: Annotated[
            str | None, typer.Option("--status", help=_("pending, sending, sent, failed or dead."))
        ] = None,
        fmt: FormatOption = Format.table,
    ) -> None:
        """List the outbox (as `outbox list`) when no subcommand is given.

        Example: dunghan outbox --status failed
        """
        if context.invoked_subcommand is None:
            list_notices(status=status, limit=200, fmt=fmt)

    @outbox_app.command(
        "list",
        help=_(
            "List notices in the outbox, newest first, with attempts and the last error.\n"
            "\n"
            "Example: dunghan outbox list --status failed"
        ),
    )
    @report_errors
    def list_notices(
        status: Annotated[
            str | None, typer.Option("--status", help=_("pending, sending, sent, failed or dead."))
        ] = None,
        limit: Annotated[int, typer.Option("--limit", help=_("At most this many, newest first."))] = 200,
        fmt: FormatOption = Format.table,
    ) -> None:
        if status and status not in ("pending", "sending", "sent", "failed", "dead"):
            raise typer.BadParameter(
                _("--status {status!r}: use pending, sending, sent, failed or dead").format(status=status)
            )
        from app import outbox

        rows = [
            {
                "notice": n.id,
                "created": n.created_at,
                "step": n.step or n.kind,
                "contact": n.recipient_name,
                "channel": n.channel,
                "address": n.address if n.channel != "apprise" else "(Apprise URL)",
                "status": n.status,
                "state": STATUS_NAMES.get(outbox.state_key(n.status, n.result), n.status),
                "attempts": n.attempts,
                "error": n.last_error,
                "result": n.result,
            }
            for n in outbox.notices(database(reading=True), status=status, limit=limit)
        ]
        columns = [
            ("notice", _("no.")),
            ("created", _("created at")),
            ("step", _("step")),
            ("contact", _("person notified")),
            ("channel", _("channel")),
            ("state", _("state")),
            ("attempts", _("attempts")),
            ("error", _("error")),
        ]
        typer.echo(format_rows(rows, columns, fmt))
        if fmt is Format.table:
            counts = outbox.counts(database(reading=True))
            folder = get_settings().delivery == "folder"
            shown = [
                f"{STATUS_NAMES['written' if folder and k == 'sent' else k]}: {v}" if k in STATUS_NAMES else f"{k}: {v}"
                for k, v in sorted(counts.items())
            ]
            typer.echo(", ".join(shown) or _("the outbox is empty"))

    @outbox_app.command(
        "retry",
        help=_(
            "Deliver failed notices now instead of waiting for their back-off.\n\nExample: dunghan outbox retry --dead"
        ),
    )
    @report_errors
    def retry(
        notice: Annotated[list[int] | None, typer.Argument(help=_("Notice numbers; all failed ones if none."))] = None,
        dead: Annotated[bool, typer.Option("--dead", help=_("Also notices that were given up."))] = False,
        at: AtOption = None,
        fmt: FormatOption = Format.table,
    ) -> None:
        from app import outbox
        from app.notifying import SweepResult

        clock = clock_for(at)
        done = outbox.retry(database(), get_settings(), clock=clock, ids=notice, dead=dead)
        _print(SweepResult(delivered=done.delivered), fmt)
        if fmt is Format.table:
            typer.echo(_("{count} notice(s) made ready again").format(count=done.requeued))
