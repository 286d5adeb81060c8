"""What a supervisor's pages read besides the overdue list and the rates: a unit's timeliness
period by period, the units under it (to drill down the tree), the units of a page of obligations,
and the choices a filter offers. Every query is scoped in SQL by the viewer (``visible`` for
obligations, ``visible_unit`` for units), so nothing out of scope is ever read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, case, func, literal, select
from sqlmodel import col

from models.database import read_connection
from models.queries import DONE_STATES
from models.tables import OPEN_STATES, Cycle, Obligation, Submission, Unit
from models.units import subtree, unit_by_id, valid_on
from models.worklist import Viewer, visible, visible_unit


def obligation_units(engine: Engine, viewer: Viewer, obligation_ids: Sequence[int]) -> dict[int, int]:
    """The unit of each of ``obligation_ids`` that ``viewer`` may see (the others are left out)."""
    if not obligation_ids:
        return {}
    with read_connection(engine) as connection:
        rows = connection.execute(
            select(col(Obligation.id), col(Obligation.unit_id)).where(
                col(Obligation.id).in_(list(obligation_ids)), visible(viewer)
            )
        ).all()
    return {int(r[0]): int(r[1]) for r in rows}


@dataclass(frozen=True)
class Choices:
    """What a filter may offer: the reports (id, name), levels and periods among the obligations
    the viewer sees."""

    reports: list[tuple[str, str]]
    levels: list[str]
    periods: list[str]


def choices(engine: Engine, viewer: Viewer, *, year: int | None = None, open_only: bool = False) -> Choices:
    """The reports, levels and periods of the obligations ``viewer`` sees (of cycles of ``year``;
    with ``open_only``, of those still to send), the newest period first."""
    where: list[Any] = [visible(viewer), col(Obligation.retired).is_(False)]
    if open_only:
        where.append(col(Obligation.state).in_(OPEN_STATES))
    if year is not None:
        where.append(col(Obligation.cycle_id).in_(select(col(Cycle.id)).where(col(Cycle.year) == year)))
    with read_connection(engine) as connection:  # one pass over the obligations, grouped
        groups = connection.execute(
            select(
                col(Obligation.report_id),
                func.min(col(Obligation.report_name)),
                col(Obligation.unit_level),
                col(Obligation.period),
                func.min(col(Obligation.due_at)),
            )
            .where(*where)
            .group_by(col(Obligation.report_id), col(Obligation.unit_level), col(Obligation.period))
        ).all()
    reports: dict[str, str] = {}
    first_due: dict[str, Any] = {}
    for report, name, _, period, due in groups:
        reports[report] = min(reports.get(report, name), name)
        first_due[period] = min(first_due.get(period, due), due)
    periods = sorted(first_due, key=lambda p: (-first_due[p].timestamp(), p))
    return Choices(sorted(reports.items()), sorted({g[2] for g in groups}), periods)


def cycle_years(engine: Engine, viewer: Viewer) -> list[int]:
    """The years of the cycles with obligations ``viewer`` sees, newest first."""
    with read_connection(engine) as connection:
        rows = connection.execute(
            select(col(Cycle.year))
            .where(  # a cycle counts at its first obligation the viewer sees
                select(literal(1)).where(col(Obligation.cycle_id) == col(Cycle.id), visible(viewer)).exists()
            )
            .distinct()
            .order_by(col(Cycle.year).desc())
        ).all()
    return [int(r[0]) for r in rows]


@dataclass(frozen=True)
class PeriodTally:
    """A unit's obligations of one period: sent on time, sent late, overdue, still open before
    their deadline, exempted."""

    period: str
    first_due: date
    expected: int
    on_time: int
    late: int
    overdue: int
    waiting: int
    exempted: int


def timeliness_history(engine: Engine, viewer: Viewer, unit_id: int, *, at: datetime) -> list[PeriodTally]:
    """Per period, the oldest first: how a unit's obligations (those ``viewer`` sees) were sent."""
    first = (
        select(col(Submission.obligation_id), func.min(col(Submission.submitted_at)).label("first_at"))
        .group_by(col(Submission.obligation_id))
        .subquery()
    )
    done = col(Obligation.state).in_(DONE_STATES)
    open_ = col(Obligation.state).in_(OPEN_STATES)
    exempted = col(Obligation.state) == "exempted"

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            col(Obligation.period),
            func.min(col(Obligation.due_date)).label("first_due"),
            count(~exempted).label("expected"),
            count(and_(done, first.c.first_at <= col(Obligation.due_at))).label("on_time"),
            count(and_(done, first.c.first_at > col(Obligation.due_at))).label("late"),
            count(and_(open_, col(Obligation.due_at) < at)).label("overdue"),
            count(and_(open_, col(Obligation.due_at) >= at)).label("waiting"),
            count(exempted).label("exempted"),
        )
        .outerjoin(first, first.c.obligation_id == col(Obligation.id))
        .where(col(Obligation.unit_id) == unit_id, col(Obligation.retired).is_(False), visible(viewer))
        .group_by(col(Obligation.period))
        .order_by(func.min(col(Obligation.due_date)), col(Obligation.period))
    )
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    return [
        PeriodTally(
            r.period,
            r.first_due,
            int(r.expected),
            int(r.on_time),
            int(r.late),
            int(r.overdue),
            int(r.waiting),
            int(r.exempted),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class SubUnit:
    """A unit directly under another, with how many obligations of its subtree are overdue."""

    id: int
    code: str
    name: str
    level: str
    unit_type: str
    overdue: int


def sub_units(engine: Engine, viewer: Viewer, unit_id: int, *, at: datetime, day: date) -> list[SubUnit]:
    """The units directly under ``unit_id`` on ``day`` whose pages ``viewer`` may open (none for
    an officer or a reviewer), each with the overdue obligations ``viewer`` sees in its subtree.

    Two reads: the children, then the overdue obligations under the unit counted per unit (a few
    hundred rows at most), each count given to the child whose path starts its path and whose
    validity meets its unit's."""
    with read_connection(engine) as connection:
        parent = unit_by_id(connection, unit_id)
        children = connection.execute(
            select(
                col(Unit.id),
                col(Unit.code),
                col(Unit.name),
                col(Unit.level),
                col(Unit.unit_type),
                col(Unit.path),
                col(Unit.valid_from),
                col(Unit.valid_to),
            )
            .where(col(Unit.parent_id) == unit_id, visible_unit(viewer), valid_on(day))
            .order_by(col(Unit.level), col(Unit.unit_type), col(Unit.code))
        ).all()
        if not children:
            return []
        late = connection.execute(
            select(col(Unit.path), col(Unit.valid_from), col(Unit.valid_to), func.count(col(Obligation.id)))
            .join(Unit, col(Unit.id) == col(Obligation.unit_id))
            .where(
                subtree(parent, include_self=False),
                col(Obligation.state).in_(OPEN_STATES),
                col(Obligation.retired).is_(False),
                col(Obligation.due_at) < at,
                visible(viewer),
            )
            .group_by(col(Unit.id), col(Unit.path), col(Unit.valid_from), col(Unit.valid_to))
        ).all()
    by_path: dict[str, list[Any]] = {}
    for child in children:
        by_path.setdefault(child.path, []).append(child)
    overdue: dict[int, int] = {}
    for path, valid_from, valid_to, count in late:
        for prefix in _prefixes(path):
            for child in by_path.get(prefix, ()):
                if valid_from <= (child.valid_to or date.max) and (valid_to is None or valid_to >= child.valid_from):
                    overdue[child.id] = overdue.get(child.id, 0) + int(count)
    return [SubUnit(int(c.id), c.code, c.name, c.level, c.unit_type, overdue.get(c.id, 0)) for c in children]


def _prefixes(path: str) -> list[str]:
    """'/24/07627/' → ['/24/', '/24/07627/']: the paths of a unit and of the units above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
