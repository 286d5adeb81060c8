"""`dunghan submit | review | extend | exempt | reopen`: what happens to one obligation; `dunghan
obligation show`: what has happened to it."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.workspace import current_actor, database
from cli.errors import report_errors
from cli.options import AtOption, FormatOption, parse_date
from cli.output import Format, to_json
from rules.calendar import end_of_day
from rules.clock import clock_for
from rules.i18n import _

if TYPE_CHECKING:
    from collections.abc import Sequence

    from app.obligation_history import Message
    from app.obligations import ObligationKey, Outcome
    from app.worklist import ObligationPage

UnitArg = Annotated[str, typer.Argument(help=_("The reporting unit's code."))]
ReportArg = Annotated[str, typer.Argument(help=_("The report id in its pack."))]
PeriodArg = Annotated[str, typer.Argument(help=_("The period label: 2026, 2026-H1, 2026-Q4, 2026-11…"))]
HopOption = Annotated[int | None, typer.Option("--hop", help=_("The hop, when the unit reports on several."))]
ByOption = Annotated[str | None, typer.Option("--by", help=_("Who acts (for the audit trail)."))]


class Decision(StrEnum):
    accept = "accept"
    return_ = "return"
    reopen = "reopen"  # undo a decision: as `dunghan reopen`


def _say(key: ObligationKey, outcome: Outcome) -> None:
    tail = f" ({outcome.timeliness})" if outcome.timeliness else ""
    typer.echo(f"{key}: {outcome.from_state} → {outcome.to_state}{tail}")


def submit(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    hop: HopOption = None,
    file: Annotated[Path | None, typer.Option("--file", help=_("The report file; stored with its sha256."))] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    files = [(file.name, file)] if file is not None else []
    outcome = obligations.submit(database(), key, at=clock_for(at)(), actor=current_actor(by), files=files, note=note)
    _say(key, outcome)


def review(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    decision: Annotated[Decision, typer.Argument(help=_("accept, return or reopen (undo the decision recorded)."))],
    reason: Annotated[
        str | None, typer.Option("--reason", help=_("What to correct (needed to return); why (needed to reopen)."))
    ] = None,
    hop: HopOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    if decision is Decision.reopen:
        outcome = obligations.reopen(database(), key, at=clock_for(at)(), actor=current_actor(by), reason=reason or "")
    else:
        outcome = obligations.review(
            database(), key, decision.value, at=clock_for(at)(), actor=current_actor(by), reason=reason
        )
    _say(key, outcome)


def extend(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    until: Annotated[str, typer.Option("--until", help=_("The new last day, YYYY-MM-DD."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why the extension was granted."))],
    hop: HopOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    new_due = end_of_day(parse_date(until, "--until"))
    outcome = obligations.extend(
        database(), key, new_due=new_due, at=clock_for(at)(), actor=current_actor(by), reason=reason
    )
    typer.echo(
        _("{key}: due {due:%d/%m/%Y} ({state}, late with permission)").format(
            key=key, due=new_due, state=outcome.to_state
        )
    )


def exempt(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    reason: Annotated[str, typer.Option("--reason", help=_("Why the unit need not report."))],
    hop: HopOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    _say(key, obligations.exempt(database(), key, at=clock_for(at)(), actor=current_actor(by), reason=reason))


def reopen(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    reason: Annotated[str, typer.Option("--reason", help=_("Why the decision is undone."))],
    hop: HopOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    _say(key, obligations.reopen(database(), key, at=clock_for(at)(), actor=current_actor(by), reason=reason))


obligation_app = typer.Typer(help=_("One reporting obligation: its history and action log."), no_args_is_help=True)


def _vn(moment: datetime) -> str:
    from rules.calendar import VIETNAM

    return f"{moment.astimezone(VIETNAM):%d/%m/%Y %H:%M}"


def _field(label: str, value: str) -> str:
    """One line of the obligation's sheet: its label, then its value in the column after the usual labels."""
    return f"  {label + ':':<12} {value}"


