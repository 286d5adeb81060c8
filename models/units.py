"""Finding a unit by its code, always on a date, and what came before and after it.

A GSO code is not an identity across the 2025 reform: 24 was Tỉnh Bắc Giang until 30/06/2025 and
is Tỉnh Bắc Ninh from 01/07/2025; 07375 was Thị trấn Vôi and is Xã Lạng Giang. So every look-up
takes a day (or a span of days) and gives the one unit valid then; a span over which the code
named two units is refused with both named. Everything "under" a unit is its path prefix *and*
its validity, so a reused path never mixes two regimes.

Lineage (``unit_lineage``) says which unit took over which, by id: a unit's predecessors are
the units whose history it carries on; a unit whose parent has ended hangs, from that day, under
the parent's successor (the provinces under the Bộ Nội vụ from 01/03/2025).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, and_, or_, select
from sqlmodel import col

from models.database import read_connection
from models.tables import Unit, UnitLineage
from rules.errors import ACTION, FIELD, DunghanError
from rules.i18n import _
from rules.schema import LEVEL_ORDER

UNIT_COLUMNS: tuple[Any, ...] = (
    Unit.id,
    Unit.code,
    Unit.name,
    Unit.level,
    Unit.unit_type,
    Unit.path,
    Unit.parent_id,
    Unit.valid_from,
    Unit.valid_to,
)


def vn_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


@dataclass(frozen=True)
class UnitRef:
    """One unit as stored: its identity is ``id``; ``code`` is only what it is called."""

    id: int
    code: str
    name: str
    level: str
    unit_type: str
    path: str
    parent_id: int | None
    valid_from: date
    valid_to: date | None

    @property
    def validity(self) -> str:
        """'từ 01/01/2024 đến 30/06/2025' or 'từ 01/07/2025'."""
        if self.valid_to:
            return _("from {start} to {end}").format(start=vn_date(self.valid_from), end=vn_date(self.valid_to))
        return _("from {start}").format(start=vn_date(self.valid_from))

    @property
    def label(self) -> str:
        """'Tỉnh Bắc Giang (24, từ 01/01/2024 đến 30/06/2025)'."""
        return f"{self.name} ({self.code}, {self.validity})"

    @property
    def tag(self) -> str:
        """A short label for a table: 'Tỉnh Bắc Giang (24, đến 30/06/2025)', 'Tỉnh Bắc Ninh (24, từ 01/07/2025)'."""
        if self.valid_to:
            when = _("until {end}").format(end=vn_date(self.valid_to))
        else:
            when = _("from {start}").format(start=vn_date(self.valid_from))
        return f"{self.name} ({self.code}, {when})"

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def overlaps(self, start: date, end: date) -> bool:
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)


class UnitNotFound(DunghanError):
    """No unit holds the code on the day asked."""


class AmbiguousCode(DunghanError):
    """The code named two units over the days asked: the command needs a day."""

    def __init__(self, code: str, units: list[UnitRef], advice: str) -> None:
        self.code = code
        self.units = units
        named = "; ".join(u.label for u in units)
        super().__init__(
            _("code {code} names {count} different units over this span: {named}. {advice}").format(
                code=code, count=len(units), named=named, advice=advice
            ),
            field="at",
        )


def _ref(row: Any) -> UnitRef:
    return UnitRef(*row)


def valid_on(day: date) -> Any:
    """The condition on units valid on ``day``: begun, and not yet ended (valid_to is the last day)."""
    return (col(Unit.valid_from) <= day) & (col(Unit.valid_to).is_(None) | (col(Unit.valid_to) >= day))


def valid_during(start: date, end: date) -> Any:
    """The condition on units valid on at least one day from ``start`` to ``end``."""
    return (col(Unit.valid_from) <= end) & (col(Unit.valid_to).is_(None) | (col(Unit.valid_to) >= start))


def subtree(unit: UnitRef, *, include_self: bool = True) -> Any:
    """The condition on the units under ``unit`` (and itself): its path prefix within its validity.

    A path is a chain of codes, so a later unit can have the same path as an earlier one; the
    validity keeps them apart.
    """
    condition = and_(col(Unit.path).startswith(unit.path), valid_during(unit.valid_from, unit.valid_to or date.max))
    if not include_self:
        condition = and_(condition, col(Unit.id) != unit.id)
    return condition


def units_named(connection: Connection, code: str) -> list[UnitRef]:
    """Every unit that ever held ``code``, oldest first."""
    query = select(*UNIT_COLUMNS).where(col(Unit.code) == code).order_by(col(Unit.valid_from))
    return [_ref(r) for r in connection.execute(query)]


def _missing(code: str, units: list[UnitRef], when: str) -> UnitNotFound:
    if not units:
        return UnitNotFound(
            _("no unit with code {code}: check the code, or import the unit tree ({action})").format(
                code=code, action=ACTION
            ),
            action="org import",
        )
    named = "; ".join(u.label for u in units)
    return UnitNotFound(
        _("no unit with code {code} {when}; the code is held by: {named}").format(code=code, when=when, named=named)
    )


def unit_at(engine: Engine | Connection, code: str, day: date) -> UnitRef:
    """The unit holding ``code`` on ``day``; :class:`UnitNotFound` names the units that held it."""
    return unit_during(engine, code, day, day)


def unit_during(engine: Engine | Connection, code: str, start: date, end: date, *, advice: str = "") -> UnitRef:
    """The one unit holding ``code`` on some day from ``start`` to ``end``.

    Two units in the span (24 in 2025: Tỉnh Bắc Giang to 30/06, Tỉnh Bắc Ninh from 01/07) raise
    :class:`AmbiguousCode` naming both; none raises :class:`UnitNotFound` naming those that held it.
    """
    if isinstance(engine, Connection):
        units = units_named(engine, code)
    else:
        with read_connection(engine) as connection:
            units = units_named(connection, code)
    found = [u for u in units if u.overlaps(start, end)]
    if start == end:
        when = _("on {day}").format(day=vn_date(start))
    else:
        when = _("from {start} to {end}").format(start=vn_date(start), end=vn_date(end))
    if not found:
        raise _missing(code, units, when)
    if len(found) > 1:
        raise AmbiguousCode(code, found, advice or _("Choose the day with {field} DAY.").format(field=FIELD))
    return found[0]


def unit_by_id(connection: Connection, unit_id: int) -> UnitRef:
    row = connection.execute(select(*UNIT_COLUMNS).where(col(Unit.id) == unit_id)).first()
    if row is None:
        raise UnitNotFound(_("no unit with id {id}").format(id=unit_id))
    return _ref(row)


@dataclass(frozen=True)
class Link:
    """One step of lineage: ``unit`` took over (or was taken over) on ``on``."""

    unit: UnitRef
    on: date


def predecessors(connection: Connection, unit_id: int) -> list[Link]:
    """The units ``unit_id`` took over directly, oldest code first."""
    query = (
        select(*UNIT_COLUMNS, col(UnitLineage.took_over_on))
        .join(UnitLineage, col(UnitLineage.predecessor_id) == col(Unit.id))
        .where(col(UnitLineage.successor_id) == unit_id)
        .order_by(col(Unit.level), col(Unit.code))
    )
    return [Link(_ref(r[:-1]), r[-1]) for r in connection.execute(query)]


def successors(connection: Connection, unit_id: int) -> list[Link]:
    """The units that took over ``unit_id`` directly."""
    query = (
        select(*UNIT_COLUMNS, col(UnitLineage.took_over_on))
        .join(UnitLineage, col(UnitLineage.successor_id) == col(Unit.id))
        .where(col(UnitLineage.predecessor_id) == unit_id)
        .order_by(col(Unit.level), col(Unit.code))
    )
    return [Link(_ref(r[:-1]), r[-1]) for r in connection.execute(query)]


def ancestry(connection: Connection, unit: UnitRef, *, before: date | None = None) -> list[UnitRef]:
    """``unit`` and every unit whose history it carries on, transitively, nearest first; with
    ``before``, only those valid on some day before it (the past a trend or a roll-up reads).
    Predecessors of a higher level are left out: an old district's successors are the communes
    that took its communes over, but its whole subtree is no one commune's past."""
    seen = {unit.id}
    order = [unit]
    frontier = [unit.id]
    while frontier:
        rows = connection.execute(
            select(*UNIT_COLUMNS)
            .join(UnitLineage, col(UnitLineage.predecessor_id) == col(Unit.id))
            .where(col(UnitLineage.successor_id).in_(frontier))
            .order_by(col(Unit.code))
        ).all()
        frontier = []
        for row in rows:
            ref = _ref(row)
            if LEVEL_ORDER.get(ref.level, 9) > LEVEL_ORDER.get(unit.level, 9):
                continue  # a district handed its communes on: its subtree is not one commune's past
            if ref.id not in seen:
                seen.add(ref.id)
                order.append(ref)
                frontier.append(ref.id)
    if before is not None:
        order = [u for u in order if u.valid_from < before]
    return order


def parent_on(connection: Connection, unit: UnitRef, day: date) -> UnitRef | None:
    """``unit``'s parent on ``day``: the stored parent while it lasts, then the unit that took it
    over (an old province's ministry in April 2025 is the Bộ Nội vụ, not the ended Bộ LĐTBXH)."""
    if unit.parent_id is None:
        return None
    parent = unit_by_id(connection, unit.parent_id)
    seen = {parent.id}
    while not parent.valid_on(day):
        after = [link.unit for link in successors(connection, parent.id) if link.unit.valid_on(day)]
        if len(after) != 1 or after[0].id in seen:
            return parent  # no single successor then: the stored parent is the best answer
        parent = after[0]
        seen.add(parent.id)
    return parent


def units_under_any(units: list[UnitRef]) -> Any:
    """The condition on the units under any of ``units`` (each within its own validity)."""
    return or_(*(subtree(u) for u in units)) if units else col(Unit.id).is_(None)
