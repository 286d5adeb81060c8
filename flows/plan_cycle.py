"""plan_cycle: plan or re-plan a pack's cycle for a year; scheduled for 02/01 each year.

Planning again applies only the differences (a unit merged away, a new deadline) and records them
in the audit trail, so the yearly run and any later re-run are safe.
"""

from __future__ import annotations

from datetime import date, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import run_name
from models import planning
from rules.clock import run_clock
from rules.errors import DunghanError
from rules.loader import calendar_for, resolve_packs


@task(name="plan_obligations", cache_policy=NO_CACHE)
def plan_obligations(
    pack: str, year: int, params: dict[str, date], under: list[str], now: datetime, actor: str
) -> planning.PlanSummary:
    """Load the pack, then plan one obligation per unit, report, period and hop, in one transaction."""
    [item] = resolve_packs([pack])
    scope = list(under or item.pack.scope)
    if not scope:
        raise DunghanError(f"pack {item.pack.id} covers no unit by itself: say where with --under CODE")
    return planning.plan_cycle(
        database(),
        item.pack,
        year,
        calendar_for(item.pack),
        params=params,
        scope=scope,
        now=now,
        actor=actor,
    )


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
    now, _ = run_clock(at)
    return plan_obligations(pack, year or now.year, dict(params or {}), list(under or []), now, actor)


if __name__ == "__main__":
    import sys

    plan_cycle(sys.argv[1])
