"""send_reminders: the daily sweep (decide, queue, deliver, record), 07:30 every day.

The sweep itself knows working days and quiet hours, so the schedule can be daily: on a holiday
it sends only what the ladders say falls on holidays, and a missed day is caught up next time.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from app.notifying import SweepResult, decide, deliver_ready, queue
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import run_name
from models.outbox import NoticeDraft
from notifications.delivery import Delivered
from rules.clock import Clock, run_clock


@task(name="decide_reminders", cache_policy=NO_CACHE)
def decide_reminders(now: datetime) -> SweepResult:
    """Read the open obligations, ladders and contacts; return every notice due at ``now``."""
    return decide(database(), get_settings(), at=now)


@task(name="queue_notices", cache_policy=NO_CACHE)
def queue_notices(drafts: list[NoticeDraft], now: datetime) -> list[NoticeDraft]:
    """Write the notices to the outbox before anything is sent; returns the new ones."""
    return queue(database(), drafts, at=now)


@task(name="deliver_notices", cache_policy=NO_CACHE)
def deliver_notices(now: datetime, clock: Clock) -> list[Delivered]:
    """Send what is ready at ``now``, one SMTP session per batch, and record each result as it comes."""
    return deliver_ready(database(), get_settings(), at=now, clock=clock)


@flow(name="send_reminders", flow_run_name=run_name("send_reminders"), on_failure=[tell_admin])
def send_reminders(at: str | None = None, dry_run: bool = False) -> SweepResult:
    """The reminder sweep for ``at`` (an ISO date or instant, Vietnam time; default now)."""
    now, clock = run_clock(at)
    result = decide_reminders(now)
    result.dry_run = dry_run
    if dry_run:
        return result
    result.queued = queue_notices(result.planned, now)
    result.delivered = deliver_notices(now, clock)
    return result


if __name__ == "__main__":
    send_reminders()
