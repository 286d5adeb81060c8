"""`dunghan indicators`: a form filled in and read back, typed ratios refused, the table reported."""

from pathlib import Path

import pytest
from click.testing import Result
from docx import Document
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from cli.main import app
from tests.models.bac_ninh_2024 import province_rows_csv

pytestmark = pytest.mark.usefixtures("prefect_api")  # flows run on the session's one Prefect API

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _active(book: Workbook) -> Worksheet:
    """The sheet a workbook opens on: a worksheet, never a chart sheet."""
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    return sheet


def _setup(tmp_path: Path) -> None:
    assert run("org", "import", "vietnam-provinces", "--province", "24").exit_code == 0
    assert run("org", "import", "bac-ninh-2026-departments.yaml").exit_code == 0
    assert run("org", "import", str(province_rows_csv(tmp_path / "bac-ninh.csv"))).exit_code == 0
    assert run("org", "import", "bac-ninh-2024-departments.yaml").exit_code == 0
    planned = run("cycle", "plan", "bac-ninh-2024", "--year", "2024", "--at", "2024-04-10")
    assert planned.exit_code == 0, planned.output


def test_template_fill_import_round_trip(workspace: Path, tmp_path: Path) -> None:
    _setup(tmp_path)
    form = tmp_path / "chi-tieu-sldtbxh.xlsx"
    written = run("indicators", "template", "27-SLDTBXH", "--year", "2024", "-o", str(form))
    assert written.exit_code == 0, written.output
    assert "14 indicator(s) of Sở Lao động – Thương binh và Xã hội tỉnh Bắc Ninh; due" in written.stdout
    book = load_workbook(form)
    sheet = _active(book)
    assert [c.value for c in sheet[1]] == [
        "Gói quy định", "Biểu", "Năm", "Mã đơn vị", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kết quả", "Ghi chú",
    ]  # fmt: skip
    codes = [sheet.cell(r, 5).value for r in range(2, sheet.max_row + 1)]
    assert "III.3.1" in codes and "III.3.3" not in codes  # ratios are computed, never typed
    assert sheet.protection.sheet and not sheet.cell(2, 8).protection.locked and sheet.cell(2, 6).protection.locked
    kinds = {v.type for v in sheet.data_validations.dataValidation}
    assert {"whole", "decimal"} <= kinds
    figures: dict[str, int | str] = {"III.3.1": 12, "III.3.2": "9", "VI.1": "47,5"}
    for r in range(2, sheet.max_row + 1):
        code = sheet.cell(r, 5).value
        if isinstance(code, str) and code in figures:
            sheet.cell(r, 8).value = figures[code]
    book.save(form)
    imported = run("indicators", "import", str(form), "--by", "Nguyễn Thị Hoa")
    assert imported.exit_code == 0, imported.output
    assert "3 entered, 0 corrected, 0 unchanged" in imported.stdout
    assert "0 entered, 0 corrected, 3 unchanged" in run("indicators", "import", str(form)).stdout
    again = tmp_path / "again.xlsx"
    run("indicators", "template", "27-SLDTBXH", "--year", "2024", "-o", str(again))
    refilled = _active(load_workbook(again))
    stored = {refilled.cell(r, 5).value: refilled.cell(r, 8).value for r in range(2, refilled.max_row + 1)}
    assert (stored["III.3.1"], stored["VI.1"], stored["V.2"]) == (12, 47.5, None)


