"""send_reminders: the daily sweep (decide, queue, deliver, record), 07:30 every day.

The sweep itself knows working days and quiet hours, so the schedule can be daily: on a holiday
it sends only what the ladders say falls on holidays, and a missed day is caught up next time.
"""

from __future__ import annotations

from prefect import flow

from app.notifying import SweepResult, run_sweep
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import run_name
from flows.steps import as_task
from rules.clock import run_clock


@flow(name="send_reminders", flow_run_name=run_name("send_reminders"), on_failure=[tell_admin])
def send_reminders(at: str | None = None, dry_run: bool = False) -> SweepResult:
    """The reminder sweep for ``at`` (an ISO date or instant, Vietnam time; default now)."""
    now, clock = run_clock(at)
    return run_sweep(database(), get_settings(), at=now, clock=clock, dry_run=dry_run, step=as_task)


if __name__ == "__main__":
    send_reminders()
