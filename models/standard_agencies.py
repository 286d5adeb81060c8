"""The standard specialised agencies of a provincial people's committee (cơ quan chuyên môn thuộc
UBND tỉnh, Nghị định 45/2025/NĐ-CP and 150/2025/NĐ-CP), as shipped in
``models/trees/standard-agencies-2025.yaml``: read and checked, made into the unit rows of each
province, and imported where a province lacks them.

Without them a province other than Bắc Ninh has no Sở Nội vụ, the recipient of the two-tier
regime's reports, and nothing can be planned there. Each agency's code is built from the
province's (``24-SNV``), as in the provinces' own department files, so that loading one after the
other never doubles a unit; an agency the province already has under another code (same name, or
for the Sở Nội vụ any standing agency) is left out. The units written carry the source
:data:`STANDARD_SOURCE`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import col

from models.database import transaction
from models.org_rows import ImportRefused, UnitRow
from models.tables import Unit
from models.tree import ImportSummary, import_units_in, one_import_at_a_time
from rules.i18n import _
from rules.schema import UNIT_TYPE_NAMES
from rules.text import clean_text, fold
from rules.yaml_source import YamlSyntaxError, load_with_positions, read_yaml_text

STANDARD_FILE = Path(__file__).resolve().parent / "trees" / "standard-agencies-2025.yaml"
STANDARD_SOURCE = "standard-agencies"  # Unit.source of the units created from the list
MAX_FILE_BYTES = 64 << 10
_CODE = re.compile(r"^[A-Z0-9][A-Za-z0-9]{0,15}$")
# Names that are proper names of a city: "Sở Nội vụ Thành phố Hồ Chí Minh", not "… thành phố Hồ Chí Minh".
_CAPITALISED = ("Thành phố Hồ Chí Minh",)


@dataclass(frozen=True)
class Agency:
    """One agency of the list: its code inside a province, its name before the province's."""

    code: str
    name: str
    unit_type: str
    also: tuple[str, ...] = ()  # other names it goes by ("Văn phòng UBND")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.also)


@dataclass(frozen=True)
class AgencyList:
    valid_from: date
    agencies: tuple[Agency, ...]


def _checked(raw: Any, label: str) -> AgencyList:
    """The list in ``raw`` (the YAML document), or :class:`ImportRefused` with every problem."""
    errors: list[str] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("agencies"), list):
        raise ImportRefused(
            [_("{file}: expected a mapping with 'valid_from' and a list 'agencies'").format(file=label)]
        )
    try:
        valid_from = date.fromisoformat(str(raw.get("valid_from")))
    except ValueError:
        errors.append(
            _("{file}: valid_from {value!r} is not a date YYYY-MM-DD").format(file=label, value=raw.get("valid_from"))
        )
        valid_from = date.min
    agencies: list[Agency] = []
    for number, entry in enumerate(raw["agencies"], start=1):
        where = _("{file}: agency {number}").format(file=label, number=number)
        if not isinstance(entry, dict) or set(entry) - {"code", "name", "type", "also"}:
            errors.append(_("{where}: expected code, name, type and optionally also").format(where=where))
            continue
        code, name, kind = (clean_text(str(entry.get(k) or "")) for k in ("code", "name", "type"))
        also = entry.get("also") or []
        if not _CODE.match(code):
            errors.append(
                _("{where}: code {code!r} must be letters and digits (at most 16)").format(where=where, code=code)
            )
        if not name:
            errors.append(_("{where} ({code}): no name").format(where=where, code=code))
        if kind not in UNIT_TYPE_NAMES:
            errors.append(
                _("{where} ({code}): type {kind!r} is not one of {known}").format(
                    where=where, code=code, kind=kind, known=", ".join(UNIT_TYPE_NAMES)
                )
            )
        if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
            errors.append(_("{where} ({code}): also must be a list of names").format(where=where, code=code))
            also = []
        agencies.append(Agency(code, name, kind, tuple(clean_text(a) for a in also)))
    codes = [a.code for a in agencies]
    errors += [
        _("{file}: code {code} appears twice").format(file=label, code=c)
        for c in sorted({c for c in codes if codes.count(c) > 1})
    ]
    if sum(1 for a in agencies if a.unit_type == "standing_agency") != 1:
        errors.append(
            _("{file}: exactly one agency must be the standing agency (type standing_agency)").format(file=label)
        )
    if errors:
        raise ImportRefused(errors)
    return AgencyList(valid_from, tuple(agencies))


def read_agencies(path: Path = STANDARD_FILE) -> AgencyList:
    """The list in ``path`` (by default the shipped one, read once)."""
    if path == STANDARD_FILE:
        return _shipped()
    return _read(path)


@functools.cache
def _shipped() -> AgencyList:
    return _read(STANDARD_FILE)


def _read(path: Path) -> AgencyList:
    try:
        raw, _positions = load_with_positions(read_yaml_text(path, max_bytes=MAX_FILE_BYTES))
    except YamlSyntaxError as exc:
        raise ImportRefused([f"{path.name}: {exc}"]) from None
    return _checked(raw, path.name)


