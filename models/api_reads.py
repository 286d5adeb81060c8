"""What the JSON API lists, page by page, in SQL and within the reader's scope: obligations
filtered as on the overdue page, the units a person may open, a campaign's activity logs.

Scope is the same condition as on the web pages (:func:`models.worklist.visible` for
obligations, :func:`models.worklist.visible_unit` for units and for the activities they logged),
so a token reads exactly what its owner reads on the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.sql import Select
from sqlmodel import col

from models.database import read_connection
from models.tables import OPEN_STATES, ActivityLog, Obligation, Unit
from models.units import UNIT_COLUMNS, UnitRef, valid_on
from models.worklist import Viewer, WorkRow, _rows, _work_query, visible_unit
from rules.activity import MEDIA_KINDS
from rules.calendar import WorkCalendar


def _count(engine: Engine, query: Select[Any]) -> int:
    with read_connection(engine) as connection:
        return int(connection.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one())


@dataclass(frozen=True)
class ObligationFilter:
    """What a list of obligations asks: a state, a report, a period, the level of the unit, the
    unit (its code), only those past due and still open."""

    state: str | None = None
    report: str | None = None
    period: str | None = None
    level: str | None = None
    unit: str | None = None
    overdue: bool = False


def obligations(
    engine: Engine,
    viewer: Viewer,
    wanted: ObligationFilter,
    *,
    at: datetime,
    calendar: WorkCalendar,
    limit: int,
    offset: int,
) -> tuple[int, list[WorkRow]]:
    """(how many match, those of this page) among the obligations ``viewer`` sees, the soonest
    due first."""
    query = _work_query(viewer)
    if wanted.state is not None:
        query = query.where(col(Obligation.state) == wanted.state)
    if wanted.report is not None:
        query = query.where(col(Obligation.report_id) == wanted.report)
    if wanted.period is not None:
        query = query.where(col(Obligation.period) == wanted.period)
    if wanted.level is not None:
        query = query.where(col(Obligation.unit_level) == wanted.level)
    if wanted.unit is not None:
        query = query.where(col(Unit.code) == wanted.unit)
    if wanted.overdue:
        query = query.where(col(Obligation.state).in_(OPEN_STATES), col(Obligation.due_at) < at)
    total = _count(engine, query)
    page = query.order_by(col(Obligation.due_at), col(Obligation.report_id), col(Obligation.id))
    return total, _rows(engine, page.limit(limit).offset(offset), at, calendar)


def units(
    engine: Engine, viewer: Viewer, *, day: date, level: str | None, limit: int, offset: int
) -> tuple[int, list[UnitRef]]:
    """(how many, this page of) the units valid on ``day`` whose page ``viewer`` may open: their
    own, and for a supervisor or an admin every unit under it; in the tree's order."""
    query = select(*UNIT_COLUMNS).where(visible_unit(viewer), valid_on(day))
    if level is not None:
        query = query.where(col(Unit.level) == level)
    total = _count(engine, query)
    with read_connection(engine) as connection:
        rows = connection.execute(query.order_by(col(Unit.path), col(Unit.id)).limit(limit).offset(offset)).all()
    return total, [UnitRef(*r) for r in rows]


@dataclass(frozen=True)
class ActivityRow:
    """One logged activity of a campaign, with the unit that logged it."""

    id: int
    campaign_id: str
    pack_id: str
    year: int
    unit_code: str
    unit_name: str
    activity_date: date
    activity_type: str
    title: str
    participants_male: int
    participants_female: int
    participants_total: int
    media: dict[str, int]
    budget_vnd: int
    note: str | None
    source: str
    recorded_at: datetime


@dataclass(frozen=True)
class ActivityFilter:
    campaign: str | None = None
    year: int | None = None
    unit: str | None = None  # a code


def activities(
    engine: Engine, viewer: Viewer, wanted: ActivityFilter, *, limit: int, offset: int
) -> tuple[int, list[ActivityRow]]:
    """(how many, this page of) the activity logs of the units ``viewer`` may open: an officer's
    or a reviewer's own unit, everything under a supervisor's or an admin's; the latest first."""
    media = [getattr(ActivityLog, f"media_{kind}") for kind in MEDIA_KINDS]
    query = (
        select(
            col(ActivityLog.id),
            col(ActivityLog.campaign_id),
            col(ActivityLog.pack_id),
            col(ActivityLog.year),
            col(Unit.code),
            col(Unit.name),
            col(ActivityLog.activity_date),
            col(ActivityLog.activity_type),
            col(ActivityLog.title),
            col(ActivityLog.participants_male),
            col(ActivityLog.participants_female),
            col(ActivityLog.participants_total),
            col(ActivityLog.budget_vnd),
            col(ActivityLog.note),
            col(ActivityLog.source),
            col(ActivityLog.recorded_at),
            *media,
        )
        .join(Unit, col(Unit.id) == col(ActivityLog.unit_id))
        .where(visible_unit(viewer))
    )
    if wanted.campaign is not None:
        query = query.where(col(ActivityLog.campaign_id) == wanted.campaign)
    if wanted.year is not None:
        query = query.where(col(ActivityLog.year) == wanted.year)
    if wanted.unit is not None:
        query = query.where(col(Unit.code) == wanted.unit)
    total = _count(engine, query)
    ordered = query.order_by(col(ActivityLog.activity_date).desc(), col(ActivityLog.id).desc())
    with read_connection(engine) as connection:
        rows = connection.execute(ordered.limit(limit).offset(offset)).all()
    found = [
        ActivityRow(
            int(r[0]),
            r[1],
            r[2],
            int(r[3]),
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            int(r[9]),
            int(r[10]),
            int(r[11]),
            {kind: int(n) for kind, n in zip(MEDIA_KINDS, r[16:], strict=True)},
            int(r[12]),
            r[13],
            r[14],
            r[15],
        )
        for r in rows
    ]
    return total, found
