"""The Action Month report, read back with python-docx: who issues it, its tables, its chart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Protocol

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from PIL import Image as PILImage
from sqlalchemy import Engine

from models.rollup import rollup
from reports.rollup_addressing import NATIONAL_RECIPIENTS, rollup_addressing
from reports.rollup_chart import SIZE_PX, participation_chart
from reports.rollup_docx import write_rollup_docx
from rules.scope import EVERYWHERE, Everywhere
from tests.models.recipient_pack import recipient_pack
from tests.models.test_rollup import bac_ninh_action_month, log, old_lang_giang


class _HasParagraphs(Protocol):
    """A document or a table cell: both hold paragraphs."""

    @property
    def paragraphs(self) -> Sequence[Paragraph]: ...


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _texts(container: _HasParagraphs) -> list[str]:
    return [p.text for p in container.paragraphs if p.text]


@pytest.fixture
def bac_ninh(engine: Engine) -> Engine:
    return bac_ninh_action_month(engine)


def test_the_report_of_a_province(bac_ninh: Engine, tmp_path: Path) -> None:
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under="24")
    path = write_rollup_docx(
        tmp_path / "thang-hanh-dong-2026-24.docx", result, rollup_addressing(bac_ninh, result), today=date(2026, 12, 18)
    )
    doc = Document(str(path))
    header, documents, levels, types, media, comparison, signature = doc.tables
    left, right = header.rows[0].cells
    assert _texts(left) == ["UBND TỈNH BẮC NINH", "SỞ NỘI VỤ", "Số: …/BC-SNV"]
    assert _texts(right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bắc Ninh, ngày … tháng … năm 2026",
    ]
    body = _texts(doc)
    assert body[:5] == [
        "BÁO CÁO",
        "Kết quả triển khai Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới "
        "năm 2026",
        "Kính gửi:",
        "- UBND tỉnh Bắc Ninh",
        "- Bộ Nội vụ (Vụ Công tác thanh niên và Bình đẳng giới)",
    ]
    assert "(từ ngày 15/11/2026 đến ngày 15/12/2026) trên địa bàn tỉnh Bắc Ninh" in body[5]
    assert "tính đến ngày" not in " ".join(body)  # written after the campaign's last day
    for heading in (
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "1. Công tác tham mưu, ban hành văn bản",
        "6. Đánh giá chung",
        "II. KHÓ KHĂN, VƯỚNG MẮC",
        "III. KIẾN NGHỊ, ĐỀ XUẤT",
        "1. Với lãnh đạo ngành, tỉnh, địa phương",
        "2. Với các cơ quan chức năng liên quan khác",
    ):
        assert heading in body
    assert _rows(documents)[0] == [
        "TT",
        "Ký hiệu văn bản",
        "Ngày ban hành",
        "Cơ quan ban hành",
        "Trích yếu nội dung văn bản",
    ]
    assert "- 3/110 đơn vị phải báo cáo đã cập nhật hoạt động, đạt 2,7%." in body
    assert "- Tổng số 5 hoạt động, thu hút 805 lượt người tham gia (nam 315, nữ 490; nữ chiếm 60,9%)." in body
    assert "- Tổng kinh phí thực hiện các hoạt động: 5.000.000 đồng." in body
    assert "- Còn 107 đơn vị phải báo cáo chưa cập nhật hoạt động." in body and "- Cấp xã: 97 đơn vị." in body

    assert _rows(levels) == [
        ["Cấp", "Đơn vị phải báo cáo", "Đã báo cáo", "Tỷ lệ", "Số hoạt động", "Nam", "Nữ", "Tổng số"],
        ["Cấp xã", "99", "2", "2%", "3", "110", "175", "285"],
        ["Cấp tỉnh", "11", "1", "9,1%", "2", "205", "315", "520"],
        ["Tổng cộng", "110", "3", "2,7%", "5", "315", "490", "805"],
    ]
    assert levels.rows[-1].cells[0].paragraphs[0].runs[0].bold
    type_rows = _rows(types)
    assert type_rows[0][-1] == "Số hoạt động năm 2025" and len(type_rows) == 1 + 12 + 1
    assert type_rows[1] == ["1", "Lễ phát động Tháng hành động", "2", "280", "420", "700", "1"]
    assert type_rows[-1] == ["", "Tổng cộng", "5", "315", "490", "805", "1"]
    assert _rows(media)[-1] == ["Tổng cộng", "5", "0", "0", "10", "0", "15", "5"]
    assert _rows(comparison)[1:3] == [["Số đơn vị có hoạt động", "4", "1", "+3"], ["Số hoạt động", "5", "1", "+4"]]
    assert _rows(comparison)[-1] == ["Kinh phí (đồng)", "5.000.000", "2.000.000", "+3.000.000"]

    assert len(doc.inline_shapes) == 1
    chart = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    png = doc.part.related_parts[chart].blob
    assert PILImage.open(BytesIO(png)).size == SIZE_PX
    assert "Biểu đồ. Người tham gia theo giới tính và tỷ lệ đơn vị đã báo cáo, theo cấp" in body
    assert _texts(signature.rows[0].cells[1])[0] == "GIÁM ĐỐC"


def test_the_chart_is_a_png_of_fixed_size_and_the_same_bytes_each_time(bac_ninh: Engine) -> None:
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under=EVERYWHERE)
    png = participation_chart(result)
    image = PILImage.open(BytesIO(png))
    image.load()
    assert (image.format, image.size) == ("PNG", SIZE_PX)
    assert "Software" not in image.info and b"matplotlib" not in png
    assert participation_chart(result) == png


def test_without_last_year_and_with_few_units_missing(bac_ninh: Engine, tmp_path: Path) -> None:
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under="24-STP")
    doc = Document(str(write_rollup_docx(tmp_path / "stp.docx", result, rollup_addressing(bac_ninh, result))))
    body = _texts(doc)
    assert len(doc.tables) == 6  # header, documents, three tables, signature: nothing to compare with
    assert "- Năm 2025 chưa có số liệu để so sánh." in body
    assert "- Còn 1 đơn vị phải báo cáo chưa cập nhật hoạt động: Sở Tư pháp tỉnh Bắc Ninh." in body
    assert "- Chưa có hoạt động nào được cập nhật." in body
    assert "- Đề nghị đơn vị chưa cập nhật hoạt động hoàn thành việc cập nhật để kết quả được tổng hợp đầy đủ." in body
    # Nobody took part: no chart of zeros, a sentence instead; no media product written as people.
    assert len(doc.inline_shapes) == 0
    assert "- Chưa có số liệu người tham gia nên báo cáo không kèm biểu đồ." in body
    assert "- Chưa có sản phẩm truyền thông nào được cập nhật." in body
    assert body[2] == "Kính gửi: Sở Nội vụ tỉnh Bắc Ninh"


def test_before_the_campaign_ends_the_figures_are_so_far(bac_ninh: Engine, tmp_path: Path) -> None:
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under="24")
    addressing = rollup_addressing(bac_ninh, result)
    doc = Document(str(write_rollup_docx(tmp_path / "a.docx", result, addressing, today=date(2026, 12, 1))))
    body = _texts(doc)
    assert body[1].endswith("năm 2026 (tính đến ngày 01/12/2026)")
    assert "tính đến ngày 01/12/2026 (chưa hết thời gian triển khai)" in body[5]
    # A media activity counts activities, never "0 người tham gia".
    assert not [line for line in body if re.search(r"(?<![\d.])0 (lượt )?người", line)]


@pytest.mark.parametrize(
    ("under", "issuer", "recipients", "signer", "where"),
    [
        (
            "07375",
            ("Ủy ban nhân dân xã Lạng Giang", None, "Lạng Giang", "UBND"),
            ("Sở Nội vụ tỉnh Bắc Ninh",),
            "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
            "trên địa bàn xã Lạng Giang",
        ),
        (
            "24-SYT",
            ("Sở Y tế", "UBND tỉnh Bắc Ninh", "Bắc Ninh", "SYT"),
            ("Sở Nội vụ tỉnh Bắc Ninh",),
            "GIÁM ĐỐC",
            "tại Sở Y tế tỉnh Bắc Ninh",
        ),
        (EVERYWHERE, ("Bộ Nội vụ", None, "Hà Nội", "BNV"), NATIONAL_RECIPIENTS, "BỘ TRƯỞNG", "trên phạm vi toàn quốc"),
    ],
)
def test_who_issues_the_report(
    bac_ninh: Engine,
    under: str | Everywhere,
    issuer: tuple[str, str | None, str, str],
    recipients: tuple[str, ...],
    signer: str,
    where: str,
) -> None:
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under=under)
    found = rollup_addressing(bac_ninh, result)
    i = found.issuer
    assert (i.name, i.parent, i.place, i.abbreviation) == issuer
    assert (found.recipients, found.signer_title, found.where) == (recipients, signer, where)


def test_before_2025_a_district_reports_to_the_sở_lđtbxh(engine: Engine) -> None:
    old_lang_giang(engine)
    log(engine, 2024, [("217", "2024-11-25", "hoi-nghi", 12, 18)])
    # Everywhere, which for this pack is its own scope: Huyện Lạng Giang.
    result = rollup(engine, campaign="thang-hanh-dong", year=2024, under=EVERYWHERE)
    found = rollup_addressing(engine, result)
    assert (found.issuer.name, found.issuer.parent, found.issuer.place) == (
        "Ủy ban nhân dân huyện Lạng Giang",
        None,
        "Lạng Giang",
    )
    assert found.recipients == ("Sở Lao động – TB&XH tỉnh Bắc Giang",)
    assert found.legal_basis == "Mục III.3 Kế hoạch BĐG năm 2024 của UBND huyện Lạng Giang"


def test_a_report_sent_to_several_recipients_is_addressed_to_each(bac_ninh: Engine, tmp_path: Path) -> None:
    """A pack whose departments send to the Sở Nội vụ and to the UBND tỉnh: both are "Kính gửi"."""
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under="24-SYT")
    found = rollup_addressing(bac_ninh, result, pack=recipient_pack(tmp_path))
    assert found.recipients == ("Sở Nội vụ tỉnh Bắc Ninh", "UBND tỉnh Bắc Ninh")
