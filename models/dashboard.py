"""The province dashboard's counts, in SQL, over the obligations under one unit.

- Rates per level, report and period, over the obligations whose deadline has passed (a period
  whose deadline is still ahead would look late): expected, sent, sent on time (the first
  submission by the deadline), as DHIS2 counts them (exempted units are not expected).
- The units late most often: obligations sent after their deadline or still open past it.
- The notices sent per day (Vietnam time) and channel: those about obligations under the unit
  and the digests to its units' contacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, case, func, literal, or_, select
from sqlmodel import col

from models.database import read_connection
from models.queries import DONE_STATES, Rates
from models.tables import OPEN_STATES, Contact, Notice, Obligation, Submission, Unit
from models.units import UnitRef, subtree
from models.worklist import in_subtree


def _first_submissions() -> Any:
    return (
        select(col(Submission.obligation_id), func.min(col(Submission.submitted_at)).label("first_at"))
        .group_by(col(Submission.obligation_id))
        .subquery()
    )


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True)
class PeriodRate(Rates):
    level: str
    report: str
    report_name: str
    period: str
    first_due: date
    expected: int
    submitted: int
    on_time: int


def _in_scope(unit: UnitRef) -> Any:
    """The obligations of the units under ``unit``, as :func:`in_subtree`; for the top of the tree
    (nearly every obligation) written so that SQLite reads the table through once instead of
    looking each of some 4,000 units' obligations up in the index on unit_id (``+ 0`` keeps the
    planner off that index: a quarter less time)."""
    if unit.parent_id is None:
        return (col(Obligation.unit_id) + 0).in_(select(col(Unit.id)).where(subtree(unit)))
    return in_subtree(unit)


def rates_by_period(engine: Engine, unit: UnitRef, *, at: datetime, since: date) -> list[PeriodRate]:
    """Per level, report and period whose obligations fell due from ``since`` to ``at``: expected,
    sent, sent on time (its first submission by the deadline: one at or before it exists);
    ordered by report, level and the period's first deadline."""
    done = col(Obligation.state).in_(DONE_STATES)
    exempted = col(Obligation.state) == "exempted"
    # Looked up for each obligation sent (an index on obligation_id), not grouped over every
    # submission of the country for each page.
    in_time = (
        select(col(Submission.id))
        .where(
            col(Submission.obligation_id) == col(Obligation.id),
            col(Submission.submitted_at) <= col(Obligation.due_at),
        )
        .exists()
    )
    query = (
        select(
            col(Obligation.unit_level).label("level"),
            col(Obligation.report_id),
            func.max(col(Obligation.report_name)).label("report_name"),
            col(Obligation.period),
            func.min(col(Obligation.due_date)).label("first_due"),
            _count(~exempted).label("expected"),
            _count(done).label("submitted"),
            _count(and_(done, in_time)).label("on_time"),
        )
        .where(
            _in_scope(unit),
            col(Obligation.retired).is_(False),
            col(Obligation.due_at) <= at,
            col(Obligation.due_date) >= since,
        )
        .group_by(col(Obligation.unit_level), col(Obligation.report_id), col(Obligation.period))
        .order_by(col(Obligation.report_id), col(Obligation.unit_level), func.min(col(Obligation.due_date)))
    )
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    return [
        PeriodRate(
            r.level,
            r.report_id,
            r.report_name,
            r.period,
            r.first_due,
            int(r.expected),
            int(r.submitted),
            int(r.on_time),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class LateUnit:
    """A unit and its obligations fallen due since a day: how many were late (sent after the
    deadline, or still open past it), and how many of those are still open."""

    id: int
    code: str
    name: str
    level: str
    expected: int
    late: int
    overdue: int

    @property
    def late_share(self) -> float:
        return round(100 * self.late / self.expected, 1) if self.expected else 0.0


def late_units(engine: Engine, unit: UnitRef, *, at: datetime, since: date, limit: int = 10) -> list[LateUnit]:
    """The units under ``unit`` late most often on obligations due from ``since`` to ``at``,
    the most late first (then the most still overdue, then by code)."""
    first = _first_submissions()
    done = col(Obligation.state).in_(DONE_STATES)
    open_ = col(Obligation.state).in_(OPEN_STATES)
    late = or_(and_(done, first.c.first_at > col(Obligation.due_at)), open_)
    # Counted per unit first, then filtered, sorted and named: the counts written once (SQLite
    # would sum each again for HAVING and ORDER BY, their parameters being apart), the units'
    # names joined to some 4,000 groups rather than to 50,000 obligations.
    per_unit = (
        select(
            col(Obligation.unit_id).label("unit_id"),
            _count(col(Obligation.state) != "exempted").label("expected"),
            _count(late).label("late"),
            _count(open_).label("overdue"),
        )
        .outerjoin(first, first.c.obligation_id == col(Obligation.id))
        .where(
            in_subtree(unit),
            col(Obligation.retired).is_(False),
            col(Obligation.due_at) <= at,
            col(Obligation.due_date) >= since,
        )
        .group_by(col(Obligation.unit_id))
        .subquery()
    )
    query = (
        select(
            col(Unit.id),
            col(Unit.code),
            col(Unit.name),
            col(Unit.level),
            per_unit.c.expected,
            per_unit.c.late,
            per_unit.c.overdue,
        )
        .join(per_unit, per_unit.c.unit_id == col(Unit.id))
        .where(per_unit.c.late > 0)
        .order_by(per_unit.c.late.desc(), per_unit.c.overdue.desc(), col(Unit.code))
        .limit(limit)
    )
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    return [LateUnit(int(r.id), r.code, r.name, r.level, int(r.expected), int(r.late), int(r.overdue)) for r in rows]


@dataclass(frozen=True)
class NoticeCount:
    day: date
    channel: str
    sent: int


def notices_per_day(
    engine: Engine, unit: UnitRef, days: Sequence[tuple[date, datetime, datetime]]
) -> list[NoticeCount]:
    """The notices sent on each of ``days`` (a day with the instants it starts and ends, oldest
    first, back to back), per channel: those about obligations under ``unit`` and the digests to
    contacts of units under it. Days without a notice are left out."""
    if not days:
        return []
    sent_at = col(Notice.sent_at)
    bucket: Any = case(*((sent_at < end, literal(index)) for index, (_, _, end) in enumerate(days)), else_=None)
    about_obligation = col(Notice.obligation_id).in_(select(col(Obligation.id)).where(in_subtree(unit)))
    to_contact = col(Notice.contact_id).in_(
        select(col(Contact.id)).where(col(Contact.unit_id).in_(select(col(Unit.id)).where(subtree(unit))))
    )
    sent = (
        select(bucket.label("bucket"), col(Notice.channel).label("channel"))
        .where(
            col(Notice.status) == "sent",
            sent_at >= days[0][1],
            sent_at < days[-1][2],
            or_(about_obligation, to_contact),
        )
        .subquery()
    )
    # Grouped outside: PostgreSQL cannot tell that a CASE with parameters in the select list and
    # the same CASE in GROUP BY are one expression.
    query = (
        select(sent.c.bucket, sent.c.channel, func.count().label("sent"))
        .group_by(sent.c.bucket, sent.c.channel)
        .order_by(sent.c.bucket, sent.c.channel)
    )
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    return [NoticeCount(days[int(r.bucket)][0], r.channel, int(r.sent)) for r in rows if r.bucket is not None]
