"""The administrative tree in the database: importing units and contacts, all or nothing, and
importing the same file again changes nothing.

Units are matched by code and valid_from: the same unit again is left alone, or updated when its
fields changed. Contacts are matched by unit, role and one of their addresses (e-mail, Zalo
phone, Zalo user id): an existing one is updated, a new one inserted, so re-importing a list
never doubles a reminder. With ``replace`` the file is the whole list of its units' contacts:
those not in it are deactivated, never deleted (notices point to them). Imports run one at a
time (SQLite's ``BEGIN IMMEDIATE``; a PostgreSQL advisory lock), so two at once cannot both
insert the same contact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, text, update
from sqlmodel import Session, col

from models.database import refresh_statistics, transaction
from models.lineage import check_rows, holder_on, holders, holding, write_pairs
from models.org_rows import ContactRow, ImportRefused, LineageRow, UnitRow, merged_codes
from models.tables import Contact, Unit
from rules.errors import FIELD
from rules.i18n import _
from rules.text import clean_text

MINISTRY_CODE = "BNV"  # Bộ Nội vụ, which took over gender equality from 01/03/2025
REFORM_DAY = date(2025, 7, 1)  # two-tier local government (Nghị quyết 202/2025/QH15)
IMPORT_LOCK = 4_810_162_343  # PostgreSQL advisory lock: one tree import at a time
UNIT_FIELDS = ("name", "level", "unit_type", "valid_to", "merged_into")
CONTACT_FIELDS = ("name", "email", "zalo_phone", "zalo_user_id", "channels", "active")


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, row by row: inserted, updated, unchanged; contacts deactivated."""

    units_inserted: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    contacts_inserted: int = 0
    contacts_updated: int = 0
    contacts_unchanged: int = 0
    contacts_deactivated: int = 0
    lineage_inserted: int = 0

    @property
    def units(self) -> int:
        """Units written (inserted or updated)."""
        return self.units_inserted + self.units_updated

    @property
    def contacts(self) -> int:
        """Contacts written (inserted or updated)."""
        return self.contacts_inserted + self.contacts_updated

    def __add__(self, other: ImportSummary) -> ImportSummary:
        return ImportSummary(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


class _Previewed(Exception):
    """Carries a preview's summary out of its transaction, which it rolls back."""

    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary


@dataclass(frozen=True)
class StoredUnit:
    id: int
    code: str
    valid_from: date
    valid_to: date | None
    path: str
    values: dict[str, Any]

    @property
    def parent(self) -> str | None:
        """The parent's code, read from the path ("/BNV/24/24-SNV/" → "24")."""
        codes = self.path.strip("/").split("/")
        return codes[-2] if len(codes) > 1 else None


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return a_from <= (b_to or date.max) and b_from <= (a_to or date.max)


def one_import_at_a_time(session: Session) -> None:
    """Serialise imports: on SQLite the transaction already holds the write lock (IMMEDIATE);
    PostgreSQL reads at READ COMMITTED, so two imports would both see a contact missing."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


def _stored_units(session: Session) -> dict[str, list[StoredUnit]]:
    """Every stored version of every unit, by code."""
    stored: dict[str, list[StoredUnit]] = defaultdict(list)
    columns = [getattr(Unit, name) for name in UNIT_FIELDS]
    query = select(col(Unit.id), col(Unit.code), col(Unit.valid_from), col(Unit.valid_to), col(Unit.path), *columns)
    for unit in session.execute(query):
        values = {name: getattr(unit, name) for name in UNIT_FIELDS}
        stored[unit.code].append(StoredUnit(unit.id, unit.code, unit.valid_from, unit.valid_to, unit.path, values))
    return stored


def _unit_values(row: UnitRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in UNIT_FIELDS}


def import_org(
    engine: Engine,
    units: Sequence[UnitRow],
    contacts: Sequence[ContactRow],
    *,
    source: str,
    label: str | None = None,
    skip_existing: bool = False,
    replace: bool = False,
    at: date | None = None,
    preview: bool = False,
) -> ImportSummary:
    """Write units (parents first) and contacts in one transaction, or refuse with every error.
    With ``preview`` the same checks and writes run and are rolled back: what the import would do.

    A unit's parent is looked up among the rows and in the database, valid on the unit's
    valid_from; a code may not have two overlapping validities; contacts name existing units. A
    unit already stored with the same code and valid_from is updated when its fields changed;
    with ``skip_existing`` it is left out unread (an official list imported again). With
    ``replace`` the contacts of the units the rows name that are not in the rows are deactivated.

    A contact names its unit by code: a unit of the same file, else the stored unit holding the
    code on ``at`` (a code reused across the 2025 reform names two units); without ``at``, a code
    held by more than one unit is refused. A unit's ``merged_into`` names its successors by the
    codes they hold the day after its ``valid_to``; each must exist.
    """
    label = label or _("file")
    try:
        with transaction(engine) as session:
            one_import_at_a_time(session)
            stored = _stored_units(session)
            units_done = _import_units(session, stored, units, contacts, source=source, label=label, skip=skip_existing)
            lineage_done = _import_merged_into(session, units, source=source, label=label)
            contacts_done = _import_contacts(session, contacts, units, replace=replace, label=label, at=at)
            if preview:
                raise _Previewed(units_done + contacts_done + ImportSummary(lineage_inserted=lineage_done))
    except _Previewed as previewed:
        return previewed.summary  # every check made, every write rolled back
    if len(units) + len(contacts) >= 1000:
        refresh_statistics(engine, "unit", "contact")
    return units_done + contacts_done + ImportSummary(lineage_inserted=lineage_done)


def import_units_in(
    session: Session, units: Sequence[UnitRow], *, source: str, label: str, skip_existing: bool = False
) -> ImportSummary:
    """Write ``units`` inside an open transaction that already holds the import lock
    (:func:`one_import_at_a_time`), checked as :func:`import_org` checks them: for an import that
    reads the tree first to decide what to write (the standard agencies a province lacks)."""
    done = _import_units(session, _stored_units(session), units, [], source=source, label=label, skip=skip_existing)
    return done + ImportSummary(lineage_inserted=_import_merged_into(session, units, source=source, label=label))


def _import_merged_into(session: Session, units: Sequence[UnitRow], *, source: str, label: str) -> int:
    """Lineage rows for the units' ``merged_into``: each code resolved on the day after the
    unit's last day, among the units just written and those stored; every successor must exist."""
    rows = [
        LineageRow(u.row, u.code, code, u.valid_to + timedelta(days=1))
        for u in units
        if u.valid_to is not None
        for code in merged_codes(u.merged_into)
    ]
    if not rows:
        return 0
    by_code = holders(session, {r.predecessor for r in rows} | {r.successor for r in rows})
    try:
        pairs = check_rows(rows, by_code, label)
    except ImportRefused as refused:
        raise ImportRefused(
            [
                _("{error} (import the successor's tree first)").format(error=e.replace("→", "merged_into"))
                for e in refused.errors
            ]
        ) from None
    return write_pairs(session, pairs, source).inserted


def _import_units(
    session: Session,
    stored: dict[str, list[StoredUnit]],
    units: Sequence[UnitRow],
    contacts: Sequence[ContactRow],
    *,
    source: str,
    label: str,
    skip: bool,
) -> ImportSummary:
    """Check every unit row (and that contacts name known units), then insert the new units
    parents first and update the changed ones; raise :class:`ImportRefused` with every error."""
    errors: list[str] = []
    same: dict[tuple[str, date], StoredUnit] = {}  # (code, valid_from) → the stored version it is
    skipped = 0
    kept: list[UnitRow] = []
    for row in units:
        version = next((v for v in stored.get(row.code, []) if v.valid_from == row.valid_from), None)
        if version is not None and skip:
            skipped += 1
            continue
        if version is not None:
            same[(row.code, row.valid_from)] = version
        kept.append(row)
    rows_by_code: dict[str, list[UnitRow]] = defaultdict(list)
    for row in kept:
        where = _("{file}: row {row} ({code})").format(file=label, row=row.row, code=row.code)
        for other in rows_by_code[row.code]:
            if _overlaps(row.valid_from, row.valid_to, other.valid_from, other.valid_to):
                errors.append(
                    _("{where}: code also on row {other} with an overlapping validity").format(
                        where=where, other=other.row
                    )
                )
        for version in stored.get(row.code, []):
            if (version.code, version.valid_from) in same:
                continue  # rewritten by its own row of this import, checked against the rows above
            if _overlaps(row.valid_from, row.valid_to, version.valid_from, version.valid_to):
                if version.valid_to:
                    errors.append(
                        _("{where}: a unit with this code already exists from {start} to {end}").format(
                            where=where, start=version.valid_from, end=version.valid_to
                        )
                    )
                else:
                    errors.append(
                        _("{where}: a unit with this code already exists from {start}").format(
                            where=where, start=version.valid_from
                        )
                    )
        if (version := same.get((row.code, row.valid_from))) is not None and version.parent != row.parent:
            errors.append(
                _(
                    "{where}: parent {parent!r} differs from the stored parent {stored!r}; "
                    "an import does not move a unit: give the moved unit a new valid_from"
                ).format(where=where, parent=row.parent, stored=version.parent)
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

    def parent_in_db(row: UnitRow) -> StoredUnit | None:
        return next(
            (
                p
                for p in stored.get(row.parent or "", [])
                if _overlaps(row.valid_from, row.valid_from, p.valid_from, p.valid_to)
            ),
            None,
        )

    for row in kept:
        if row.parent and parent_in_rows(row) is None and parent_in_db(row) is None:
            errors.append(
                _("{file}: row {row} ({code}): parent {parent!r} is not a unit valid on {day}").format(
                    file=label, row=row.row, code=row.code, parent=row.parent, day=row.valid_from
                )
            )
    known_codes = set(rows_by_code) | set(stored)
    for contact in contacts:
        if contact.unit not in known_codes:
            errors.append(
                _("{file}: row {row} ({code}): no unit has this code").format(
                    file=label, row=contact.row, code=contact.unit
                )
            )
    if errors:
        raise ImportRefused(errors)

    # Parents before children: insert by depth, computing each path from its parent's.
    placed = {(v.code, v.valid_from): (v.id, v.path) for v in same.values()}
    pending = [row for row in kept if (row.code, row.valid_from) not in same]
    inserted = len(pending)
    while pending:
        ready, waiting = [], []
        for row in pending:
            parent_row = parent_in_rows(row) if row.parent else None
            if parent_row is not None and (parent_row.code, parent_row.valid_from) not in placed:
                waiting.append(row)
            else:
                ready.append(row)
        if not ready:
            raise ImportRefused(
                [
                    _("{file}: row {row} ({code}): parents form a cycle").format(file=label, row=r.row, code=r.code)
                    for r in waiting
                ]
            )
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
                    parent_id, parent_path = found.id, found.path
            values.append(
                _unit_values(row)
                | {
                    "code": row.code,
                    "parent_id": parent_id,
                    "path": f"{parent_path}{row.code}/",
                    "valid_from": row.valid_from,
                    "source": source,
                }
            )
        ids = session.execute(
            insert(Unit).returning(col(Unit.id), col(Unit.code), col(Unit.valid_from), col(Unit.path)), values
        ).all()
        for unit_id, code, valid_from, path in ids:
            placed[(code, valid_from)] = (unit_id, path)
        pending = waiting

    changed = [
        (row, same[(row.code, row.valid_from)])
        for row in kept
        if (row.code, row.valid_from) in same and _unit_values(row) != same[(row.code, row.valid_from)].values
    ]
    for row, version in changed:
        session.execute(update(Unit).where(col(Unit.id) == version.id).values(_unit_values(row) | {"source": source}))
    return ImportSummary(
        units_inserted=inserted, units_updated=len(changed), units_unchanged=len(same) - len(changed) + skipped
    )


def _contact_values(row: ContactRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in CONTACT_FIELDS} | {"role": row.role}


def _addresses(values: dict[str, Any]) -> set[tuple[str, str]]:
    """The addresses a contact is known by: ("email", lower-cased), ("zalo_phone", …), ("zalo_user_id", …)."""
    found = {(name, str(values[name])) for name in ("zalo_phone", "zalo_user_id") if values.get(name)}
    if values.get("email"):
        found.add(("email", str(values["email"]).casefold()))
    return found


def _contact_units(
    session: Session, contacts: Sequence[ContactRow], units: Sequence[UnitRow], *, label: str, at: date | None
) -> dict[str, int]:
    """The unit id each contact's code names: the file's own unit of that code, else the stored
    unit holding it on ``at``; refuse, naming the units, a code that names none or several."""
    codes = sorted({c.unit for c in contacts})
    by_code = holders(session, codes)
    in_file: dict[str, list[UnitRow]] = defaultdict(list)
    for unit in units:
        in_file[unit.code].append(unit)
    found: dict[str, int] = {}
    errors: list[str] = []
    first_row = {c.unit: c.row for c in reversed(contacts)}
    for code in codes:
        held = by_code.get(code, [])
        mine = in_file.get(code, [])
        where = _("{file}: row {row} ({code})").format(file=label, row=first_row[code], code=code)
        if len(mine) == 1:
            chosen = next((h for h in held if h.valid_from == mine[0].valid_from), None)
        elif at is not None:
            chosen = holder_on(by_code, code, at)
            if chosen is None:
                errors.append(
                    _("{where}: no unit with this code is valid on {day} ({holders})").format(
                        where=where, day=at, holders=holding(held)
                    )
                )
                continue
        elif len(held) == 1:
            chosen = held[0]
        else:
            errors.append(
                _("{where}: this code names {count} units ({holders}); say on which day ({field})").format(
                    where=where, count=len(held), holders=holding(held), field=FIELD
                )
            )
            continue
        if chosen is None:
            errors.append(_("{where}: no unit has this code").format(where=where))
            continue
        found[code] = chosen.id
    if errors:
        raise ImportRefused(errors, field="at")
    return found


def _import_contacts(
    session: Session,
    contacts: Sequence[ContactRow],
    units: Sequence[UnitRow],
    *,
    replace: bool,
    label: str,
    at: date | None,
) -> ImportSummary:
    """Insert the new contacts, update the changed ones, and (``replace``) deactivate those of the
    named units that the rows leave out; a second stored copy of one person is deactivated too
    (left by imports before they were matched)."""
    if not contacts:
        return ImportSummary()
    unit_ids = _contact_units(session, contacts, units, label=label, at=at)

    errors: list[str] = []
    seen: dict[tuple[int, str, tuple[str, str]], int] = {}
    for row in contacts:
        for address in _addresses(_contact_values(row)):
            first = seen.setdefault((unit_ids[row.unit], row.role, address), row.row)
            if first != row.row:
                errors.append(
                    _(
                        "{file}: row {row} ({unit}): the same {role} as row {first} "
                        "({kind} {address}); keep one row per person"
                    ).format(
                        file=label,
                        row=row.row,
                        unit=row.unit,
                        role=row.role,
                        first=first,
                        kind=address[0],
                        address=address[1],
                    )
                )
                break
    if errors:
        raise ImportRefused(errors)

    columns = [Contact.id, Contact.unit_id, Contact.role, *(getattr(Contact, name) for name in CONTACT_FIELDS)]
    stored = [
        dict(r._mapping)
        for r in session.execute(
            select(*columns).where(col(Contact.unit_id).in_(unit_ids.values())).order_by(col(Contact.id))
        )
    ]
    claimed: set[int] = set()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    deactivate: set[int] = set()
    unchanged = 0
    for row in contacts:
        values = _contact_values(row) | {"unit_id": unit_ids[row.unit]}
        matches = [
            s
            for s in stored
            if s["id"] not in claimed
            and (s["unit_id"], s["role"]) == (values["unit_id"], row.role)
            and _addresses(s) & _addresses(values)
        ]
        if not matches:
            inserts.append(values)
            continue
        kept, *copies = matches
        claimed.update(s["id"] for s in matches)
        deactivate.update(s["id"] for s in copies if s["active"])
        if all(kept[name] == values[name] for name in CONTACT_FIELDS):
            unchanged += 1
        else:
            updates.append({"id": kept["id"], **{name: values[name] for name in CONTACT_FIELDS}})
    if replace:
        deactivate.update(s["id"] for s in stored if s["id"] not in claimed and s["active"])
    if inserts:
        session.execute(insert(Contact), inserts)
    if updates:
        session.execute(update(Contact), updates)  # by primary key, one statement for all
    if deactivate:
        session.execute(update(Contact).where(col(Contact.id).in_(sorted(deactivate))).values(active=False))
    return ImportSummary(
        contacts_inserted=len(inserts),
        contacts_updated=len(updates),
        contacts_unchanged=unchanged,
        contacts_deactivated=len(deactivate),
    )


def official_rows(province: str | None = None) -> list[UnitRow]:
    """The current two-tier tree from the ``vietnam-provinces`` package (34 provinces, 3,321
    communes), valid from 01/07/2025, under the Bộ Nội vụ."""
    from vietnam_provinces import Province, Ward

    rows = [UnitRow(0, MINISTRY_CODE, "Bộ Nội vụ", "ministry", "department", None, date(2025, 3, 1), None, None)]
    wanted = f"{int(province):02d}" if province and province.isdigit() else province
    provinces = [p for p in Province.iter_all() if wanted is None or f"{int(p.code):02d}" == wanted]
    if not provinces:
        raise ImportRefused([_("vietnam-provinces: no province with code {code!r}").format(code=province)])
    chosen = {int(p.code) for p in provinces}
    for p in provinces:
        name = clean_text(p.name)
        name = name if name.startswith(("Thành phố", "Tỉnh")) else f"Tỉnh {name}"
        code = f"{int(p.code):02d}"  # GSO codes are distinct across levels only when padded
        rows.append(UnitRow(0, code, name, "province", "people_committee", MINISTRY_CODE, REFORM_DAY, None, None))
    for w in Ward.iter_all():
        if int(w.province_code) in chosen:
            parent = f"{int(w.province_code):02d}"
            rows.append(
                UnitRow(
                    0,
                    f"{int(w.code):05d}",
                    clean_text(w.name),
                    "commune",
                    "people_committee",
                    parent,
                    REFORM_DAY,
                    None,
                    None,
                )
            )
    return rows
