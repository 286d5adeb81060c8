"""Units and contacts as rows from files (CSV or YAML), checked before anything is written.

Every row is checked and every error is listed with its file, row and unit code; a file with any
error is refused whole.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from models.spreadsheet import cell_text, read_sheets
from rules.errors import DunghanError
from rules.schema import KNOWN_CHANNELS, KNOWN_ROLES, LEVEL_ORDER, UNIT_TYPE_NAMES

UNIT_COLUMNS = ("code", "name", "level", "type", "parent", "valid_from", "valid_to", "merged_into")
CONTACT_COLUMNS = ("unit", "name", "role", "email", "zalo_phone", "zalo_user_id", "channels", "active")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


@dataclass(frozen=True)
class UnitRow:
    row: int
    code: str
    name: str
    level: str
    unit_type: str
    parent: str | None
    valid_from: date
    valid_to: date | None
    merged_into: str | None


@dataclass(frozen=True)
class ContactRow:
    row: int
    unit: str
    name: str
    role: str
    email: str | None
    zalo_phone: str | None
    zalo_user_id: str | None
    channels: str
    active: bool


@dataclass
class RowErrors:
    source: str
    errors: list[str] = field(default_factory=list)

    def add(self, row: int, code: str | None, message: str) -> None:
        where = f"{self.source}: row {row}" + (f" ({code})" if code else "")
        self.errors.append(f"{where}: {message}")


class ImportRefused(DunghanError):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); nothing was imported:\n" + "\n".join(f"  {e}" for e in errors))


def normalise_phone(text: str) -> str | None:
    """A Vietnamese mobile number in the international form ZNS wants: 0987… → 84987…

    >>> normalise_phone("0987 654 321"), normalise_phone("+84987654321"), normalise_phone("12345")
    ('84987654321', '84987654321', None)
    """
    digits = re.sub(r"[\s.()-]", "", text).removeprefix("+")
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits if re.fullmatch(r"84[35789]\d{8}", digits) else None


def _text(value: Any) -> str:
    return cell_text(value)


def _date(value: str, what: str, errors: RowErrors, row: int, code: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(row, code, f"{what} {value!r} is not a date written YYYY-MM-DD")
        return None


def parse_unit(raw: dict[str, Any], row: int, errors: RowErrors) -> UnitRow | None:
    values = {k: _text(raw.get(k)) for k in UNIT_COLUMNS}
    code = values["code"] or None
    before = len(errors.errors)
    if unknown := sorted(set(raw) - set(UNIT_COLUMNS)):
        errors.add(row, code, f"unknown column(s) {', '.join(unknown)}; columns: {', '.join(UNIT_COLUMNS)}")
    if not code or not _CODE.match(code):
        errors.add(row, code, "code must be 1-32 letters, digits, '.', '_' or '-'")
    if not values["name"]:
        errors.add(row, code, "name is empty")
    if values["level"] not in LEVEL_ORDER:
        errors.add(row, code, f"level {values['level']!r} is not one of {', '.join(LEVEL_ORDER)}")
    if values["type"] not in UNIT_TYPE_NAMES:
        errors.add(row, code, f"type {values['type']!r} is not one of {', '.join(UNIT_TYPE_NAMES)}")
    valid_from = _date(values["valid_from"], "valid_from", errors, row, code) or date(1900, 1, 1)
    valid_to = _date(values["valid_to"], "valid_to", errors, row, code)
    if valid_to and valid_to < valid_from:
        errors.add(row, code, f"valid_to {valid_to} is before valid_from {valid_from}")
    if len(errors.errors) > before or code is None:
        return None
    return UnitRow(
        row,
        code,
        values["name"],
        values["level"],
        values["type"],
        values["parent"] or None,
        valid_from,
        valid_to,
        values["merged_into"] or None,
    )


def parse_contact(raw: dict[str, Any], row: int, errors: RowErrors) -> ContactRow | None:
    values = {k: _text(raw.get(k)) for k in CONTACT_COLUMNS}
    unit = values["unit"] or None
    before = len(errors.errors)
    if unknown := sorted(set(raw) - set(CONTACT_COLUMNS)):
        errors.add(row, unit, f"unknown column(s) {', '.join(unknown)}; columns: {', '.join(CONTACT_COLUMNS)}")
    if not unit:
        errors.add(row, None, "unit (the unit's code) is empty")
    if not values["name"]:
        errors.add(row, unit, "name is empty")
    if values["role"] not in KNOWN_ROLES:
        errors.add(row, unit, f"role {values['role']!r} is not one of {', '.join(KNOWN_ROLES)}")
    email = values["email"] or None
    if email and not _EMAIL.match(email):
        errors.add(row, unit, f"email {email!r} is not an e-mail address")
    phone = None
    if values["zalo_phone"]:
        phone = normalise_phone(values["zalo_phone"])
        if phone is None:
            errors.add(row, unit, f"zalo_phone {values['zalo_phone']!r} is not a Vietnamese mobile number")
    channels = values["channels"] or "zalo,email"
    if bad := [c for c in channels.split(",") if c.strip() not in KNOWN_CHANNELS]:
        errors.add(row, unit, f"channel {bad[0]!r} is not one of {', '.join(KNOWN_CHANNELS)}")
    active_text = values["active"].lower() or "true"
    if active_text not in ("true", "false", "1", "0", "yes", "no", "có", "không"):
        errors.add(row, unit, f"active {values['active']!r} should be true or false")
    if not email and not phone and not values["zalo_user_id"]:
        errors.add(row, unit, "a contact needs an email, a zalo_phone or a zalo_user_id")
    if len(errors.errors) > before or unit is None:
        return None
    return ContactRow(
        row,
        unit,
        values["name"],
        values["role"],
        email,
        phone,
        values["zalo_user_id"] or None,
        ",".join(c.strip() for c in channels.split(",")),
        active_text in ("true", "1", "yes", "có"),
    )


def read_org_file(path: Path) -> tuple[list[UnitRow], list[ContactRow]]:
    """Read a CSV or XLSX (units or contacts, told apart by their columns) or a YAML file with
    ``units:`` and ``contacts:`` lists; raise :class:`ImportRefused` listing every bad row."""
    if not path.exists():
        raise DunghanError(f"{path}: no such file")
    errors = RowErrors(path.name)
    unit_dicts: list[tuple[int, dict[str, Any]]] = []
    contact_dicts: list[tuple[int, dict[str, Any]]] = []
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            target = contact_dicts if "role" in header else unit_dicts
            target.extend((index, dict(r)) for index, r in enumerate(reader, start=2))
    elif path.suffix.lower() in (".yaml", ".yml"):
        from rules.yaml_source import YamlSyntaxError, load_with_positions

        try:
            data, positions = load_with_positions(path.read_text(encoding="utf-8"))
        except YamlSyntaxError as exc:
            raise ImportRefused([f"{path.name}:{exc.mark.line}:{exc.mark.col}: {exc.message}"]) from None
        if not isinstance(data, dict) or set(data) - {"units", "contacts"}:
            raise ImportRefused([f"{path.name}: expected the keys units and contacts only"])
        for key, target in (("units", unit_dicts), ("contacts", contact_dicts)):
            for index, item in enumerate(data.get(key) or []):
                line = positions.at((key, index)).line
                if not isinstance(item, dict):
                    errors.add(line, None, f"each of {key} is a mapping")
                    continue
                target.append((line, item))
    elif path.suffix.lower() == ".xlsx":
        for _title, records in read_sheets(path):  # a sheet of units and/or a sheet of contacts
            for number, raw in records:
                (contact_dicts if "role" in raw else unit_dicts).append((number, raw))
    else:
        raise DunghanError(f"{path}: import takes .csv, .xlsx, .yaml or .yml files")
    units = [u for line, raw in unit_dicts if (u := parse_unit(raw, line, errors))]
    contacts = [c for line, raw in contact_dicts if (c := parse_contact(raw, line, errors))]
    if errors.errors:
        raise ImportRefused(errors.errors)
    return units, contacts
