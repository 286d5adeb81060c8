"""A roll-up as a workbook: a summary sheet, then one sheet per level with a row per unit.

Numbers stay numbers (a supervisor sums and filters them), names stay text (never a formula, see
:func:`reports.spreadsheet.text_row`); headings are Vietnamese. Written in
openpyxl's write-only mode, which keeps a national roll-up (some 14,000 unit rows) quick. Each
sheet prints on A4 landscape, one page wide, its heading row repeated and its title in the page
header; one font, thousands separators.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.rollup import Figures, Rollup
from reports.spreadsheet import (
    DECIMAL,
    FONT_NAME,
    HEADER_FILL,
    WHOLE,
    font,
    line_count,
    page_setup,
    row_height,
    text_cell,
)
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
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    wrapped = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
        made = text_cell(sheet, value) if isinstance(value, str) else WriteOnlyCell(sheet, value)
        made.font = font(bold=bold)
        if isinstance(value, int) and not isinstance(value, bool):
            made.number_format = WHOLE
        elif isinstance(value, float):
            made.number_format = DECIMAL
        return made

    def row(sheet: Any, values: Sequence[Any], *, bold: bool = False) -> None:
        sheet.append([cell(sheet, value, bold=bold) for value in values])

    def heading_row(sheet: Any, values: Sequence[Any], widths: Sequence[float], number: int) -> None:
        cells = []
        for value in values:
            made = cell(sheet, value, bold=True)
            made.fill, made.alignment = fill, wrapped
            cells.append(made)
        lines = max((line_count(v, w) for v, w in zip(values, widths, strict=False) if isinstance(v, str)), default=1)
        sheet.row_dimensions[number].height = row_height(lines)
        sheet.append(cells)

    def widths(sheet: Any, values: Sequence[float]) -> None:
        for index, width in enumerate(values, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

    title = f"TỔNG HỢP KẾT QUẢ {result.campaign_name.upper()} NĂM {result.year}"
    summary = book.create_sheet("Tổng hợp")
    page_setup(summary, landscape=True)  # before the first row: a write-only sheet writes its properties then
    summary_widths = [34, 12, 11, 9, *([11] * len(FIGURE_HEADINGS))]
    widths(summary, summary_widths)
    scope = f"{result.under_name} ({result.under})" if result.under else "toàn bộ phạm vi của gói"
    title_cell = cell(summary, title, bold=True)
    title_cell.font = font(bold=True, size=13)
    title_cell.alignment = wrapped
    summary.row_dimensions[1].height = row_height(line_count(title, sum(summary_widths)), 13)
    summary.append([title_cell])
    summary.merged_cells.add(f"A1:{get_column_letter(len(summary_widths))}1")
    summary.append([])
    written = 2
    for label, value in (
        ("Chiến dịch", result.campaign_name),
        ("Năm", str(result.year)),
        ("Thời gian", f"{result.window.start:%d/%m/%Y} – {result.window.end:%d/%m/%Y}"),
        ("Phạm vi", scope),
        ("Cây đơn vị hành chính ngày", f"{result.tree_day:%d/%m/%Y}"),
        ("Gói quy định", result.pack_id),
    ):
        row(summary, [label, value])
        written += 1
    summary.append([])
    first_heading = written + 2
    heading_row(
        summary,
        ["Cấp", "Đơn vị phải báo cáo", "Đã báo cáo", "Tỷ lệ %", *FIGURE_HEADINGS],
        summary_widths,
        first_heading,
    )
    written = first_heading
    for level in result.levels:
        row(summary, [sheet_title(level.level), level.expected, level.logged, level.coverage, *_figures(level.figures)])
    row(summary, ["Tổng cộng", result.expected, result.logged, result.coverage, *_figures(result.total)], bold=True)
    summary.append([])
    written += len(result.levels) + 3
    heading_row(summary, ["Loại hoạt động", "", "", "", *FIGURE_HEADINGS], summary_widths, written)
    for item in result.types:
        row(summary, [item.name, None, None, None, *_figures(item.figures)])
    summary.append([])
    written += len(result.types) + 2
    previous = result.previous
    if previous is None:
        row(summary, [f"Năm {result.year - 1}: chưa có số liệu để so sánh"])
    else:
        where = f" ({previous.scope_name})" if previous.scope_name else ""
        heading_row(
            summary, [f"So sánh với năm {previous.year}{where}", "", "", "", *FIGURE_HEADINGS], summary_widths, written
        )
        row(summary, [f"Năm {result.year}", None, None, None, *_figures(result.total)])
        row(summary, [f"Năm {previous.year}", None, None, None, *_figures(previous.figures)])
        change = [a - b for a, b in zip(_figures(result.total), _figures(previous.figures), strict=True)]
        row(summary, ["Tăng (+) / giảm (−)", None, None, None, *change])

    type_ids = [t.type_id for t in result.types]
    type_names = {t.type_id: t.name for t in result.types}
    for level in result.levels:
        sheet = book.create_sheet(sheet_title(level.level))
        units = sum(1 for unit in result.units if unit.level == level.level)
        # The figures print; the counts by activity type stay on screen (an A4 page cannot hold them).
        page_setup(sheet, landscape=True, heading_rows=(1, 1), columns=4 + len(FIGURE_HEADINGS), rows=units + 1)
        sheet.oddHeader.center.text = f"{title} – {sheet_title(level.level).upper()}"
        sheet.oddHeader.center.font = f"{FONT_NAME},Bold"
        sheet.oddHeader.center.size = 9
        level_widths = [8, 24, 10, 8, *([10] * (len(FIGURE_HEADINGS) + len(type_ids)))]
        widths(sheet, level_widths)
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
            level_widths,
            1,
        )
        count = 0
        for unit in result.units:
            if unit.level != level.level:
                continue
            count += 1
            row(
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
        columns = 4 + len(FIGURE_HEADINGS) + len(type_ids)
        sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{count + 1}"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
