"""What supervisors ask: what is overdue or due soon, and how complete each level is.

Filtering, joining, counting and sorting happen in SQL (the partial index on open obligations
serves the overdue list); Python only words the rows it gets back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, case, func, literal, null, select
from sqlalchemy.sql import Select
from sqlmodel import col

from models.database import read_connection
from models.tables import OPEN_OBLIGATION, OPEN_STATES, Contact, Cycle, Obligation, Submission, Unit
from models.units import UnitRef, ancestry, subtree, unit_at, unit_during, units_under_any
from rules.calendar import VIETNAM, WorkCalendar, end_of_day
from rules.errors import FIELD
from rules.i18n import _
from rules.scope import Everywhere

DONE_STATES = ("submitted", "accepted")


def _contact(role: str, field: Any) -> Any:
    """The first active contact of a role at the obligation's unit, as a scalar subquery."""
    return (
        select(field)
        .where(
            col(Contact.unit_id) == col(Obligation.unit_id), col(Contact.role) == role, col(Contact.active).is_(True)
        )
        .order_by(col(Contact.id))
        .limit(1)
        .scalar_subquery()
    )


def scope_unit(
    engine: Engine, under: UnitRef | str | Everywhere, *, on: date | None, year: int | None, today: date
) -> UnitRef | None:
    """The unit ``under`` names (None: everywhere): a code is looked up on ``on``, else over
    ``year`` (refused when the code named two units that year), else on ``today``."""
    if isinstance(under, Everywhere):
        return None
    if isinstance(under, UnitRef):
        return under
    if on is not None:
        return unit_at(engine, under, on)
    if year is not None:
        return unit_during(
            engine,
            under,
            date(year, 1, 1),
            date(year, 12, 31),
            advice=_(
                "Choose the unit by a day of its own, for example {field} {year}-12-31 or {field} {year}-01-01."
            ).format(field=FIELD, year=year),
        )
    return unit_at(engine, under, today)


def _scope(query: Select[Any], units: Sequence[UnitRef], report: str | None, level: str | None) -> Select[Any]:
    if units:
        # The units under the scope first (a few thousand at most), then their obligations.
        query = query.where(col(Obligation.unit_id).in_(select(col(Unit.id)).where(units_under_any(list(units)))))
    if report is not None:
        query = query.where(col(Obligation.report_id) == report)
    if level is not None:
        query = query.where(col(Obligation.unit_level) == level)
    return query


@dataclass(frozen=True)
class OverdueRow:
    status: str  # "quá hạn" or "sắp đến hạn"
    unit: str
    unit_name: str
    level: str
    report: str
    report_name: str
    period: str
    hop: int
    due_date: Any
    due_at: datetime
    wording: str
    working_days: int  # late by (overdue) or left (due soon)
    state: str
    late_with_permission: bool
    focal_point: str | None
    focal_point_email: str | None
    head: str | None
    head_email: str | None
    recipient: str
    id: int  # the obligation's


_CONTACT_COLUMNS = (
    _contact("focal_point", Contact.name).label("focal_point"),
    _contact("focal_point", Contact.email).label("focal_point_email"),
    _contact("head", Contact.name).label("head"),
    _contact("head", Contact.email).label("head_email"),
)
_NO_CONTACTS = tuple(null().label(c.name) for c in _CONTACT_COLUMNS)


def with_contacts(engine: Engine, rows: Sequence[OverdueRow]) -> list[OverdueRow]:
    """``rows`` with their units' focal points and heads (the first active contact of each role)."""
    ids = [r.id for r in rows]
    if not ids:
        return []
    with read_connection(engine) as connection:
        found = {
            int(r[0]): r[1:]
            for r in connection.execute(
                select(col(Obligation.id), *_CONTACT_COLUMNS).where(col(Obligation.id).in_(ids))
            ).all()
        }
    return [
        replace(r, **dict(zip(("focal_point", "focal_point_email", "head", "head_email"), found[r.id], strict=True)))
        if r.id in found
        else r
        for r in rows
    ]


