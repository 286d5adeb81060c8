"""Every workbook dunghan writes keeps people's text as text: a name beginning with ``=`` is never a
formula (``=cmd|' /C calc'!A0`` would run a program in an old Excel), ``#N/A`` never an error
value, and the text reads back unchanged."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine, update
from sqlmodel import col

from models.indicators import IndicatorResults, Responsible, table_for
from models.rollup import rollup
from models.tables import Unit
from reports.activity_form import write_form
from reports.indicator_form import write_entry_form
from reports.indicator_xlsx import write_indicator_xlsx
from reports.rollup_xlsx import write_rollup_xlsx
from reports.table_xlsx import write_sheet
from rules.activity import find_campaign
from rules.indicators import results
from rules.loader import resolve_packs, shipped_packs
from tests.models.test_rollup import bac_ninh_action_month

HOSTILE = ["=cmd|' /C calc'!A0", "+84 987", "-1+2", "@SUM(A1:A9)", '=HYPERLINK("http://x","y")', "#N/A"]


def _cells(path: Path) -> list[tuple[str, str, object, str]]:
    """(sheet, coordinate, value, data type) of every cell that holds something."""
    book = load_workbook(path)
    return [
        (sheet.title, cell.coordinate, cell.value, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def _assert_text(path: Path, expected: list[str]) -> None:
    cells = _cells(path)
    assert [c for c in cells if c[3] in ("f", "e")] == []
    for text in expected:
        found = [c for c in cells if c[2] == text]
        assert found, f"{text!r} is not in {path.name} unchanged"
        assert all(c[3] == "s" for c in found)


def test_a_tidy_sheet_such_as_the_overdue_list(tmp_path: Path) -> None:
    rows = [{"unit": "24-SNV", "contact": text, "note": text} for text in HOSTILE]
    path = tmp_path / "qua-han.xlsx"
    write_sheet(path, "Quá hạn", rows, [("unit", "Mã đơn vị"), ("contact", "Đầu mối"), ("note", "Ghi chú")])
    _assert_text(path, HOSTILE)
    sheet = load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    quoted = [c.quotePrefix for c in sheet["B"][1:]]
    assert quoted == [True, True, True, True, True, False]  # the formula-like ones; #N/A is typed text


def test_a_template_sample_is_text_too(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    write_sheet(path, "contacts", [], [("unit", "unit"), ("name", "name")], samples=[{"unit": "=1+1", "name": "=2"}])
    _assert_text(path, ["# =1+1", "=2"])


@pytest.mark.parametrize("name", HOSTILE)
def test_the_activity_form_names_the_unit_as_text(tmp_path: Path, name: str) -> None:
    path = tmp_path / "hoat-dong.xlsx"
    chosen = find_campaign([p.pack for p in shipped_packs()], "thang-hanh-dong", 2026)
    write_form(path, chosen=chosen, year=2026, unit_code="07375", unit_name=name)
    _assert_text(path, [name])


def test_the_indicator_entry_form_names_the_unit_as_text(tmp_path: Path) -> None:
    pack = resolve_packs(["bac-ninh-2024"])[0].pack
    path = tmp_path / "chi-tieu.xlsx"
    unit = Responsible(1, "27-SYT", HOSTILE[0], ("Sở Y tế",))
    write_entry_form(path, table=table_for(pack, 2024), unit=unit, stored={})
    assert [c for c in _cells(path) if c[3] in ("f", "e")] == []


def test_the_indicator_table_keeps_its_ratio_notes_as_text(tmp_path: Path) -> None:
    """The notes of ratio rows begin with '=' ("= III.3.2 / III.3.1 × 100"): LibreOffice showed
    them as Err:501 when they were written as formulas."""
    pack = resolve_packs(["bac-ninh-2024"])[0].pack
    table = table_for(pack, 2024)
    path = write_indicator_xlsx(IndicatorResults(table, results(table.form, {}, 2024), []), tmp_path / "bang.xlsx")
    notes = [c for c in _cells(path) if isinstance(c[2], str) and c[2].startswith("= ")]
    assert notes, "the table has ratio rows whose note begins with '='"
    assert {c[3] for c in notes} == {"s"}
    assert [c for c in _cells(path) if c[3] in ("f", "e")] == []


def test_the_rollup_workbook_names_units_as_text(engine: Engine, tmp_path: Path) -> None:
    bac_ninh_action_month(engine)
    with engine.begin() as connection:
        connection.execute(update(Unit).where(col(Unit.code) == "07375").values(name=HOSTILE[0]))
    path = tmp_path / "tong-hop.xlsx"
    write_rollup_xlsx(path, rollup(engine, campaign="thang-hanh-dong", year=2026, under="24"))
    _assert_text(path, [HOSTILE[0]])


def test_the_overdue_list_and_its_title_hold_no_formula(tmp_path: Path) -> None:
    from reports.overdue_xlsx import overdue_workbook
    from tests.reports.test_xlsx_rendered import AT, _overdue_rows

    named = zip(_overdue_rows(6), HOSTILE, strict=True)
    rows = [dataclasses.replace(row, unit_name=text, head=text) for row, text in named]
    path = tmp_path / "qua-han.xlsx"
    path.write_bytes(overdue_workbook(rows, at=AT, scope=HOSTILE[0]))
    _assert_text(path, HOSTILE)


def test_the_rates_hold_no_formula(tmp_path: Path) -> None:
    from app.supervision_files import write_status
    from models.queries import StatusRow
    from tests.reports.test_xlsx_rendered import AT

    rows = [
        StatusRow(
            expected=3, submitted=2, on_time=1, came_from=HOSTILE[0], level="commune", report=HOSTILE[2],
            period="2026-H1", overdue=1, exempted=0,
        )
    ]  # fmt: skip
    path = write_status(rows, tmp_path, at=AT, under=None, year=None, path=tmp_path / "ty-le.xlsx")
    _assert_text(path, [HOSTILE[0], HOSTILE[2]])


@pytest.mark.parametrize("kind", ["units", "contacts"])
def test_the_org_templates_hold_no_formula(tmp_path: Path, kind: str) -> None:
    from reports.org_files import write_template_xlsx

    path = tmp_path / f"{kind}.xlsx"
    write_template_xlsx(path, kind)
    assert [c for c in _cells(path) if c[3] in ("f", "e")] == []
    assert "# 24-SNV" in [c[2] for c in _cells(path)]


def test_the_submissions_template_holds_no_formula(tmp_path: Path) -> None:
    from reports.status_file import write_status_template

    path = tmp_path / "tinh-hinh-nop.xlsx"
    write_status_template(path)
    assert [c for c in _cells(path) if c[3] in ("f", "e")] == []
    assert "nộp" in [c[2] for c in _cells(path)]
