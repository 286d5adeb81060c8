"""send_reminders: the daily sweep (decide, queue, deliver, record), 07:30 every day.

The sweep itself knows working days and quiet hours, so the schedule can be daily: on a holiday
it sends only what the ladders say falls on holidays, and a missed day is caught up next time.
The job is :func:`app.runs.send_reminders`, the one `dunghan remind` calls without Prefect.
"""

from __future__ import annotations

from prefect import flow

from app import runs
from app.notifying import SweepResult
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import flow_actor, run_name
from flows.steps import as_task


@flow(name="send_reminders", flow_run_name=run_name("send_reminders"), on_failure=[tell_admin])
def send_reminders(at: str | None = None, dry_run: bool = False, by: str | None = None) -> SweepResult:
    """The reminder sweep for ``at`` (an ISO date or instant, Vietnam time; default now); ``by``
    names who ran it (default: the flow and its deployment)."""
    return runs.send_reminders(
        database(),
        get_settings(),
        at=at,
        dry_run=dry_run,
        by=flow_actor("send_reminders", by),
        how="prefect",
        step=as_task,
    )


if __name__ == "__main__":
    send_reminders()
