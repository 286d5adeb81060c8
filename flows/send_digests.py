"""send_digests: at 08:00, each supervisor's digest of what is pending, due soon and overdue.

Scheduled Monday to Saturday; the digest itself is empty on days that are not working days
(a weekend, a holiday), and a Saturday worked in exchange for a holiday gets one.
"""

from __future__ import annotations

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
from rules.clock import clock_for
from rules.loader import calendar_for


@task(name="compose_digests", cache_policy=NO_CACHE)
def compose_digests(at: str | None) -> list[NoticeDraft]:
    return digests(database(), at=clock_for(at)(), calendar=calendar_for(), options=sweep_options(get_settings()))


@task(name="queue_digests", cache_policy=NO_CACHE)
def queue_digests(drafts: list[NoticeDraft], at: str | None) -> list[NoticeDraft]:
    return queue(database(), drafts, at=clock_for(at)())


@task(name="deliver_digests", cache_policy=NO_CACHE)
def deliver_digests(drafts: list[NoticeDraft], at: str | None) -> list[Delivered]:
    clock = clock_for(at)
    return deliver_ready(database(), get_settings(), at=clock(), clock=clock, keys=[d.key for d in drafts])


@flow(name="send_digests", flow_run_name=run_name("send_digests"), on_failure=[tell_admin])
def send_digests(at: str | None = None) -> SweepResult:
    """The supervisors' digests for ``at`` (default now)."""
    drafts = compose_digests(at)
    result = SweepResult(planned=drafts, queued=queue_digests(drafts, at))
    result.delivered = deliver_digests(drafts, at) if drafts else []
    return result


if __name__ == "__main__":
    send_digests()
