"""send_digests: at 08:00, each supervisor's digest of what is pending, due soon and overdue.

Scheduled Monday to Saturday; the digest itself is empty on days that are not working days
(a weekend, a holiday), and a Saturday worked in exchange for a holiday gets one.
"""

from __future__ import annotations

from prefect import flow

from app.notifying import SweepResult, run_digests
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import run_name
from flows.steps import as_task
from rules.clock import run_clock


@flow(name="send_digests", flow_run_name=run_name("send_digests"), on_failure=[tell_admin])
def send_digests(at: str | None = None) -> SweepResult:
    """The supervisors' digests for ``at`` (default now)."""
    now, clock = run_clock(at)
    return run_digests(database(), get_settings(), at=now, clock=clock, step=as_task)


if __name__ == "__main__":
    send_digests()
