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
    decision: Annotated[Decision, typer.Argument(help="accept, return hoặc reopen (mở lại: hủy quyết định đã ghi).")],
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


obligation_app = typer.Typer(help="Một nghĩa vụ báo cáo: lịch sử và nhật ký thao tác.", no_args_is_help=True)


def _vn(moment: datetime) -> str:
    from rules.calendar import VIETNAM

    return f"{moment.astimezone(VIETNAM):%d/%m/%Y %H:%M}"


def _history_text(page: ObligationPage) -> str:
    from app.obligation_history import ACTION_NAMES, STATE_NAMES
    from cli.output import to_table
    from rules.periods import period_name

    view, row = page.view, page.view.row
    days = row.working_days
    if row.state in ("pending", "returned"):
        timing = f"quá hạn {-days} ngày làm việc" if days < 0 else f"còn {days} ngày làm việc"
    else:
        timing = ""
    due = f"{row.due_date:%d/%m/%Y} ({row.wording})"
    if row.rolled_reason:
        due += f", lùi vì {row.rolled_reason}"
    if row.late_with_permission:
        due += ", đã gia hạn"
    lines = [
        f"{row.report_name} ({row.report})",
        f"  đơn vị:      {row.unit_name} ({row.unit_code})",
        f"  kỳ:          {period_name(row.period)} ({row.period}), bước {row.hop}",
        f"  nơi nhận:    {row.recipient}",
        f"  hạn:         {due}",
        f"  trạng thái:  {STATE_NAMES.get(row.state, row.state)}" + (f", {timing}" if timing else ""),
        f"  gói:         {view.pack_id} {view.pack_version}, chu kỳ năm {view.cycle_year}",
    ]
    if row.return_reason and row.state == "returned":
        lines.append(f"  lý do trả lại: {row.return_reason}")
    receipts = page.receipts
    lines.append("")
    lines.append(f"Các lần nộp: {len(view.submissions)}" if view.submissions else "Các lần nộp: chưa có")
    for s in view.submissions:
        files = ", ".join(f.name for f in s.files) or "không kèm tệp"
        note = f"; {s.note}" if s.note else ""
        lines.append(f"  - {receipts[s.id]}, {_vn(s.submitted_at)}, {s.actor}: {files}{note}")
    if view.extensions:
        lines.append("")
        lines.append(f"Gia hạn: {len(view.extensions)}")
        for e in view.extensions:
            lines.append(
                f"  - {_vn(e.granted_at)}, {e.granted_by}: {_vn(e.old_due_at)} → {_vn(e.new_due_at)}; {e.reason}"
            )
    lines.append("")
    lines.append("Nhật ký thao tác:")
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
        ("at", "thời điểm"),
        ("actor", "người thực hiện"),
        ("action", "thao tác"),
        ("states", "trạng thái"),
        ("note", "ghi chú"),
    ]
    lines += ["  " + line for line in to_table(events, columns, max_width=60).splitlines()]
    return "\n".join(lines)


def _history_json(page: ObligationPage) -> dict[str, Any]:
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
        }
    )
    return shown


@obligation_app.command(
    "show",
    help=_(
        "Show one obligation: its deadline and state, the submissions with their files and\n"
        "receipts, the extensions, and every audited step (who, when, what, why).\n"
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
    from app.obligation_history import obligation_history
    from app.obligations import ObligationKey

    key = ObligationKey(unit, report, period, hop)
    now = clock_for(at)()
    page = obligation_history(database(reading=True), key, at=now, on=now.date() if at else None)
    if fmt is Format.json:
        typer.echo(to_json(_history_json(page)))
        return
    typer.echo(_history_text(page))


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
