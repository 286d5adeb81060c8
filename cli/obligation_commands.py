"""`dunghan submit | review | extend | exempt`: what happens to one obligation."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.workspace import current_actor, database
from cli.errors import report_errors
from cli.options import AtOption, parse_date
from rules.calendar import end_of_day
from rules.clock import clock_for

if TYPE_CHECKING:
    from app.obligations import ObligationKey, Outcome

UnitArg = Annotated[str, typer.Argument(help="The reporting unit's code.")]
ReportArg = Annotated[str, typer.Argument(help="The report id in its pack.")]
PeriodArg = Annotated[str, typer.Argument(help="The period label: 2026, 2026-H1, 2026-Q4, 2026-11…")]
HopOption = Annotated[int | None, typer.Option("--hop", help="The hop, when the unit reports on several.")]
ByOption = Annotated[str | None, typer.Option("--by", help="Who acts (for the audit trail).")]


class Decision(StrEnum):
    accept = "accept"
    return_ = "return"


def _say(key: ObligationKey, outcome: Outcome) -> None:
    tail = f" ({outcome.timeliness})" if outcome.timeliness else ""
    typer.echo(f"{key}: {outcome.from_state} → {outcome.to_state}{tail}")


def submit(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    hop: HopOption = None,
    file: Annotated[Path | None, typer.Option("--file", help="The report file; stored with its sha256.")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    """Record a submission (on time, or late by N working days).

    Example: dunghan submit 24-SYT bdg-6-thang 2026-H1 --file bao-cao.pdf
    """
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    files = [(file.name, file)] if file is not None else []
    outcome = obligations.submit(database(), key, at=clock_for(at)(), actor=current_actor(by), files=files, note=note)
    _say(key, outcome)


def review(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    decision: Annotated[Decision, typer.Argument(help="accept or return.")],
    reason: Annotated[str | None, typer.Option("--reason", help="What to correct (needed to return).")] = None,
    hop: HopOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    """Accept a submitted report, or return it with the reason.

    Example: dunghan review 24-SYT bdg-6-thang 2026-H1 return --reason "Thiếu số liệu mục 4"
    """
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    outcome = obligations.review(
        database(), key, decision.value, at=clock_for(at)(), actor=current_actor(by), reason=reason
    )
    _say(key, outcome)


def extend(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    until: Annotated[str, typer.Option("--until", help="The new last day, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the extension was granted.")],
    hop: HopOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    """Grant an extension: a new last day, kept in the history (late with permission).

    Example: dunghan extend 24-SYT bdg-6-thang 2026-H1 --until 2026-06-26 --reason "Chờ số liệu"
    """
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    new_due = end_of_day(parse_date(until, "--until"))
    outcome = obligations.extend(
        database(), key, new_due=new_due, at=clock_for(at)(), actor=current_actor(by), reason=reason
    )
    typer.echo(f"{key}: due {new_due:%d/%m/%Y} ({outcome.to_state}, late with permission)")


def exempt(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the unit need not report.")],
    hop: HopOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    """Exempt a unit from one obligation.

    Example: dunghan exempt 07627 bdg-nam 2026 --reason "Đơn vị sáp nhập"
    """
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    _say(key, obligations.exempt(database(), key, at=clock_for(at)(), actor=current_actor(by), reason=reason))


def reopen(
    unit: UnitArg,
    report: ReportArg,
    period: PeriodArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the decision is undone.")],
    hop: HopOption = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    """Undo an acceptance (the report waits for review again) or an exemption (the unit must report).

    Example: dunghan reopen 24-SYT bdg-6-thang 2026-H1 --reason "Tiếp nhận nhầm"
    """
    from app import obligations  # the database layer loads only for commands that use it

    key = obligations.ObligationKey(unit, report, period, hop)
    _say(key, obligations.reopen(database(), key, at=clock_for(at)(), actor=current_actor(by), reason=reason))


def register(app: typer.Typer) -> None:
    for command in (submit, review, extend, exempt, reopen):
        app.command(command.__name__)(report_errors(command))
