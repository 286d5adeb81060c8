"""Units and contacts as rows from files (CSV or YAML), checked before anything is written.

Every row is checked and every error is listed with its file, row and unit code; a file with any
error is refused whole. Text is cleaned as it is read (:func:`rules.text.clean_text`: NFC, one
line). Files are bounded like packs and workbooks: a CSV of at most :data:`MAX_CSV_BYTES`, a YAML
file of at most :data:`MAX_YAML_BYTES` (and the limits of :mod:`rules.yaml_source`), a value of
at most :data:`models.spreadsheet.MAX_CELL_CHARS` characters. A row whose first cell begins with
``#`` is a template's example and is never imported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from models.spreadsheet import MAX_CELL_CHARS, SAMPLE_MARK, cell_text, is_sample, read_workbook
from rules.errors import DunghanError
from rules.schema import KNOWN_CHANNELS, KNOWN_ROLES, LEVEL_ORDER, UNIT_TYPE_NAMES
from rules.text import size_name
from rules.yaml_source import YamlSyntaxError, decode_utf8, load_with_positions, read_yaml_text

UNIT_COLUMNS = ("code", "name", "level", "type", "parent", "valid_from", "valid_to", "merged_into")
CONTACT_COLUMNS = ("unit", "name", "role", "email", "zalo_phone", "zalo_user_id", "channels", "active")
LINEAGE_COLUMNS = ("predecessor", "successor", "on", "predecessor_name", "successor_name")
MAX_CSV_BYTES = 32 << 20  # 32 MiB; the official three-tier tree is 0.8 MiB
MAX_YAML_BYTES = 1 << 20  # 1 MiB, as for a rule pack: larger trees come as CSV or XLSX
_EXTRA = "\x00extra"  # where csv.DictReader puts the values of a row longer than its header

# The templates' example rows: plainly examples (a reserved domain, a name that is no one's),
# written with their first cell marked # so that importing an untouched template imports nothing.
TEMPLATE_SAMPLES: dict[str, dict[str, str]] = {
    "units": {
        "code": "24-SNV",
        "name": "Sở Nội vụ tỉnh Bắc Ninh",
        "level": "province",
        "type": "standing_agency",
        "parent": "24",
        "valid_from": "2025-07-01",
    },
    "contacts": {
        "unit": "24-SNV",
        "name": "Nguyễn Văn A (ví dụ)",
        "role": "focal_point",
        "email": "nguyenvana@vidu.example",
        "zalo_phone": "0912345678",
        "channels": "zalo,email",
        "active": "true",
    },
}
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


@dataclass(frozen=True)
class LineageRow:
    """The unit holding ``predecessor`` the day before ``on`` was taken over by the unit holding
    ``successor`` on ``on``; the names, when given, are checked against the units found."""

    row: int
    predecessor: str
    successor: str
    on: date
    predecessor_name: str | None = None
    successor_name: str | None = None


def merged_codes(text: str | None) -> list[str]:
    """The codes of a ``merged_into`` cell: one, or several separated by commas, semicolons or spaces.

    >>> merged_codes("07375; 07378"), merged_codes(None)
    (['07375', '07378'], [])
    """
    return [c for c in re.split(r"[,;\s]+", text or "") if c]


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


def template_columns(kind: str) -> tuple[str, ...]:
    """The columns of the ``units`` or ``contacts`` template."""
    return UNIT_COLUMNS if kind == "units" else CONTACT_COLUMNS


def template_csv(kind: str) -> str:
    """The CSV template of ``units`` or ``contacts``: the header and the example row, marked.

    >>> print(template_csv("units"), end="")
    code,name,level,type,parent,valid_from,valid_to,merged_into
    # 24-SNV,Sở Nội vụ tỉnh Bắc Ninh,province,standing_agency,24,2025-07-01,,
    """
    columns = template_columns(kind)
    sample = TEMPLATE_SAMPLES[kind]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([f"{SAMPLE_MARK} {sample[columns[0]]}", *(sample.get(c, "") for c in columns[1:])])
    return out.getvalue()


def _unknown_columns(raw: dict[Any, Any], known: tuple[str, ...]) -> list[str]:
    """Columns a row has beyond ``known`` (keys of a YAML mapping may be numbers or empty)."""
    return sorted(str(key) for key in raw if key not in known and key != _EXTRA)


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
    if unknown := _unknown_columns(raw, UNIT_COLUMNS):
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
    merged = merged_codes(values["merged_into"])
    if merged and valid_to is None:
        errors.add(row, code, "merged_into needs valid_to: the successor is the unit holding that code the day after")
    if bad := [c for c in merged if not _CODE.match(c)]:
        errors.add(row, code, f"merged_into {bad[0]!r} is not a unit code")
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
        ",".join(merged) or None,
    )


def parse_contact(raw: dict[str, Any], row: int, errors: RowErrors) -> ContactRow | None:
    values = {k: _text(raw.get(k)) for k in CONTACT_COLUMNS}
    unit = values["unit"] or None
    before = len(errors.errors)
    if unknown := _unknown_columns(raw, CONTACT_COLUMNS):
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


def parse_lineage(raw: dict[str, Any], row: int, errors: RowErrors) -> LineageRow | None:
    values = {k: _text(raw.get(k)) for k in LINEAGE_COLUMNS}
    code = values["predecessor"] or None
    before = len(errors.errors)
    if unknown := _unknown_columns(raw, LINEAGE_COLUMNS):
        errors.add(row, code, f"unknown column(s) {', '.join(unknown)}; columns: {', '.join(LINEAGE_COLUMNS)}")
    for name in ("predecessor", "successor"):
        if not _CODE.match(values[name]):
            errors.add(row, code, f"{name} {values[name]!r} is not a unit code")
    on = _date(values["on"], "on", errors, row, code)
    if on is None and values["on"] == "":
        errors.add(row, code, "on (the successor's first day, YYYY-MM-DD) is empty")
    if len(errors.errors) > before or on is None:
        return None
    return LineageRow(
        row,
        values["predecessor"],
        values["successor"],
        on,
        values["predecessor_name"] or None,
        values["successor_name"] or None,
    )


def is_lineage_file(path: Path) -> bool:
    """A CSV whose header names a predecessor column is a lineage file."""
    if path.suffix.lower() != ".csv" or not path.exists():
        return False
    with path.open("rb") as handle:
        header = handle.readline(4096).decode("utf-8", errors="replace").lstrip("\ufeff")
    return "predecessor" in next(csv.reader([header]), [])


def read_lineage_file(path: Path) -> list[LineageRow]:
    """Read a lineage CSV (predecessor, successor, on, and optionally their names); raise
    :class:`ImportRefused` listing every bad row."""
    errors = RowErrors(path.name)
    rows, _ = _csv_rows(path, errors)
    for number, raw in rows:
        _check_lengths(raw, number, errors)
    lineage = [r for number, raw in rows if (r := parse_lineage(raw, number, errors))]
    if errors.errors:
        raise ImportRefused(errors.errors)
    if not lineage:
        raise DunghanError(f"{path.name}: nothing to import: the file has no lineage row")
    return lineage


def read_org_file(path: Path) -> tuple[list[UnitRow], list[ContactRow]]:
    """Read a CSV or XLSX (units or contacts, told apart by their columns) or a YAML file with
    ``units:`` and ``contacts:`` lists; raise :class:`ImportRefused` listing every bad row."""
    if not path.exists():
        raise DunghanError(f"{path}: no such file")
    errors = RowErrors(path.name)
    unit_dicts: list[tuple[int, dict[str, Any]]] = []
    contact_dicts: list[tuple[int, dict[str, Any]]] = []
    suffix = path.suffix.lower()
    samples = 0
    if suffix == ".csv":
        rows, samples = _csv_rows(path, errors)
        for number, raw in rows:
            (contact_dicts if "role" in raw else unit_dicts).append((number, raw))
    elif suffix in (".yaml", ".yml"):
        for key, number, raw in _yaml_rows(path, errors):
            (unit_dicts if key == "units" else contact_dicts).append((number, raw))
    elif suffix == ".xlsx":
        for sheet in read_workbook(path):  # a sheet of units and/or a sheet of contacts
            samples += sheet.samples
            for number, raw in sheet.records:
                (contact_dicts if "role" in raw else unit_dicts).append((number, raw))
    else:
        raise DunghanError(f"{path}: import takes .csv, .xlsx, .yaml or .yml files")
    for number, raw in [*unit_dicts, *contact_dicts]:
        _check_lengths(raw, number, errors)
    units = [u for line, raw in unit_dicts if (u := parse_unit(raw, line, errors))]
    contacts = [c for line, raw in contact_dicts if (c := parse_contact(raw, line, errors))]
    if errors.errors:
        raise ImportRefused(errors.errors)
    if samples and not units and not contacts:
        raise DunghanError(
            f"{path.name}: nothing to import: the file holds only the template's example row(s) "
            f"(a first cell beginning with {SAMPLE_MARK}); add your rows below them"
        )
    return units, contacts


def _csv_rows(path: Path, errors: RowErrors) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    """The rows of a CSV file as (line, {column: value}) and how many example rows were skipped.
    A file too large or not UTF-8 is refused in one line; a row longer than the header, or one
    the csv module cannot read, is a row error."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise DunghanError(f"{path.name}: cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_CSV_BYTES:
        raise DunghanError(f"{path.name}: the file is larger than {size_name(MAX_CSV_BYTES)}, the limit: refused")
    try:
        text = decode_utf8(data, advice="save the file as CSV UTF-8")
    except YamlSyntaxError as exc:
        raise DunghanError(f"{path.name}: line {exc.mark.line}: {exc.message}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey=_EXTRA)
    rows: list[tuple[int, dict[str, Any]]] = []
    samples = 0
    number = 1  # the header's row; rows are numbered as a spreadsheet shows them
    try:
        for number, record in enumerate(reader, start=2):
            if is_sample(record.values()):
                samples += 1
                continue
            if extra := record.get(_EXTRA):
                columns = len(reader.fieldnames or [])
                code = _text(next(iter(record.values()), None)) or None
                errors.add(number, code, f"{len(extra)} value(s) more than the header's {columns} columns")
                continue
            rows.append((number, record))
    except csv.Error as exc:
        errors.add(number + 1, None, f"not readable as CSV ({exc})")
    return rows, samples


def _yaml_rows(path: Path, errors: RowErrors) -> list[tuple[str, int, dict[Any, Any]]]:
    """(units or contacts, line, mapping) of a YAML org file, read with the pack loader's limits."""
    try:
        data, positions = load_with_positions(read_yaml_text(path, max_bytes=MAX_YAML_BYTES))
    except YamlSyntaxError as exc:
        raise ImportRefused([f"{path.name}:{exc.mark.line}:{exc.mark.col}: {exc.message}"]) from None
    if not isinstance(data, dict) or set(data) - {"units", "contacts"}:
        raise ImportRefused([f"{path.name}: expected the keys units and contacts only"])
    rows = []
    for key in ("units", "contacts"):
        items = data.get(key) or []
        if not isinstance(items, list):
            errors.add(positions.at((key,)).line, None, f"{key} is a list")
            continue
        for index, item in enumerate(items):
            line = positions.at((key, index)).line
            if not isinstance(item, dict):
                errors.add(line, None, f"each of {key} is a mapping")
                continue
            rows.append((key, line, item))
    return rows


def _check_lengths(raw: dict[Any, Any], number: int, errors: RowErrors) -> None:
    """A value longer than a spreadsheet cell may hold is an error of its row."""
    for key, value in raw.items():
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            errors.add(number, None, f"column {key}: {len(value):,} characters, more than {MAX_CELL_CHARS:,}")
