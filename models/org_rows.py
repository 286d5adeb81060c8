"""Units and contacts as rows from files (CSV or YAML), checked before anything is written.

Every row is checked and every error is listed with its file, row and unit code; a file with any
error is refused whole. Text is cleaned as it is read (:func:`rules.text.clean_text`: NFC, one
line). Files are bounded like packs and workbooks: a CSV of at most :data:`MAX_CSV_BYTES`, a YAML
file of at most :data:`MAX_YAML_BYTES` (and the limits of :mod:`rules.yaml_source`), a value of
at most :data:`reports.spreadsheet.MAX_CELL_CHARS` characters. A row whose first cell begins with
``#`` is a template's example and is never imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rules.clock import read_day
from rules.errors import DunghanError
from rules.i18n import _
from rules.schema import KNOWN_CHANNELS, KNOWN_ROLES, LEVEL_NAMES, LEVEL_ORDER, ROLE_NAMES, UNIT_TYPE_NAMES
from rules.text import cell_text, fold

UNIT_COLUMNS = ("code", "name", "level", "type", "parent", "valid_from", "valid_to", "merged_into")
CONTACT_COLUMNS = ("unit", "name", "role", "email", "zalo_phone", "zalo_user_id", "channels", "active")
LINEAGE_COLUMNS = ("predecessor", "successor", "on", "predecessor_name", "successor_name")
EXTRA = "\x00extra"  # where csv.DictReader puts the values of a row longer than its header

# The Vietnamese headings of the XLSX templates, column by column: what people read, and what the
# import looks for (the column names above, the templates' older headings, are read too).
UNIT_HEADINGS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "level": "Cấp",
    "type": "Loại đơn vị",
    "parent": "Mã đơn vị cấp trên",
    "valid_from": "Có hiệu lực từ ngày",
    "valid_to": "Có hiệu lực đến hết ngày",
    "merged_into": "Sáp nhập vào (mã đơn vị)",
}
CONTACT_HEADINGS = {
    "unit": "Mã đơn vị",
    "name": "Họ và tên",
    "role": "Vai trò",
    "email": "Thư điện tử",
    "zalo_phone": "Số điện thoại Zalo",
    "zalo_user_id": "Mã người dùng Zalo OA",
    "channels": "Kênh nhận tin",
    "active": "Đang dùng",
}
# The values the templates' drop-downs offer, by column: the Vietnamese name of each code. The
# import reads the name or the code.
CHANNEL_NAMES = {"email": "thư điện tử", "zalo": "Zalo OA", "zns": "Zalo ZNS"}
YES, NO = "có", "không"
CHOICES: dict[str, dict[str, str]] = {
    "level": LEVEL_NAMES,
    "type": UNIT_TYPE_NAMES,
    "role": ROLE_NAMES,
    "channels": CHANNEL_NAMES,
    "active": {"true": YES, "false": NO},
}

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
        if code:
            where = _("{file}: row {row} ({code})").format(file=self.source, row=row, code=code)
        else:
            where = _("{file}: row {row}").format(file=self.source, row=row)
        self.errors.append(f"{where}: {message}")


class ImportRefused(DunghanError):
    """Every error of a file or a batch, row by row; nothing was written."""

    def __init__(self, errors: list[str], *, field: str | None = None, action: str | None = None) -> None:
        self.errors = errors
        super().__init__(
            _("{count} error(s); nothing was imported:").format(count=len(errors))
            + "\n"
            + "\n".join(f"  {e}" for e in errors),
            field=field,
            action=action,
        )


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


def template_headings(kind: str) -> dict[str, str]:
    """The Vietnamese heading of each column of the ``units`` or ``contacts`` XLSX template."""
    return UNIT_HEADINGS if kind == "units" else CONTACT_HEADINGS


def _heading_key(text: str) -> str:
    return " ".join(fold(text).split())


_CONTACT_MARKS = {"role", _heading_key(CONTACT_HEADINGS["role"])}


def column_names(raw: dict[Any, Any]) -> dict[Any, Any]:
    """A row read under Vietnamese headings (or the column names, in any case) with the column
    names as keys; a row with a Vai trò (role) column is a contact, any other a unit. A heading
    neither knows is kept as it is, to be named as unknown.

    >>> column_names({"Mã đơn vị": "24", "Vai trò": "head"})
    {'unit': '24', 'role': 'head'}
    >>> column_names({"MÃ ĐƠN VỊ": "24", "cap": "province"})
    {'code': '24', 'level': 'province'}
    """
    keys = {key: _heading_key(key) if isinstance(key, str) and key != EXTRA else key for key in raw}
    contact = any(k in _CONTACT_MARKS for k in keys.values())
    headings = CONTACT_HEADINGS if contact else UNIT_HEADINGS
    known = {_heading_key(h): c for c, h in headings.items()} | {c: c for c in headings}
    return {known.get(keys[key], key): value for key, value in raw.items()}


def _choice(column: str, text: str) -> str:
    """The code of ``text`` in ``column``: the code itself or its Vietnamese name, in any case
    and with or without diacritics; ``text`` unchanged when it is neither."""
    wanted = _heading_key(text)
    for code, name in CHOICES[column].items():
        if wanted in (_heading_key(code), _heading_key(name)):
            return code
    return text


def _choices_named(column: str) -> str:
    return ", ".join(f"{code} ({name})" for code, name in CHOICES[column].items())


def _unknown_columns(raw: dict[Any, Any], known: tuple[str, ...]) -> list[str]:
    """Columns a row has beyond ``known`` (keys of a YAML mapping may be numbers or empty)."""
    return sorted(str(key) for key in raw if key not in known and key != EXTRA)


def _unknown_sentence(unknown: list[str], known: tuple[str, ...]) -> str:
    return _("unknown column(s) {unknown}; columns: {known}").format(unknown=", ".join(unknown), known=", ".join(known))


def _date(value: str, what: str, errors: RowErrors, row: int, code: str | None) -> date | None:
    if not value:
        return None
    try:
        return read_day(value)
    except ValueError:
        errors.add(
            row,
            code,
            _("{column} {value!r} is not a date written dd/mm/yyyy or YYYY-MM-DD").format(column=what, value=value),
        )
        return None


def parse_unit(raw: dict[str, Any], row: int, errors: RowErrors) -> UnitRow | None:
    values = {k: _text(raw.get(k)) for k in UNIT_COLUMNS}
    code = values["code"] or None
    before = len(errors.errors)
    if unknown := _unknown_columns(raw, UNIT_COLUMNS):
        errors.add(row, code, _unknown_sentence(unknown, UNIT_COLUMNS))
    if not code or not _CODE.match(code):
        errors.add(row, code, _("code must be 1-32 letters, digits, '.', '_' or '-'"))
    if not values["name"]:
        errors.add(row, code, _("name is empty"))
    values["level"] = _choice("level", values["level"])
    values["type"] = _choice("type", values["type"])
    if values["level"] not in LEVEL_ORDER:
        errors.add(
            row,
            code,
            _("level {value!r} is not one of {known}").format(value=values["level"], known=_choices_named("level")),
        )
    if values["type"] not in UNIT_TYPE_NAMES:
        errors.add(
            row,
            code,
            _("type {value!r} is not one of {known}").format(value=values["type"], known=_choices_named("type")),
        )
    valid_from = _date(values["valid_from"], "valid_from", errors, row, code) or date(1900, 1, 1)
    valid_to = _date(values["valid_to"], "valid_to", errors, row, code)
    if valid_to and valid_to < valid_from:
        errors.add(
            row,
            code,
            _("valid_to {valid_to} is before valid_from {valid_from}").format(valid_to=valid_to, valid_from=valid_from),
        )
    merged = merged_codes(values["merged_into"])
    if merged and valid_to is None:
        errors.add(
            row, code, _("merged_into needs valid_to: the successor is the unit holding that code the day after")
        )
    if bad := [c for c in merged if not _CODE.match(c)]:
        errors.add(row, code, _("merged_into {value!r} is not a unit code").format(value=bad[0]))
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
        errors.add(row, unit, _unknown_sentence(unknown, CONTACT_COLUMNS))
    if not unit:
        errors.add(row, None, _("unit (the unit's code) is empty"))
    if not values["name"]:
        errors.add(row, unit, _("name is empty"))
    values["role"] = _choice("role", values["role"])
    if values["role"] not in KNOWN_ROLES:
        errors.add(
            row,
            unit,
            _("role {value!r} is not one of {known}").format(value=values["role"], known=_choices_named("role")),
        )
    email = values["email"] or None
    if email and not _EMAIL.match(email):
        errors.add(row, unit, _("email {value!r} is not an e-mail address").format(value=email))
    phone = None
    if values["zalo_phone"]:
        phone = normalise_phone(values["zalo_phone"])
        if phone is None:
            errors.add(
                row,
                unit,
                _("zalo_phone {value!r} is not a Vietnamese mobile number").format(value=values["zalo_phone"]),
            )
    channels = ",".join(_choice("channels", c) for c in re.split(r"[,;]", values["channels"]) if c.strip())
    channels = channels or "zalo,email"
    if bad := [c for c in channels.split(",") if c.strip() not in KNOWN_CHANNELS]:
        errors.add(
            row,
            unit,
            _("channel {value!r} is not one of {known}").format(value=bad[0], known=_choices_named("channels")),
        )
    active_text = values["active"].lower() or "true"
    if active_text not in ("true", "false", "1", "0", "yes", "no", "có", "không"):
        errors.add(row, unit, _("active {value!r} should be true or false").format(value=values["active"]))
    if not email and not phone and not values["zalo_user_id"]:
        errors.add(row, unit, _("a contact needs an email, a zalo_phone or a zalo_user_id"))
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
        errors.add(row, code, _unknown_sentence(unknown, LINEAGE_COLUMNS))
    for name in ("predecessor", "successor"):
        if not _CODE.match(values[name]):
            errors.add(row, code, _("{column} {value!r} is not a unit code").format(column=name, value=values[name]))
    on = _date(values["on"], "on", errors, row, code)
    if on is None and values["on"] == "":
        errors.add(row, code, _("on (the successor's first day, YYYY-MM-DD) is empty"))
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
