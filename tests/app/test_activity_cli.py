"""Activity logs and the roll-up as a unit officer and a supervisor use them from the command line."""

import json
from datetime import date
from pathlib import Path

from click.testing import Result
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _tree() -> None:
    assert run("org", "import", "vietnam-provinces", "--province", "24").exit_code == 0
    assert run("org", "import", "bac-ninh-2026-departments.yaml").exit_code == 0


CellInput = str | float | date | None  # what a person types into a cell


def _fill(path: Path, rows: list[list[CellInput]]) -> None:
    """Fill the form as a person would: one row per activity under the headings."""
    book = load_workbook(path)
    sheet = book["Hoạt động"]
    for index, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=index, column=column, value=value)
    book.save(path)


def test_template_fill_import_and_roll_up(workspace: Path, tmp_path: Path) -> None:
    _tree()
    form = tmp_path / "hoat-dong.xlsx"
    made = run("activity", "template", "07375", "--campaign", "thang-hanh-dong", "--year", "2026", "-o", str(form))
    assert made.exit_code == 0, made.output
    book = load_workbook(form)
    assert book.sheetnames == ["Thông tin", "Hoạt động", "Danh mục"]
    info = {r[0]: r[1] for r in book["Thông tin"].iter_rows(values_only=True) if r and r[0]}
    assert info["Mã đơn vị"] == "07375" and info["Năm"] == 2026 and info["Gói quy định"] == "hai-cap-2026"
    sheet = book["Hoạt động"]
    headings = [c.value for c in sheet[1]]
    assert headings[:6] == [
        "Ngày",
        "Loại hoạt động",
        "Tên hoạt động",
        "Số người tham gia: nam",
        "Số người tham gia: nữ",
        "Số người tham gia: tổng số",
    ]
    validations = {v.type: v for v in sheet.data_validations.dataValidation}
    assert validations["list"].formula1 == "='Danh mục'!$A$2:$A$13" and "B2:B301" in str(validations["list"].sqref)
    assert validations["date"].formula1 == "DATE(2026,11,1)" and validations["date"].formula2 == "DATE(2026,12,15)"
    assert validations["whole"].operator == "greaterThanOrEqual"
    names = [r[0] for r in book["Danh mục"].iter_rows(min_row=2, values_only=True)]
    assert names[0] == "Lễ phát động Tháng hành động" and len(names) == 12

    _fill(
        form,
        [
            [date(2026, 11, 15), "Lễ phát động Tháng hành động", "Lễ phát động", 80, 120, 200, 1, 0, 0, 4, 2, 5000000],
            ["20/11/2026", "tap-huan", "Tập huấn cán bộ", 10, 30, None, None, None, 50, None, None, "1.500.000"],
        ],
    )
    imported = run("activity", "import", str(form), "--at", "2026-12-16")
    assert imported.exit_code == 0, imported.output
    assert "imported 2 activities of unit 07375" in imported.stdout
    again = run("activity", "import", str(form), "--at", "2026-12-16")
    assert again.exit_code == 1 and "this very file was imported on 16/12/2026 (2 activities)" in again.stderr

    added = run(
        "activity",
        "add",
        "24-SYT",
        "--campaign",
        "thang-hanh-dong",
        "--date",
        "2026-12-01",
        "--type",
        "truyen-thong-truc-tiep",
        "--title",
        "Truyền thông tại bệnh viện",
        "--male",
        "5",
        "--female",
        "15",
        "--total",
        "20",
        "--media",
        "print=100",
        "--budget",
        "2.000.000",
        "--at",
        "2026-12-02",
    )
    assert added.exit_code == 0, added.output

    table = run("rollup", "thang-hanh-dong", "--year", "2026", "--under", "24")
    assert table.exit_code == 0, table.output
    assert "commune level" in table.stdout and "province level" in table.stdout and "district" not in table.stdout
    assert "2025: no figures to compare with." in table.stdout
    heading, *rows = table.stdout.splitlines()
    assert "bạo lực trên cơ sở giới 2026 trên địa bàn tỉnh Bắc Ninh (15/11/2026 – 15/12/2026" in heading
    total = next(row.split() for row in rows if row.startswith("grand total"))
    assert total[2:] == ["115", "2", "1,7", "3", "95", "165", "260", "157", "8.500.000"]

    data = json.loads(run("rollup", "thang-hanh-dong", "--year", "2026", "--under", "24", "--format", "json").stdout)
    assert data["total"] == {
        "activities": 3,
        "male": 95,
        "female": 165,
        "participants": 260,
        "media": {"news": 1, "broadcast": 0, "print": 150, "panel": 4, "online": 2},
        "media_total": 157,
        "budget": 8_500_000,
    }
    assert (data["expected"], data["logged"]) == (115, 2)
    commune = data["levels"][0]
    assert (commune["level"], commune["expected"], commune["logged"], commune["coverage"]) == ("commune", 99, 1, 1.0)
    unit = next(u for u in data["units"] if u["code"] == "07375")
    assert unit["activities_by_type"] == {"le-phat-dong": 1, "tap-huan": 1}

    xlsx = run("rollup", "thang-hanh-dong", "--year", "2026", "--under", "24", "--format", "xlsx")
    assert xlsx.exit_code == 0, xlsx.output
    written = Path(xlsx.stdout.strip())
    assert written == workspace / "reports" / "thang-hanh-dong-2026-24.xlsx" and written.exists()
    assert load_workbook(written, read_only=True).sheetnames == ["Tổng hợp", "Cấp xã", "Cấp tỉnh"]
    chosen = tmp_path / "out" / "tong-hop.json"
    to_file = run("rollup", "thang-hanh-dong", "--year", "2026", "--format", "json", "--output", str(chosen))
    assert to_file.stdout.strip() == str(chosen) and json.loads(chosen.read_text(encoding="utf-8"))["logged"] == 2


