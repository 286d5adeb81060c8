"""Planning a cycle, the use case: which pack, over which units, then the plan itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import Engine

from app.packs_in_force import resolve_pack
from models import planning
from rules.errors import FIELD, DunghanError
from rules.loader import calendar_for


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
    preview: bool = False,
    exclusive: bool = False,
) -> planning.PlanSummary:
    """Plan ``pack`` (an id, as in force: uploaded or shipped; or a file) for ``year`` under the
    units ``under`` (codes), or the pack's own scope; one obligation per unit, report, period and
    hop, in one transaction. With ``preview`` nothing is written and the summary lists the changes
    the plan would make; with ``exclusive`` units planned by another cycle of the same pack and
    year are refused (see :func:`models.planning.plan_cycle`)."""
    item = resolve_pack(pack)
    scope = list(under or item.pack.scope)
    if not scope:
        raise ScopeRequired(item.pack.id)
    return planning.plan_cycle(
        engine,
        item.pack,
        year,
        calendar_for(item.pack),
        params=params,
        scope=scope,
        now=now,
        actor=actor,
        preview=preview,
        exclusive=exclusive,
    )
