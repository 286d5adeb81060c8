"""Every tree the shipped packs need, imported in the one order that works, by one command.

The order matters because lineage is checked: a unit's ``merged_into`` and every row of the
lineage file name successors that must already be stored. So: today's official list, today's
departments, the standard agencies of every province of today (those its departments file did not
bring), the three-tier list of 2024–2025, the old departments, then the lineage of the 2025
reform. With a province, only that province today and the old provinces it was made of (24 today:
old Bắc Giang 24 and old Bắc Ninh 27), their departments and the lineage between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from models.lineage import LineageSummary, import_lineage
from models.org_rows import ImportRefused, LineageRow, UnitRow
from models.standard_agencies import STANDARD_FILE, import_agencies
from models.tree import ImportSummary, import_org, official_rows
from reports.org_files import read_lineage_file, read_org_file
from rules.i18n import _

TREES = Path(__file__).resolve().parent.parent / "models" / "trees"
CURRENT_DEPARTMENTS = ("bac-ninh-2026-departments.yaml",)
THREE_TIER = "vn-three-tier.csv"
OLD_DEPARTMENTS = ("bac-ninh-2024-departments.yaml", "bac-giang-2024-departments.yaml")
LINEAGE = "vn-lineage-2025.csv"
REFORM_PROVINCES = "2025-07-01"


@dataclass(frozen=True)
class Step:
    """One file imported: what it was and what it did."""

    name: str
    units: ImportSummary | None = None
    lineage: LineageSummary | None = None


def _kept(rows: Sequence[UnitRow], roots: set[str]) -> list[UnitRow]:
    """The rows that are ministries (kept, not descended), ``roots`` or (transitively) under a root."""
    kept_codes = set(roots)
    kept: list[UnitRow] = []
    remaining = list(rows)
    while True:
        taken = [
            r
            for r in remaining
            if r.level == "ministry" or r.code in roots or (r.parent is not None and r.parent in kept_codes)
        ]
        if not taken:
            return kept
        kept += taken
        kept_codes |= {r.code for r in taken if r.level != "ministry"}
        chosen = {id(r) for r in taken}
        remaining = [r for r in remaining if id(r) not in chosen]


def _old_provinces(lineage: Sequence[LineageRow], province: str) -> set[str]:
    """The pre-reform provinces that ``province`` (a code of today) was made of."""
    return {
        r.predecessor
        for r in lineage
        if r.successor == province and r.on.isoformat() == REFORM_PROVINCES and len(r.predecessor) == 2
    }


@dataclass(frozen=True)
class ShippedFile:
    """One shipped file's rows, ready to import: units, or lineage."""

    name: str
    units: list[UnitRow] | None = None
    lineage: list[LineageRow] | None = None
    official: bool = False  # today's official list: rows already stored are skipped unread
    provinces: list[UnitRow] | None = None  # the standard agencies: the provinces that get them


def shipped_files(province: str | None = None) -> list[ShippedFile]:
    """The shipped trees and lineage in the order they import, everywhere or around one
    province of today (and the old provinces it was made of)."""
    wanted = f"{int(province):02d}" if province and province.isdigit() else province
    lineage = read_lineage_file(TREES / LINEAGE)
    old_roots: set[str] | None = None
    if wanted is not None:
        old_roots = _old_provinces(lineage, wanted)
        if not old_roots:
            raise ImportRefused(
                [_("{file}: no province of today has the code {province!r}").format(file=LINEAGE, province=province)]
            )
    current = official_rows(wanted)
    files = [ShippedFile("vietnam-provinces", units=current, official=True)]
    for name in CURRENT_DEPARTMENTS:
        units, _contacts = read_org_file(TREES / name)
        files.append(ShippedFile(name, units=units if wanted is None else _kept(units, {r.code for r in current})))
    files.append(ShippedFile(STANDARD_FILE.name, provinces=[r for r in current if r.level == "province"]))
    old, _contacts = read_org_file(TREES / THREE_TIER)
    if old_roots is not None:
        old = _kept(old, old_roots)
    files.append(ShippedFile(THREE_TIER, units=old, official=True))
    for name in OLD_DEPARTMENTS:
        units, _contacts = read_org_file(TREES / name)
        files.append(ShippedFile(name, units=units if old_roots is None else _kept(units, {r.code for r in old})))
    if old_roots is not None:
        new_codes = {r.code for r in current}
        old_codes = {r.code for r in old}
        lineage = [r for r in lineage if r.successor in new_codes and r.predecessor in old_codes]
    files.append(ShippedFile(LINEAGE, lineage=lineage))
    return files


def import_file(engine: Engine, shipped: ShippedFile) -> Step:
    """Import one shipped file (again: unchanged rows are left alone)."""
    if shipped.lineage is not None:
        return Step(
            shipped.name, lineage=import_lineage(engine, shipped.lineage, source=shipped.name, label=shipped.name)
        )
    if shipped.provinces is not None:
        return Step(shipped.name, units=import_agencies(engine, shipped.provinces, label=shipped.name))
    units = shipped.units or []
    summary = import_org(engine, units, [], source=shipped.name, label=shipped.name, skip_existing=shipped.official)
    return Step(shipped.name, units=summary)


def import_shipped(
    engine: Engine, *, province: str | None = None, progress: Callable[[Step], None] | None = None
) -> list[Step]:
    """Import the shipped trees and lineage, everywhere or around one province of today."""
    steps = []
    for shipped in shipped_files(province):
        step = import_file(engine, shipped)
        steps.append(step)
        if progress is not None:
            progress(step)
    return steps
