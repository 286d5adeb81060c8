"""A roll-up as a workbook: a summary sheet, then one sheet per level with a row per unit.

Numbers stay numbers (a supervisor sums and filters them), names stay text (never a formula, see
:func:`reports.spreadsheet.text_row`); headings are Vietnamese. Written in
openpyxl's write-only mode, which keeps a national roll-up (some 14,000 unit rows) quick.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.rollup import Figures, Rollup
from reports.spreadsheet import text_cell, text_row
from rules.activity import MEDIA_KINDS
from rules.schema import LEVEL_NAMES, UNIT_TYPE_NAMES

FIGURE_HEADINGS = [
    "Số hoạt động",
    "Người tham gia: nam",
    "Người tham gia: nữ",
    "Người tham gia: tổng số",
    *(f"Sản phẩm: {name}" for name in MEDIA_KINDS.values()),
    "Tổng sản phẩm truyền thông",
    "Kinh phí (đồng)",
]


def _figures(f: Figures) -> list[Any]:
    return [f.activities, f.male, f.female, f.participants, *(f.media[k] for k in MEDIA_KINDS), f.media_total, f.budget]


def sheet_title(level: str) -> str:
    """'commune' → 'Cấp xã'."""
    name = LEVEL_NAMES.get(level, level)
    return name[:1].upper() + name[1:]


def write_rollup_xlsx(path: Path, result: Rollup) -> None:
    """Write ``result`` to ``path``: "Tổng hợp" and a sheet per level."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")

    def heading_row(sheet: Any, values: Sequence[Any]) -> None:
        cells = []
        for value in values:
            cell = text_cell(sheet, value) if isinstance(value, str) else WriteOnlyCell(sheet, value)
            cell.font, cell.fill = bold, fill
            cells.append(cell)
        sheet.append(cells)

    def widths(sheet: Any, values: Sequence[int]) -> None:
        for index, width in enumerate(values, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

    summary = book.create_sheet("Tổng hợp")
    widths(summary, [34, 16, 14, 12, *([14] * len(FIGURE_HEADINGS))])
    scope = f"{result.under} – {result.under_name}" if result.under else "toàn bộ phạm vi của gói"
    for label, value in (
        ("Chiến dịch", result.campaign_name),
        ("Năm", result.year),
        ("Thời gian", f"{result.window.start:%d/%m/%Y} – {result.window.end:%d/%m/%Y}"),
        ("Phạm vi", scope),
        ("Cây đơn vị hành chính ngày", f"{result.tree_day:%d/%m/%Y}"),
        ("Gói quy định", result.pack_id),
    ):
        summary.append(text_row(summary, [label, value]))
    summary.append([])
    heading_row(summary, ["Cấp", "Đơn vị phải báo cáo", "Đã báo cáo", "Tỷ lệ %", *FIGURE_HEADINGS])
    for level in result.levels:
        summary.append(
            text_row(
                summary,
                [sheet_title(level.level), level.expected, level.logged, level.coverage, *_figures(level.figures)],
            )
        )
    summary.append(
        text_row(summary, ["Tổng cộng", result.expected, result.logged, result.coverage, *_figures(result.total)])
    )
    summary.append([])
    heading_row(summary, ["Loại hoạt động", "", "", "", *FIGURE_HEADINGS])
    for item in result.types:
        summary.append(text_row(summary, [item.name, None, None, None, *_figures(item.figures)]))
    summary.append([])
    previous = result.previous
    if previous is None:
        summary.append(text_row(summary, [f"Năm {result.year - 1}: chưa có số liệu để so sánh"]))
    else:
        where = f" ({previous.scope_name})" if previous.scope_name else ""
        heading_row(summary, [f"So sánh với năm {previous.year}{where}", "", "", "", *FIGURE_HEADINGS])
        summary.append(text_row(summary, [f"Năm {result.year}", None, None, None, *_figures(result.total)]))
        summary.append(text_row(summary, [f"Năm {previous.year}", None, None, None, *_figures(previous.figures)]))
        change = [a - b for a, b in zip(_figures(result.total), _figures(previous.figures), strict=True)]
        summary.append(text_row(summary, ["Tăng (+) / giảm (−)", None, None, None, *change]))

    type_ids = [t.type_id for t in result.types]
    type_names = {t.type_id: t.name for t in result.types}
    for level in result.levels:
        sheet = book.create_sheet(sheet_title(level.level))
        widths(sheet, [12, 40, 18, 12, *([14] * (len(FIGURE_HEADINGS) + len(type_ids)))])
        sheet.freeze_panes = "C2"
        heading_row(
            sheet,
            [
                "Mã đơn vị",
                "Đơn vị",
                "Loại đơn vị",
                "Phải báo cáo",
                *FIGURE_HEADINGS,
                *(f"Số hoạt động: {type_names[t]}" for t in type_ids),
            ],
        )
        count = 0
        for unit in result.units:
            if unit.level != level.level:
                continue
            count += 1
            sheet.append(
                text_row(
                    sheet,
                    [
                        unit.code,
                        unit.name,
                        UNIT_TYPE_NAMES.get(unit.unit_type, unit.unit_type),
                        "có" if unit.expected else "không",
                        *_figures(unit.figures),
                        *(unit.activities_by_type.get(t, 0) for t in type_ids),
                    ],
                )
            )
        columns = 4 + len(FIGURE_HEADINGS) + len(type_ids)
        sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{count + 1}"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
