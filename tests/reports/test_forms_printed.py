"""The forms and templates people fill in print as our other workbooks do: A4, one page wide, the
heading row on every page, a title at the head of every page (their first row stays the heading
row the import reads), one font; the submissions template offers its actions in a drop-down and
its filled rows, dates written dd/mm/yyyy included, read back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from models.indicators import Responsible, table_for
from reports.activity_form import COLUMNS, form_title, write_form
from reports.indicator_form import HEADINGS, write_entry_form
from reports.spreadsheet import FONT_NAME
from reports.status_file import PAGE_TITLE, read_status_rows, write_status_template
from reports.table_xlsx import LIST_SHEET
from rules.activity import find_campaign
from rules.calendar import VIETNAM
from rules.loader import resolve_packs, shipped_packs
from tests.reports.rendering import page_title, render, shows


def _fonts(path: Path) -> set[str]:
    book = load_workbook(path)
    return {
        c.font.name for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None and c.font
    }


def _a4_one_page_wide(sheet: object) -> None:
    setup = sheet.page_setup  # type: ignore[attr-defined]
    fit = sheet.sheet_properties.pageSetUpPr  # type: ignore[attr-defined]
    assert int(setup.paperSize or 0) == 9 and setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert fit is not None and fit.fitToPage


def test_the_activity_form_prints_under_its_title(tmp_path: Path) -> None:
    chosen = find_campaign([p.pack for p in shipped_packs()], "thang-hanh-dong", 2026)
    path = tmp_path / "hoat-dong.xlsx"
    write_form(path, chosen=chosen, year=2026, unit_code="07375", unit_name="Xã Tiên Du")
    book = load_workbook(path)
    for sheet in book.worksheets:
        _a4_one_page_wide(sheet)
        assert page_title(sheet) == form_title(chosen, 2026, "Xã Tiên Du")
    entries = book["Hoạt động"]
    assert entries.print_title_rows == "$1:$1" and entries.page_setup.orientation == "landscape"
    assert _fonts(path) == {FONT_NAME}
    rendered = render(path, tmp_path)
    assert rendered.page_of("Xã Tiên Du") == 1
    assert "2026" in rendered.pages[0].split() and "2,026" not in rendered.pages[0]  # a year, not a count
    heading_page = rendered.page_of("Loại hoạt động")
    assert heading_page and shows(rendered.pages[heading_page - 1], "Kinh phí")  # one page wide: the last one too
    assert all(shows(rendered.pages[heading_page - 1], h.split(":")[0]) for _f, h, _w in COLUMNS[:3])


def test_the_indicator_form_prints_under_its_title(tmp_path: Path) -> None:
    pack = resolve_packs(["bac-ninh-2024"])[0].pack
    path = tmp_path / "chi-tieu.xlsx"
    unit = Responsible(1, "27-SYT", "Sở Y tế tỉnh Bắc Ninh", ("Sở Y tế",))
    count = write_entry_form(path, table=table_for(pack, 2024), unit=unit, stored={})
    assert count > 0
    sheet = load_workbook(path).worksheets[0]
    _a4_one_page_wide(sheet)
    assert sheet.print_title_rows == "$1:$1" and [c.value for c in sheet[1]] == list(HEADINGS.values())
    assert str(page_title(sheet)).startswith("Sở Y tế tỉnh Bắc Ninh: số liệu")
    assert _fonts(path) == {FONT_NAME}
    rendered = render(path, tmp_path)
    assert "2024" in rendered.pages[0].split() and "2,024" not in rendered.pages[0]  # the year, not a count
    for page in rendered.pages:  # the title and the heading row, the last column's included, on each page
        assert shows(page, "Sở Y tế tỉnh Bắc Ninh") and shows(page, "Kết quả") and shows(page, "Ghi chú")


def test_the_submissions_template_prints_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "tinh-hinh-nop.xlsx"
    write_status_template(path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    _a4_one_page_wide(sheet)
    assert sheet["A1"].value == "mã đơn vị" and page_title(sheet) == PAGE_TITLE
    [actions] = sheet.data_validations.dataValidation
    assert str(actions.sqref).startswith("E2:") and actions.formula1 == f"'{LIST_SHEET}'!$A$2:$A$5"
    assert [c.value for c in book[LIST_SHEET]["A"]] == ["thao tác", "nộp", "tiếp nhận", "trả lại", "miễn"]
    assert _fonts(path) == {FONT_NAME}
    sheet.append(["24-SYT", "bdg-6-thang", "2026-H1", 1, "nộp", "18/06/2026 16:00", None, None])
    sheet.append(["24-SYT", "bdg-6-thang", "2026-H1", 1, "tiếp nhận", "20/06/2026", None, None])
    sheet.append(
        ["24-STP", "bdg-6-thang", "2026-H1", None, "trả lại", datetime.fromisoformat("2026-06-22T09:30"), "snv", "x"]
    )
    book.save(path)
    rows = read_status_rows(path)
    assert [(r.key.unit, r.action, r.at) for r in rows] == [
        ("24-SYT", "submit", datetime(2026, 6, 18, 16, tzinfo=VIETNAM)),
        ("24-SYT", "accept", datetime(2026, 6, 20, 12, tzinfo=VIETNAM)),
        ("24-STP", "return", datetime(2026, 6, 22, 9, 30, tzinfo=VIETNAM)),
    ]
    rendered = render(path, tmp_path)
    assert rendered.page_of(PAGE_TITLE) == 1 and rendered.page_of("18/06/2026 16:00") == 1
