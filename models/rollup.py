"""Rolling up a campaign's activity logs (tổng hợp kết quả Tháng hành động) over the tree of its year.

The database sums the logs per unit and activity type (one grouped query over the units valid
on the window's last day, under a unit if asked); the few thousand groups are then added up per
level and per type here. Coverage follows DHIS2: the units expected to log (the pack's reporters
for the campaign, see ``PackCampaign.loggers``) that did, never above 100%; units that log
without being expected count in the totals, not in the coverage. The previous year is rolled up
the same way under the unit with the same code in that year's tree.

Plain dataclasses come back, for the CLI, the XLSX and DOCX writers and a flow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import add
from typing import Any

from sqlalchemy import BigInteger, Engine, cast, func, or_, select, true
from sqlmodel import col

from models.database import read_connection
from models.planning import scope_paths
from models.tables import ActivityLog, Unit
from models.units import UnitRef, ancestry, unit_by_id, valid_on
from rules.activity import MEDIA_KINDS, CampaignWindow, PackCampaign, campaign_window, find_campaign
from rules.errors import DunghanError
from rules.i18n import _
from rules.schema import LEVEL_ORDER, Pack
from rules.scope import Everywhere


@dataclass(frozen=True)
class Figures:
    """Sums over some logs: activities, participants by sex, media products by kind, budget (VND)."""

    activities: int = 0
    male: int = 0
    female: int = 0
    participants: int = 0
    media: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEDIA_KINDS, 0))
    budget: int = 0

    @property
    def media_total(self) -> int:
        return sum(self.media.values())

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.activities + other.activities,
            self.male + other.male,
            self.female + other.female,
            self.participants + other.participants,
            {k: self.media.get(k, 0) + other.media.get(k, 0) for k in MEDIA_KINDS},
            self.budget + other.budget,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "activities": self.activities,
            "male": self.male,
            "female": self.female,
            "participants": self.participants,
            "media": dict(self.media),
            "media_total": self.media_total,
            "budget": self.budget,
        }


def _total(items: Iterable[Figures]) -> Figures:
    result = Figures()
    for item in items:
        result = result + item
    return result


def _rate(done: int, expected: int) -> float | None:
    return round(100 * done / expected, 1) if expected else None


@dataclass(frozen=True)
class UnitFigures:
    code: str
    name: str
    level: str
    unit_type: str
    expected: bool
    figures: Figures
    activities_by_type: dict[str, int]

    @property
    def logged(self) -> bool:
        return self.figures.activities > 0


@dataclass(frozen=True)
class LevelFigures:
    level: str
    expected: int  # units expected to log
    logged: int  # of those, the ones that did
    logging_units: int  # every unit of the level that logged, expected or not
    figures: Figures
    by_type: dict[str, Figures]

    @property
    def coverage(self) -> float | None:
        """Percent of the expected units that logged; None when none is expected."""
        return _rate(self.logged, self.expected)


@dataclass(frozen=True)
class TypeFigures:
    type_id: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class PreviousSource:
    """One unit of the earlier year's tree that the compared scope carries on."""

    code: str
    name: str
    logging_units: int
    figures: Figures


@dataclass(frozen=True)
class PreviousYear:
    year: int
    scope_name: str | None  # the units it came from in that year's tree, None: everywhere
    logging_units: int
    figures: Figures
    by_type: dict[str, Figures]
    sources: tuple[PreviousSource, ...] = ()


@dataclass(frozen=True)
class Rollup:
    campaign_id: str
    campaign_name: str
    pack_id: str
    year: int
    window: CampaignWindow
    tree_day: date
    under: str | None
    under_name: str | None
    expected: int
    logged: int
    total: Figures
    levels: list[LevelFigures]
    types: list[TypeFigures]
    units: list[UnitFigures]
    previous: PreviousYear | None

    @property
    def coverage(self) -> float | None:
        return _rate(self.logged, self.expected)


@dataclass(frozen=True)
class _Unit:
    id: int
    code: str
    name: str
    level: str
    unit_type: str
    path: str


def _under(paths: Sequence[str]) -> Any:
    return or_(*(col(Unit.path).startswith(p) for p in paths)) if paths else true()


def _units(engine: Engine, day: date, paths: Sequence[str]) -> list[_Unit]:
    query = select(
        col(Unit.id), col(Unit.code), col(Unit.name), col(Unit.level), col(Unit.unit_type), col(Unit.path)
    ).where(valid_on(day), _under(paths))
    with read_connection(engine) as connection:
        return [_Unit(*r) for r in connection.execute(query)]