def test_import_refuses_the_whole_file_and_names_rows_and_columns(workspace: Path, tmp_path: Path) -> None:
    _tree()
    form = tmp_path / "hoat-dong.xlsx"
    made = run("activity", "template", "07375", "--campaign", "thang-hanh-dong", "--year", "2026", "-o", str(form))
    assert made.exit_code == 0, made.output
    assert load_workbook(form, read_only=True).sheetnames == ["Thông tin", "Hoạt động", "Danh mục"]
    _fill(
        form,
        [
            [date(2026, 11, 16), "Hội nghị, hội thảo, tọa đàm", "Hội nghị", 10, 10, 20],
            [date(2026, 10, 1), "Thi tìm hiểu", "Thi", 1, 2, 4],
            [date(2026, 11, 20), "Đá bóng", "Giao hữu", -1, 2.5],
            ["mai", "Tập huấn, bồi dưỡng", "Tập huấn nạn nhân sinh năm 1990", 1, 1],
        ],
    )
    result = run("activity", "import", str(form), "--at", "2026-12-16")
    assert result.exit_code == 1
    lines = [line.strip() for line in result.stderr.splitlines()]
    where = "hoat-dong.xlsx: row {} (07375), column {}"
    assert lines == [
        "dunghan: 7 error(s); nothing was imported:",
        where.format(3, "Ngày: 01/10/2026 is outside the campaign ")
        + "(15/11/2026–15/12/2026, from 01/11/2026 with 14 preparation days)",
        where.format(3, "Số người tham gia: tổng số: male 1 + female 2 is 3, not the total 4"),
        where.format(4, "Số người tham gia: nam: -1 is not a whole number of 0 or more"),
        where.format(4, "Số người tham gia: nữ: 2.5 is not a whole number of 0 or more"),
        where.format(4, "Loại hoạt động: 'Đá bóng' is not an activity type of campaign thang-hanh-dong; ")
        + "types: le-phat-dong, mit-tinh, hoi-nghi, tap-huan, thi-tim-hieu, truyen-thong-truc-tiep, tin-bai, "
        "pano-ap-phich, thap-sang-mau-cam, kiem-tra-lien-nganh, ho-tro-nan-nhan, bieu-duong",
        where.format(5, "Ngày: 'mai' is not a date (dd/mm/yyyy)"),
        where.format(5, "Tên hoạt động: holds what looks like a year of birth: ")
        + "logs keep counts only, nothing that identifies a person",
    ]
    data = json.loads(run("rollup", "thang-hanh-dong", "--year", "2026", "--format", "json").stdout)
    assert data["total"]["activities"] == 0


