"""Importing lineage: which unit took over which, resolved by date, checked, all or nothing.

A lineage row names codes and a day: the predecessor is the unit holding its code the day before,
the successor the unit holding its code that day. Both must be stored (import the trees first),
the predecessor must end the day before, and names given in the row must be the units' names, so
a code reused by another unit can never be linked by mistake. Importing the same file again
changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, insert, select
from sqlmodel import Session, col

from models.database import transaction
from models.org_rows import ImportRefused, LineageRow
from models.tables import Unit, UnitLineage
from rules.i18n import _
from rules.text import clean_text


@dataclass(frozen=True)
class Held:
    """A unit as far as lineage needs it: who held a code when."""

    id: int
    code: str
    name: str
    valid_from: date
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


@dataclass(frozen=True)
class LineageSummary:
    inserted: int
    unchanged: int


def _fold(name: str) -> str:
    return clean_text(name).casefold()


def holders(session: Session, codes: Iterable[str] | None = None) -> dict[str, list[Held]]:
    """Every stored unit by code (of ``codes``, or all)."""
    query = select(col(Unit.id), col(Unit.code), col(Unit.name), col(Unit.valid_from), col(Unit.valid_to))
    wanted = sorted(set(codes)) if codes is not None else None
    found: dict[str, list[Held]] = defaultdict(list)
    chunks = [wanted[i : i + 5000] for i in range(0, len(wanted), 5000)] if wanted is not None else [None]
    for chunk in chunks:
        chunk_query = query.where(col(Unit.code).in_(chunk)) if chunk is not None else query
        for row in session.execute(chunk_query):
            found[row.code].append(Held(*row))
    return found


def holder_on(by_code: dict[str, list[Held]], code: str, day: date) -> Held | None:
    return next((h for h in by_code.get(code, []) if h.valid_on(day)), None)


def holding(held: Sequence[Held]) -> str:
    """'Thị trấn Vôi from 2024-01-01 to 2025-06-30; Xã Lạng Giang from 2025-07-01': who held a code."""
    return "; ".join(
        _("{name} from {start} to {end}").format(name=h.name, start=h.valid_from, end=h.valid_to)
        if h.valid_to
        else _("{name} from {start}").format(name=h.name, start=h.valid_from)
        for h in sorted(held, key=lambda h: h.valid_from)
    )


def _held_by(by_code: dict[str, list[Held]], code: str) -> str:
    held = by_code.get(code, [])
    return _("this code is held by {holders}").format(holders=holding(held)) if held else _("no unit has this code")


def check_rows(rows: Sequence[LineageRow], by_code: dict[str, list[Held]], label: str) -> list[tuple[int, int, date]]:
    """(predecessor id, successor id, day) of every row; raise :class:`ImportRefused` with every error."""
    errors: list[str] = []
    pairs: list[tuple[int, int, date]] = []
    seen: dict[tuple[int, int], int] = {}
    for row in rows:
        where = _("{file}: row {row} ({predecessor} → {successor})").format(
            file=label, row=row.row, predecessor=row.predecessor, successor=row.successor
        )
        before = row.on - timedelta(days=1)
        old = holder_on(by_code, row.predecessor, before)
        new = holder_on(by_code, row.successor, row.on)
        if old is None:
            errors.append(
                _("{where}: no unit {code} valid on {day} ({holders})").format(
                    where=where, code=row.predecessor, day=before, holders=_held_by(by_code, row.predecessor)
                )
            )
        if new is None:
            errors.append(
                _("{where}: no unit {code} valid on {day} ({holders})").format(
                    where=where, code=row.successor, day=row.on, holders=_held_by(by_code, row.successor)
                )
            )
        if old is None or new is None:
            continue
        if old.valid_to != before:
            errors.append(
                _("{where}: {name} is valid to {end}, not to {before}, the day before {day}").format(
                    where=where, name=old.name, end=old.valid_to or _("today"), before=before, day=row.on
                )
            )
        for given, unit, side in ((row.predecessor_name, old, "predecessor"), (row.successor_name, new, "successor")):
            if given and _fold(given) != _fold(unit.name):
                errors.append(
                    _("{where}: {column} {given!r}, but {code} on that day is {name!r}").format(
                        where=where, column=f"{side}_name", given=given, code=unit.code, name=unit.name
                    )
                )
        if old.id == new.id:
            errors.append(_("{where}: a unit cannot take itself over").format(where=where))
        if (first := seen.setdefault((old.id, new.id), row.row)) != row.row:
            errors.append(_("{where}: the same pair as row {first}").format(where=where, first=first))
        pairs.append((old.id, new.id, row.on))
    if errors:
        raise ImportRefused(errors)
    return pairs


def write_pairs(session: Session, pairs: Sequence[tuple[int, int, date]], source: str) -> LineageSummary:
    """Insert the pairs not yet stored; a pair stored with another day is left as it is."""
    ids = sorted({p for p, _successor, _day in pairs})
    stored: set[tuple[int, int]] = set()
    for start in range(0, len(ids), 5000):
        stored.update(
            (p, s)
            for p, s in session.execute(
                select(col(UnitLineage.predecessor_id), col(UnitLineage.successor_id)).where(
                    col(UnitLineage.predecessor_id).in_(ids[start : start + 5000])
                )
            )
        )
    new = [
        {"predecessor_id": p, "successor_id": s, "took_over_on": day, "source": source[:80]}
        for p, s, day in pairs
        if (p, s) not in stored
    ]
    if new:
        session.execute(insert(UnitLineage), new)
    return LineageSummary(inserted=len(new), unchanged=len(pairs) - len(new))


def import_lineage(engine: Engine, rows: Sequence[LineageRow], *, source: str, label: str) -> LineageSummary:
    """Check every row against the stored units, then write the new pairs, in one transaction."""
    from models.tree import one_import_at_a_time

    with transaction(engine) as session:
        one_import_at_a_time(session)
        by_code = holders(session, {r.predecessor for r in rows} | {r.successor for r in rows})
        pairs = check_rows(rows, by_code, label)
        return write_pairs(session, pairs, source)