def province_phrase(name: str) -> str:
    """How an agency's name ends: the province's name as it follows a common noun.

    >>> province_phrase("Tỉnh Bắc Ninh"), province_phrase("Thành phố Hà Nội")
    ('tỉnh Bắc Ninh', 'thành phố Hà Nội')
    >>> province_phrase("Thành phố Hồ Chí Minh"), province_phrase("Bắc Ninh")
    ('Thành phố Hồ Chí Minh', 'tỉnh Bắc Ninh')
    """
    if name in _CAPITALISED:
        return name
    for prefix in ("Tỉnh ", "Thành phố "):
        if name.startswith(prefix):
            return prefix.lower() + name[len(prefix) :]
    return f"tỉnh {name}"


@dataclass(frozen=True)
class AgencyRow:
    """A unit row of the list for one province, with the agency it is."""

    unit: UnitRow
    agency: Agency


def agency_rows(provinces: Sequence[UnitRow], listing: AgencyList | None = None) -> list[AgencyRow]:
    """The agencies of each province among ``provinces`` (rows of level province; others are
    ignored) valid on or after the list's first day, each from the later of the two first days."""
    chosen = listing or read_agencies()
    rows: list[AgencyRow] = []
    for province in provinces:
        if province.level != "province" or (province.valid_to is not None and province.valid_to < chosen.valid_from):
            continue
        start = max(province.valid_from, chosen.valid_from)
        for agency in chosen.agencies:
            unit = UnitRow(
                len(rows) + 1,
                f"{province.code}-{agency.code}",
                f"{agency.name} {province_phrase(province.name)}",
                "province",
                agency.unit_type,
                province.code,
                start,
                province.valid_to,
                None,
            )
            rows.append(AgencyRow(unit, agency))
    return rows


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return a_from <= (b_to or date.max) and b_from <= (a_to or date.max)


def _named(name: str, names: Sequence[str]) -> bool:
    """Whether a unit called ``name`` is the agency going by ``names`` ("Sở Nội vụ tỉnh X" is
    "Sở Nội vụ"), compared without diacritics or case."""
    folded = fold(name)
    return any(folded == fold(n) or folded.startswith(fold(n) + " ") for n in names)


def missing_rows(session: Any, rows: Sequence[AgencyRow]) -> tuple[list[UnitRow], int]:
    """The rows whose agency the province does not have yet, and how many it already has: a
    stored unit of the same code over the same days, or a unit under the province on the row's
    first day with the agency's name, or (for the standing agency) any standing agency there."""
    codes = sorted({r.unit.code for r in rows})
    parents = sorted({r.unit.parent for r in rows if r.unit.parent})
    stored_codes: dict[str, list[tuple[date, date | None]]] = {}
    for code, start, end in session.execute(
        select(col(Unit.code), col(Unit.valid_from), col(Unit.valid_to)).where(col(Unit.code).in_(codes))
    ):
        stored_codes.setdefault(code, []).append((start, end))
    provinces = session.execute(
        select(col(Unit.id), col(Unit.code), col(Unit.valid_from), col(Unit.valid_to)).where(
            col(Unit.code).in_(parents), col(Unit.level) == "province"
        )
    ).all()
    children: dict[int, list[Any]] = {}
    if provinces:
        for child in session.execute(
            select(
                col(Unit.parent_id), col(Unit.name), col(Unit.unit_type), col(Unit.valid_from), col(Unit.valid_to)
            ).where(col(Unit.parent_id).in_([p.id for p in provinces]))
        ):
            children.setdefault(child.parent_id, []).append(child)
    missing: list[UnitRow] = []
    present = 0
    for row in rows:
        unit, agency = row.unit, row.agency
        day = unit.valid_from
        if any(_overlaps(unit.valid_from, unit.valid_to, s, e) for s, e in stored_codes.get(unit.code, [])):
            present += 1
            continue
        province = next(
            (p for p in provinces if p.code == unit.parent and _overlaps(day, day, p.valid_from, p.valid_to)), None
        )
        around = (
            [c for c in children.get(province.id, []) if _overlaps(day, day, c.valid_from, c.valid_to)]
            if province is not None
            else []
        )
        if any(_named(c.name, agency.names) for c in around) or (
            agency.unit_type == "standing_agency" and any(c.unit_type == "standing_agency" for c in around)
        ):
            present += 1
            continue
        missing.append(unit)
    return missing, present


def import_agencies(
    engine: Engine, provinces: Sequence[UnitRow], *, listing: AgencyList | None = None, label: str | None = None
) -> ImportSummary:
    """Create the listed agencies under each of ``provinces`` that lacks them, in one transaction;
    the ones a province has already count as unchanged. The provinces must be stored."""
    rows = agency_rows(provinces, listing)
    if not rows:
        return ImportSummary()
    with transaction(engine) as session:
        one_import_at_a_time(session)
        missing, present = missing_rows(session, rows)
        done = import_units_in(
            session, missing, source=STANDARD_SOURCE, label=label or STANDARD_FILE.name, skip_existing=True
        )
    return done + ImportSummary(units_unchanged=present)