def test_add_refuses_with_sentences(workspace: Path) -> None:
    _tree()
    base = ["activity", "add", "07375", "--campaign", "thang-hanh-dong", "--title", "Mít tinh"]
    late = run(*base, "--date", "2026-12-20", "--type", "mit-tinh", "--at", "2026-12-21")
    assert late.exit_code == 1 and "07375: --date: 20/12/2026 is outside the campaign" in late.stderr
    future = run(*base, "--date", "2026-12-10", "--type", "mit-tinh", "--at", "2026-12-01")
    assert future.exit_code == 1 and "after today (01/12/2026)" in future.stderr
    media = run(*base, "--date", "2026-11-20", "--type", "mit-tinh", "--media", "tv=3", "--at", "2026-12-01")
    assert media.exit_code == 1 and "unknown media kind 'tv'" in media.stderr
    unknown = run(*base[:2], "99999", *base[3:], "--date", "2026-11-20", "--type", "mit-tinh", "--at", "2026-12-01")
    assert unknown.exit_code == 1 and "no unit '99999' valid on 15/12/2026" in unknown.stderr
    huge = run(*base, "--date", "2026-11-20", "--type", "mit-tinh", "--male", "1234567890", "--at", "2026-12-01")
    assert huge.exit_code == 1
    assert "07375: --male: male 1.234.567.890 is more than 10.000.000 for one activity" in huge.stderr
    budget = ["--note", "Kinh phí 150000000 đồng", "--budget", "150000000", "--at", "2026-12-01"]
    assert run(*base, "--date", "2026-11-20", "--type", "mit-tinh", *budget).exit_code == 0
    campaign = run("rollup", "tet", "--year", "2026")
    assert campaign.exit_code == 1 and "no pack applying in 2026 states a campaign 'tet'" in campaign.stderr


def test_roll_up_as_a_report(workspace: Path, tmp_path: Path) -> None:
    from docx import Document

    _tree()
    base = ["activity", "add", "07375", "--campaign", "thang-hanh-dong", "--at", "2026-12-02"]
    added = run(*base, "--date", "2026-11-15", "--type", "le-phat-dong", "--title", "Lễ phát động", "--male", "80")
    assert added.exit_code == 0, added.output
    report = run("rollup", "thang-hanh-dong", "--year", "2026", "--under", "24", "--format", "docx")
    assert report.exit_code == 0, report.output
    written = Path(report.stdout.strip())
    assert written == workspace / "reports" / "thang-hanh-dong-2026-24.docx"
    doc = Document(str(written))
    issuer = [p.text for p in doc.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert issuer == ["UBND TỈNH BẮC NINH", "SỞ NỘI VỤ", "Số: …/BC-SNV"]
    # Bảng 2, the results by level (Bảng 1 lists the documents issued)
    assert [c.text for c in doc.tables[2].rows[-1].cells] == ["Tổng cộng", "115", "1", "0,9%", "1", "80", "0", "80"]
    assert len(doc.inline_shapes) == 1
    chosen = tmp_path / "bao-cao" / "toan-quoc.docx"
    national = run("rollup", "thang-hanh-dong", "--year", "2026", "-f", "docx", "-o", str(chosen))
    assert national.exit_code == 0 and national.stdout.strip() == str(chosen)
    ministry = [p.text for p in Document(str(chosen)).tables[0].rows[0].cells[0].paragraphs if p.text]
    assert ministry == ["BỘ NỘI VỤ", "Số: …/BC-BNV"]