def _overdue_where(
    engine: Engine,
    query: Select[Any],
    *,
    at: datetime,
    calendar: WorkCalendar,
    under: UnitRef | str | Everywhere,
    report: str | None,
    level: str | None,
    soon: int,
    period: str | None,
    late: bool | None,
) -> Select[Any]:
    """``query`` over the open obligations due by ``soon`` working days from ``at``, in scope."""
    horizon = end_of_day(calendar.add_working_days(at.date(), soon)) if soon > 0 else at
    query = query.join(Unit, col(Unit.id) == col(Obligation.unit_id)).where(
        OPEN_OBLIGATION,
        col(Obligation.retired).is_(False),
        col(Obligation.due_at) <= horizon,
    )
    if period is not None:
        query = query.where(col(Obligation.period) == period)
    if late is not None:
        query = query.where(col(Obligation.due_at) < at if late else col(Obligation.due_at) >= at)
    day = at.astimezone(VIETNAM).date()
    top = scope_unit(engine, under, on=day, year=None, today=day)
    return _scope(query, [top] if top else [], report, level)


def overdue_counts(
    engine: Engine,
    *,
    at: datetime,
    calendar: WorkCalendar,
    under: UnitRef | str | Everywhere,
    report: str | None = None,
    level: str | None = None,
    soon: int = 3,
    period: str | None = None,
    late: bool | None = None,
) -> tuple[int, int]:
    """How many rows :func:`overdue` gives for the same question, and how many of them are late."""
    query = _overdue_where(
        engine,
        select(func.count(), func.coalesce(func.sum(case((col(Obligation.due_at) < at, 1), else_=0)), 0)),
        at=at,
        calendar=calendar,
        under=under,
        report=report,
        level=level,
        soon=soon,
        period=period,
        late=late,
    )
    with read_connection(engine) as connection:
        total, late_count = connection.execute(query.select_from(Obligation)).one()
    return int(total), int(late_count)


def overdue(
    engine: Engine,
    *,
    at: datetime,
    calendar: WorkCalendar,
    under: UnitRef | str | Everywhere,
    report: str | None = None,
    level: str | None = None,
    soon: int = 3,
    limit: int | None = None,
    contacts: bool = True,
    period: str | None = None,
    late: bool | None = None,
    page: tuple[int, int] | None = None,
    descending: bool = False,
) -> list[OverdueRow]:
    """Open obligations past due, then those due within ``soon`` working days, most late first;
    ``under`` a unit (a code is the unit holding it on the day of ``at``). Without ``contacts`` the
    focal points and heads are left empty (a page asks :func:`with_contacts` for the rows it shows).
    ``period`` and ``late`` (True: past due only, False: due soon only) narrow it; ``page``
    (offset, size) gives one page of the list sorted by due instant, then unit code, report,
    period and hop (all reversed with ``descending``), so that the database reads only those."""
    columns = select(
        col(Unit.code),
        col(Unit.name),
        col(Unit.level),
        col(Obligation.report_id),
        col(Obligation.report_name),
        col(Obligation.period),
        col(Obligation.hop),
        col(Obligation.due_date),
        col(Obligation.due_at),
        col(Obligation.wording),
        col(Obligation.state),
        col(Obligation.late_with_permission),
        col(Obligation.recipient_name),
        *(_CONTACT_COLUMNS if contacts else _NO_CONTACTS),
        col(Obligation.id),
    ).select_from(Obligation)
    query = _overdue_where(
        engine,
        columns,
        at=at,
        calendar=calendar,
        under=under,
        report=report,
        level=level,
        soon=soon,
        period=period,
        late=late,
    )
    if page is None:
        # Ties broken by the partial index's own columns, so the database can stop after `limit`.
        keys = [Obligation.due_at, Obligation.unit_id, Obligation.report_id, Obligation.period, Obligation.hop]
        query = query.order_by(*(col(k) for k in keys))
        if limit:
            query = query.limit(limit)
    else:
        keys = [Obligation.due_at, Unit.code, Obligation.report_id, Obligation.period, Obligation.hop]
        query = query.order_by(*(col(k).desc() if descending else col(k) for k in keys))
        query = query.offset(page[0]).limit(page[1])
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    today = at.date()
    result = []
    distance: dict[tuple[bool, Any], int] = {}  # a national list has 50,000 rows and a few dozen due days
    for r in rows:
        late = r.due_at < at
        if (late, r.due_date) not in distance:
            distance[late, r.due_date] = (
                max(1, calendar.days_late(r.due_date, today)) if late else calendar.days_left(today, r.due_date)
            )
        days = distance[late, r.due_date]
        result.append(
            OverdueRow(
                "quá hạn" if late else "sắp đến hạn",
                r.code,
                r.name,
                r.level,
                r.report_id,
                r.report_name,
                r.period,
                r.hop,
                r.due_date,
                r.due_at,
                r.wording,
                days,
                r.state,
                r.late_with_permission,
                r.focal_point,
                r.focal_point_email,
                r.head,
                r.head_email,
                r.recipient_name,
                int(r.id),
            )
        )
    return result