def test_a_bad_form_is_refused_whole(workspace: Path, tmp_path: Path) -> None:
    _setup(tmp_path)
    form = tmp_path / "chi-tieu-syt.xlsx"
    assert run("indicators", "template", "27-SYT", "--year", "2024", "-o", str(form)).exit_code == 0
    book = load_workbook(form)
    sheet = _active(book)
    sheet.protection.sheet = False
    sheet.cell(2, 8).value = "nhiều"
    sheet.cell(3, 8).value = 40
    sheet.cell(4, 5).value = "III.3.3"
    sheet.cell(4, 8).value = 50
    book.save(form)
    refused = run("indicators", "import", str(form))
    assert refused.exit_code == 1
    assert "chi-tieu-syt.xlsx: row 2, column Kết quả (IV.1): 'nhiều' is not a number" in refused.stderr
    assert "nothing was imported" in refused.stderr
    sheet.cell(2, 8).value = 112
    book.save(form)
    refused = run("indicators", "import", str(form))
    assert "row 4, column Kết quả (27-SYT III.3.3): III.3.3 (" in refused.stderr
    assert "is a ratio computed as III.3.2 / III.3.1 × 100" in refused.stderr
    assert "IV.2" not in refused.stderr  # the good rows are not errors, and are not kept either
    report = run("indicators", "report", "--year", "2024", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"))
    table = _active(load_workbook(tmp_path / "r.xlsx"))
    assert report.exit_code == 0 and all(table.cell(r, 3).value is None for r in range(5, table.max_row + 1))


def test_errors_name_the_sheet_when_there_are_several(workspace: Path, tmp_path: Path) -> None:
    _setup(tmp_path)
    form = tmp_path / "chi-tieu-syt.xlsx"
    assert run("indicators", "template", "27-SYT", "--year", "2024", "-o", str(form)).exit_code == 0
    book = load_workbook(form)
    first = _active(book)
    second = book.copy_worksheet(first)
    second.title = "Bổ sung"
    first.cell(2, 8).value = 110
    second.cell(2, 8).value = "nhiều"
    book.save(form)
    refused = run("indicators", "import", str(form))
    assert refused.exit_code == 1
    assert "chi-tieu-syt.xlsx, sheet Bổ sung: row 2, column Kết quả (IV.1): 'nhiều' is not a number" in refused.stderr

    second.cell(2, 8).value = 111  # readable now, but the same figure is on both sheets
    book.save(form)
    refused = run("indicators", "import", str(form))
    assert refused.exit_code == 1
    assert "sheet Bổ sung, row 2, column Kết quả (27-SYT IV.1): 27-SYT IV.1 is also on sheet" in refused.stderr


def test_typing_a_ratio_is_refused(workspace: Path, tmp_path: Path) -> None:
    _setup(tmp_path)
    typed = run("indicators", "set", "27-SLDTBXH", "III.3.3", "75", "--year", "2024")
    assert typed.exit_code == 1
    assert typed.stderr.startswith("dunghan: III.3.3 (Tỷ lệ nạn nhân bị mua bán trở về")
    assert "is a ratio computed as III.3.2 / III.3.1 × 100: enter III.3.2 and III.3.1, never the ratio" in typed.stderr
    wrong = run("indicators", "set", "27-SYT", "III.3.1", "5", "--year", "2024")
    assert "27-SYT does not answer for III.3.1" in wrong.stderr
    assert "not a number" in run("indicators", "set", "27-SYT", "IV.1", "abc", "--year", "2024").stderr
    assert (
        "no shipped pack has an indicator table for 2026"
        in run("indicators", "set", "27-SYT", "IV.1", "110", "--year", "2026").stderr
    )
    done = run("indicators", "set", "27-SYT", "IV.1", "112,5", "--year", "2024")
    assert done.exit_code == 0 and "27-SYT IV.1 2024: 112,5 (entered)" in done.stdout
    assert "(corrected)" in run("indicators", "set", "27-SYT", "IV.1", "110", "--year", "2024").stdout


def test_set_reads_dots_between_thousands_and_prints_what_it_stored(workspace: Path, tmp_path: Path) -> None:
    _setup(tmp_path)
    thousands = run("indicators", "set", "27-SLDTBXH", "III.3.1", "1.500", "--year", "2024")
    assert thousands.exit_code == 0, thousands.output
    assert "27-SLDTBXH III.3.1 2024: 1.500 (entered)" in thousands.stdout
    assert "(unchanged)" in run("indicators", "set", "27-SLDTBXH", "III.3.1", "1500", "--year", "2024").stdout
    point = run("indicators", "set", "27-SYT", "IV.1", "112.5", "--year", "2024")
    assert point.exit_code == 0 and "27-SYT IV.1 2024: 112,5 (entered)" in point.stdout


def test_report_xlsx_and_docx(workspace: Path, tmp_path: Path) -> None:
    _setup(tmp_path)
    for code, value in (("III.3.1", "12"), ("III.3.2", "9"), ("VI.1", "65")):
        assert run("indicators", "set", "27-SLDTBXH", code, value, "--year", "2024").exit_code == 0
    xlsx = run("indicators", "report", "--year", "2024", "--format", "xlsx")
    assert xlsx.exit_code == 0, xlsx.output
    path = Path(xlsx.stdout.strip())
    assert path == workspace / "reports" / "ket-qua-chi-tieu-bac-ninh-2024-2024.xlsx"
    sheet = _active(load_workbook(path))
    title = sheet["A1"].value
    assert isinstance(title, str) and title.startswith("KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU")
    assert [c.value for c in sheet[4]][:6] == [
        "TT",
        "Mục tiêu, chỉ tiêu",
        "Kết quả năm 2024",
        "Đơn vị tính",
        "Đơn vị chủ trì tham mưu thực hiện",
        "Kỳ báo cáo",
    ]
    rows = {sheet.cell(r, 1).value: [c.value for c in sheet[r]] for r in range(5, sheet.max_row + 1)}
    assert rows["III.3.3"][2] == 75 and rows["III.3.3"][6:9] == [
        "≥ 100%",
        "≥ 100%",
        "Chưa đạt mục tiêu 2025 (≥ 100%): còn cách 25 điểm %",
    ]
    assert rows["VI.1"][8] == "Đạt mục tiêu 2025 (≥ 60%)"
    assert rows["II.2"][6] == "≤ 20% (TW ≤ 30%)" and rows["II.2"][8] == "Chưa có số liệu"
    assert sheet.cell(5, 1).font.bold  # Mục tiêu 1, a heading
    out = tmp_path / "bao-cao.docx"
    docx = run("indicators", "report", "--year", "2024", "--format", "docx", "--output", str(out))
    assert docx.exit_code == 0 and docx.stdout.strip() == str(out)
    doc = Document(str(out))
    header, _signature, grid = doc.tables
    assert header.rows[0].cells[0].paragraphs[1].text == "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI"
    assert header.rows[0].cells[0].paragraphs[2].text == ""  # the rule under the name
    assert header.rows[0].cells[0].paragraphs[3].text == "Số: …/BC-SLĐTBXH"
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts and "- Bộ Lao động – Thương binh và Xã hội" in texts
    assert "- 0/15 đơn vị đã nhập đủ số liệu các chỉ tiêu được giao; 3/56 số liệu đã được nhập." in texts
    cells = {r.cells[0].text: [c.text for c in r.cells] for r in grid.rows}
    assert cells["III.3.3"][2:4] == ["75", "%"]
    assert cells["VI.1"][8] == "Đạt mục tiêu 2025 (≥ 60%)"
    assert {r.font.name for r in grid.rows[1].cells[1].paragraphs[0].runs} == {"Times New Roman"}
