"""The reports as their readers see them: each DOCX rendered to PDF by LibreOffice and read back
page by page (tests.reports.rendering): the page count, the page number at the top of every page
but the first, the signature block on the page of the body's last paragraph, a table's caption on
the page of its heading row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.rollup import rollup
from reports.document import AdministrativeDocument, Block, Heading, Issuer, Paragraph, Table
from reports.rollup_addressing import rollup_addressing
from reports.rollup_docx import write_rollup_docx
from reports.word import write_docx
from tests.models.test_rollup import bac_ninh_action_month
from tests.reports.rendering import Rendered, png_pages, render

ISSUER = Issuer("Sở Nội vụ", "UBND tỉnh Bắc Ninh", "Bắc Ninh", "SNV")


def _top_line(page: str) -> str:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return lines[0] if lines else ""


def _numbered_from_page_2(rendered: Rendered) -> None:
    assert _top_line(rendered.pages[0]).startswith("UBND")  # no number over the first page's header
    for number, page in enumerate(rendered.pages[1:], start=2):
        assert _top_line(page) == str(number)


@pytest.fixture
def bac_ninh(engine: Engine) -> Engine:
    return bac_ninh_action_month(engine)


def test_the_action_month_report_on_paper(bac_ninh: Engine, tmp_path: Path) -> None:
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under="24")
    path = write_rollup_docx(
        tmp_path / "thang-hanh-dong.docx", result, rollup_addressing(bac_ninh, result), today=date(2026, 12, 18)
    )
    rendered = render(path, tmp_path)
    assert rendered.count == 4
    _numbered_from_page_2(rendered)
    last = rendered.page_of("Trên đây là báo cáo kết quả triển khai")
    assert last == rendered.page_of("Nơi nhận:") == rendered.page_of("GIÁM ĐỐC") == rendered.count
    assert rendered.page_of("Bắc Ninh, ngày … tháng … năm 2026") == 1
    for caption, heading in (
        ("Bảng 2. Kết quả theo cấp", "Đã báo"),
        ("Bảng 3. Hoạt động và người tham gia theo loại hoạt động", "Loại hoạt động"),
    ):
        page = rendered.page_of(caption)
        assert page and heading in rendered.pages[page - 1].split(caption, 1)[1]
    assert len(png_pages(rendered, tmp_path)) == rendered.count


def test_a_long_body_keeps_the_signature_with_its_last_paragraph(tmp_path: Path) -> None:
    rows = [(str(i), f"Đơn vị số {i}, có tên dài\nhai dòng", f"{i * 7}") for i in range(1, 41)]
    body: list[Block] = [Heading("I. KẾT QUẢ ĐẠT ĐƯỢC")]
    body += [Paragraph(f"Đoạn {i}: các đơn vị tổ chức hoạt động hưởng ứng. " * 4) for i in range(1, 9)]
    body += [Table(columns=("TT", "Đơn vị", "Số hoạt động"), rows=rows, widths_cm=(1.5, 10.0, 4.0), caption="Bảng 1")]
    body += [Paragraph(f"Đoạn kết {i}: đề nghị tiếp tục. " * 5) for i in range(1, 12)]
    body += [Paragraph("Trên đây là báo cáo của Sở Nội vụ./.")]
    document = AdministrativeDocument(
        issuer=ISSUER, kind="Báo cáo", subject="Thử bố cục trang", body=body, signer_name="Nguyễn Văn A", year=2026
    )
    rendered = render(write_docx(document, tmp_path / "dai.docx"), tmp_path)
    assert rendered.count >= 3
    _numbered_from_page_2(rendered)
    assert rendered.page_of("Trên đây là báo cáo của Sở Nội vụ./.") == rendered.page_of("Nơi nhận:")
    assert rendered.page_of("Nơi nhận:") == rendered.page_of("Nguyễn Văn A") == rendered.count
    # Every row whole on one page: the second line of a row's name right under its first.
    for i in range(1, 41):
        page = rendered.pages[rendered.page_of(f"Đơn vị số {i}, có tên dài") - 1]
        lines = [line for line in page.splitlines() if line.strip()]
        at = next(n for n, line in enumerate(lines) if f"Đơn vị số {i}, có tên dài" in line)
        assert at + 1 < len(lines) and "hai dòng" in lines[at + 1]
