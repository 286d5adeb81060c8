"""The jobs the schedule and the commands run, each recorded as a run in dunghan's database.

A job is one function here, called alike by its flow (``flows/``: each step a Prefect task, on
the schedule of ``prefect.yaml`` or with ``--via-prefect``) and by its command without Prefect
(``dunghan cycle plan``, ``remind``, ``digest``, ``rollup``: each step a plain call). Either way the
run is written when it starts and completed when it ends: who started it (``cli:LOGIN``,
``web:EMAIL``, ``prefect:FLOW/DEPLOYMENT``), how, with which parameters, over which units, and
how it ended (``ok`` with its counts, ``failed`` with a short message). ``dunghan runs`` and the
admin's page ``/quan-tri/lan-chay`` list them.

Heavy modules (the sending machinery, the roll-up's files) load only inside the job that needs
them, so a command that imports this module starts as fast as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rules.calendar import VIETNAM
from rules.clock import run_clock, system_clock
from rules.errors import DunghanError, Interrupted
from rules.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.notifying import Step, SweepResult
    from app.settings import Settings
    from app.worklist import Viewer
    from models.planning import PlanSummary
    from models.rollup import Rollup
    from models.runs import RunRow
    from notifications.delivery import Delivered

log = logging.getLogger("dunghan.runs")
T = TypeVar("T")

# What each job is called where people read it (in the language of the process, read at import).
JOB_NAMES = {
    "plan_cycle": _("cycle planning"),
    "send_reminders": _("reminders"),
    "send_digests": _("digests"),
    "retry_notices": _("notice retries"),
    "rollup": _("activity roll-up"),
}
HOW_NAMES = {"direct": _("direct"), "prefect": "Prefect", "web": _("web pages")}
OUTCOME_NAMES = {"running": _("running"), "ok": _("done"), "failed": _("failed")}
COUNT_NAMES = {
    "total": _("obligations"),
    "created": _("new"),
    "updated": _("changed"),
    "retired": _("no longer asked"),
    "reinstated": _("asked again"),
    "unchanged": _("unchanged"),
    "decided": _("due for a reminder"),
    "queued": _("queued"),
    "sent": _("sent"),
    "failed": _("failed"),
    "gaps": _("without a recipient"),
    "expected": _("expected to report"),
    "logged": _("reported"),
    "activities": _("activities"),
    "files": _("files"),
}
PARAMETER_NAMES = {
    "pack": _("pack"),
    "year": _("year"),
    "params": _("parameters"),
    "under": _("unit"),
    "at": _("as of"),
    "dry_run": _("dry run"),
    "campaign": _("campaign"),
    "files": _("files"),
}
ROLLUP_FILES = ("xlsx", "docx")  # what the schedule's roll-up writes to reports/


def _direct(name: str, action: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run one step as a plain call (the commands); a flow passes its task runner instead."""
    return action(*args, **kwargs)


@dataclass
class Tally:
    """What a job reports about its run while it runs: counts and a short message."""

    counts: dict[str, Any] = field(default_factory=dict)
    message: str | None = None


def failure_message(exc: BaseException) -> str:
    """A failed run's message: the error's own sentence, on one line."""
    if isinstance(exc, KeyboardInterrupt | Interrupted):
        return "bị dừng giữa chừng (Ctrl+C hoặc SIGTERM)"
    if isinstance(exc, SystemExit):
        return "bị dừng giữa chừng"
    text = str(exc).strip()
    if not isinstance(exc, DunghanError):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return " ".join(text.split()) or type(exc).__name__


@contextmanager
def recorded(
    engine: Engine,
    name: str,
    *,
    who: str,
    how: str,
    parameters: Mapping[str, Any],
    scope: Sequence[str] = (),
) -> Iterator[Tally]:
    """Record the run of job ``name`` around the block: started now, then ``ok`` with what the
    block put in the tally, or ``failed`` with the error's sentence (the error goes on up)."""
    from models.runs import finish_run, start_run

    shown = {k: v for k, v in parameters.items() if v not in (None, False, [], {}, ())}
    run_id = start_run(engine, name=name, how=how, who=who, scope=list(scope), parameters=shown, at=system_clock())
    tally = Tally()
    try:
        yield tally
    except BaseException as exc:
        try:
            finish_run(
                engine, run_id, outcome="failed", message=failure_message(exc), counts=tally.counts, at=system_clock()
            )
        except Exception:  # the job's own error is the one to report
            log.exception("could not record the end of run %s", run_id)
        raise
    try:
        finish_run(engine, run_id, outcome="ok", message=tally.message, counts=tally.counts, at=system_clock())
    except Exception:  # the work is done; only its record is missing
        log.exception("could not record the end of run %s", run_id)


