"""Planning a cycle: the pure engine's deadlines × the units valid in each period, stored as a diff.

Planning again is idempotent: unchanged obligations stay; new units or a corrected pack add,
re-date or retire obligations, each change written to the audit trail. Nothing with a history is
deleted: an obligation the pack no longer asks for is retired, and comes back if asked again.
An extended obligation keeps its granted due instant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from models.database import read_connection, reading, refresh_statistics, transaction
from models.tables import AuditEvent, Cycle, Obligation, Unit, UnitLineage
from models.units import valid_on
from rules.calendar import WorkCalendar
from rules.deadlines import Deadline, pack_deadlines
from rules.errors import ACTION, DunghanError
from rules.i18n import _, language, speaking
from rules.ladder import reminder_plan
from rules.schema import LEVEL_NAMES, UNIT_TYPE_NAMES, Hop, Pack, keeps_state_calendar

# The scope of a pack's cycle holding the obligations events and requests start (models/occasions.py):
# not unit codes, so no plan of the pack's calendar reaches it.
OCCASION_SCOPE = "@theo-su-kien"

T = TypeVar("T")


def in_vietnamese(compute: Callable[[], T]) -> T:
    """What ``compute`` gives, its words in Vietnamese whatever the reader's language: a
    deadline's note (``assumed``) is stored with its obligation for the people who read it later,
    as its roll's reason is. An error still speaks the reader's language."""
    if language() == "vi":
        return compute()
    try:
        with speaking("vi"):
            return compute()
    except DunghanError:
        return compute()  # the same error again, in the reader's words


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
        """A fixed unit by code; else the reporter's nearest ancestor at the recipient's level, or
        the nearest such ancestor's agency of the recipient's type (the Sở Nội vụ under the UBND
        tỉnh, for a commune, a department or an enterprise under a department). A body above the
        ministries is not in the tree: ask :func:`receiving_unit` instead."""
        if hop.to.body is not None:
            raise ValueError(f"{hop.to.name} is above the ministries: no unit of the tree receives it")
        if hop.to.code:
            return self.by_code.get(hop.to.code)
        for ancestor in self.ancestors(reporter):  # an enterprise under a Sở: the Sở, then the UBND tỉnh
            if ancestor.level != hop.to.level:
                continue
            wanted = hop.to.unit_type
            if wanted is None or ancestor.unit_type == wanted:
                return ancestor
            agency = next((u for u in self.children.get(ancestor.id, []) if u.unit_type == wanted), None)
            if agency is not None:
                return agency
        return None

    def missing_recipient(self, hop: Hop, reporter: TreeUnit, day: date) -> str:
        """Why :meth:`recipient` found nobody, in a sentence naming what to import."""
        when = f"{day:%d/%m/%Y}"
        if hop.to.code:
            return _("no unit with code {code} on {day}").format(code=hop.to.code, day=when)
        level = LEVEL_NAMES.get(hop.to.level or "", hop.to.level)
        ancestor = next((a for a in self.ancestors(reporter) if a.level == hop.to.level), None)
        if ancestor is None:
            return _("{unit} is under no unit of level {level} on {day}").format(
                unit=reporter.name or reporter.code, level=level, day=when
            )
        kind = UNIT_TYPE_NAMES.get(hop.to.unit_type or "", hop.to.unit_type)
        return _("{unit} ({code}) has no {kind} ({name}) on {day}").format(
            unit=ancestor.name or ancestor.code, code=ancestor.code, kind=kind, name=hop.to.name, day=when
        )


class NoRecipient:
    """Why a hop's recipient is not in the tree (:meth:`Tree.missing_recipient`)."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why


def receiving_unit(tree: Tree, hop: Hop, reporter: TreeUnit, day: date) -> TreeUnit | NoRecipient | None:
    """The unit that receives ``reporter``'s report along ``hop``; None when a body above
    the ministries receives it (Chính phủ, Quốc hội: not in the tree, never looked for, nobody in
    dunghan to remind); :class:`NoRecipient` when the tree lacks the unit."""
    if hop.to.body is not None:
        return None
    found = tree.recipient(hop, reporter)
    return found if found is not None else NoRecipient(tree.missing_recipient(hop, reporter, day))


def also_recipients(hop: Hop) -> str | None:
    """The names a hop's report is also sent to (đồng gửi), as the obligation stores them."""
    return json.dumps([r.name for r in hop.also_to], ensure_ascii=False)[:2000] if hop.also_to else None


def also_recipient_names(stored: str | None) -> list[str]:
    """The names :func:`also_recipients` stored; none for obligations planned before them."""
    if not stored:
        return []
    try:
        names = json.loads(stored)
    except ValueError:
        return [stored]
    return [str(n) for n in names] if isinstance(names, list) else [str(names)]


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
            raise DunghanError(
                _("no unit tree yet: import the tree first ({action})").format(action=ACTION), action="org import"
            )
        held = "; ".join(
            _("the code belongs to a unit from {start} to {end}").format(
                start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}"
            )
            if end
            else _("the code belongs to a unit from {start}").format(start=f"{start:%d/%m/%Y}")
            for start, end in elsewhere
        )
        raise DunghanError(
            _("no unit with code {code!r} on {day}").format(code=missing[0], day=f"{day:%d/%m/%Y}")
            + (f" ({held})" if held else " " + _("(no unit has ever had this code)")),
            field="under",
        )
    return [found[c] for c in codes]


