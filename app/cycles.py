"""Planning a cycle, the use case: which pack, over which units, then the plan itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import Engine

from models import planning
from rules.errors import FIELD, DunghanError
from rules.loader import calendar_for, resolve_packs


class ScopeRequired(DunghanError):
    """The pack names no units of its own: the caller must say where it applies."""

    def __init__(self, pack_id: str) -> None:
        self.pack_id = pack_id
        super().__init__(f"pack {pack_id} covers no unit by itself: say where with {FIELD} CODE", field="under")


def plan_cycle(
    engine: Engine,
    pack: str,
    year: int,
    *,
    params: Mapping[str, date],
    under: Sequence[str],
    now: datetime,
    actor: str,
) -> planning.PlanSummary:
    """Plan ``pack`` (an id or a file) for ``year`` under the units ``under`` (codes), or the
    pack's own scope; one obligation per unit, report, period and hop, in one transaction."""
    [item] = resolve_packs([pack])
    scope = list(under or item.pack.scope)
    if not scope:
        raise ScopeRequired(item.pack.id)
    return planning.plan_cycle(
        engine, item.pack, year, calendar_for(item.pack), params=params, scope=scope, now=now, actor=actor
    )
