"""A unit as `dunghan org show` tells it: parent on the day, validity, lineage, namesakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from models.database import read_connection
from models.units import Link, UnitRef, parent_on, predecessors, successors, unit_at, units_named


def _unit_dict(unit: UnitRef) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "type": unit.unit_type,
        "valid_from": unit.valid_from.isoformat(),
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
    }


@dataclass(frozen=True)
class UnitCard:
    day: date
    unit: UnitRef
    parent: UnitRef | None
    parent_by_lineage: bool  # the stored parent had ended: this is the unit that took it over
    predecessors: list[Link]
    successors: list[Link]
    namesakes: list[UnitRef]  # other units that held the same code

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "unit": _unit_dict(self.unit),
            "parent": _unit_dict(self.parent) if self.parent else None,
            "parent_by_lineage": self.parent_by_lineage,
            "predecessors": [_unit_dict(link.unit) | {"on": link.on.isoformat()} for link in self.predecessors],
            "successors": [_unit_dict(link.unit) | {"on": link.on.isoformat()} for link in self.successors],
            "same_code": [_unit_dict(u) for u in self.namesakes],
        }


def unit_card(engine: Engine, code: str, day: date) -> UnitCard:
    """The unit holding ``code`` on ``day`` with its parent then and its lineage."""
    with read_connection(engine) as connection:
        unit = unit_at(connection, code, day)
        parent = parent_on(connection, unit, day)
        return UnitCard(
            day=day,
            unit=unit,
            parent=parent,
            parent_by_lineage=parent is not None and parent.id != unit.parent_id,
            predecessors=predecessors(connection, unit.id),
            successors=successors(connection, unit.id),
            namesakes=[u for u in units_named(connection, code) if u.id != unit.id],
        )
