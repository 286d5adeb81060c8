"""Random damage to valid files: the pack loader and every importer answer with a named error
(:class:`rules.errors.DunghanError`) or a result, never anything else."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.indicators import Responsible, table_for
from reports.activity_form import read_form, write_form
from reports.indicator_form import read_entry_form, write_entry_form
from reports.org_files import read_org_file
from rules.activity import find_campaign
from rules.errors import DunghanError
from rules.loader import load_packs, resolve_packs, shipped_packs
from tests.models import hostile_files as hostile
from tests.rules.conftest import MINIMAL_PACK

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PACKS = [p.pack for p in shipped_packs()]
MONTH_2026 = find_campaign(PACKS, "thang-hanh-dong", 2026)

# Bytes that YAML, CSV and XML give meaning to, and a few that no text should hold.
SPECIAL = [
    b"&a",
    b"*a",
    b"[",
    b"{",
    b"]",
    b"}",
    b"\n  ",
    b": ",
    b"- ",
    b'"',
    b"'",
    b",",
    b"\r",
    b"\x00",
    b"\xff",
    b"<",
    b">",
]
mutation = st.tuples(
    st.floats(0, 1, exclude_max=True),
    st.sampled_from(["insert", "delete", "replace", "repeat"]),
    st.one_of(st.sampled_from(SPECIAL), st.binary(min_size=1, max_size=6)),
)


def mutate(data: bytes, changes: list[tuple[float, str, bytes]]) -> bytes:
    """``data`` with each change applied at its relative position."""
    for where, kind, text in changes:
        at = int(where * len(data))
        if kind == "insert":
            data = data[:at] + text + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + len(text) :]
        elif kind == "replace":
            data = data[:at] + text + data[at + len(text) :]
        else:
            data = data[:at] + data[at : at + 40] * 50 + data[at:]
    return data


def survives(read: Callable[[Path], Any], name: str, data: bytes) -> None:
    """Read ``data`` saved as ``name``: a result or a named error, nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            read(path)
        except DunghanError as exc:
            assert str(exc).strip()


def _rezip(workbook: bytes, part: str, damage: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one part damaged, still a valid zip: the damage reaches openpyxl."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        assert part in source.namelist(), f"the workbook has no {part}: nothing would be damaged"
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item.filename, damage(data) if item.filename == part else data)
    return out.getvalue()


def _contacts_xlsx() -> bytes:
    from reports.table_xlsx import write_sheet

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.xlsx"
        columns = [(c, c) for c in hostile.CONTACT_HEADER.strip().split(",")]
        row = dict(zip([c for c, _ in columns], hostile.GOOD_CONTACT.strip().split(","), strict=False))
        write_sheet(path, "contacts", [row, row], columns)
        return path.read_bytes()


def _activity_xlsx() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.xlsx"
        write_form(path, chosen=MONTH_2026, year=2026, unit_code="07375", unit_name="Xã Tiên Du")
        return path.read_bytes()


def _indicator_xlsx() -> bytes:
    pack = resolve_packs(["bac-ninh-2024"])[0].pack
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "i.xlsx"
        unit = Responsible(1, "27-SYT", "Sở Y tế", ("Sở Y tế",))
        write_entry_form(path, table=table_for(pack, 2024), unit=unit, stored={"IV.1": 12})
        return path.read_bytes()


CONTACTS_XLSX = _contacts_xlsx()
ACTIVITY_XLSX = _activity_xlsx()
INDICATOR_XLSX = _indicator_xlsx()
DEPARTMENTS_YAML = Path("models/trees/bac-ninh-2026-departments.yaml").read_bytes()


def _choose(pack: str, campaign: str, year: int) -> Any:
    return MONTH_2026


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=6))
def test_a_damaged_pack(changes: list[tuple[float, str, bytes]]) -> None:
    survives(lambda p: load_packs([p]), "pack.yaml", mutate(MINIMAL_PACK.encode(), changes))


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=6))
def test_a_damaged_org_yaml(changes: list[tuple[float, str, bytes]]) -> None:
    survives(read_org_file, "don-vi.yaml", mutate(DEPARTMENTS_YAML, changes))


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=6))
def test_a_damaged_contacts_csv(changes: list[tuple[float, str, bytes]]) -> None:
    data = (hostile.CONTACT_HEADER + hostile.GOOD_CONTACT * 3).encode()
    survives(read_org_file, "lien-he.csv", mutate(data, changes))


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=4), st.booleans())
def test_a_damaged_contacts_workbook(changes: list[tuple[float, str, bytes]], inside: bool) -> None:
    def damage(data: bytes) -> bytes:
        return mutate(data, changes)

    data = _rezip(CONTACTS_XLSX, "xl/worksheets/sheet1.xml", damage) if inside else damage(CONTACTS_XLSX)
    survives(read_org_file, "lien-he.xlsx", data)


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=4), st.sampled_from(["sheet1", "sheet2", "workbook"]))
def test_a_damaged_activity_form(changes: list[tuple[float, str, bytes]], part: str) -> None:
    # The form keeps its text inline (no sharedStrings part); the reader opens the workbook and
    # its first two sheets only.
    name = f"xl/worksheets/{part}.xml" if part.startswith("sheet") else f"xl/{part}.xml"
    data = _rezip(ACTIVITY_XLSX, name, lambda d: mutate(d, changes))
    survives(lambda p: read_form(p, _choose), "hoat-dong.xlsx", data)


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=4))
def test_a_damaged_indicator_form(changes: list[tuple[float, str, bytes]]) -> None:
    data = _rezip(INDICATOR_XLSX, "xl/worksheets/sheet1.xml", lambda d: mutate(d, changes))
    survives(read_entry_form, "chi-tieu.xlsx", data)
