"""send_digests: at 08:00, each supervisor's digest of what is pending, due soon and overdue.

Scheduled Monday to Saturday; the digest itself is empty on days that are not working days
(a weekend, a holiday), and a Saturday worked in exchange for a holiday gets one. The job is
:func:`app.runs.send_digests`, the one `dunghan digest` calls without Prefect.
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


@flow(name="send_digests", flow_run_name=run_name("send_digests"), on_failure=[tell_admin])
def send_digests(at: str | None = None, by: str | None = None) -> SweepResult:
    """The supervisors' digests for ``at`` (default now)."""
    return runs.send_digests(
        database(), get_settings(), at=at, by=flow_actor("send_digests", by), how="prefect", step=as_task
    )


if __name__ == "__main__":
    send_digests()
