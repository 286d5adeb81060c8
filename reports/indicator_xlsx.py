"""The indicator table of a year as a workbook in the layout of Phụ lục 01: the title over the
table, headings of Mục tiêu and Chỉ tiêu in bold, figures as numbers, targets and progress; printed
on A4 landscape, one page wide, the heading row on every page. A figure is a number cell shown as
the text around it writes figures (:func:`rules.numbers.vn_number`: 1.234.567,5), with the decimals
that one shows."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter

from models.indicators import IndicatorResults
from reports.indicator_rows import columns, printed_rows
from reports.spreadsheet import font, print_ready, shown_digits, text_row, vn_format
from rules.periods import period_name

WIDTHS = (9, 60, 12, 12, 28, 12, 16, 16, 40, 36)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def write_indicator_xlsx(results: IndicatorResults, path: Path) -> Path:
    table = results.table
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.form.id[:31]
    headings = [*columns(table.year), "Ghi chú"]
    last = get_column_letter(len(headings))
    sheet.append(text_row(sheet, [table.form.title.upper()]))
    sheet.append(text_row(sheet, [f"({table.pack.legal_basis[0]}; số liệu {period_name(table.period.label)})"]))
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = font(bold=True, size=13)
    sheet["A2"].font = font(italic=True)
    for cell in (sheet["A1"], sheet["A2"]):
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.append([])
    sheet.append(text_row(sheet, headings))
    for cell in sheet[4]:
        cell.font = font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
    for row in printed_rows(results):
        sheet.append(
            text_row(
                sheet,
                [row.code, row.name, row.value, row.unit, row.agency, row.period, *row.targets, row.progress, row.note],
            )
        )
        for cell in sheet[sheet.max_row]:
            cell.border = _BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.font = font(bold=row.heading)
        if row.value is not None:
            sheet.cell(sheet.max_row, 3).number_format = vn_format(shown_digits(row.value))
            sheet.cell(sheet.max_row, 3).alignment = Alignment(horizontal="right", vertical="top")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C5"
    print_ready(sheet, heading_rows=(4, 4), landscape=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
