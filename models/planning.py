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
from sqlalchemy.orm import Session
from sqlmodel import col

from models.database import read_connection, reading, refresh_statistics, transaction
from models.tables import AuditEvent, Cycle, Obligation, Unit, UnitLineage
from models.units import valid_on
from rules.calendar import WorkCalendar
from rules.deadlines import Deadline, pack_deadlines
from rules.errors import ACTION, DunghanError
from rules.i18n import _
from rules.ladder import reminder_plan
from rules.schema import LEVEL_NAMES, UNIT_TYPE_NAMES, Hop, Pack


@dataclass(frozen=True)
class PlanSummary:
    cycle_id: int
    created: int
    updated: int
    retired: int
    reinstated: int
    unchanged: int
    preview: bool = False  # nothing was written
    changes: tuple[PlannedChange, ...] = ()  # with a preview: every change, new ones first

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
    parent_id: int | None = None
    name: str = ""


@dataclass(frozen=True)
class Tree:
    """The units valid on one day, indexed for recipient look-ups.

    A unit's parent is found by id; a parent that has ended while the unit goes on is replaced by
    the unit that took it over (``took_over``): an old province reports to the Bộ Nội vụ from
    01/03/2025, when the Bộ LĐTBXH it was filed under had ended.
    """

    units: list[TreeUnit]
    by_code: dict[str, TreeUnit]
    by_id: dict[int, TreeUnit]
    children: dict[int, list[TreeUnit]]
    took_over: dict[int, TreeUnit]

    @classmethod
    def of(cls, units: list[TreeUnit], took_over: Mapping[int, TreeUnit] | None = None) -> Tree:
        took = dict(took_over or {})
        by_id = {u.id: u for u in units}
        children: dict[int, list[TreeUnit]] = {}
        for unit in units:
            if unit.parent_id is not None:
                parent = by_id.get(unit.parent_id) or took.get(unit.parent_id)
                if parent is not None:
                    children.setdefault(parent.id, []).append(unit)
        return cls(units, {u.code: u for u in units}, by_id, children, took)

    def parent(self, unit: TreeUnit) -> TreeUnit | None:
        if unit.parent_id is None:
            return None
        return self.by_id.get(unit.parent_id) or self.took_over.get(unit.parent_id)

    def ancestors(self, unit: TreeUnit) -> list[TreeUnit]:
        """Nearest first."""
        found: list[TreeUnit] = []
        parent = self.parent(unit)
        while parent is not None and parent not in found:
            found.append(parent)
            parent = self.parent(parent)
        return found

    def recipient(self, hop: Hop, reporter: TreeUnit) -> TreeUnit | None:
        """A fixed unit by code; else the reporter's nearest ancestor at the recipient's level,
        or that ancestor's agency of the recipient's type (the Sở Nội vụ under the UBND tỉnh)."""
        if hop.to.code:
            return self.by_code.get(hop.to.code)
        for ancestor in self.ancestors(reporter):
            if ancestor.level != hop.to.level:
                continue
            wanted = hop.to.unit_type
            if wanted is None or ancestor.unit_type == wanted:
                return ancestor
            return next((u for u in self.children.get(ancestor.id, []) if u.unit_type == wanted), None)
        return None

    def missing_recipient(self, hop: Hop, reporter: TreeUnit, day: date) -> str:
        """Why :meth:`recipient` found nobody, in a sentence naming what to import."""
        when = f"{day:%d/%m/%Y}"
        if hop.to.code:
            return f"không có đơn vị mã {hop.to.code} vào ngày {when}"
        level = LEVEL_NAMES.get(hop.to.level or "", hop.to.level)
        ancestor = next((a for a in self.ancestors(reporter) if a.level == hop.to.level), None)
        if ancestor is None:
            return f"{reporter.name or reporter.code} không thuộc đơn vị {level} nào vào ngày {when}"
        kind = UNIT_TYPE_NAMES.get(hop.to.unit_type or "", hop.to.unit_type)
        return f"{ancestor.name or ancestor.code} ({ancestor.code}) chưa có {kind} ({hop.to.name}) vào ngày {when}"


def units_valid_on(engine: Engine, day: date) -> list[TreeUnit]:
    """The whole tree on ``day``."""
    return tree_on(engine, day).units