def _history_text(page: ObligationPage, messages: Sequence[Message] = ()) -> str:
    from app.obligation_history import ACTION_NAMES, STATE_NAMES
    from cli.output import to_table
    from rules.periods import period_name

    view, row = page.view, page.view.row
    days = row.working_days
    if row.state in ("pending", "returned"):
        timing = (
            _("{days} working day(s) overdue").format(days=-days)
            if days < 0
            else _("{days} working day(s) left").format(days=days)
        )
    else:
        timing = ""
    due = f"{row.due_date:%d/%m/%Y} ({row.wording})"
    if row.rolled_reason:
        due += ", " + _("moved because of {reason}").format(reason=row.rolled_reason)
    if row.late_with_permission:
        due += ", " + _("extended")
    state = STATE_NAMES.get(row.state, row.state)
    lines = [
        f"{row.report_name} ({row.report})",
        _field(_("unit"), f"{row.unit_name} ({row.unit_code})"),
        _field(
            _("period"),
            _("{name} ({period}), step {hop}").format(name=period_name(row.period), period=row.period, hop=row.hop),
        ),
        _field(_("recipient"), row.recipient),
        *([_field(_("also sent to"), "; ".join(row.also_recipients))] if row.also_recipients else []),
        _field(_("due"), due),
        *([_field(_("note on the date"), row.assumed)] if row.assumed else []),
        _field(_("state"), f"{state}, {timing}" if timing else state),
        _field(
            _("pack"),
            _("{pack} {version}, cycle of {year}").format(
                pack=view.pack_id, version=view.pack_version, year=view.cycle_year
            ),
        ),
    ]
    if row.return_reason and row.state == "returned":
        lines.append(_field(_("reason returned"), row.return_reason))
    receipts = page.receipts
    lines.append("")
    lines.append(
        _("Submissions: {count}").format(count=len(view.submissions))
        if view.submissions
        else _("Submissions: none yet")
    )
    for s in view.submissions:
        files = ", ".join(f.name for f in s.files) or _("no file")
        note = f"; {s.note}" if s.note else ""
        lines.append(f"  - {receipts[s.id]}, {_vn(s.submitted_at)}, {s.actor}: {files}{note}")
    if view.extensions:
        lines.append("")
        lines.append(_("Extensions: {count}").format(count=len(view.extensions)))
        for e in view.extensions:
            lines.append(
                f"  - {_vn(e.granted_at)}, {e.granted_by}: {_vn(e.old_due_at)} → {_vn(e.new_due_at)}; {e.reason}"
            )
    lines.append("")
    lines.append(_("Messages: {count}").format(count=len(messages)) if messages else _("Messages: none yet"))
    for m in messages:
        what = f"{m.name} ({m.shared})" if m.shared else m.name
        lines.append(
            "  - "
            + _("{at}, {what}, to {recipient} via {channel}: {state}; «{subject}»").format(
                at=_vn(m.at), what=what, recipient=m.recipient, channel=m.channel, state=m.state, subject=m.subject
            )
        )
    lines.append("")
    lines.append(_("Action log:"))
    events = [
        {
            "at": _vn(e.at),
            "actor": e.actor,
            "action": ACTION_NAMES.get(e.action, e.action),
            "states": f"{STATE_NAMES.get(e.from_state or '', e.from_state or '')} → "
            f"{STATE_NAMES.get(e.to_state or '', e.to_state or '')}",
            "note": e.note,
        }
        for e in view.events
    ]
    columns = [
        ("at", _("time")),
        ("actor", _("done by")),
        ("action", _("action")),
        ("states", _("state")),
        ("note", _("note")),
    ]
    lines += ["  " + line for line in to_table(events, columns, max_width=60).splitlines()]
    return "\n".join(lines)


