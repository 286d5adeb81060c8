"""Planning a cycle, the use case: which pack, over which units, then the plan itself."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import Engine

from app.packs_in_force import resolve_pack
from models import planning
from rules.calendar import VIETNAM
from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.loader import LoadedPack, calendar_for
from rules.schema import Pack


class ScopeRequired(DunghanError):
    """The pack names no units of its own: the caller must say where it applies."""

    def __init__(self, pack_id: str) -> None:
        self.pack_id = pack_id
        super().__init__(
            _("pack {pack_id} covers no unit by itself: say where with {field} CODE").format(
                pack_id=pack_id, field=FIELD
            ),
            field="under",
        )


FIRST_YEAR = 2019  # Decree 09/2019/NĐ-CP, the reporting regime the packs encode


def check_year(year: int, *, today: date) -> None:
    """A year dunghan plans or counts: from 2019 to next year."""
    if not FIRST_YEAR <= year <= today.year + 1:
        raise DunghanError(
            _("year {year} out of range: {field} from {first} to {last}").format(
                year=year, field=FIELD, first=FIRST_YEAR, last=today.year + 1
            ),
            field="year",
        )


def check_params(pack: Pack, params: Mapping[str, date]) -> None:
    """Refuse a parameter the pack does not declare (a misspelt name would be stored and the
    deadline would silently fall back to its default)."""
    declared = [p.name for p in pack.params]
    for name in params:
        if name not in declared:
            close = difflib.get_close_matches(name, declared, n=1)
            hint = _("did you mean {name}? ").format(name=close[0]) if close else ""
            known = ", ".join(declared) if declared else _("no parameters")
            raise DunghanError(
                _("{field} {name!r}: pack {pack} has no such parameter; {hint}the pack's parameters: {known}").format(
                    field=FIELD, name=name, pack=pack.id, hint=hint, known=known
                ),
                field="param",
            )


def check_request(pack: str, year: int, params: Mapping[str, date], *, today: date) -> LoadedPack:
    """What a plan asks, checked before any work (no database needed): the pack in force, the
    year, the parameters the pack declares."""
    item = resolve_pack(pack)
    check_year(year, today=today)
    check_params(item.pack, params)
    return item


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
    item = check_request(pack, year, params, today=now.astimezone(VIETNAM).date())
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
        labour_calendar=calendar_for(item.pack, state=False),
    )
