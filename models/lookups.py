"""Small look-ups the layers above need, so that they write no SQL: units valid on a day by a
few fields, the active contacts' e-mail addresses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import col

from models.database import read_connection
from models.tables import Contact, Unit
from models.units import valid_on


@dataclass(frozen=True)
class UnitBrief:
    id: int
    code: str
    name: str
    level: str
    unit_type: str
    parent_id: int | None


def units_on(
    engine: Engine,
    day: date,
    *,
    unit_id: int | None = None,
    code: str | None = None,
    parent_id: int | None = None,
    unit_type: str | None = None,
    level: str | None = None,
) -> list[UnitBrief]:
    """The units valid on ``day`` with the given fields, by code."""
    conditions: list[Any] = [valid_on(day)]
    for column, value in (
        (col(Unit.id), unit_id),
        (col(Unit.code), code),
        (col(Unit.parent_id), parent_id),
        (col(Unit.unit_type), unit_type),
        (col(Unit.level), level),
    ):
        if value is not None:
            conditions.append(column == value)
    query = select(
        col(Unit.id), col(Unit.code), col(Unit.name), col(Unit.level), col(Unit.unit_type), col(Unit.parent_id)
    ).where(*conditions)
    with read_connection(engine) as connection:
        return [UnitBrief(*row) for row in connection.execute(query.order_by(col(Unit.code)))]


def active_emails(engine: Engine, contact_ids: Iterable[int]) -> dict[int, str]:
    """The e-mail address of each of these contacts that is active and has one, in one query."""
    wanted = sorted(set(contact_ids))
    if not wanted:
        return {}
    query = select(col(Contact.id), col(Contact.email)).where(
        col(Contact.id).in_(wanted), col(Contact.active).is_(True), col(Contact.email).is_not(None)
    )
    with read_connection(engine) as connection:
        return {contact_id: email for contact_id, email in connection.execute(query)}
