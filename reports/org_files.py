"""Units, contacts and lineage as files: CSV (UTF-8), XLSX and YAML read into rows, and the
templates written (CSV with the column names, XLSX with Vietnamese headings and drop-downs),
checked before anything is written.

Every row is checked and every error is listed with its file, row and unit code; a file with any
error is refused whole. Files are bounded like packs and workbooks: a CSV of at most
:data:`MAX_CSV_BYTES`, a YAML file of at most :data:`MAX_YAML_BYTES` (and the limits of
:mod:`rules.yaml_source`), a value of at most :data:`rules.text.MAX_CELL_CHARS` characters. A row
whose first cell begins with ``#`` is a template's example and is never imported. Headings are
read in Vietnamese (the XLSX templates') or as the column names, and the drop-downs' values as the
Vietnamese names or the codes; dates as dd/mm/yyyy, YYYY-MM-DD or real date cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from models.org_rows import (
    CHANNEL_NAMES,
    CHOICES,
    EXTRA,
    TEMPLATE_SAMPLES,
    ContactRow,
    ImportRefused,
    LineageRow,
    RowErrors,
    UnitRow,
    column_names,
    parse_contact,
    parse_lineage,
    parse_unit,
    template_columns,
    template_headings,
)
from reports.spreadsheet import read_workbook
from reports.table_xlsx import LIST_SHEET, Column, write_sheet
from rules.errors import DunghanError
from rules.i18n import _
from rules.text import MAX_CELL_CHARS, SAMPLE_MARK, cell_text, is_sample, size_name
from rules.yaml_source import YamlSyntaxError, decode_utf8, load_with_positions, read_yaml_text

MAX_CSV_BYTES = 32 << 20  # 32 MiB; the official three-tier tree is 0.8 MiB
MAX_YAML_BYTES = 1 << 20  # 1 MiB, as for a rule pack: larger trees come as CSV or XLSX


def _text(value: Any) -> str:
    return cell_text(value)


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


SHEET_TITLES = {"units": "Đơn vị", "contacts": "Liên hệ"}
PAGE_TITLES = {"units": "DANH SÁCH ĐƠN VỊ", "contacts": "DANH SÁCH NGƯỜI NHẬN THÔNG BÁO CỦA CÁC ĐƠN VỊ"}
WIDTHS = {
    "units": {"name": 34, "type": 22, "parent": 12, "valid_from": 13, "valid_to": 13, "merged_into": 14},
    "contacts": {"name": 24, "role": 26, "email": 28, "zalo_phone": 14, "zalo_user_id": 16, "channels": 20},
}
# What the Kênh nhận tin drop-down offers: each channel alone, and Zalo with e-mail.
CHANNEL_CHOICES = [
    *CHANNEL_NAMES.values(),
    f"{CHANNEL_NAMES['zalo']}, {CHANNEL_NAMES['email']}",
    f"{CHANNEL_NAMES['zns']}, {CHANNEL_NAMES['email']}",
    f"{CHANNEL_NAMES['zalo']}, {CHANNEL_NAMES['zns']}, {CHANNEL_NAMES['email']}",
]
DROP_DOWNS = {"units": ("level", "type"), "contacts": ("role", "channels", "active")}
DAYS = ("valid_from", "valid_to")


def xlsx_sample(kind: str) -> dict[str, Any]:
    """The example row of the XLSX template as people fill it in: Vietnamese names, real dates.

    >>> xlsx_sample("contacts")["role"], xlsx_sample("contacts")["channels"], xlsx_sample("units")["valid_from"]
    ('cán bộ đầu mối', 'Zalo OA, thư điện tử', datetime.date(2025, 7, 1))
    """
    sample: dict[str, Any] = dict(TEMPLATE_SAMPLES[kind])
    for key in DROP_DOWNS[kind]:
        names = CHOICES[key]
        if key == "channels":
            sample[key] = ", ".join(names[c] for c in sample[key].split(","))
        elif key in sample:
            sample[key] = names[sample[key]]
    for key in DAYS:
        if sample.get(key):
            sample[key] = date.fromisoformat(sample[key])
    return sample


def write_template_xlsx(path: Path, kind: str) -> None:
    """The XLSX template of ``units`` or ``contacts``: Vietnamese headings, the example row
    (marked #, never imported), drop-downs for the columns of a fixed list (their choices on the
    sheet Danh mục), dates shown dd/mm/yyyy; printed on A4 landscape under its title."""
    headings = template_headings(kind)
    widths = WIDTHS[kind]
    columns: list[Column] = [
        (c, headings[c], widths[c]) if c in widths else (c, headings[c]) for c in template_columns(kind)
    ]
    lists: dict[str, list[str]] = {
        key: CHANNEL_CHOICES if key == "channels" else list(CHOICES[key].values()) for key in DROP_DOWNS[kind]
    }
    write_sheet(
        path,
        SHEET_TITLES[kind],
        [],
        columns,
        samples=[xlsx_sample(kind)],
        landscape=True,
        page_title=PAGE_TITLES[kind],
        choices=lists,
        days=[d for d in DAYS if d in headings],
    )


def contacts_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """Contacts as a CSV the import reads back (its own column names), one row per contact.

    >>> print(contacts_csv([{"unit": "07627", "name": "Lê Lan", "role": "head", "active": True}]), end="")
    unit,name,role,email,zalo_phone,zalo_user_id,channels,active
    07627,Lê Lan,head,,,,,true
    """
    columns = template_columns("contacts")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [("true" if row.get(c) else "false") if c == "active" else _text(row.get(c) or "") for c in columns]
        )
    return out.getvalue()


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
    rows, _samples = _csv_rows(path, errors)
    for number, raw in rows:
        _check_lengths(raw, number, errors)
    lineage = [r for number, raw in rows if (r := parse_lineage(raw, number, errors))]
    if errors.errors:
        raise ImportRefused(errors.errors)
    if not lineage:
        raise DunghanError(_("{file}: nothing to import: the file has no lineage row").format(file=path.name))
    return lineage


def read_org_file(path: Path) -> tuple[list[UnitRow], list[ContactRow]]:
    """Read a CSV or XLSX (units or contacts, told apart by their columns) or a YAML file with
    ``units:`` and ``contacts:`` lists; raise :class:`ImportRefused` listing every bad row."""
    if not path.exists():
        raise DunghanError(_("{path}: no such file").format(path=path))
    errors = RowErrors(path.name)
    unit_dicts: list[tuple[int, dict[str, Any]]] = []
    contact_dicts: list[tuple[int, dict[str, Any]]] = []
    suffix = path.suffix.lower()
    samples = 0
    if suffix == ".csv":
        rows, samples = _csv_rows(path, errors)
        for number, raw in rows:
            raw = column_names(raw)
            (contact_dicts if "role" in raw else unit_dicts).append((number, raw))
    elif suffix in (".yaml", ".yml"):
        for key, number, raw in _yaml_rows(path, errors):
            (unit_dicts if key == "units" else contact_dicts).append((number, raw))
    elif suffix == ".xlsx":
        for sheet in read_workbook(path):  # a sheet of units and/or a sheet of contacts
            if sheet.title == LIST_SHEET:
                continue  # the template's drop-down choices
            samples += sheet.samples
            for number, raw in sheet.records:
                raw = column_names(raw)
                (contact_dicts if "role" in raw else unit_dicts).append((number, raw))
    else:
        raise DunghanError(_("{path}: import takes .csv, .xlsx, .yaml or .yml files").format(path=path))
    for number, raw in [*unit_dicts, *contact_dicts]:
        _check_lengths(raw, number, errors)
    units = [u for line, raw in unit_dicts if (u := parse_unit(raw, line, errors))]
    contacts = [c for line, raw in contact_dicts if (c := parse_contact(raw, line, errors))]
    if errors.errors:
        raise ImportRefused(errors.errors)
    if samples and not units and not contacts:
        raise DunghanError(
            _(
                "{file}: nothing to import: the file holds only the template's example row(s) "
                "(a first cell beginning with {mark}); add your rows below them"
            ).format(file=path.name, mark=SAMPLE_MARK)
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
        raise DunghanError(
            _("{file}: cannot be read: {reason}").format(file=path.name, reason=exc.strerror or exc)
        ) from None
    if len(data) > MAX_CSV_BYTES:
        raise DunghanError(
            _("{file}: the file is larger than {size}, the limit: refused").format(
                file=path.name, size=size_name(MAX_CSV_BYTES)
            )
        )
    try:
        text = decode_utf8(data, advice=_("save the file as CSV UTF-8"))
    except YamlSyntaxError as exc:
        raise DunghanError(
            _("{file}: line {line}: {problem}").format(file=path.name, line=exc.mark.line, problem=exc.message)
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey=EXTRA)
    rows: list[tuple[int, dict[str, Any]]] = []
    samples = 0
    number = 1  # the header's row; rows are numbered as a spreadsheet shows them
    try:
        for number, record in enumerate(reader, start=2):
            if is_sample(record.values()):
                samples += 1
                continue
            if extra := record.get(EXTRA):
                columns = len(reader.fieldnames or [])
                code = _text(next(iter(record.values()), None)) or None
                errors.add(
                    number,
                    code,
                    _("{count} value(s) more than the header's {columns} columns").format(
                        count=len(extra), columns=columns
                    ),
                )
                continue
            rows.append((number, record))
    except csv.Error as exc:
        errors.add(number + 1, None, _("not readable as CSV ({reason})").format(reason=exc))
    return rows, samples


def _yaml_rows(path: Path, errors: RowErrors) -> list[tuple[str, int, dict[Any, Any]]]:
    """(units or contacts, line, mapping) of a YAML org file, read with the pack loader's limits."""
    try:
        data, positions = load_with_positions(read_yaml_text(path, max_bytes=MAX_YAML_BYTES))
    except YamlSyntaxError as exc:
        raise ImportRefused([f"{path.name}:{exc.mark.line}:{exc.mark.col}: {exc.message}"]) from None
    if not isinstance(data, dict) or set(data) - {"units", "contacts"}:
        raise ImportRefused([_("{file}: expected the keys units and contacts only").format(file=path.name)])
    rows = []
    for key in ("units", "contacts"):
        items = data.get(key) or []
        if not isinstance(items, list):
            errors.add(positions.at((key,)).line, None, _("{key} is a list").format(key=key))
            continue
        for index, item in enumerate(items):
            line = positions.at((key, index)).line
            if not isinstance(item, dict):
                errors.add(line, None, _("each of {key} is a mapping").format(key=key))
                continue
            rows.append((key, line, item))
    return rows


def _check_lengths(raw: dict[Any, Any], number: int, errors: RowErrors) -> None:
    """A value longer than a spreadsheet cell may hold is an error of its row."""
    for key, value in raw.items():
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            errors.add(
                number,
                None,
                _("column {column}: {count} characters, more than {limit}").format(
                    column=key, count=f"{len(value):,}", limit=f"{MAX_CELL_CHARS:,}"
                ),
            )