def _history_json(page: ObligationPage, messages: Sequence[Message] = ()) -> dict[str, Any]:
    from rules.calendar import VIETNAM

    def vn(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(VIETNAM)
        if isinstance(value, dict):
            return {k: vn(v) for k, v in value.items()}
        if isinstance(value, list):
            return [vn(v) for v in value]
        return value

    view = page.view
    shown: dict[str, Any] = vn(
        {
            "obligation": dataclasses.asdict(view.row),
            "unit_id": view.unit_id,
            "pack": view.pack_id,
            "pack_version": view.pack_version,
            "cycle_year": view.cycle_year,
            "submissions": [dataclasses.asdict(s) | {"receipt": page.receipts[s.id]} for s in view.submissions],
            "extensions": [dataclasses.asdict(e) for e in view.extensions],
            "events": [dataclasses.asdict(e) for e in view.events],
            "messages": [dataclasses.asdict(m) for m in messages],
        }
    )
    return shown


@obligation_app.command(
    "show",
    help=_(
        "Show one obligation: its deadline and state, the submissions with their files and\n"
        "receipts, the extensions, the messages that told someone of it (the day's grouped\n"
        "escalations that listed it included), and every audited step (who, when, what, why).\n"
        "\n"
        "The unit is the one with this obligation; when the code named two units that both have it\n"
        "(before and after the 2025 reform), --at says which: the one holding the code that day.\n"
        "\n"
        "Example: dunghan obligation show 24-SYT bdg-6-thang 2026-H1\n"
        "Example: dunghan obligation show 24 tong-ket-nam 2024 --at 2024-12-31"
    ),
)
@report_errors
def show(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    hop: HopOption = None,
    fmt: FormatOption = Format.table,
    at: AtOption = None,
) -> None:
    from app.obligation_history import obligation_history, obligation_messages
    from app.obligations import ObligationKey

    key = ObligationKey(unit, report, period, hop)
    now = clock_for(at)()
    engine = database(reading=True)
    page = obligation_history(engine, key, at=now, on=now.date() if at else None)
    messages = obligation_messages(engine, page.view.row.id)
    if fmt is Format.json:
        typer.echo(to_json(_history_json(page, messages)))
        return
    typer.echo(_history_text(page, messages))


def register(app: typer.Typer) -> None:
    app.command(
        "submit",
        help=_(
            "Record a submission (on time, or late by N working days).\n"
            "\n"
            "Example: dunghan submit 24-SYT bdg-6-thang 2026-H1 --file bao-cao.pdf"
        ),
    )(report_errors(submit))
    app.command(
        "review",
        help=_(
            "Accept a submitted report, or return it with the reason; reopen undoes a decision taken by\n"
            "mistake, as `dunghan reopen` does (an audited step, with its reason).\n"
            "\n"
            'Example: dunghan review 24-SYT bdg-6-thang 2026-H1 return --reason "Thiếu số liệu mục 4"\n'
            'Example: dunghan review 24-SYT bdg-6-thang 2026-H1 reopen --reason "Tiếp nhận nhầm"'
        ),
    )(report_errors(review))
    app.command(
        "extend",
        help=_(
            "Grant an extension: a new last day, kept in the history (late with permission).\n"
            "\n"
            'Example: dunghan extend 24-SYT bdg-6-thang 2026-H1 --until 2026-06-26 --reason "Chờ số liệu"'
        ),
    )(report_errors(extend))
    app.command(
        "exempt",
        help=_(
            "Exempt a unit from one obligation.\n"
            "\n"
            'Example: dunghan exempt 07627 bdg-nam 2026 --reason "Đơn vị sáp nhập"'
        ),
    )(report_errors(exempt))
    app.command(
        "reopen",
        help=_(
            "Undo an acceptance (the report waits for review again) or an exemption (the unit must report).\n"
            "\n"
            'Example: dunghan reopen 24-SYT bdg-6-thang 2026-H1 --reason "Tiếp nhận nhầm"'
        ),
    )(report_errors(reopen))
    app.add_typer(obligation_app, name="obligation")
