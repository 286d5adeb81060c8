"""Planning a cycle: the pure engine's deadlines × the units valid in each period, stored as a diff.

Planning again is idempotent: unchanged obligations stay; new units or a corrected pack add,
re-date or retire obligations, each change written to the audit trail. Nothing with a history is
deleted: an obligation the pack no longer asks for is retired, and comes back if asked again.
An extended obligation keeps its granted due instant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlmodel import col

from models.database import read_connection, refresh_statistics, transaction
from models.tables import AuditEvent, Cycle, Obligation, Unit
from rules.calendar import WorkCalendar
from rules.deadlines import Deadline, pack_deadlines
from rules.errors import DunghanError
from rules.ladder import reminder_plan
from rules.schema import Hop, Pack


@dataclass(frozen=True)
class PlanSummary:
    cycle_id: int
    created: int
    updated: int
    retired: int
    reinstated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.reinstated + self.unchanged


@dataclass(frozen=True)
class TreeUnit:
    id: int
    code: str
    level: str
    unit_type: str
    path: str


@dataclass(frozen=True)
class Tree:
    """The units valid on one day, indexed for recipient look-ups."""

    units: list[TreeUnit]
    by_code: dict[str, TreeUnit]
    by_parent_path: dict[str, list[TreeUnit]]

    @classmethod
    def of(cls, units: list[TreeUnit]) -> Tree:
        children: dict[str, list[TreeUnit]] = {}
        for unit in units:
            children.setdefault(unit.path.rsplit("/", 2)[0] + "/", []).append(unit)
        return cls(units, {u.code: u for u in units}, children)

    def recipient(self, hop: Hop, reporter: TreeUnit) -> TreeUnit | None:
        """A fixed unit by code; else the reporter's nearest ancestor at the recipient's level,
        or that ancestor's agency of the recipient's type (the Sở Nội vụ under the UBND tỉnh)."""
        if hop.to.code:
            return self.by_code.get(hop.to.code)
        for code in reversed(reporter.path.strip("/").split("/")[:-1]):
            ancestor = self.by_code.get(code)
            if ancestor is None or ancestor.level != hop.to.level:
                continue
            wanted = hop.to.unit_type
            if wanted is None or ancestor.unit_type == wanted:
                return ancestor
            return next((u for u in self.by_parent_path.get(ancestor.path, []) if u.unit_type == wanted), None)
        return None


def valid_on(day: date) -> Any:
    """The condition on units valid on ``day``: begun, and not yet ended (valid_to is the last day)."""
    return (col(Unit.valid_from) <= day) & (col(Unit.valid_to).is_(None) | (col(Unit.valid_to) >= day))


def units_valid_on(engine: Engine, day: date) -> list[TreeUnit]:
    """The whole tree on ``day``."""
    query = select(Unit.id, Unit.code, Unit.level, Unit.unit_type, Unit.path).where(valid_on(day))
    with read_connection(engine) as connection:
        return [TreeUnit(*r) for r in connection.execute(query)]


def scope_paths(engine: Engine, codes: Sequence[str], day: date) -> list[str]:
    if not codes:
        return []
    with read_connection(engine) as connection:
        found = dict(
            connection.execute(
                select(Unit.code, Unit.path).where(
                    Unit.code.in_(codes),
                    Unit.valid_from <= day,
                    (Unit.valid_to.is_(None)) | (Unit.valid_to >= day),
                )
            ).all()
        )
    missing = [c for c in codes if c not in found]
    if missing:
        raise DunghanError(
            f"no unit {missing[0]!r} valid on {day:%d/%m/%Y}: import the tree first (dunghan org import)"
        )
    return [found[c] for c in codes]


def desired_obligations(
    engine: Engine, deadlines: Sequence[Deadline], pack: Pack, scope: Sequence[str]
) -> dict[tuple[int, str, str, int], dict[str, Any]]:
    """The obligations the pack asks for, keyed by (unit, report, period, hop)."""
    reports = {r.id: r for r in pack.reports}
    trees: dict[date, Tree] = {}
    reporters: dict[date, list[TreeUnit]] = {}
    wanted: dict[tuple[int, str, str, int], dict[str, Any]] = {}
    for d in deadlines:
        assert d.due_date is not None and d.due_at is not None and d.nominal_date is not None
        day = d.period.end
        if day not in trees:
            trees[day] = Tree.of(units_valid_on(engine, day))
            paths = tuple(scope_paths(engine, scope, day))
            reporters[day] = [u for u in trees[day].units if not paths or u.path.startswith(paths)]
        tree = trees[day]
        hop = reports[d.report].chain[d.hop - 1]
        for unit in reporters[day]:
            if not any(s.matches(unit.level, unit.unit_type, unit.code) for s in hop.from_) or unit.code == hop.to.code:
                continue
            recipient = tree.recipient(hop, unit)
            wanted[(unit.id, d.report, d.period.label, d.hop)] = {
                "unit_id": unit.id,
                "unit_level": unit.level,
                "report_id": d.report,
                "report_name": d.report_name[:255],
                "period": d.period.label,
                "hop": d.hop,
                "recipient_name": d.hop_to[:255],
                "recipient_unit_id": recipient.id if recipient else None,
                "wording": d.wording[:255],
                "nominal_date": d.nominal_date,
                "due_date": d.due_date,
                "rolled_reason": d.reason,
                "due_at": d.due_at,
            }
    return wanted


BULK = 1000  # rows added that make the planner's statistics worth refreshing

_COMPARED = (
    "report_name",
    "recipient_name",
    "recipient_unit_id",
    "wording",
    "nominal_date",
    "due_date",
    "rolled_reason",
    "due_at",
)


def plan_cycle(
    engine: Engine,
    pack: Pack,
    year: int,
    calendar: WorkCalendar,
    *,
    params: Mapping[str, date],
    scope: Sequence[str],
    now: datetime,
    actor: str,
) -> PlanSummary:
    """Plan (or re-plan) a pack's cycle for a year over the tree valid in each period."""
    if not pack.applies_in(year):
        raise DunghanError(f"pack {pack.id} does not apply in {year}")
    deadlines = pack_deadlines(pack, year, calendar, params, strict=True)
    wanted = desired_obligations(engine, deadlines, pack, scope)
    scope_text = ",".join(sorted(scope))
    with transaction(engine) as session:
        cycle = session.scalars(
            select(Cycle).where(Cycle.pack_id == pack.id, Cycle.year == year, Cycle.scope == scope_text)
        ).first()
        if cycle is None:
            cycle = Cycle(
                pack_id=pack.id,
                pack_version=pack.version,
                year=year,
                scope=scope_text,
                params=json.dumps({k: v.isoformat() for k, v in params.items()}),
                planned_at=now,
                reminders=reminder_plan(pack).to_json(),
            )
            session.add(cycle)
            session.flush()
        else:
            cycle.pack_version, cycle.planned_at = pack.version, now
            cycle.params = json.dumps({k: v.isoformat() for k, v in params.items()})
            cycle.reminders = reminder_plan(pack).to_json()
        assert cycle.id is not None
        columns = [
            getattr(Obligation, c)
            for c in (
                "id",
                "unit_id",
                "report_id",
                "period",
                "hop",
                "state",
                "retired",
                "late_with_permission",
                *_COMPARED,
            )
        ]
        stored = {
            (r.unit_id, r.report_id, r.period, r.hop): r
            for r in session.execute(select(*columns).where(Obligation.cycle_id == cycle.id))
        }
        events: list[dict[str, Any]] = []
        created = [dict(v, cycle_id=cycle.id, state="pending") for k, v in wanted.items() if k not in stored]
        updated = reinstated = unchanged = retired = 0
        for key, row in stored.items():
            target = wanted.get(key)
            if target is None:
                if not row.retired:
                    session.execute(update(Obligation).where(Obligation.id == row.id).values(retired=True))
                    events.append(_event(now, actor, row.id, "retired", row.state, "no longer asked by the pack"))
                    retired += 1
                continue
            changes = {c: target[c] for c in _COMPARED if getattr(row, c) != target[c]}
            if row.late_with_permission:  # an extension keeps its granted instant
                for c in ("nominal_date", "due_date", "rolled_reason", "due_at"):
                    changes.pop(c, None)
            if row.retired:
                changes["retired"] = False
                reinstated += 1
                events.append(_event(now, actor, row.id, "reinstated", row.state, "asked by the pack again"))
            elif changes:
                updated += 1
                if "due_at" in changes:
                    events.append(
                        _event(
                            now,
                            actor,
                            row.id,
                            "redated",
                            row.state,
                            f"{row.due_date:%d/%m/%Y} → {target['due_date']:%d/%m/%Y}",
                        )
                    )
                else:
                    events.append(_event(now, actor, row.id, "replanned", row.state, ", ".join(changes)))
            else:
                unchanged += 1
            if changes:
                session.execute(update(Obligation).where(Obligation.id == row.id).values(**changes))
        if created:
            session.execute(insert(Obligation), created)
        events.append(
            {
                "at": now,
                "actor": actor,
                "entity": "cycle",
                "entity_id": cycle.id,
                "action": "planned",
                "note": f"{pack.id} {year}: {len(created)} new, {updated} changed, {retired} retired, "
                f"{reinstated} reinstated, {unchanged} unchanged",
            }
        )
        session.execute(insert(AuditEvent), events)
    if len(created) >= BULK:
        refresh_statistics(engine, "obligation", "auditevent")
    return PlanSummary(cycle.id, len(created), updated, retired, reinstated, unchanged)


def _event(now: datetime, actor: str, obligation_id: int, action: str, state: str, note: str) -> dict[str, Any]:
    return {
        "at": now,
        "actor": actor,
        "entity": "obligation",
        "entity_id": obligation_id,
        "action": action,
        "from_state": state,
        "to_state": state,
        "note": note,
    }
