"""retry_notices: every hour, queue the hour steps that have come and deliver what is ready.

Ladders of reports due at a clock time ("trước 16 giờ 30 hằng ngày") may step in hours: each run
queues those whose instant has come since the last (the 07:30 sweep keeps the day steps). Notices
that failed are kept in the outbox with the time of their next try (base × 2^attempts); after the
last attempt they are dead and wait for `dunghan outbox retry --dead`. The job is
:func:`app.runs.retry_notices`.
"""

from __future__ import annotations

from prefect import flow

from app import runs
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import flow_actor, run_name
from flows.steps import as_task
from notifications.delivery import Delivered


@flow(name="retry_notices", flow_run_name=run_name("retry_notices"), on_failure=[tell_admin])
def retry_notices(at: str | None = None, by: str | None = None) -> list[Delivered]:
    """Queue the hour steps due at ``at`` (default now), then deliver every notice whose time has
    come: those, failed ones past their back-off, held ones."""
    return runs.retry_notices(
        database(), get_settings(), at=at, by=flow_actor("retry_notices", by), how="prefect", step=as_task
    )


if __name__ == "__main__":
    retry_notices()
