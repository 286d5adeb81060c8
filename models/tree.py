"""The administrative tree in the database: importing units and contacts, all or nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, insert, select

from models.database import refresh_statistics, transaction
from models.org_rows import ContactRow, ImportRefused, UnitRow
from models.tables import Contact, Unit

MINISTRY_CODE = "BNV"  # Bộ Nội vụ, which took over gender equality from 01/03/2025
REFORM_DAY = date(2025, 7, 1)  # two-tier local government (Nghị quyết 202/2025/QH15)


@dataclass(frozen=True)
class ImportSummary:
    units: int
    contacts: int


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return a_from <= (b_to or date.max) and b_from <= (a_to or date.max)


def import_org(
    engine: Engine,
    units: Sequence[UnitRow],
    contacts: Sequence[ContactRow],
    *,
    source: str,
    label: str = "file",
    skip_existing: bool = False,
) -> ImportSummary:
    """Write units (parents first) and contacts in one transaction, or refuse with every error.

    A unit's parent is looked up among the rows and in the database, valid on the unit's
    valid_from; a code may not have two overlapping validities; contacts name existing units.
    With ``skip_existing`` rows whose code and valid_from are already stored are left out (an
    official list imported again, or one province after another).
    """
    errors: list[str] = []
    with transaction(engine) as session:
        existing: dict[str, list[tuple[int, date, date | None, str]]] = defaultdict(list)
        for unit in session.execute(select(Unit.id, Unit.code, Unit.valid_from, Unit.valid_to, Unit.path)):
            existing[unit.code].append((unit.id, unit.valid_from, unit.valid_to, unit.path))
        if skip_existing:
            stored = {(code, v[1]) for code, versions in existing.items() for v in versions}
            units = [row for row in units if (row.code, row.valid_from) not in stored]
        rows_by_code: dict[str, list[UnitRow]] = defaultdict(list)
        for row in units:
            for other in rows_by_code[row.code]:
                if _overlaps(row.valid_from, row.valid_to, other.valid_from, other.valid_to):
                    errors.append(
                        f"{label}: row {row.row} ({row.code}): code also on row {other.row} "
                        "with an overlapping validity"
                    )
            for _, valid_from, valid_to, _ in existing.get(row.code, []):
                if _overlaps(row.valid_from, row.valid_to, valid_from, valid_to):
                    errors.append(
                        f"{label}: row {row.row} ({row.code}): a unit with this code already exists "
                        f"from {valid_from}" + (f" to {valid_to}" if valid_to else "")
                    )
            rows_by_code[row.code].append(row)

        def parent_in_rows(row: UnitRow) -> UnitRow | None:
            return next(
                (
                    p
                    for p in rows_by_code.get(row.parent or "", [])
                    if _overlaps(row.valid_from, row.valid_from, p.valid_from, p.valid_to)
                ),
                None,
            )

        def parent_in_db(row: UnitRow) -> tuple[int, date, date | None, str] | None:
            return next(
                (
                    p
                    for p in existing.get(row.parent or "", [])
                    if _overlaps(row.valid_from, row.valid_from, p[1], p[2])
                ),
                None,
            )

        for row in units:
            if row.parent and parent_in_rows(row) is None and parent_in_db(row) is None:
                errors.append(
                    f"{label}: row {row.row} ({row.code}): parent {row.parent!r} is not a unit "
                    f"valid on {row.valid_from}"
                )
        known_codes = set(rows_by_code) | set(existing)
        for contact in contacts:
            if contact.unit not in known_codes:
                errors.append(f"{label}: row {contact.row} ({contact.unit}): no unit has this code")
        if errors:
            raise ImportRefused(errors)

        # Parents before children: insert by depth, computing each path from its parent's.
        placed: dict[tuple[str, date], tuple[int, str]] = {}
        pending = list(units)
        while pending:
            ready, waiting = [], []
            for row in pending:
                parent_row = parent_in_rows(row) if row.parent else None
                if parent_row is not None and (parent_row.code, parent_row.valid_from) not in placed:
                    waiting.append(row)
                else:
                    ready.append(row)
            if not ready:
                raise ImportRefused([f"{label}: row {r.row} ({r.code}): parents form a cycle" for r in waiting])
            values = []
            for row in ready:
                parent_id, parent_path = None, "/"
                if row.parent:
                    parent_row = parent_in_rows(row)
                    if parent_row is not None:
                        parent_id, parent_path = placed[(parent_row.code, parent_row.valid_from)]
                    else:
                        found = parent_in_db(row)
                        assert found is not None
                        parent_id, parent_path = found[0], found[3]
                values.append(
                    {
                        "code": row.code,
                        "name": row.name,
                        "level": row.level,
                        "unit_type": row.unit_type,
                        "parent_id": parent_id,
                        "path": f"{parent_path}{row.code}/",
                        "valid_from": row.valid_from,
                        "valid_to": row.valid_to,
                        "merged_into": row.merged_into,
                        "source": source,
                    }
                )
            ids = session.execute(insert(Unit).returning(Unit.id, Unit.code, Unit.valid_from, Unit.path), values).all()
            for unit_id, code, valid_from, path in ids:
                placed[(code, valid_from)] = (unit_id, path)
            pending = waiting

        unit_ids = {code: unit_id for (code, _), (unit_id, _) in placed.items()}
        for code, versions in existing.items():
            unit_ids.setdefault(code, max(versions, key=lambda v: v[1])[0])
        if contacts:
            session.execute(
                insert(Contact),
                [
                    {
                        "unit_id": unit_ids[c.unit],
                        "name": c.name,
                        "role": c.role,
                        "email": c.email,
                        "zalo_phone": c.zalo_phone,
                        "zalo_user_id": c.zalo_user_id,
                        "channels": c.channels,
                        "active": c.active,
                    }
                    for c in contacts
                ],
            )
    if len(units) + len(contacts) >= 1000:
        refresh_statistics(engine, "unit", "contact")
    return ImportSummary(len(units), len(contacts))


def official_rows(province: str | None = None) -> list[UnitRow]:
    """The current two-tier tree from the ``vietnam-provinces`` package (34 provinces, 3,321
    communes), valid from 01/07/2025, under the Bộ Nội vụ."""
    from vietnam_provinces import Province, Ward

    rows = [UnitRow(0, MINISTRY_CODE, "Bộ Nội vụ", "ministry", "department", None, date(2025, 3, 1), None, None)]
    wanted = f"{int(province):02d}" if province and province.isdigit() else province
    provinces = [p for p in Province.iter_all() if wanted is None or f"{int(p.code):02d}" == wanted]
    if not provinces:
        raise ImportRefused([f"vietnam-provinces: no province with code {province!r}"])
    chosen = {int(p.code) for p in provinces}
    for p in provinces:
        name = p.name if p.name.startswith(("Thành phố", "Tỉnh")) else f"Tỉnh {p.name}"
        code = f"{int(p.code):02d}"  # GSO codes are distinct across levels only when padded
        rows.append(UnitRow(0, code, name, "province", "people_committee", MINISTRY_CODE, REFORM_DAY, None, None))
    for w in Ward.iter_all():
        if int(w.province_code) in chosen:
            parent = f"{int(w.province_code):02d}"
            rows.append(
                UnitRow(0, f"{int(w.code):05d}", w.name, "commune", "people_committee", parent, REFORM_DAY, None, None)
            )
    return rows
