"""retry_notices: every hour, deliver what failed once its back-off has passed.

Notices that failed are kept in the outbox with the time of their next try (base × 2^attempts);
after the last attempt they are dead and wait for `dunghan outbox retry --dead`.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from app.notifying import deliver_ready
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import run_name
from notifications.delivery import Delivered
from rules.clock import Clock, run_clock


@task(name="deliver_ready_notices", cache_policy=NO_CACHE)
def deliver_ready_notices(now: datetime, clock: Clock) -> list[Delivered]:
    return deliver_ready(database(), get_settings(), at=now, clock=clock)


@flow(name="retry_notices", flow_run_name=run_name("retry_notices"), on_failure=[tell_admin])
def retry_notices(at: str | None = None) -> list[Delivered]:
    """Deliver every notice whose time has come: failed ones past their back-off, held ones."""
    now, clock = run_clock(at)
    return deliver_ready_notices(now, clock)


if __name__ == "__main__":
    retry_notices()
