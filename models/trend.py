"""A report's reporting rates over the years, across the 2025 reform.

The series is the report and the reports of earlier packs it ``continues`` (rules.series); the
units are the unit asked about and every unit it took over (lineage), so new Bắc Ninh's trend of
the yearly report reads old Bắc Giang's and old Bắc Ninh's 2024 reports, then its own. Each row
says which pack and report it counts, and which unit's subtree it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, case, func, literal, or_, select, tuple_
from sqlmodel import col

from models.database import read_connection
from models.queries import DONE_STATES, Rates
from models.tables import Cycle, Obligation, Submission, Unit
from models.units import UnitRef, ancestry, subtree, units_under_any
from rules.schema import Pack
from rules.series import report_series


@dataclass(frozen=True)
class TrendRow(Rates):
    period: str
    pack: str
    report: str
    came_from: str
    expected: int
    submitted: int
    on_time: int


def trend(
    engine: Engine, packs: list[Pack], pack_id: str, report_id: str, *, unit: UnitRef, at: datetime, hop: int = 1
) -> list[TrendRow]:
    """Per period of the series (oldest first) and unit it came from: expected, submitted, on
    time, over the obligations of ``hop`` (1: the units' own reports) under ``unit`` and the units
    it took over. Exempted obligations are not expected."""
    series = report_series(packs, pack_id, report_id)
    with read_connection(engine) as connection:
        scope = ancestry(connection, unit)
    first = (
        select(col(Submission.obligation_id), func.min(col(Submission.submitted_at)).label("first_at"))
        .group_by(col(Submission.obligation_id))
        .subquery()
    )
    done = col(Obligation.state).in_(DONE_STATES)
    came_from: Any = case(*((subtree(u), literal(u.tag)) for u in scope), else_=literal(""))
    query = (
        select(
            col(Obligation.period),
            col(Cycle.pack_id),
            col(Obligation.report_id),
            came_from.label("came_from"),
            func.sum(case((col(Obligation.state) == "exempted", 0), else_=1)).label("expected"),
            func.sum(case((done, 1), else_=0)).label("submitted"),
            func.sum(case((and_(done, first.c.first_at <= col(Obligation.due_at)), 1), else_=0)).label("on_time"),
        )
        .join(Cycle, col(Cycle.id) == col(Obligation.cycle_id))
        .join(Unit, col(Unit.id) == col(Obligation.unit_id))
        .outerjoin(first, first.c.obligation_id == col(Obligation.id))
        .where(
            col(Obligation.retired).is_(False),
            col(Obligation.hop) == hop,
            tuple_(col(Cycle.pack_id), col(Obligation.report_id)).in_([(p.id, r.id) for p, r in series]),
            units_under_any(scope),
            or_(col(Obligation.due_at) <= at, col(Obligation.state).in_(DONE_STATES)),
        )
        .group_by(col(Obligation.period), col(Cycle.pack_id), col(Obligation.report_id), came_from)
        .order_by(col(Obligation.period), came_from)
    )
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    return [
        TrendRow(r.period, r.pack_id, r.report_id, r.came_from, int(r.expected), int(r.submitted), int(r.on_time))
        for r in rows
    ]
