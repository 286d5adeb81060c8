"""plan_cycle: plan or re-plan a pack's cycle for a year; scheduled for 02/01 each year.

Planning again applies only the differences (a unit merged away, a new deadline) and records them
in the audit trail, so the yearly run and any later re-run are safe. The job is
:func:`app.runs.plan_cycle`, the one `dunghan cycle plan` calls without Prefect.
"""

from __future__ import annotations

from datetime import date

from prefect import flow

from app import runs
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import run_name
from flows.steps import as_task
from models import planning


@flow(name="plan_cycle", flow_run_name=run_name("plan_cycle"), on_failure=[tell_admin])
def plan_cycle(
    pack: str,
    year: int | None = None,
    params: dict[str, date] | None = None,
    under: list[str] | None = None,
    at: str | None = None,
    actor: str = "prefect:plan_cycle",
) -> planning.PlanSummary:
    """Plan ``pack`` (an id or a file) for ``year`` (default: the year of ``at``, Vietnam time)."""
    return runs.plan_cycle(
        database(), pack=pack, year=year, params=params, under=under, at=at, actor=actor, how="prefect", step=as_task
    )


if __name__ == "__main__":
    import sys

    plan_cycle(sys.argv[1])
