"""The workbooks as their readers print them: rendered to PDF by LibreOffice, each page read back.

A list wider than a page prints one page wide (every printed column's heading on every page, the
last one included), its heading row is repeated on the pages after the first, and its title says
what it is, for which unit and as of when.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine

from models.indicators import IndicatorResults, table_for
from models.queries import OverdueRow, StatusRow
from models.rollup import rollup
from reports import overdue_xlsx
from reports.indicator_xlsx import write_indicator_xlsx
from reports.rollup_xlsx import FIGURE_HEADINGS, write_rollup_xlsx
from reports.spreadsheet import FONT_NAME
from rules.calendar import VIETNAM
from rules.indicators import results
from rules.loader import resolve_packs
from tests.models.test_rollup import bac_ninh_action_month
from tests.reports.rendering import Rendered, render

AT = datetime(2026, 12, 1, 13, 27, tzinfo=VIETNAM)
REPORT = "Báo cáo kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ 6 tháng đầu năm"


def _overdue_rows(count: int) -> list[OverdueRow]:
    return [
        OverdueRow(
            status="quá hạn" if number % 4 else "sắp đến hạn",
            unit=f"{7000 + number:05d}",
            unit_name=f"Xã Thử Nghiệm Số {number}",
            level="commune",
            report="bdg-6-thang",
            report_name=REPORT,
            period="2026-H1",
            hop=1,
            due_date=date(2026, 6, 19),
            due_at=datetime(2026, 6, 19, 17, tzinfo=VIETNAM),
            wording="trước ngày 20 tháng 6",
            working_days=number % 9 + 1,
            state="not_submitted",
            late_with_permission=number == 3,
            focal_point="Nguyễn Thị Thu Hương",
            focal_point_email="huong@xa.example",
            head="Trần Văn Bình",
            head_email="binh@xa.example",
            recipient="Sở Nội vụ tỉnh Bắc Ninh",
            id=number,
        )
        for number in range(1, count + 1)
    ]


def _has(page: str, text: str) -> bool:
    """Whether ``page`` shows ``text``, spaces left out (pdftotext splits some words whose letters
    carry Vietnamese marks: "C ẤP XÃ")."""
    return "".join(text.split()) in "".join(page.split())


def _words_on(page: str, heading: str) -> bool:
    """Whether every word of ``heading`` is on ``page`` (a wrapped heading is read line by line)."""
    return all(_has(page, word) for word in heading.split())


def _fonts(path: Path) -> set[str]:
    book = load_workbook(path)
    return {
        cell.font.name
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None and cell.font is not None
    }


def test_the_overdue_list_prints_one_page_wide_with_its_headings_on_every_page(tmp_path: Path) -> None:
    path = tmp_path / "qua-han.xlsx"
    path.write_bytes(overdue_xlsx.overdue_workbook(_overdue_rows(80), at=AT, scope="Tỉnh Bắc Ninh (24)"))
    rendered = render(path, tmp_path)
    assert rendered.count >= 3
    first = rendered.pages[0]
    assert rendered.page_of(overdue_xlsx.TITLE) == 1
    assert rendered.page_of("Đơn vị: Tỉnh Bắc Ninh (24) – tính đến 13:27 ngày 01/12/2026") == 1
    assert rendered.page_of("60 báo cáo quá hạn, 20 báo cáo sắp đến hạn") == 1
    printed = [column[1] for column in overdue_xlsx.COLUMNS[: overdue_xlsx.PRINTED]]
    assert [h for h in printed if not _words_on(first, h)] == []
    for number, page in enumerate(rendered.pages, start=1):  # one page wide, the heading row repeated
        assert _has(page, "Tình trạng") and _has(page, "Nơi nhận") and "Trang" in page, f"page {number}"
    # Only the printed columns print: the e-mail addresses are on screen only.
    assert rendered.page_of("huong@xa.example") == 0
    # Names, not ids: the report's name, the period's name, dates as Vietnam writes them.
    assert _words_on(first, "6 tháng đầu năm 2026") and "2026-H1" not in first and "bdg-6-thang" not in first
    assert "19/06/2026" in first
    assert _fonts(path) == {FONT_NAME}


def test_the_overdue_list_names_its_scope_and_instant_in_cells(tmp_path: Path) -> None:
    path = tmp_path / "qua-han.xlsx"
    path.write_bytes(overdue_xlsx.overdue_workbook(_overdue_rows(2), at=AT, scope=None))
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet["A1"].value == overdue_xlsx.TITLE
    assert sheet["A2"].value == "Phạm vi: mọi đơn vị được theo dõi – tính đến 13:27 ngày 01/12/2026"
    assert [c.value for c in sheet[5]][:2] == ["Tình trạng", "Đơn vị"]
    assert sheet.print_title_rows == "$5:$5" and sheet.freeze_panes == "A6"
    assert int(sheet.page_setup.paperSize or 0) == 9 and sheet.page_setup.fitToWidth == 1
    fit = sheet.sheet_properties.pageSetUpPr
    assert sheet.page_setup.fitToHeight == 0 and fit is not None and fit.fitToPage
    days = [c.value for c in sheet[5]].index("Số ngày làm việc đã quá hạn") + 1
    assert sheet.cell(6, days).number_format == "#,##0"


def test_the_rates_name_their_reports_and_print_on_a4(tmp_path: Path) -> None:
    from app import supervision_files

    rows = [
        StatusRow(expected=1234, submitted=1000, on_time=900, came_from=None, level=level, report=report,
                  period=period, overdue=234, exempted=0)
        for level in ("commune", "province")
        for report in ("bdg-6-thang", "bdg-nam")
        for period in ("2026-H1", "2026")
    ]  # fmt: skip
    path = supervision_files.write_status(
        rows, tmp_path, at=AT, under="24", year=2026, path=tmp_path / "ty-le.xlsx", scope="Tỉnh Bắc Ninh (24)"
    )
    rendered = render(path, tmp_path)
    first = rendered.pages[0]
    assert rendered.page_of("TỶ LỆ NỘP BÁO CÁO VÀ TỶ LỆ NỘP ĐÚNG HẠN NĂM 2026") == 1
    assert rendered.page_of("Đơn vị: Tỉnh Bắc Ninh (24) – tính đến 13:27 ngày 01/12/2026") == 1
    assert "bdg-6-thang" not in first and rendered.page_of("6 tháng đầu năm 2026") == 1
    assert "1,234" in first or "1.234" in first  # thousands separated, as the reader's locale writes them
    assert _words_on(first, "Tỷ lệ đúng hạn (%)")


def test_the_rollup_prints_each_sheet_one_page_wide(engine: Engine, tmp_path: Path) -> None:
    bac_ninh_action_month(engine)
    path = tmp_path / "tong-hop.xlsx"
    write_rollup_xlsx(path, rollup(engine, campaign="thang-hanh-dong", year=2026, under="24"))
    rendered = render(path, tmp_path)
    assert rendered.page_of("TỔNG HỢP KẾT QUẢ THÁNG HÀNH ĐỘNG") == 1
    assert rendered.page_of("Tỉnh Bắc Ninh (24)") == 1
    communes = [page for page in rendered.pages if _has(page, "Mã đơn")]
    assert len(communes) >= 2, "the communes' sheet runs over two pages at least"
    for page in communes:  # the heading row on each page, its last printed column included
        assert _has(page, "Kinh phí") and (_has(page, "CẤP XÃ") or _has(page, "CẤP TỈNH"))
    assert _words_on(rendered.pages[0], FIGURE_HEADINGS[-1])
    assert _fonts(path) == {FONT_NAME}


def test_the_indicator_table_repeats_its_heading_row(tmp_path: Path) -> None:
    pack = resolve_packs(["bac-ninh-2024"])[0].pack
    table = table_for(pack, 2024)
    path = write_indicator_xlsx(IndicatorResults(table, results(table.form, {}, 2024), []), tmp_path / "bang.xlsx")
    rendered: Rendered = render(path, tmp_path)
    assert rendered.count >= 2
    for page in rendered.pages:
        assert _has(page, "Ghi chú") and "TT" in page
    assert _fonts(path) == {FONT_NAME}