# The jobs. Each takes what its flow takes, plus the database, how it runs and the step runner.


def plan_cycle(
    engine: Engine,
    *,
    pack: str,
    year: int | None = None,
    params: Mapping[str, date] | None = None,
    under: Sequence[str] | None = None,
    at: str | None = None,
    actor: str,
    how: str = "direct",
    step: Step = _direct,
) -> PlanSummary:
    """Plan ``pack`` for ``year`` (default: the year of ``at``) under ``under``; ``actor`` is who
    plans, in the audit trail and as the run's author."""
    from app import cycles

    now, _clock = run_clock(at)
    year = year or now.year
    units = list(under or [])
    given = {"pack": pack, "year": year, "params": dict(params or {}), "under": units, "at": at}
    with recorded(engine, "plan_cycle", who=actor, how=how, parameters=given, scope=units) as tally:
        summary = step(
            "plan_obligations",
            cycles.plan_cycle,
            engine,
            pack,
            year,
            params=dict(params or {}),
            under=units,
            now=now,
            actor=actor,
        )
        tally.counts = plan_counts(summary)
        tally.message = f"chu kỳ {summary.cycle_id}"
    return summary


def plan_counts(summary: PlanSummary) -> dict[str, int]:
    """What a planning run did, as its record counts it."""
    return {
        "total": summary.total,
        "created": summary.created,
        "updated": summary.updated,
        "retired": summary.retired,
        "reinstated": summary.reinstated,
        "unchanged": summary.unchanged,
    }


def _delivery_counts(delivered: Sequence[Delivered]) -> dict[str, int]:
    return {
        "sent": sum(1 for d in delivered if d.status == "sent"),
        "failed": sum(1 for d in delivered if d.status in ("failed", "dead")),
    }


def send_reminders(
    engine: Engine,
    settings: Settings,
    *,
    at: str | None = None,
    dry_run: bool = False,
    by: str,
    how: str = "direct",
    step: Step = _direct,
) -> SweepResult:
    """The reminder sweep for ``at`` (default now): decide, queue, deliver, record."""
    from app.notifying import run_sweep

    now, clock = run_clock(at)
    given = {"at": at, "dry_run": dry_run}
    with recorded(engine, "send_reminders", who=by, how=how, parameters=given) as tally:
        result = run_sweep(engine, settings, at=now, clock=clock, dry_run=dry_run, step=step)
        tally.counts = {
            "decided": len(result.planned),
            "queued": len(result.queued),
            **_delivery_counts(result.delivered),
            "gaps": len(result.gaps),
        }
        if result.warnings:
            tally.message = "; ".join(result.warnings)
    return result


def send_digests(
    engine: Engine,
    settings: Settings,
    *,
    at: str | None = None,
    by: str,
    how: str = "direct",
    step: Step = _direct,
) -> SweepResult:
    """The supervisors' digests for ``at`` (default now)."""
    from app.notifying import run_digests

    now, clock = run_clock(at)
    with recorded(engine, "send_digests", who=by, how=how, parameters={"at": at}) as tally:
        result = run_digests(engine, settings, at=now, clock=clock, step=step)
        tally.counts = {"queued": len(result.queued), **_delivery_counts(result.delivered)}
    return result


def retry_notices(
    engine: Engine,
    settings: Settings,
    *,
    at: str | None = None,
    by: str,
    how: str = "direct",
    step: Step = _direct,
) -> list[Delivered]:
    """Queue the hour steps that have come, and deliver every notice whose time has come: those,
    failed ones past their back-off, held ones."""
    from app.notifying import run_retry

    now, clock = run_clock(at)
    with recorded(engine, "retry_notices", who=by, how=how, parameters={"at": at}) as tally:
        result = run_retry(engine, settings, at=now, clock=clock, step=step)
        tally.counts = {
            **_delivery_counts(result.delivered),
            **({"queued": len(result.queued)} if result.queued else {}),
        }
    return result.delivered


def _write_rollup(
    engine: Engine,
    result: Rollup,
    home: Path,
    kinds: Sequence[str],
    output: Path | None,
    pack: str | None,
    today: date,
) -> list[Path]:
    from app import rollups

    written: list[Path] = []
    for kind in kinds:
        if kind == "xlsx":
            written.append(rollups.write_workbook(result, home, output))
        elif kind == "docx":
            written.append(rollups.write_document(engine, result, home, output, pack=pack, today=today))
    return written


