"""What supervisors ask, the use cases: what is overdue or due soon, the reporting rates, and a
report's rates period by period across the 2025 reform."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from models import queries
from models.queries import OverdueRow, StatusRow
from models.trend import TrendRow
from models.trend import trend as compute_trend
from models.units import unit_at
from rules.calendar import VIETNAM, WorkCalendar
from rules.errors import DunghanError
from rules.loader import calendar_for, shipped_packs
from rules.scope import Everywhere


def overdue(
    engine: Engine,
    *,
    at: datetime,
    under: str | Everywhere,
    report: str | None = None,
    level: str | None = None,
    soon: int = 3,
    calendar: WorkCalendar | None = None,
) -> list[OverdueRow]:
    """Open obligations past due at ``at``, then those due within ``soon`` working days, most
    late first; ``under`` is the unit holding that code on the day of ``at``."""
    return queries.overdue(
        engine,
        at=at,
        calendar=calendar or calendar_for(),
        under=under,
        report=report,
        level=level,
        soon=soon,
    )


def status(
    engine: Engine,
    *,
    at: datetime,
    year: int | None = None,
    under: str | Everywhere,
    under_on: date | None = None,
    report: str | None = None,
    level: str | None = None,
    with_predecessors: bool = False,
) -> list[StatusRow]:
    """Reporting rates per level, report and period; ``under`` is the unit holding that code on
    ``under_on``, else during ``year``, else on the day of ``at``."""
    return queries.status(
        engine,
        at=at,
        year=year,
        under=under,
        under_on=under_on,
        report=report,
        level=level,
        with_predecessors=with_predecessors,
    )


def trend_pack(report: str, pack: str | None, *, at: datetime) -> str:
    """The id of the pack whose ``report`` a trend follows: among the shipped packs having it
    (only ``pack`` when given), the one in force on the day of ``at``, else the newest."""
    today = at.astimezone(VIETNAM).date()
    having = [p.pack for p in shipped_packs() if any(r.id == report for r in p.pack.reports)]
    if pack is not None:
        having = [p for p in having if p.id == pack]
    if not having:
        raise DunghanError(f"không gói nào có báo cáo {report!r}" + (f" trong gói {pack}" if pack else ""))
    in_force = [p for p in having if p.valid_from <= today and (p.valid_to is None or p.valid_to >= today)]
    return max(in_force or having, key=lambda p: p.valid_from).id


def trend(engine: Engine, report: str, *, pack: str, under: str, at: datetime) -> list[TrendRow]:
    """The rates of ``report`` of ``pack`` period by period, with the reports it continues in
    earlier packs, over the unit holding ``under`` on the day of ``at`` and the units it took over."""
    today = at.astimezone(VIETNAM).date()
    packs = [p.pack for p in shipped_packs()]
    return compute_trend(engine, packs, pack, report, unit=unit_at(engine, under, today), at=at)