def tree_on(engine: Engine, day: date) -> Tree:
    """The tree on ``day``, with the successors of parents that ended before it."""
    query = select(
        col(Unit.id),
        col(Unit.code),
        col(Unit.level),
        col(Unit.unit_type),
        col(Unit.path),
        col(Unit.parent_id),
        col(Unit.name),
    ).where(valid_on(day))
    with read_connection(engine) as connection:
        units = [TreeUnit(*r) for r in connection.execute(query)]
        valid = {u.id for u in units}
        ended = sorted({u.parent_id for u in units if u.parent_id is not None and u.parent_id not in valid})
        took_over: dict[int, TreeUnit] = {}
        by_id = {u.id: u for u in units}
        for start in range(0, len(ended), 5000):
            for old, new in connection.execute(
                select(col(UnitLineage.predecessor_id), col(UnitLineage.successor_id)).where(
                    col(UnitLineage.predecessor_id).in_(ended[start : start + 5000]),
                    col(UnitLineage.successor_id).in_(select(col(Unit.id)).where(valid_on(day))),
                )
            ):
                if new in by_id:
                    took_over.setdefault(old, by_id[new])
    return Tree.of(units, took_over)


def scope_paths(engine: Engine, codes: Sequence[str], day: date) -> list[str]:
    if not codes:
        return []
    with read_connection(engine) as connection:
        found = dict(
            connection.execute(
                select(col(Unit.code), col(Unit.path)).where(
                    col(Unit.code).in_(codes),
                    col(Unit.valid_from) <= day,
                    (col(Unit.valid_to).is_(None)) | (col(Unit.valid_to) >= day),
                )
            )
            .tuples()
            .all()
        )
    missing = [c for c in codes if c not in found]
    if missing:
        with read_connection(engine) as connection:
            any_unit = connection.execute(select(col(Unit.id)).limit(1)).first() is not None
            elsewhere = connection.execute(
                select(col(Unit.valid_from), col(Unit.valid_to)).where(col(Unit.code) == missing[0])
            ).all()
        if not any_unit:
            raise DunghanError(f"chưa có cây đơn vị nào: hãy nhập cây trước ({ACTION})", action="org import")
        held = "; ".join(
            f"mã này thuộc một đơn vị từ {start:%d/%m/%Y}" + (f" đến {end:%d/%m/%Y}" if end else "")
            for start, end in elsewhere
        )
        raise DunghanError(
            f"không có đơn vị mã {missing[0]!r} vào ngày {day:%d/%m/%Y}"
            + (f" ({held})" if held else " (chưa từng có đơn vị nào mang mã này)"),
            field="under",
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
    unresolved: dict[tuple[str, int, str], list[str]] = {}
    for d in deadlines:
        assert d.due_date is not None and d.due_at is not None and d.nominal_date is not None
        day = d.period.end
        if day not in trees:
            trees[day] = tree_on(engine, day)
            paths = tuple(scope_paths(engine, scope, day))
            reporters[day] = [u for u in trees[day].units if not paths or u.path.startswith(paths)]
        tree = trees[day]
        hop = reports[d.report].chain[d.hop - 1]
        for unit in reporters[day]:
            if not any(s.matches(unit.level, unit.unit_type, unit.code) for s in hop.from_) or unit.code == hop.to.code:
                continue
            recipient = tree.recipient(hop, unit)
            if recipient is None:
                unresolved.setdefault((d.report, d.hop, tree.missing_recipient(hop, unit, day)), []).append(unit.code)
                continue
            wanted[(unit.id, d.report, d.period.label, d.hop)] = {
                "unit_id": unit.id,
                "unit_level": unit.level,
                "report_id": d.report,
                "report_name": d.report_name[:255],
                "period": d.period.label,
                "hop": d.hop,
                "recipient_name": d.hop_to[:255],
                "recipient_unit_id": recipient.id,
                "wording": d.wording[:255],
                "nominal_date": d.nominal_date,
                "due_date": d.due_date,
                "rolled_reason": d.reason,
                "due_at": d.due_at,
            }
    if unresolved:
        raise UnresolvedRecipients(
            [
                f"báo cáo {report}, bước {hop}: không tìm được nơi nhận cho {len(codes)} đơn vị "
                f"({', '.join(sorted(codes)[:5])}{'…' if len(codes) > 5 else ''}): {why}"
                for (report, hop, why), codes in sorted(unresolved.items())
            ]
        )
    return wanted


class UnresolvedRecipients(DunghanError):
    """A hop whose recipient is not in the tree: nothing is planned until it is imported."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "không lập kế hoạch: " + "; ".join(problems) + f". Nhập các đơn vị còn thiếu ({ACTION}, "
            "hoặc tệp đơn vị của tỉnh), rồi lập lại.",
            action="org import shipped",
        )


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


class OverlappingCycle(DunghanError):
    """Another cycle of the same pack and year already holds obligations of these units: planning
    a second one would ask them twice. Re-plan that cycle instead."""

    def __init__(self, pack_id: str, year: int, scopes: Sequence[str], units: int) -> None:
        self.scopes = list(scopes)
        named = ", ".join(f"«{s or 'toàn bộ'}»" for s in self.scopes)
        super().__init__(
            f"gói {pack_id} năm {year} đã được lập cho phạm vi {named}, gồm {units} đơn vị của kế hoạch "
            "này: lập thêm sẽ giao trùng báo cáo. Hãy lập lại chu kỳ đó (cùng phạm vi) thay vì lập chu kỳ mới."
        )


@dataclass(frozen=True)
class PlannedChange:
    """One obligation a plan adds, re-dates or changes, retires or asks for again."""

    kind: str  # "created", "updated", "retired" or "reinstated"
    unit_id: int
    report_id: str
    period: str
    hop: int
    due_before: date | None  # None when created
    due_after: date | None  # None when retired
    fields: tuple[str, ...] = ()  # what changed (updated, reinstated)


@dataclass(frozen=True)
class _Diff:
    """What a plan changes against the stored obligations, before anything is written."""

    created: list[dict[str, Any]]
    changed: list[tuple[Any, dict[str, Any], PlannedChange]]  # (stored row, new values, change)
    unchanged: int

    def count(self, kind: str) -> int:
        return sum(1 for _row, _values, change in self.changed if change.kind == kind)


def _compare(stored: Mapping[tuple[int, str, str, int], Any], wanted: Mapping[tuple[int, str, str, int], Any]) -> _Diff:
    """Stored obligations against the wanted ones: what to add, retire, re-date, ask again."""
    created = [dict(v, state="pending") for k, v in wanted.items() if k not in stored]
    changed: list[tuple[Any, dict[str, Any], PlannedChange]] = []
    unchanged = 0
    for key, row in stored.items():
        target = wanted.get(key)
        if target is None:
            if not row.retired:
                change = PlannedChange("retired", row.unit_id, row.report_id, row.period, row.hop, row.due_date, None)
                changed.append((row, {"retired": True}, change))
            continue
        changes = {c: target[c] for c in _COMPARED if getattr(row, c) != target[c]}
        if row.late_with_permission:  # an extension keeps its granted instant
            for c in ("nominal_date", "due_date", "rolled_reason", "due_at"):
                changes.pop(c, None)
        due_after = changes.get("due_date", row.due_date)
        fields = tuple(changes)
        if row.retired:
            changes["retired"] = False
            kind = "reinstated"
        elif changes:
            kind = "updated"
        else:
            unchanged += 1
            continue
        change = PlannedChange(kind, row.unit_id, row.report_id, row.period, row.hop, row.due_date, due_after, fields)
        changed.append((row, changes, change))
    return _Diff(created, changed, unchanged)


def _overlapping(
    session: Session, pack: Pack, year: int, cycle_id: int | None, unit_ids: set[int]
) -> tuple[list[str], int]:
    """Other cycles of ``pack`` and ``year`` holding live obligations of ``unit_ids``: their
    scopes, and how many of these units they hold."""
    if not unit_ids:
        return [], 0
    scopes: set[str] = set()
    units: set[int] = set()
    ids = sorted(unit_ids)
    for start in range(0, len(ids), 5000):
        query = (
            select(col(Cycle.scope), col(Obligation.unit_id))
            .join(Obligation, col(Obligation.cycle_id) == col(Cycle.id))
            .where(
                col(Cycle.pack_id) == pack.id,
                col(Cycle.year) == year,
                col(Obligation.retired).is_(False),
                col(Obligation.unit_id).in_(ids[start : start + 5000]),
            )
            .distinct()
        )
        if cycle_id is not None:
            query = query.where(col(Cycle.id) != cycle_id)
        for scope, unit_id in session.execute(query):
            scopes.add(scope)
            units.add(unit_id)
    return sorted(scopes), len(units)


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
    preview: bool = False,
    exclusive: bool = False,
) -> PlanSummary:
    """Plan (or re-plan) a pack's cycle for a year over the tree valid in each period.

    With ``preview`` nothing is written: the same planning runs in a read-only transaction and
    the summary lists every change it would make (``changes``); ``cycle_id`` is 0 when the cycle
    is not planned yet. With ``exclusive`` a plan whose units already have obligations of another
    cycle of the same pack and year (another scope) is refused (:class:`OverlappingCycle`).
    """
    if not pack.applies_in(year):
        raise DunghanError(_("pack {pack} does not apply in {year}").format(pack=pack.id, year=year))
    deadlines = pack_deadlines(pack, year, calendar, params, strict=True)
    wanted = desired_obligations(engine, deadlines, pack, scope)
    scope_text = ",".join(sorted(scope))
    opened = reading(engine) if preview else transaction(engine)
    with opened as session:
        cycle = session.scalars(
            select(Cycle).where(col(Cycle.pack_id) == pack.id, col(Cycle.year) == year, col(Cycle.scope) == scope_text)
        ).first()
        if exclusive:
            scopes, units = _overlapping(session, pack, year, cycle.id if cycle else None, {k[0] for k in wanted})
            if scopes:
                raise OverlappingCycle(pack.id, year, scopes, units)
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
        stored = (
            {
                (r.unit_id, r.report_id, r.period, r.hop): r
                for r in session.execute(select(*columns).where(col(Obligation.cycle_id) == cycle.id))
            }
            if cycle is not None
            else {}
        )
        diff = _compare(stored, wanted)
        if preview:
            added = [
                PlannedChange("created", v["unit_id"], v["report_id"], v["period"], v["hop"], None, v["due_date"])
                for v in diff.created
            ]
            return PlanSummary(
                cycle.id if cycle is not None and cycle.id is not None else 0,
                len(diff.created),
                diff.count("updated"),
                diff.count("retired"),
                diff.count("reinstated"),
                diff.unchanged,
                preview=True,
                changes=(*added, *(change for _row, _values, change in diff.changed)),
            )
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
        events: list[dict[str, Any]] = []
        for row, changes, change in diff.changed:
            session.execute(update(Obligation).where(col(Obligation.id) == row.id).values(**changes))
            if change.kind == "retired":
                events.append(_event(now, actor, row.id, "retired", row.state, _("no longer asked by the pack")))
            elif change.kind == "reinstated":
                events.append(_event(now, actor, row.id, "reinstated", row.state, _("asked by the pack again")))
            elif "due_at" in changes:
                note = f"{row.due_date:%d/%m/%Y} → {changes['due_date']:%d/%m/%Y}"
                events.append(_event(now, actor, row.id, "redated", row.state, note))
            else:
                events.append(_event(now, actor, row.id, "replanned", row.state, ", ".join(changes)))
        created = [dict(v, cycle_id=cycle.id) for v in diff.created]
        if created:
            session.execute(insert(Obligation), created)
        updated, retired, reinstated = diff.count("updated"), diff.count("retired"), diff.count("reinstated")
        events.append(
            {
                "at": now,
                "actor": actor,
                "entity": "cycle",
                "entity_id": cycle.id,
                "action": "planned",
                "note": _(
                    "{pack} {year}: {created} new, {updated} changed, {retired} retired, "
                    "{reinstated} reinstated, {unchanged} unchanged"
                ).format(
                    pack=pack.id,
                    year=year,
                    created=len(created),
                    updated=updated,
                    retired=retired,
                    reinstated=reinstated,
                    unchanged=diff.unchanged,
                ),
            }
        )
        session.execute(insert(AuditEvent), events)
    if len(created) >= BULK:
        refresh_statistics(engine, "obligation", "auditevent")
    return PlanSummary(cycle.id, len(created), updated, retired, reinstated, diff.unchanged)


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