class Rates:
    """The reporting and timeliness rates (%) of a row with expected, submitted and on-time counts
    (DHIS2's: over the units expected, never above 100)."""

    expected: int
    submitted: int
    on_time: int

    @property
    def reporting_rate(self) -> float:
        return round(100 * self.submitted / self.expected, 1) if self.expected else 0.0

    @property
    def timeliness_rate(self) -> float:
        return round(100 * self.on_time / self.expected, 1) if self.expected else 0.0


@dataclass(frozen=True)
class StatusRow(Rates):
    came_from: str | None  # with predecessors: the unit (label) whose subtree the row counts
    level: str
    report: str
    period: str
    expected: int
    submitted: int
    on_time: int
    overdue: int
    exempted: int


def status(
    engine: Engine,
    *,
    at: datetime,
    year: int | None = None,
    under: UnitRef | str | Everywhere,
    under_on: date | None = None,
    report: str | None = None,
    level: str | None = None,
    with_predecessors: bool = False,
) -> list[StatusRow]:
    """Per level, report and period: expected, submitted, on time, overdue (DHIS2's reporting
    rate and timeliness over units open in the period; exempted units are not expected).

    ``under`` a unit (a code is looked up on ``under_on``, else over ``year``, else on the day of
    ``at``). ``with_predecessors`` adds the past of the units it took over (new Bắc Ninh's 2024
    is old Bắc Giang's and old Bắc Ninh's), each row labelled with the unit it came from.
    """
    top = scope_unit(engine, under, on=under_on, year=year, today=at.astimezone(VIETNAM).date())
    scope: list[UnitRef] = []
    if top is not None:
        if with_predecessors:
            with read_connection(engine) as connection:
                scope = ancestry(connection, top)
        else:
            scope = [top]
    query = _status_query(at=at, year=year, scope=scope, report=report, level=level)
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    return [row for row, _name, _first in _folded(rows)]


# The counts of a group but two are added up in one integer, a field of 21 bits each (up to
# 2,097,151 obligations a group: a report of one period at one level, nationwide, has about 10,000):
# SQLite spends most of a nationwide count evaluating one aggregate per count for every obligation,
# and one sum instead of four takes a quarter off. A group too large for its field would make the
# sum overflow, an error, never a wrong count.
_FIELD = 21
_SENT, _OVERDUE = 1 << _FIELD, 1 << (2 * _FIELD)
_MASK = _SENT - 1


def _unpacked(obligations: int, packed: int, exempted: int) -> list[int]:
    """expected, submitted, on time, overdue, exempted from a group's count, packed sum and
    exempted count.

    >>> _unpacked(10, 3 * _SENT + 2 + 4 * _OVERDUE, 1)
    [9, 3, 2, 4, 1]
    """
    return [obligations - exempted, (packed >> _FIELD) & _MASK, packed & _MASK, packed >> (2 * _FIELD), exempted]


def _folded(rows: Sequence[Any]) -> list[tuple[StatusRow, str | None, datetime | None]]:
    """The grouped rows, one per cycle, summed over the cycles of the year (a year may have a
    cycle per pack); each with its report's name and first deadline when the query named them."""
    folded: dict[tuple[Any, ...], tuple[list[int], str | None, datetime | None]] = {}
    for r in rows:  # ordered by report, period, unit, level: a group's cycles come together
        key = (r.came_from, r.level, r.report_id, r.period)
        counts = _unpacked(int(r.obligations), int(r.packed), int(r.exempted))
        name, first = getattr(r, "report_name", None), getattr(r, "first_due", None)
        if key in folded:
            summed, seen_name, seen_first = folded[key]
            counts = [a + b for a, b in zip(summed, counts, strict=True)]
            name = min(n for n in (name, seen_name) if n is not None) if name or seen_name else None
            first = min(f for f in (first, seen_first) if f is not None) if first or seen_first else None
        folded[key] = (counts, name, first)
    return [(StatusRow(*key, *counts), name, first) for key, (counts, name, first) in folded.items()]


