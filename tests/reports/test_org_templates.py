"""The units and contacts templates as an office fills them in: Vietnamese headings, drop-downs of
the values a column takes (their choices on the sheet Danh mục), the example row never imported;
filled with the Vietnamese names and with dates written dd/mm/yyyy or kept as date cells, they
import; the older files, with the column names as headings and the codes as values, still do."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, select
from sqlmodel import col

from app.org import TreeImported, import_file, write_template
from models.org_rows import CONTACT_COLUMNS, CONTACT_HEADINGS, UNIT_COLUMNS, UNIT_HEADINGS, ImportRefused
from models.tables import Contact, Unit
from reports.org_files import read_org_file
from reports.spreadsheet import FONT_NAME
from reports.table_xlsx import LIST_SHEET
from rules.schema import LEVEL_NAMES, ROLE_NAMES, UNIT_TYPE_NAMES
from tests.reports.rendering import page_title, png_pages, render, shows

DAY_CELL = datetime.fromisoformat("2025-07-01T00:00")  # a date cell as openpyxl reads it: no zone


def _drop_downs(path: Path) -> dict[str, list[str]]:
    """Each drop-down's column heading and the choices it offers, read from the workbook."""
    book = load_workbook(path)
    sheet, lists = book.worksheets[0], book[LIST_SHEET]
    found = {}
    for check in sheet.data_validations.dataValidation:
        assert check.type == "list" and check.showErrorMessage
        target = str(check.sqref).split(":")[0]
        column = "".join(c for c in target if c.isalpha())
        assert target == f"{column}2"  # from the example row down
        source = check.formula1.split("!")[1].replace("$", "")
        assert check.formula1.startswith(f"'{LIST_SHEET}'!")
        values = [c.value for row in lists[source] for c in row]
        found[str(sheet[f"{column}1"].value)] = values
    return found