def _unit_named(engine: Engine, code: str, day: date) -> _Unit | None:
    query = select(
        col(Unit.id), col(Unit.code), col(Unit.name), col(Unit.level), col(Unit.unit_type), col(Unit.path)
    ).where(col(Unit.code) == code, valid_on(day))
    with read_connection(engine) as connection:
        row = connection.execute(query).first()
    return _Unit(*row) if row else None


# Sums travel as plain tuples of integers in this order until the end: adding up some 50,000
# groups as dataclasses cost more than the query itself.
Sums = tuple[int, ...]


def _figures(sums: Sums) -> Figures:
    return Figures(sums[0], sums[1], sums[2], sums[3], dict(zip(MEDIA_KINDS, sums[5:], strict=True)), sums[4])


def _add(into: dict[Any, Sums], key: Any, sums: Sums) -> None:
    total = into.get(key)
    into[key] = sums if total is None else tuple(map(add, total, sums))


def _column_sums(rows: list[Sums]) -> Sums:
    """Some (non-empty) sums added up column by column, in one pass in C."""
    return tuple(map(sum, zip(*rows, strict=True)))


def _grouped_sums(pairs: Iterable[tuple[Any, Sums]]) -> dict[Any, Sums]:
    """The sums of each key, the keys in the order they first come."""
    rows: dict[Any, list[Sums]] = {}
    for key, values in pairs:
        rows.setdefault(key, []).append(values)
    return {key: _column_sums(found) for key, found in rows.items()}


def _sums(engine: Engine, campaign_id: str, year: int, day: date, paths: Sequence[str]) -> dict[tuple[int, str], Sums]:
    """Sums per (unit id, activity type), computed by the database over the tree valid on ``day``:
    activities, male, female, participants, budget, media by kind."""
    columns = ["participants_male", "participants_female", "participants_total", "budget_vnd"]
    columns += [f"media_{kind}" for kind in MEDIA_KINDS]
    # PostgreSQL sums bigints as numeric: cast back, so rows come as ints, not Decimals to convert.
    sums = [cast(func.sum(getattr(ActivityLog, c)), BigInteger) for c in columns]
    units = select(col(Unit.id)).where(valid_on(day), _under(paths))
    query = (
        select(col(ActivityLog.unit_id), col(ActivityLog.activity_type), func.count(), *sums)
        .where(
            col(ActivityLog.campaign_id) == campaign_id,
            col(ActivityLog.year) == year,
            col(ActivityLog.unit_id).in_(units),
        )
        .group_by(col(ActivityLog.unit_id), col(ActivityLog.activity_type))
    )
    with read_connection(engine) as connection:
        # All rows at once (the driver's fetchall): a national roll-up has some 50,000 groups.
        rows = connection.execute(query).tuples().all()
    return {(r[0], r[1]): r[2:] for r in rows}


def _type_sums(sums: dict[tuple[int, str], Sums]) -> dict[str, Sums]:
    return _grouped_sums((type_id, values) for (_unit, type_id), values in sums.items())


