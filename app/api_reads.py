"""What the JSON API reads, the use cases: obligations page by page (filtered as on the overdue
page), the units a person may open, a campaign's activity logs, the overdue list and the
reporting rates. Each takes the acting :class:`Viewer`; scope is in the SQL, and the rights of
each role are those of the pages (the overdue list and the rates are for supervisors and admins).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import Engine

from app import supervision
from app.supervision import OverdueFilter as OverdueFilter
from models import api_reads, unit_history
from models.api_reads import ActivityFilter as ActivityFilter
from models.api_reads import ActivityRow as ActivityRow
from models.api_reads import ObligationFilter as ObligationFilter
from models.lifecycle import IllegalTransition as IllegalTransition
from models.queries import OverdueRow as OverdueRow
from models.queries import StatusRow
from models.units import UnitRef as UnitRef
from models.worklist import Viewer, WorkRow
from rules.calendar import VIETNAM
from rules.loader import calendar_for

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: how many there are in all, and those from ``offset``."""

    total: int
    items: list[T]


def obligations(
    engine: Engine, viewer: Viewer, wanted: ObligationFilter, *, at: datetime, limit: int, offset: int
) -> Page[WorkRow]:
    """The obligations ``viewer`` sees that ``wanted`` asks for, the soonest due first."""
    total, rows = api_reads.obligations(
        engine, viewer, wanted, at=at, calendar=calendar_for(), limit=limit, offset=offset
    )
    return Page(total, rows)


def units(engine: Engine, viewer: Viewer, *, at: datetime, level: str | None, limit: int, offset: int) -> Page[UnitRef]:
    """The units of today's tree whose page ``viewer`` may open (their own, and everything under
    it for a supervisor or an admin)."""
    total, rows = api_reads.units(
        engine, viewer, day=at.astimezone(VIETNAM).date(), level=level, limit=limit, offset=offset
    )
    return Page(total, rows)


def activities(engine: Engine, viewer: Viewer, wanted: ActivityFilter, *, limit: int, offset: int) -> Page[ActivityRow]:
    """The activity logs of the units ``viewer`` may open, the latest first."""
    total, rows = api_reads.activities(engine, viewer, wanted, limit=limit, offset=offset)
    return Page(total, rows)


@dataclass(frozen=True)
class OverdueFound:
    """A page of the overdue list, with how many rows are late and how many due soon in all."""

    total: int
    late: int
    soon: int
    items: list[OverdueRow]


def overdue(
    engine: Engine, viewer: Viewer, wanted: OverdueFilter, *, at: datetime, limit: int, offset: int
) -> OverdueFound:
    """A page of the overdue list as the 'Quá hạn' page filters and sorts it (supervisors and
    admins only)."""
    rows = supervision.overdue_rows(engine, viewer, at=at, wanted=wanted)
    late = sum(1 for r in rows if r.status == supervision.STATUS_SLUGS["qua-han"])
    return OverdueFound(len(rows), late, len(rows) - late, rows[offset : offset + limit])


@dataclass(frozen=True)
class RateLine:
    """A row of the rates with its report's name."""

    row: StatusRow
    report_name: str


@dataclass(frozen=True)
class Rates:
    year: int
    lines: list[RateLine]


def status(
    engine: Engine,
    viewer: Viewer,
    *,
    at: datetime,
    year: int | None,
    report: str | None,
    level: str | None,
) -> Rates:
    """The reporting and timeliness rates under ``viewer``'s unit for ``year`` (this year by
    default), as on the 'Tỷ lệ báo cáo' page (supervisors and admins only)."""
    supervision.require_supervisor(viewer)
    year = year or at.astimezone(VIETNAM).year
    rows = supervision.status(engine, at=at, year=year, under=viewer.unit, report=report, level=level)
    names = dict(unit_history.choices(engine, viewer, year=year).reports)
    return Rates(year, [RateLine(r, names.get(r.report, r.report)) for r in rows])