def test_the_units_template_is_in_vietnamese_with_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "don-vi.xlsx"
    write_template("units", path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    assert book.sheetnames == ["Đơn vị", LIST_SHEET]
    assert [c.value for c in sheet[1]] == [UNIT_HEADINGS[c] for c in UNIT_COLUMNS]
    assert [c.value for c in sheet[2]][:4] == ["# 24-SNV", "Sở Nội vụ tỉnh Bắc Ninh", "cấp tỉnh", "cơ quan thường trực"]
    assert sheet["F2"].value == DAY_CELL and sheet["F2"].number_format == "dd/mm/yyyy"
    assert sheet.column_dimensions["G"].number_format == "dd/mm/yyyy"  # the days typed below too
    assert _drop_downs(path) == {"Cấp": list(LEVEL_NAMES.values()), "Loại đơn vị": list(UNIT_TYPE_NAMES.values())}
    assert int(sheet.page_setup.paperSize or 0) == 9 and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1" and page_title(sheet) == "DANH SÁCH ĐƠN VỊ"

    rendered = render(path, tmp_path)
    first = rendered.pages[0]
    assert rendered.page_of("DANH SÁCH ĐƠN VỊ") == 1
    # the headings; those that wrap, word by word
    words = ("Mã đơn vị", "Tên đơn vị", "Cấp", "Loại đơn vị", "trên", "hiệu", "lực", "Sáp", "nhập")
    assert [word for word in words if not shows(first, word)] == []
    assert shows(first, "01/07/2025") and shows(first, "cơ quan thường trực")
    assert "code" not in first.split() and "valid_from" not in first
    assert rendered.page_of("Ban vì sự tiến bộ của phụ nữ") == 2  # the sheet of choices prints too
    assert len(png_pages(rendered, tmp_path)) == rendered.count
    fonts = {c.font.name for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None}
    assert fonts == {FONT_NAME}


def test_the_contacts_template_is_in_vietnamese_with_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "lien-he.xlsx"
    write_template("contacts", path)
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "Liên hệ"
    assert [c.value for c in sheet[1]] == [CONTACT_HEADINGS[c] for c in CONTACT_COLUMNS]
    choices = _drop_downs(path)
    assert choices["Vai trò"] == list(ROLE_NAMES.values())
    assert choices["Đang dùng"] == ["có", "không"]
    assert "thư điện tử" in choices["Kênh nhận tin"] and "Zalo OA, thư điện tử" in choices["Kênh nhận tin"]
    rendered = render(path, tmp_path)
    assert rendered.page_of("DANH SÁCH NGƯỜI NHẬN THÔNG BÁO CỦA CÁC ĐƠN VỊ") == 1
    assert rendered.page_of("Kênh nhận tin") == 1 and rendered.page_of("cán bộ đầu mối") == 1
    assert rendered.page_of("lãnh đạo cơ quan nhận báo cáo") == 2
    assert len(png_pages(rendered, tmp_path)) == rendered.count


def _filled_units(tmp_path: Path) -> Path:
    path = tmp_path / "don-vi.xlsx"
    write_template("units", path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    sheet.append(["99", "Tỉnh Thử Nghiệm", "cấp tỉnh", "UBND", None, "01/01/2020", None, None])
    sheet.append(
        [
            "99-SNV",
            "Sở Nội vụ tỉnh Thử Nghiệm",
            "cap tinh",
            "cơ quan thường trực",
            "99",
            DAY_CELL.replace(year=2024, month=3),
        ]
    )
    sheet.append(["99001", "Xã Cũ", "cấp xã", "UBND", "99", date(2020, 1, 5), "30/06/2025", None])
    sheet.append(["99002", "Xã Mới", "commune", "people_committee", "99", "1/7/2025", "2030-12-31", None])
    book.save(path)
    return path


def test_units_import_with_days_written_dd_mm_yyyy_or_as_date_cells(tmp_path: Path) -> None:
    units, contacts = read_org_file(_filled_units(tmp_path))
    assert contacts == []
    assert [(u.code, u.level, u.unit_type, u.valid_from, u.valid_to) for u in units] == [
        ("99", "province", "people_committee", date(2020, 1, 1), None),
        ("99-SNV", "province", "standing_agency", date(2024, 3, 1), None),
        ("99001", "commune", "people_committee", date(2020, 1, 5), date(2025, 6, 30)),
        ("99002", "commune", "people_committee", date(2025, 7, 1), date(2030, 12, 31)),
    ]


def test_a_filled_template_imports_into_the_database(engine: Engine, tmp_path: Path) -> None:
    units = _filled_units(tmp_path)
    done = import_file(engine, str(units), today=lambda: date(2026, 1, 1))
    assert isinstance(done, TreeImported) and done.units == 4
    contacts = tmp_path / "lien-he.xlsx"
    write_template("contacts", contacts)
    book = load_workbook(contacts)
    sheet = book.worksheets[0]
    sheet.append(
        ["99-SNV", "Lê Thị Lan", "cán bộ đầu mối", "lan@snv.example", "0987654321", None, "Zalo OA, thư điện tử"]
    )
    sheet.append(["99001", "Trần Văn Bình", "Thủ trưởng đơn vị", "binh@xa.example", None, None, "thư điện tử", "không"])
    book.save(contacts)
    added = import_file(engine, str(contacts), today=lambda: date(2024, 12, 31))
    assert isinstance(added, TreeImported) and added.contacts == 2
    with engine.connect() as connection:
        stored = connection.execute(
            select(col(Unit.code), col(Unit.valid_from), col(Unit.valid_to)).order_by(col(Unit.code))
        ).all()
        people = connection.execute(
            select(col(Contact.name), col(Contact.role), col(Contact.channels), col(Contact.active)).order_by(
                col(Contact.name)
            )
        ).all()
    assert [tuple(r) for r in stored] == [
        ("99", date(2020, 1, 1), None),
        ("99-SNV", date(2024, 3, 1), None),
        ("99001", date(2020, 1, 5), date(2025, 6, 30)),
        ("99002", date(2025, 7, 1), date(2030, 12, 31)),
    ]
    assert [tuple(r) for r in people] == [
        ("Lê Thị Lan", "focal_point", "zalo,email", True),
        ("Trần Văn Bình", "head", "email", False),
    ]


def test_the_older_headings_and_codes_still_import(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(UNIT_COLUMNS))
    sheet.append(["99", "Tỉnh Thử Nghiệm", "province", "people_committee", None, "2020-01-01"])
    contacts = book.create_sheet("contacts")
    contacts.append([c.upper() for c in CONTACT_COLUMNS])
    contacts.append(["99", "Lê Lan", "focal_point", "lan@vidu.example", None, None, "email", "true"])
    book.save(tmp_path / "cu.xlsx")
    units, people = read_org_file(tmp_path / "cu.xlsx")
    assert [(u.code, u.valid_from) for u in units] == [("99", date(2020, 1, 1))]
    assert [(p.unit, p.role, p.channels) for p in people] == [("99", "focal_point", "email")]


def test_a_value_not_in_the_drop_down_names_the_choices(tmp_path: Path) -> None:
    path = tmp_path / "don-vi.xlsx"
    write_template("units", path)
    book = load_workbook(path)
    book.worksheets[0].append(["99", "Tỉnh Thử Nghiệm", "cấp vùng", "UBND", None, "31/02/2020"])
    book.save(path)
    with pytest.raises(ImportRefused) as refused:
        read_org_file(path)
    assert refused.value.errors == [
        "don-vi.xlsx: row 3 (99): level 'cấp vùng' is not one of ministry (Bộ), province (cấp tỉnh), "
        "district (cấp huyện), commune (cấp xã)",
        "don-vi.xlsx: row 3 (99): valid_from '31/02/2020' is not a date written dd/mm/yyyy or YYYY-MM-DD",
    ]


def test_a_csv_with_the_vietnamese_headings_imports_too(tmp_path: Path) -> None:
    path = tmp_path / "lien-he.csv"
    path.write_text(
        "Mã đơn vị,Họ và tên,Vai trò,Thư điện tử,Kênh nhận tin,Đang dùng\n"
        "99,Lê Lan,phó thủ trưởng đơn vị,lan@vidu.example,thư điện tử,không\n",
        encoding="utf-8",
    )
    [], [contact] = read_org_file(path)
    assert (contact.unit, contact.role, contact.channels, contact.active) == ("99", "deputy", "email", False)
