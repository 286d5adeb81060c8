"""The administrative layout, read back with python-docx: texts, table cells, fonts, page."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from matplotlib.figure import Figure

from reports.document import AdministrativeDocument, Appendix, Bullet, Heading, Image, Issuer, Paragraph, Table
from reports.render import TemplateError, parse_body, render_document
from reports.word import write_docx

ISSUER = Issuer("Sở Nội vụ", "UBND tỉnh Bắc Ninh", "Bắc Ninh", "SNV")


def _png() -> bytes:
    figure = Figure(figsize=(4, 2))
    figure.add_subplot().bar(["Nam", "Nữ"], [120, 180])
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


class _HasParagraphs(Protocol):
    """A document or a table cell: both hold paragraphs."""

    @property
    def paragraphs(self) -> Sequence[DocxParagraph]: ...


def _document(**changes: Any) -> AdministrativeDocument:
    base = AdministrativeDocument(
        issuer=ISSUER,
        kind="Báo cáo",
        subject="Kết quả Tháng hành động vì bình đẳng giới năm 2026",
        recipients=("Bộ Nội vụ",),
        body=(
            Heading("I. KẾT QUẢ ĐẠT ĐƯỢC"),
            Paragraph("Các đơn vị tổ chức 12 hoạt động."),
            Bullet("Lễ phát động: 3"),
            Table(
                columns=("TT", "Hoạt động", "Nam", "Nữ"),
                rows=(("1", "Hội nghị", "120", "180"), ("", "Tổng", "120", "180")),
                bold_rows=frozenset({1}),
                widths_cm=(1.5, 9.0, 3.0, 3.0),
            ),
            Image(_png(), width_cm=12, caption="Biểu đồ: người tham gia theo giới tính"),
        ),
        copies_to=("Như trên;", "Lưu: VT, BĐG."),
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn A",
        day=date(2026, 12, 18),
    )
    return replace(base, **changes)


def _texts(cell_or_doc: _HasParagraphs) -> list[str]:
    return [p.text for p in cell_or_doc.paragraphs if p.text]


def test_header_title_body_and_signature(tmp_path: Path) -> None:
    path = write_docx(_document(), tmp_path / "bao-cao" / "thang-hanh-dong.docx")
    doc = Document(str(path))
    header, grid, signature = doc.tables
    left, right = header.rows[0].cells
    assert _texts(left) == ["UBND TỈNH BẮC NINH", "SỞ NỘI VỤ", "Số: …/BC-SNV"]
    assert _texts(right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bắc Ninh, ngày 18 tháng 12 năm 2026",
    ]
    assert left.paragraphs[1].runs[0].bold and not left.paragraphs[0].runs[0].bold
    assert right.paragraphs[-1].runs[0].italic
    body = _texts(doc)
    assert body[:3] == ["BÁO CÁO", "Kết quả Tháng hành động vì bình đẳng giới năm 2026", "Kính gửi: Bộ Nội vụ"]
    assert body[3:6] == ["I. KẾT QUẢ ĐẠT ĐƯỢC", "Các đơn vị tổ chức 12 hoạt động.", "- Lễ phát động: 3"]
    assert "Biểu đồ: người tham gia theo giới tính" in body
    assert [[c.text for c in r.cells] for r in grid.rows] == [
        ["TT", "Hoạt động", "Nam", "Nữ"],
        ["1", "Hội nghị", "120", "180"],
        ["", "Tổng", "120", "180"],
    ]
    assert grid.rows[2].cells[1].paragraphs[0].runs[0].bold and not grid.rows[1].cells[1].paragraphs[0].runs[0].bold
    assert grid.style is not None and grid.style.name == "Table Grid"
    copies, signer = signature.rows[0].cells
    assert _texts(copies) == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, BĐG."]
    assert _texts(signer) == ["KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "Nguyễn Văn A"]
    assert len(doc.inline_shapes) == 1


def test_times_new_roman_13_to_14_and_a4_margins(tmp_path: Path) -> None:
    doc = Document(str(write_docx(_document(), tmp_path / "a.docx")))
    runs = [r for p in doc.paragraphs for r in p.runs if r.text]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs if r.text]
    assert {r.font.name for r in runs} == {"Times New Roman"}
    body = [r for p in doc.paragraphs for r in p.runs if r.text]
    assert {r.font.size for r in body} <= {Pt(13), Pt(14)}
    assert doc.styles["Normal"].font.name == "Times New Roman"
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert section.left_margin is not None and section.right_margin is not None
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.left_margin.cm, 2), round(section.right_margin.cm, 2)) == (3.0, 1.5)
    assert round(doc.paragraphs[4].paragraph_format.first_line_indent.cm, 2) == 1.27


def test_undated_unnumbered_landscape_and_several_recipients(tmp_path: Path) -> None:
    document = _document(day=None, recipients=("UBND tỉnh", "Bộ Nội vụ"), landscape=True)
    doc = Document(str(write_docx(document, tmp_path / "b.docx")))
    assert _texts(doc.tables[0].rows[0].cells[1])[-1] == "Bắc Ninh, ngày … tháng … năm …"
    assert _texts(doc)[2:5] == ["Kính gửi:", "- UBND tỉnh", "- Bộ Nội vụ"]
    width, height = doc.sections[0].page_width, doc.sections[0].page_height
    assert width is not None and height is not None and width > height


def test_template_blocks_and_body_markup(tmp_path: Path) -> None:
    table = Table(columns=("TT", "Chỉ tiêu"), rows=(("1", "Tỷ lệ"),))
    document = render_document(
        "ket-qua-chi-tieu.j2",
        {
            "form_title": "Kết quả thực hiện các mục tiêu",
            "recipients": ["UBND tỉnh", "Bộ Lao động – Thương binh và Xã hội"],
            "legal_basis": "Mục V.1 Quyết định 373/QĐ-UBND",
            "issuer_name": "Sở Lao động – Thương binh và Xã hội",
            "period_name": "năm 2024",
            "units_done": 1,
            "units_total": 2,
            "units_missing": ["Sở Y tế (2/4)"],
            "typed": 6,
            "expected": 8,
            "measured": 3,
            "with_value": 2,
            "met": 1,
            "not_met": 1,
            "short_of_target": [{"code": "VI.1", "name": "Dân số", "value": "50%", "progress": "Chưa đạt"}],
        },
        issuer=ISSUER,
        tables={"ket-qua": table},
        landscape=True,
    )
    assert (document.kind, document.subject, document.signer_title) == (
        "BÁO CÁO",
        "Kết quả thực hiện các mục tiêu",
        "GIÁM ĐỐC",
    )
    assert document.recipients == ("UBND tỉnh", "Bộ Lao động – Thương binh và Xã hội")
    assert document.copies_to == ("Như trên;", "Lưu: VT.")
    assert document.landscape and table not in document.body  # the table is Phụ lục 01, given by the caller
    assert (
        Paragraph(
            "Chi tiết tại Phụ lục 01 kèm theo (tỷ lệ được tính từ tử số và mẫu số đã nhập, không nhập trực tiếp)."
        )
        in document.body
    )
    assert Bullet("Đơn vị chưa nhập đủ: Sở Y tế (2/4).") in document.body
    assert Bullet("Chỉ tiêu VI.1 (Dân số): kết quả 50%; Chưa đạt.") in document.body
    assert Heading("II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU") in document.body


def test_a_placeholder_without_its_table_is_an_error() -> None:
    with pytest.raises(TemplateError, match="no table named 'ket-qua'"):
        parse_body("[[table ket-qua]]", {}, {}, "x.j2")
    assert parse_body("## 1. Mục\n### 1.1. Mục con", {}, {}) == [Heading("1. Mục", 2), Heading("1.1. Mục con", 3)]


def test_vietnamese_page_numbers_from_page_2_and_rows_kept_whole(tmp_path: Path) -> None:
    doc = Document(str(write_docx(_document(), tmp_path / "c.docx")))
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "vi-VN" and doc.core_properties.language == "vi-VN"
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert not section.first_page_header.paragraphs[0].text
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))
    _, grid, signature = doc.tables
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in [*grid.rows, *signature.rows])
    by_text = {p.text: p for p in doc.paragraphs if p.text}
    assert by_text["I. KẾT QUẢ ĐẠT ĐƯỢC"].paragraph_format.keep_with_next
    # The image's caption, the last block, stays with the signature.
    assert by_text["Biểu đồ: người tham gia theo giới tính"].paragraph_format.keep_with_next


def test_an_appendix_in_a_landscape_section(tmp_path: Path) -> None:
    table = Table(columns=("TT", "Chỉ tiêu"), rows=(("1", "Tỷ lệ"),))
    document = _document(appendices=(Appendix("Phụ lục 01", "KẾT QUẢ THỰC HIỆN", (table,)),), day=None, year=2026)
    doc = Document(str(write_docx(document, tmp_path / "d.docx")))
    first, appendix = doc.sections
    assert first.page_width is not None and first.page_height is not None and first.page_width < first.page_height
    assert appendix.page_width is not None and appendix.page_height is not None
    assert appendix.page_width > appendix.page_height
    texts = _texts(doc)
    assert texts[-3:] == [
        "Phụ lục 01",
        "KẾT QUẢ THỰC HIỆN",
        "(Kèm theo Báo cáo số …/BC-SNV ngày … tháng … năm 2026 của Sở Nội vụ)",
    ]