def desired_obligations(
    engine: Engine,
    deadlines: Sequence[Deadline],
    pack: Pack,
    scope: Sequence[str],
    labour_deadlines: Sequence[Deadline] = (),
) -> dict[tuple[int, str, str, int], dict[str, Any]]:
    """The obligations the pack asks for, keyed by (unit, report, period, hop). A unit outside the
    state apparatus (an enterprise, a bank) is dated by ``labour_deadlines``, the same deadlines on
    the Labour Code's calendar, when given."""
    reports = {r.id: r for r in pack.reports}
    labour = {(d.report, d.hop, d.period.label): d for d in labour_deadlines}
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
        also = also_recipients(hop)
        for unit in reporters[day]:
            if not any(s.matches(unit.level, unit.unit_type, unit.code) for s in hop.from_) or unit.code == hop.to.code:
                continue
            recipient = receiving_unit(tree, hop, unit, day)
            if isinstance(recipient, NoRecipient):
                unresolved.setdefault((d.report, d.hop, recipient.why), []).append(unit.code)
                continue
            dated = d
            if labour and not keeps_state_calendar(unit.unit_type):
                dated = labour.get((d.report, d.hop, d.period.label), d)
            assert dated.due_date is not None and dated.due_at is not None and dated.nominal_date is not None
            wanted[(unit.id, d.report, d.period.label, d.hop)] = {
                "unit_id": unit.id,
                "unit_level": unit.level,
                "report_id": d.report,
                "report_name": d.report_name[:255],
                "period": d.period.label,
                "hop": d.hop,
                "recipient_name": d.hop_to[:255],
                "recipient_unit_id": recipient.id if recipient is not None else None,
                "also_recipients": also,
                "wording": d.wording[:255],
                "nominal_date": dated.nominal_date,
                "due_date": dated.due_date,
                "rolled_reason": dated.reason,
                "assumed": dated.assumed,
                "due_at": dated.due_at,
            }
    if unresolved:
        raise UnresolvedRecipients(
            [
                _("report {report}, step {hop}: no recipient found for {count} unit(s) ({codes}): {why}").format(
                    report=report,
                    hop=hop,
                    count=len(codes),
                    codes=", ".join(sorted(codes)[:5]) + ("…" if len(codes) > 5 else ""),
                    why=why,
                )
                for (report, hop, why), codes in sorted(unresolved.items())
            ]
        )
    return wanted


class UnresolvedRecipients(DunghanError):
    """A hop whose recipient is not in the tree: nothing is planned until it is imported."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            _(
                "nothing planned: {problems}. Import the missing units ({action}, or the province's units file), "
                "then plan again."
            ).format(problems="; ".join(problems), action=ACTION),
            action="org import shipped",
        )


BULK = 1000  # rows added that make the planner's statistics worth refreshing

_COMPARED = (
    "report_name",
    "recipient_name",
    "recipient_unit_id",
    "also_recipients",
    "wording",
    "nominal_date",
    "due_date",
    "rolled_reason",
    "assumed",
    "due_at",
)


class OverlappingCycle(DunghanError):
    """Another cycle of the same pack and year already holds obligations of these units: planning
    a second one would ask them twice. Re-plan that cycle instead."""

    def __init__(self, pack_id: str, year: int, scopes: Sequence[str], units: int) -> None:
        self.scopes = list(scopes)
        named = ", ".join(f"«{s or _('everything')}»" for s in self.scopes)
        super().__init__(
            _(
                "pack {pack} of {year} is already planned for the scope {scopes}, which holds {units} unit(s) of "
                "this plan: planning another would ask for the same reports twice. Plan that cycle again (with "
                "the same scope) instead of a new one."
            ).format(pack=pack_id, year=year, scopes=named, units=units)
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
            for c in ("nominal_date", "due_date", "rolled_reason", "assumed", "due_at"):
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
                col(Cycle.scope) != OCCASION_SCOPE,
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
    labour_calendar: WorkCalendar | None = None,
) -> PlanSummary:
    """Plan (or re-plan) a pack's cycle for a year over the tree valid in each period.

    Units outside the state apparatus are dated on ``labour_calendar`` (the Labour Code's, without
    the state's swap days) when given, the others on ``calendar``.

    With ``preview`` nothing is written: the same planning runs in a read-only transaction and
    the summary lists every change it would make (``changes``); ``cycle_id`` is 0 when the cycle
    is not planned yet. With ``exclusive`` a plan whose units already have obligations of another
    cycle of the same pack and year (another scope) is refused (:class:`OverlappingCycle`).
    """
    if not pack.applies_in(year):
        raise DunghanError(_("pack {pack} does not apply in {year}").format(pack=pack.id, year=year))
    deadlines = in_vietnamese(lambda: pack_deadlines(pack, year, calendar, params, strict=True))
    labour = (
        in_vietnamese(lambda: pack_deadlines(pack, year, labour_calendar, params, strict=True))
        if labour_calendar
        else []
    )
    wanted = desired_obligations(engine, deadlines, pack, scope, labour)
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