def rollup(
    engine: Engine,
    *,
    campaign: str,
    year: int | None = None,
    under: str | None = None,
    pack: str | None = None,
    at: str | None = None,
    home: Path,
    write: Sequence[str] = ROLLUP_FILES,
    output: Path | None = None,
    by: str,
    how: str = "direct",
    step: Step = _direct,
) -> tuple[Rollup, list[Path]]:
    """Roll up ``campaign`` for ``year`` (default: the year of ``at``), everywhere or under one
    unit, and write the files ``write`` names (``xlsx``, ``docx``) to ``home``'s reports/ or to
    ``output``; the roll-up and the files written."""
    from app import rollups
    from rules.scope import under_or_everywhere

    now = run_clock(at)[0]
    year = year or now.year
    given = {"campaign": campaign, "year": year, "under": under, "pack": pack, "files": list(write)}
    with recorded(engine, "rollup", who=by, how=how, parameters=given, scope=[under] if under else []) as tally:
        result = step(
            "roll_up_logs",
            rollups.roll_up,
            engine,
            campaign=campaign,
            year=year,
            under=under_or_everywhere(under),
            pack=pack,
        )
        tally.counts = {"expected": result.expected, "logged": result.logged, "activities": result.total.activities}
        written: list[Path] = []
        if write:
            today = now.astimezone(VIETNAM).date()  # the report's date line, and "tính đến" before the end
            written = step(
                "write_rollup_reports", _write_rollup, engine, result, home, list(write), output, pack, today
            )
            tally.counts["files"] = len(written)
            tally.message = ", ".join(p.name for p in written)
    return result, written


# Reading the runs back.


@dataclass(frozen=True)
class RunLine:
    """A run as people read it: the job's name, how, the outcome and the counts in words."""

    row: RunRow

    @property
    def job(self) -> str:
        return JOB_NAMES.get(self.row.name, self.row.name)

    @property
    def how(self) -> str:
        return HOW_NAMES.get(self.row.how, self.row.how)

    @property
    def outcome(self) -> str:
        return OUTCOME_NAMES.get(self.row.outcome, self.row.outcome)

    @property
    def parameters_text(self) -> str:
        return parameters_text(self.row.parameters)

    @property
    def counts_text(self) -> str:
        return counts_text(self.row.counts)

    @property
    def duration(self) -> str:
        return duration_text(self.row.seconds)


def parameters_text(parameters: Mapping[str, Any]) -> str:
    """'gói hai-cap-2026, năm 2026, đơn vị 24'."""
    parts = []
    for key, value in parameters.items():
        if isinstance(value, Mapping):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif value is True:
            value = _("yes")
        parts.append(f"{PARAMETER_NAMES.get(key, key)} {value}")
    return "; ".join(parts)


def counts_text(counts: Mapping[str, Any]) -> str:
    """'330 nghĩa vụ, 0 mới, 330 giữ nguyên' (zeros left out but for the first)."""
    parts = [
        f"{value} {COUNT_NAMES.get(key, key)}"
        for i, (key, value) in enumerate(counts.items())
        if i == 0 or value not in (0, None)
    ]
    return ", ".join(parts)


def duration_text(seconds: float | None) -> str:
    """'0,8 giây', '2 phút 05 giây'; empty while running."""
    if seconds is None:
        return ""
    if seconds < 60:
        return _("{seconds} s").format(seconds=f"{seconds:.1f}".replace(".", ","))
    minutes, rest = divmod(round(seconds), 60)
    return _("{minutes} min {seconds:02d} s").format(minutes=minutes, seconds=rest)


def latest(engine: Engine, *, limit: int = 20, name: str | None = None, outcome: str | None = None) -> list[RunLine]:
    """The latest runs, newest first (``dunghan runs``)."""
    from models.runs import latest_runs

    return [RunLine(r) for r in latest_runs(engine, limit=limit, name=name, outcome=outcome)]


def runs_page(
    engine: Engine, viewer: Viewer, *, limit: int = 100, name: str | None = None, outcome: str | None = None
) -> list[RunLine]:
    """'Lần chạy' for an admin: the runs over everything and those within the admin's unit."""
    from app.packs_admin import require_admin
    from models.runs import latest_runs

    require_admin(viewer)
    rows = latest_runs(engine, limit=limit, name=name or None, outcome=outcome or None, within=viewer.unit)
    return [RunLine(r) for r in rows]


# The job each flow runs (the roll-up's flow is the Action Month's; its job serves any campaign).
FLOW_JOBS = {
    "plan_cycle": "plan_cycle",
    "send_reminders": "send_reminders",
    "send_digests": "send_digests",
    "retry_notices": "retry_notices",
    "rollup_action_month": "rollup",
}


def last_started(engine: Engine) -> dict[str, datetime]:
    """When each job last started a run, by the flow that runs it (flows never run are left out)."""
    from models.runs import last_started as stored

    found = stored(engine, list(set(FLOW_JOBS.values())))
    return {flow: found[job] for flow, job in FLOW_JOBS.items() if job in found}
