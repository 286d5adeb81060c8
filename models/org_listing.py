"""The administrative tree as `dunghan org list` and `org show` read it, in SQL: the units valid on
a day (under a unit, of a level or type), each with its parent, where it came from and how many
units and contacts it has; and for one unit, its children counted by level and type and its
contacts. Every unit is taken on a day: a GSO code names another unit after the 2025 reform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, and_, func, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from models.database import read_connection
from models.tables import Contact, Unit
from models.units import UnitRef, subtree, valid_on
from rules.text import fold


@dataclass(frozen=True)
class UnitLine:
    """One unit of a list, on the day asked."""

    id: int
    code: str
    name: str
    level: str
    unit_type: str
    parent: str | None  # the stored parent's code
    valid_from: date
    valid_to: date | None
    source: str  # the file or list it was imported from ("standard-agencies": the standard list)
    children: int  # units directly under it, valid on the day
    contacts: int  # active contacts


def _children_on(day: date) -> Any:
    child = aliased(Unit)
    return (
        select(func.count())
        .select_from(child)
        .where(
            col(child.parent_id) == col(Unit.id),
            col(child.valid_from) <= day,
            col(child.valid_to).is_(None) | (col(child.valid_to) >= day),
        )
        .correlate(Unit)
        .scalar_subquery()
    )


def _active_contacts() -> Any:
    return (
        select(func.count())
        .where(col(Contact.unit_id) == col(Unit.id), col(Contact.active).is_(True))
        .correlate(Unit)
        .scalar_subquery()
    )


def list_units(
    engine: Engine,
    *,
    day: date,
    under: UnitRef | None = None,
    level: str | None = None,
    unit_type: str | None = None,
    source: str | None = None,
    q: str = "",
    limit: int = 1000,
) -> tuple[list[UnitLine], int]:
    """The units valid on ``day`` (under ``under`` and itself, else all), of ``level`` and
    ``unit_type``, imported from ``source``, whose code or name holds ``q`` (without diacritics
    or case), in tree order; at most ``limit`` of them, and how many there are."""
    parent = aliased(Unit)
    condition: Any = valid_on(day)
    if under is not None:
        condition = and_(condition, subtree(under))
    for column, value in ((Unit.level, level), (Unit.unit_type, unit_type), (Unit.source, source)):
        if value:
            condition = and_(condition, col(column) == value)
    with read_connection(engine) as connection:
        if q.strip():
            wanted = fold(q)
            candidates = connection.execute(select(col(Unit.id), col(Unit.code), col(Unit.name)).where(condition))
            ids = [i for i, code, name in candidates if wanted in fold(code) or wanted in fold(name)]
            condition = and_(condition, col(Unit.id).in_(ids))
        total = connection.execute(select(func.count()).select_from(Unit).where(condition)).scalar_one()
        rows = connection.execute(
            select(
                col(Unit.id),
                col(Unit.code),
                col(Unit.name),
                col(Unit.level),
                col(Unit.unit_type),
                col(parent.code),
                col(Unit.valid_from),
                col(Unit.valid_to),
                col(Unit.source),
                _children_on(day).label("children"),
                _active_contacts().label("contacts"),
            )
            .outerjoin(parent, col(parent.id) == col(Unit.parent_id))
            .where(condition)
            .order_by(col(Unit.path), col(Unit.code))
            .limit(limit)
        ).all()
    return [UnitLine(*r) for r in rows], int(total)


@dataclass(frozen=True)
class ChildCount:
    level: str
    unit_type: str
    count: int


@dataclass(frozen=True)
class UnitContact:
    name: str
    role: str
    email: str | None
    zalo_phone: str | None
    zalo_user_id: str | None
    channels: str
    active: bool


@dataclass(frozen=True)
class UnitDetails:
    """What `org show` adds to a unit's card: where it came from, what is under it, who is told."""

    source: str
    children: list[ChildCount]  # valid on the day, by level and type
    contacts: list[UnitContact]  # active first


def unit_details(engine: Engine, unit_id: int, day: date) -> UnitDetails:
    """The source of unit ``unit_id``, its children valid on ``day`` counted by level and type,
    and its contacts."""
    with read_connection(engine) as connection:
        source = connection.execute(select(col(Unit.source)).where(col(Unit.id) == unit_id)).scalar_one()
        children = [
            ChildCount(level, kind, int(count))
            for level, kind, count in connection.execute(
                select(col(Unit.level), col(Unit.unit_type), func.count())
                .where(col(Unit.parent_id) == unit_id, valid_on(day))
                .group_by(col(Unit.level), col(Unit.unit_type))
                .order_by(func.count().desc(), col(Unit.level), col(Unit.unit_type))
            )
        ]
        contacts = [
            UnitContact(*r)
            for r in connection.execute(
                select(
                    col(Contact.name),
                    col(Contact.role),
                    col(Contact.email),
                    col(Contact.zalo_phone),
                    col(Contact.zalo_user_id),
                    col(Contact.channels),
                    col(Contact.active),
                )
                .where(col(Contact.unit_id) == unit_id)
                .order_by(col(Contact.active).desc(), col(Contact.role), col(Contact.name), col(Contact.id))
            )
        ]
    return UnitDetails(source, children, contacts)