def rollup(
    engine: Engine,
    *,
    campaign: str | PackCampaign,
    year: int,
    under: str | Everywhere,
    packs: Sequence[Pack] | None = None,
) -> Rollup:
    """Roll up a campaign's logs for ``year``, under the unit ``under`` (a code, the unit holding it
    on the window's last day) or :data:`EVERYWHERE` (the pack's own scope if it has one).

    ``campaign`` is a campaign id, looked up among ``packs`` (the shipped ones by default) that
    apply in ``year``, or a chosen :class:`PackCampaign`.
    """
    if isinstance(campaign, str):
        if packs is None:
            from rules.loader import shipped_packs

            packs = [p.pack for p in shipped_packs()]
        chosen = find_campaign(packs, campaign, year)
    else:
        chosen = campaign
    window = campaign_window(chosen.campaign, year)
    day = window.end
    scope = scope_paths(engine, chosen.pack.scope, day) if chosen.pack.scope else []
    top: _Unit | None = None
    under_code = None if isinstance(under, Everywhere) else under
    if under_code is None:
        paths = scope
    else:
        top = _unit_named(engine, under_code, day)
        if top is None:
            raise DunghanError(_("no unit {code!r} valid on {day}").format(code=under_code, day=f"{day:%d/%m/%Y}"))
        paths = [top.path]
    units = _units(engine, day, paths)
    loggers = chosen.loggers()
    expected = {
        u.id
        for u in units
        if any(s.matches(u.level, u.unit_type, u.code) for s in loggers)
        and (not scope or u.path.startswith(tuple(scope)))
    }
    sums = _sums(engine, chosen.campaign.id, year, day, paths)
    level_of = {u.id: u.level for u in units}
    per_unit = _grouped_sums((unit_id, values) for (unit_id, _type), values in sums.items())
    per_level_type = _grouped_sums(
        ((level_of[unit_id], type_id), values) for (unit_id, type_id), values in sums.items()
    )
    per_unit_types: dict[int, dict[str, int]] = {}
    for (unit_id, type_id), values in sums.items():
        per_unit_types.setdefault(unit_id, {})[type_id] = values[0]
    # The levels' and the types' sums from the few (level, type) ones, not from every group.
    per_level: dict[str, Sums] = {}
    per_type: dict[str, Sums] = {}
    for (level, type_id), values in per_level_type.items():
        _add(per_level, level, values)
        _add(per_type, type_id, values)

    names = chosen.type_ids()
    unit_rows = [
        UnitFigures(
            u.code,
            u.name,
            u.level,
            u.unit_type,
            u.id in expected,
            _figures(per_unit[u.id]) if u.id in per_unit else Figures(),
            per_unit_types.get(u.id, {}),
        )
        for u in sorted(units, key=lambda u: (LEVEL_ORDER.get(u.level, 9), u.path))
        if u.id in expected or u.id in per_unit
    ]
    levels = []
    for level in sorted(set(level_of.values()), key=lambda lv: LEVEL_ORDER.get(lv, 9)):
        ids = {u.id for u in units if u.level == level}
        levels.append(
            LevelFigures(
                level,
                len(ids & expected),
                len(ids & expected & per_unit.keys()),
                len(ids & per_unit.keys()),
                _figures(per_level[level]) if level in per_level else Figures(),
                {t: _figures(v) for (lv, t), v in per_level_type.items() if lv == level},
            )
        )
    order = [*names, *sorted(set(per_type) - set(names))]  # types no longer in the pack come last
    types = [TypeFigures(t, names.get(t, t), _figures(per_type[t]) if t in per_type else Figures()) for t in order]
    return Rollup(
        campaign_id=chosen.campaign.id,
        campaign_name=chosen.campaign.name,
        pack_id=chosen.pack.id,
        year=year,
        window=window,
        tree_day=day,
        under=under_code,
        under_name=top.name if top else None,
        expected=len(expected),
        logged=len(expected & per_unit.keys()),
        total=_total(level.figures for level in levels),
        levels=levels,
        types=types,
        units=unit_rows,
        previous=_previous(engine, chosen, year - 1, tops=[top] if top else _scope_units(engine, chosen, day)),
    )


def _scope_units(engine: Engine, chosen: PackCampaign, day: date) -> list[_Unit] | None:
    """The units the pack is scoped to on ``day``, or None for a pack that covers everywhere."""
    if not chosen.pack.scope:
        return None
    found = [_unit_named(engine, code, day) for code in chosen.pack.scope]
    return [u for u in found if u is not None]


def _previous(engine: Engine, chosen: PackCampaign, year: int, *, tops: Sequence[_Unit] | None) -> PreviousYear | None:
    """The same campaign a year earlier, over what the scope's units carry on in that year's tree:
    themselves if they existed, else the units they took over (new Bắc Ninh's 2024 is old Bắc
    Giang's and old Bắc Ninh's), each counted apart and labelled."""
    day = campaign_window(chosen.campaign, year).end
    if tops is None:
        sums = _sums(engine, chosen.campaign.id, year, day, [])
        if not sums:
            return None
        by_type = {type_id: _figures(values) for type_id, values in _type_sums(sums).items()}
        return PreviousYear(year, None, len({u for u, _type in sums}), _total(by_type.values()), by_type)
    earlier: list[UnitRef] = []
    with read_connection(engine) as connection:
        for top in tops:
            for unit in ancestry(connection, unit_by_id(connection, top.id)):
                if unit.valid_on(day) and unit not in earlier:
                    earlier.append(unit)
    sources: list[PreviousSource] = []
    per_type: dict[str, Sums] = {}
    for unit in earlier:
        sums = _sums(engine, chosen.campaign.id, year, day, [unit.path])
        source_types = _type_sums(sums)
        for type_id, values in source_types.items():
            _add(per_type, type_id, values)
        figures = _total(_figures(values) for values in source_types.values())
        sources.append(PreviousSource(unit.code, unit.name, len({u for u, _type in sums}), figures))
    if not any(s.logging_units for s in sources):
        return None
    by_type = {type_id: _figures(values) for type_id, values in per_type.items()}
    return PreviousYear(
        year,
        ", ".join(s.name for s in sources) or None,
        sum(s.logging_units for s in sources),
        _total(by_type.values()),
        by_type,
        tuple(sources),
    )
