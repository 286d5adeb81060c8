"""send_digests: at 08:00, each supervisor's digest of what is pending, due soon and overdue.

Scheduled Monday to Saturday; the digest itself is empty on days that are not working days
(a weekend, a holiday), and a Saturday worked in exchange for a holiday gets one.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from app.notifying import SweepResult, deliver_ready, queue, sweep_options
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import run_name
from models.outbox import NoticeDraft
from notifications.delivery import Delivered
from notifications.digest import digests
from rules.clock import Clock, run_clock
from rules.loader import calendar_for


@task(name="compose_digests", cache_policy=NO_CACHE)
def compose_digests(now: datetime) -> list[NoticeDraft]:
    return digests(database(), at=now, calendar=calendar_for(), options=sweep_options(get_settings()))


@task(name="queue_digests", cache_policy=NO_CACHE)
def queue_digests(drafts: list[NoticeDraft], now: datetime) -> list[NoticeDraft]:
    return queue(database(), drafts, at=now)


@task(name="deliver_digests", cache_policy=NO_CACHE)
def deliver_digests(drafts: list[NoticeDraft], now: datetime, clock: Clock) -> list[Delivered]:
    return deliver_ready(database(), get_settings(), at=now, clock=clock, keys=[d.key for d in drafts])


@flow(name="send_digests", flow_run_name=run_name("send_digests"), on_failure=[tell_admin])
def send_digests(at: str | None = None) -> SweepResult:
    """The supervisors' digests for ``at`` (default now)."""
    now, clock = run_clock(at)
    drafts = compose_digests(now)
    result = SweepResult(planned=drafts, queued=queue_digests(drafts, now))
    result.delivered = deliver_digests(drafts, now, clock) if drafts else []
    return result


if __name__ == "__main__":
    send_digests()
