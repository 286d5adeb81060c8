"""Spreadsheets, CSV and YAML org files from someone else: every hostile file is refused in one line
naming the file (and sheet, row, column where known); text is cleaned as it is read; the
templates' example rows never import."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from models.org_rows import CONTACT_COLUMNS, TEMPLATE_SAMPLES, ImportRefused, template_columns
from reports.activity_form import COLUMNS, read_form, write_form
from reports.indicator_form import read_entry_form
from reports.org_files import MAX_CSV_BYTES, read_org_file, template_csv
from reports.spreadsheet import MAX_WORKBOOK_BYTES, WorkbookRefused
from reports.table_xlsx import write_sheet
from rules.activity import PackCampaign, find_campaign
from rules.errors import DunghanError
from rules.loader import shipped_packs
from rules.text import MAX_CELL_CHARS
from tests.models import hostile_files as hostile

MONTH_2026 = find_campaign([p.pack for p in shipped_packs()], "thang-hanh-dong", 2026)


def _choose(pack: str, campaign: str, year: int) -> PackCampaign:
    return MONTH_2026


CellInput = str | float | date | None  # what a person types into a cell


def _fill(path: Path, values: list[CellInput]) -> None:
    """Type ``values`` into the first row of the activity form, as a person would."""
    book = load_workbook(path)
    for column, value in enumerate(values, start=1):
        book["Hoạt động"].cell(2, column, value)
    book.save(path)


def _refusal(call: Callable[..., object], *args: object) -> str:
    with pytest.raises(DunghanError) as caught:
        call(*args)
    return str(caught.value)


# --- workbooks ----------------------------------------------------------------------------------


def test_a_workbook_holding_a_string_of_one_and_a_half_gigabytes_is_refused_unread(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "bom.xlsx", hostile.xlsx_bomb())
    assert path.stat().st_size < 2_000_000
    assert MAX_WORKBOOK_BYTES == 32 * 1024 * 1024
    expected = (
        "bom.xlsx: inflates to 1.4 GiB (xl/worksheets/sheet1.xml: 1.4 GiB), "
        "more than the 32 MiB a workbook may hold: refused"
    )
    assert _refusal(read_org_file, path) == expected
    assert _refusal(read_entry_form, path) == expected
    assert _refusal(read_form, path, _choose) == expected


def test_a_part_that_inflates_past_its_declared_size_is_refused(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "lies.xlsx", hostile.xlsx_lying_size())
    message = _refusal(read_org_file, path)
    assert message == "lies.xlsx: not a readable XLSX workbook (Bad CRC-32 for file 'xl/worksheets/sheet1.xml')"


def test_a_cell_longer_than_excel_allows_names_its_sheet_row_and_column(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "dai.xlsx", hostile.xlsx_long_cell())
    message = _refusal(read_org_file, path)
    assert message == (
        f"dai.xlsx, sheet Sheet: row 2, column B: 100,000 characters, more than the {MAX_CELL_CHARS:,} "
        "a cell may hold: refused"
    )


def test_the_activity_form_has_the_same_limits(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "dai.xlsx", hostile.xlsx_long_cell(activity=True))
    assert _refusal(read_form, path, _choose).startswith(
        "dai.xlsx, sheet Hoạt động: row 2, column B: 100,000 characters"
    )
    path = hostile.write(tmp_path, "xa.xlsx", hostile.xlsx_far_row(activity=True))
    assert _refusal(read_form, path, _choose).startswith("xa.xlsx, sheet Hoạt động: rows past row 100,000")


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("far-cell", "far-cell.xlsx, sheet Sheet: 16,384 columns wide, more than 256: refused"),
        ("far-row", "far-row.xlsx, sheet Sheet: rows past row 100,000, the limit: refused"),
        ("entity-expansion", "entity-expansion.xlsx: not a readable XLSX workbook (limit on input amplification"),
        ("many-members", "many-members.xlsx: 20,009 parts, more than 1,000: not a workbook"),
        ("not-a-zip", "not-a-zip.xlsx: not a readable XLSX workbook (File is not a zip file)"),
    ],
)
def test_other_hostile_workbooks_are_one_line(tmp_path: Path, shape: str, message: str) -> None:
    path = hostile.write(tmp_path, f"{shape}.xlsx", hostile.HOSTILE_XLSX[shape]())
    for refusal in (_refusal(read_org_file, path), _refusal(read_entry_form, path)):
        assert refusal.startswith(message)
        assert "\n" not in refusal


def test_workbook_refusals_are_named_errors(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "bom.xlsx", hostile.xlsx_bomb(MAX_WORKBOOK_BYTES + 1))
    with pytest.raises(WorkbookRefused):
        read_org_file(path)


# --- CSV ----------------------------------------------------------------------------------------


def test_a_csv_row_with_an_extra_column_is_a_row_error(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "lien-he.csv", hostile.csv_extra_column())
    with pytest.raises(ImportRefused) as caught:
        read_org_file(path)
    assert caught.value.errors == ["lien-he.csv: row 3 (24-SNV): 1 value(s) more than the header's 8 columns"]


def test_a_csv_not_in_utf8_is_one_line_with_its_line(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "lien-he.csv", hostile.csv_windows_1258())
    assert _refusal(read_org_file, path) == (
        "lien-he.csv: line 2: not UTF-8 text (byte 0xea); save the file as CSV UTF-8"
    )


def test_a_csv_field_past_the_csv_module_limit_is_a_row_error(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "lien-he.csv", hostile.csv_huge_field())
    with pytest.raises(ImportRefused) as caught:
        read_org_file(path)
    assert caught.value.errors == ["lien-he.csv: row 2: not readable as CSV (field larger than field limit (131072))"]


def test_a_csv_value_longer_than_a_cell_is_a_row_error(tmp_path: Path) -> None:
    text = hostile.CONTACT_HEADER + hostile.GOOD_CONTACT.replace("Nguyễn Văn A", "A" * (MAX_CELL_CHARS + 1))
    path = hostile.write(tmp_path, "lien-he.csv", text.encode())
    with pytest.raises(ImportRefused) as caught:
        read_org_file(path)
    assert caught.value.errors == ["lien-he.csv: row 2: column name: 32,768 characters, more than 32,767"]


def test_a_csv_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "lien-he.csv", hostile.csv_oversized(MAX_CSV_BYTES + 1))
    assert _refusal(read_org_file, path) == "lien-he.csv: the file is larger than 32 MiB, the limit: refused"


def test_the_official_tree_still_reads() -> None:
    units, _ = read_org_file(Path("models/trees/vn-three-tier.csv"))
    assert len(units) > 10_000


# --- YAML org files -----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", sorted(hostile.HOSTILE_YAML))
def test_a_hostile_yaml_org_file_is_one_located_line(tmp_path: Path, shape: str) -> None:
    path = hostile.write(tmp_path, f"{shape}.yaml", hostile.HOSTILE_YAML[shape]())
    with pytest.raises(DunghanError) as caught:
        read_org_file(path)
    assert isinstance(caught.value, ImportRefused)
    [line] = caught.value.errors
    assert line.startswith(f"{shape}.yaml:") and "\n" not in line


def test_yaml_keys_that_are_not_text_are_unknown_columns(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "don-vi.yaml", b"units:\n  - {code: X1, 1: a, null: b}\n")
    with pytest.raises(ImportRefused) as caught:
        read_org_file(path)
    assert caught.value.errors[0] == (
        "don-vi.yaml: row 2 (X1): unknown column(s) 1, None; columns: "
        "code, name, level, type, parent, valid_from, valid_to, merged_into"
    )


# --- text is cleaned as it is read --------------------------------------------------------------


def test_a_contact_name_with_an_excel_line_break_is_one_line(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(CONTACT_COLUMNS))
    sheet.append(["24-SNV", "Nguyễn Thị\nHoa\t", "focal_point", "hoa@vidu.example", None, None, "email", "true"])
    book.save(tmp_path / "lien-he.xlsx")
    _, [contact] = read_org_file(tmp_path / "lien-he.xlsx")
    assert contact.name == "Nguyễn Thị Hoa"


def test_decomposed_vietnamese_from_a_csv_is_composed(tmp_path: Path) -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"
    text = hostile.CONTACT_HEADER + hostile.GOOD_CONTACT.replace("Nguyễn Văn A", f'"{decomposed}\r\n"')
    path = hostile.write(tmp_path, "lien-he.csv", text.encode())
    _, [contact] = read_org_file(path)
    assert contact.name == "Nguyễn Văn A"


def test_activity_titles_and_notes_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "hoat-dong.xlsx"
    write_form(path, chosen=MONTH_2026, year=2026, unit_code="07375", unit_name="Xã Tiên Du")
    _fill(
        path, ["20/11/2026", "le-phat-dong", "Lễ phát động\r\ntại xã", 10, 20, *[None] * (len(COLUMNS) - 6), "ghi\nchú"]
    )
    [row] = read_form(path, _choose).rows
    assert (row.entry.title, row.entry.note) == ("Lễ phát động tại xã", "ghi chú")


# --- the templates' example rows never import ---------------------------------------------------


@pytest.mark.parametrize("kind", ["units", "contacts"])
def test_an_untouched_csv_template_imports_nothing_and_says_so(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(template_csv(kind), encoding="utf-8")
    assert _refusal(read_org_file, path) == (
        f"{kind}.csv: nothing to import: the file holds only the template's example row(s) "
        "(a first cell beginning with #); add your rows below them"
    )


@pytest.mark.parametrize("kind", ["units", "contacts"])
def test_an_untouched_xlsx_template_imports_nothing_and_says_so(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.xlsx"
    columns = [(c, c) for c in template_columns(kind)]
    write_sheet(path, kind, [], columns, samples=[TEMPLATE_SAMPLES[kind]])
    assert "nothing to import" in _refusal(read_org_file, path)


def test_rows_added_below_the_example_import_and_the_example_does_not(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(template_csv("contacts") + hostile.GOOD_CONTACT, encoding="utf-8")
    _, contacts = read_org_file(path)
    assert [c.name for c in contacts] == ["Nguyễn Văn A"]
    sample = next(csv.reader(io.StringIO(template_csv("contacts").splitlines()[1])))
    assert sample[0] == "# 24-SNV" and sample[3].endswith(".example")  # a reserved domain: no one's address


def test_the_contact_sample_is_plainly_an_example() -> None:
    sample = TEMPLATE_SAMPLES["contacts"]
    assert "ví dụ" in sample["name"] and not sample["email"].endswith(".gov.vn")


def test_an_activity_form_row_marked_as_an_example_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "hoat-dong.xlsx"
    write_form(path, chosen=MONTH_2026, year=2026, unit_code="07375", unit_name="Xã Tiên Du")
    _fill(path, ["# 20/11/2026", "le-phat-dong", "Ví dụ", 10, 20])
    assert read_form(path, _choose).rows == []
