"""The rows of an indicator table as Phụ lục 01 prints them, with targets and progress: shared by
the XLSX and the DOCX of ``dunghan indicators report``. Every figure is written by
:func:`rules.numbers.vn_number` (1.234.567,5), in the cells and in the notes alike."""

from __future__ import annotations

from dataclasses import dataclass

from models.indicators import IndicatorResults
from rules.indicators import PERIOD_NAMES, ResultRow, target_text
from rules.numbers import vn_number
from rules.schema import Indicator

TARGET_YEARS = (2025, 2030)


def columns(year: int) -> list[str]:
    return [
        "TT",
        "Mục tiêu, chỉ tiêu",
        f"Kết quả năm {year}",
        "Đơn vị tính",
        "Đơn vị chủ trì tham mưu thực hiện",
        "Kỳ báo cáo",
        *(f"Mục tiêu {y}" for y in TARGET_YEARS),
        "Đánh giá so với mục tiêu",
    ]


@dataclass(frozen=True)
class PrintedRow:
    code: str
    name: str
    value: float | None
    value_text: str
    unit: str
    agency: str
    period: str
    targets: list[str]
    progress: str
    note: str
    heading: bool


def targets_text(indicator: Indicator, year: int) -> str:
    """'≤ 20% (TW ≤ 30%)' for the target of ``year``, or ''."""
    target = next((t for t in indicator.targets if t.year == year), None)
    if target is None:
        return ""
    text = target_text(target, indicator.unit)
    if target.central is not None:
        text += f" (TW {target_text(target, indicator.unit, central=True)})"
    return text


def printed(row: ResultRow, year: int) -> PrintedRow:
    indicator = row.indicator
    if row.value is not None:
        progress = row.progress.text if row.progress else ""
    elif indicator.heading:
        progress = ""
    else:
        progress = "Chưa có số liệu"
    notes = [row.note] if row.note else []
    if row.missing and row.value is not None and row.entered_by:
        # A sum of what came in: the reader is told how many units it covers.
        covered = len(row.entered_by)
        of = vn_number(covered + len(row.missing), 0)
        notes.append(f"tổng của {vn_number(covered, 0)}/{of} đơn vị; chưa nhập: {', '.join(row.missing)}")
    elif row.missing:
        notes.append(f"chưa nhập: {', '.join(row.missing)}")
    return PrintedRow(
        code=indicator.code,
        name=indicator.name,
        value=row.value,
        value_text="" if row.value is None else vn_number(row.value),
        unit=indicator.unit or "",
        agency=indicator.agency or "",
        period=PERIOD_NAMES.get(indicator.period or "", ""),
        targets=[targets_text(indicator, y) for y in TARGET_YEARS],
        progress=progress,
        note="; ".join(notes),
        heading=indicator.heading,
    )


def printed_rows(results: IndicatorResults) -> list[PrintedRow]:
    return [printed(row, results.table.year) for row in results.rows]