_NAMED = (
    func.min(col(Obligation.report_name)).label("report_name"),
    func.min(col(Obligation.due_at)).label("first_due"),
)


def _status_query(
    *,
    at: datetime,
    year: int | None,
    scope: Sequence[UnitRef],
    report: str | None,
    level: str | None,
    named: bool = False,
) -> Select[Any]:
    """One grouped pass over the obligations of ``scope`` (several units: each row labelled with
    the one whose subtree it counts), a row per cycle; ``named`` adds the report's name and the
    group's first deadline.

    The groups follow ``ix_obligation_tally`` (cycle, report, period, level), so the database
    counts in index order without sorting the obligations. A scope reaching the top of the tree
    (the whole country) takes every obligation of the cycle and keeps those of its units; a
    smaller one looks its units' obligations up by unit.
    """
    done = col(Obligation.state).in_(DONE_STATES)
    open_ = col(Obligation.state).in_(OPEN_STATES)
    exempted = col(Obligation.state) == "exempted"
    # Sent on time: the first submission came by the deadline (asked only of those sent).
    in_time = (
        select(literal(1))
        .where(
            col(Submission.obligation_id) == col(Obligation.id),
            col(Submission.submitted_at) <= col(Obligation.due_at),
        )
        .exists()
    )
    labelled = len(scope) > 1
    came_from: Any = case(*((subtree(u), literal(u.tag)) for u in scope), else_=null()) if labelled else null()
    groups = [
        col(Obligation.cycle_id),
        col(Obligation.report_id),
        col(Obligation.period),
        col(Obligation.unit_level),
        *([came_from] if labelled else []),
    ]
    query = (
        select(
            came_from.label("came_from"),
            col(Obligation.unit_level).label("level"),
            col(Obligation.report_id),
            col(Obligation.period),
            func.count().label("obligations"),
            # Open ones first, the most: overdue; sent: sent, and on time; see _unpacked.
            func.sum(
                case(
                    (open_, case((col(Obligation.due_at) < at, _OVERDUE), else_=0)),
                    (done, _SENT + case((in_time, 1), else_=0)),
                    else_=0,
                )
            ).label("packed"),
            func.sum(case((exempted, 1), else_=0)).label("exempted"),
            *(_NAMED if named else ()),
        )
        .where(col(Obligation.retired).is_(False))
        .group_by(*groups)
        .order_by(
            col(Obligation.report_id),
            col(Obligation.period),
            *([came_from] if labelled else []),
            col(Obligation.unit_level),
            col(Obligation.cycle_id),
        )
    )
    if labelled:
        query = query.join(Unit, col(Unit.id) == col(Obligation.unit_id))
    if year is not None:
        query = query.where(col(Obligation.cycle_id).in_(select(col(Cycle.id)).where(col(Cycle.year) == year)))
    if any(u.parent_id is None for u in scope):
        # "+ 0": the unit is then a test on each obligation of the cycle, not the way in.
        units = select(col(Unit.id)).where(units_under_any(list(scope)))
        query = query.where((col(Obligation.unit_id) + 0).in_(units))
        return _scope(query, [], report, level)
    return _scope(query, scope, report, level)


@dataclass(frozen=True)
class NamedStatus:
    """A rates row with its report's name and its group's first deadline."""

    row: StatusRow
    report_name: str
    first_due: datetime


def named_status(engine: Engine, *, at: datetime, year: int | None, under: UnitRef) -> list[NamedStatus]:
    """:func:`status` under ``under`` for every report and level, each row with its report's name
    and first deadline (what a page's filters offer comes from the same pass)."""
    query = _status_query(at=at, year=year, scope=[under], report=None, level=None, named=True)
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    found = []
    for row, name, first in _folded(rows):
        assert first is not None  # the least deadline of a group, which has at least one obligation
        found.append(NamedStatus(row, str(name), first))
    return found
