"""The Action Month roll-up as a report in the administrative layout (DOCX, template thang-hanh-dong.j2).

It follows the part of Phụ lục 02 (Quyết định 373/QĐ-UBND Bắc Ninh, mục I.4) on the Action Month:
how many activities, of which kinds, how many people took part (men and women), the media
products by kind, the budget; then the units that have not logged (khó khăn) and what to do
(kiến nghị, to the leadership and to the other agencies), in the outline of Phụ lục 02: the
documents issued (a table for the compiling body to fill), the results, an assessment. Written
before the campaign's last day, it says "tính đến ngày …" (the figures so far). Five tables (the
documents, per level, per activity type, media and budget per level, the previous year beside this
one when it has logs) and the chart of ``reports.rollup_chart`` (left out, with a sentence, when
nobody took part yet). Who issues it and to whom: ``reports.rollup_addressing``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from models.rollup import Figures, Rollup
from reports.document import Image, Table
from reports.render import render_document
from reports.rollup_addressing import Addressing
from reports.rollup_chart import participation_chart
from reports.rollup_xlsx import sheet_title
from reports.word import write_docx
from rules.activity import MEDIA_KINDS
from rules.clock import system_clock
from rules.numbers import vn_number

TEMPLATE = "thang-hanh-dong.j2"
CHART_WIDTH_CM = 16.0
MISSING_NAMED = 10  # units that have not logged are named up to this many, else counted per level
MEDIA_HEADINGS = {
    "news": "Tin, bài",
    "broadcast": "Phóng sự, phát thanh, truyền hình",
    "print": "Tờ rơi, ấn phẩm",
    "panel": "Pano, áp phích, băng rôn",
    "online": "Mạng xã hội, video",
}


def _n(value: int) -> str:
    return vn_number(value, 0)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{vn_number(value, 1)}%"


def _change(now: int, before: int) -> str:
    """'+12', '−3' (a minus sign, as printed), '0'."""
    difference = now - before
    return f"+{_n(difference)}" if difference > 0 else f"−{_n(-difference)}" if difference < 0 else "0"


def _people(f: Figures) -> dict[str, str]:
    return {
        "activities": _n(f.activities),
        "male": _n(f.male),
        "female": _n(f.female),
        "participants": _n(f.participants),
        "female_share": _rate(round(100 * f.female / f.participants, 1) if f.participants else None),
    }


def level_table(result: Rollup) -> Table:
    """Bảng 2: per level, the units expected, those that logged, coverage, activities and people."""
    rows = [
        [
            sheet_title(level.level),
            _n(level.expected),
            _n(level.logged),
            _rate(level.coverage),
            _n(level.figures.activities),
            _n(level.figures.male),
            _n(level.figures.female),
            _n(level.figures.participants),
        ]
        for level in result.levels
    ]
    total = result.total
    rows.append(
        [
            "Tổng cộng",
            _n(result.expected),
            _n(result.logged),
            _rate(result.coverage),
            _n(total.activities),
            _n(total.male),
            _n(total.female),
            _n(total.participants),
        ]
    )
    return Table(
        columns=("Cấp", "Đơn vị phải báo cáo", "Đã báo cáo", "Tỷ lệ", "Số hoạt động", "Nam", "Nữ", "Tổng số"),
        rows=rows,
        widths_cm=(2.0, 1.8, 1.7, 1.5, 2.0, 2.4, 2.4, 2.7),  # 16.5 cm; room for 175.000.000 people
        bold_rows=frozenset({len(rows) - 1}),
        centered_columns=frozenset(range(1, 8)),
        caption="Bảng 2. Kết quả theo cấp",
        font_size=11,
    )


def type_table(result: Rollup) -> Table:
    """Bảng 3: per activity type, in the pack's order, with last year's count beside it when known."""
    before = result.previous.by_type if result.previous else None
    rows = []
    for index, item in enumerate(result.types, start=1):
        f = item.figures
        row = [str(index), item.name, _n(f.activities), _n(f.male), _n(f.female), _n(f.participants)]
        if before is not None:
            row.append(_n(before[item.type_id].activities) if item.type_id in before else "0")
        rows.append(row)
    total = result.total
    last = ["", "Tổng cộng", _n(total.activities), _n(total.male), _n(total.female), _n(total.participants)]
    columns = ["TT", "Loại hoạt động", "Số hoạt động", "Nam", "Nữ", "Tổng số người"]
    widths = [1.0, 5.7, 2.1, 2.4, 2.4, 2.9]
    if result.previous is not None:
        last.append(_n(result.previous.figures.activities))
        columns.append(f"Số hoạt động năm {result.previous.year}")
        widths = [1.0, 4.1, 2.1, 2.2, 2.2, 2.6, 2.3]
    rows.append(last)
    return Table(
        columns=columns,
        rows=rows,
        widths_cm=widths,
        bold_rows=frozenset({len(rows) - 1}),
        centered_columns=frozenset(range(2, len(columns))) | {0},
        caption="Bảng 3. Hoạt động và người tham gia theo loại hoạt động",
        font_size=11,
    )


def media_table(result: Rollup) -> Table:
    """Bảng 4: media products by kind and the budget (in millions of đồng), per level."""

    def row(name: str, f: Figures) -> list[str]:
        return [name, *(_n(f.media[k]) for k in MEDIA_KINDS), _n(f.media_total), vn_number(f.budget / 1_000_000, 1)]

    rows = [row(sheet_title(level.level), level.figures) for level in result.levels]
    rows.append(row("Tổng cộng", result.total))
    return Table(
        columns=("Cấp", *(MEDIA_HEADINGS[k] for k in MEDIA_KINDS), "Tổng số sản phẩm", "Kinh phí (triệu đồng)"),
        rows=rows,
        widths_cm=(1.9, 1.9, 2.2, 1.9, 2.1, 1.9, 2.3, 2.3),
        bold_rows=frozenset({len(rows) - 1}),
        centered_columns=frozenset(range(1, 8)),
        caption="Bảng 4. Sản phẩm truyền thông và kinh phí theo cấp",
        font_size=10.5,
    )


def comparison_table(result: Rollup) -> Table | None:
    """Bảng 5: this year beside the previous one, under the unit of the same code; None without logs."""
    previous = result.previous
    if previous is None:
        return None
    now, before = result.total, previous.figures
    pairs = [
        ("Số đơn vị có hoạt động", sum(level.logging_units for level in result.levels), previous.logging_units),
        ("Số hoạt động", now.activities, before.activities),
        ("Người tham gia: nam", now.male, before.male),
        ("Người tham gia: nữ", now.female, before.female),
        ("Người tham gia: tổng số", now.participants, before.participants),
        ("Sản phẩm truyền thông", now.media_total, before.media_total),
        ("Kinh phí (đồng)", now.budget, before.budget),
    ]
    return Table(
        columns=("Nội dung", f"Năm {result.year}", f"Năm {previous.year}", "Tăng (+), giảm (−)"),
        rows=[[name, _n(a), _n(b), _change(a, b)] for name, a, b in pairs],
        widths_cm=(5.4, 3.7, 3.7, 3.7),
        centered_columns=frozenset({1, 2, 3}),
        caption=f"Bảng 5. So sánh với năm {previous.year}",
        font_size=11,
    )


def documents_table(campaign_name: str) -> Table:
    """Phụ lục 02, mục I.1: the documents the body issued, for it to fill in."""
    return Table(
        columns=("TT", "Ký hiệu văn bản", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu nội dung văn bản"),
        rows=[["1", "", "", "", ""], ["2", "", "", "", ""]],
        widths_cm=(1.0, 3.0, 2.6, 3.6, 6.3),
        centered_columns=frozenset({0, 1, 2}),
        caption=f"Bảng 1. Văn bản chỉ đạo, hướng dẫn triển khai {campaign_name}",
        font_size=11,
    )


def rollup_document_context(result: Rollup, addressing: Addressing, today: date | None = None) -> dict[str, Any]:
    """The figures the template words: coverage, activities, people, media, budget, comparison;
    ``today``, the day it is written: before the campaign's last day, the figures are 'so far'."""
    missing = [u for u in result.units if u.expected and not u.logged]
    previous = result.previous
    total = result.total
    return {
        "campaign_name": result.campaign_name,
        "year": result.year,
        "start": result.window.start,
        "end": result.window.end,
        "issuer_name": addressing.issuer.name,
        "where": addressing.where,
        "legal_basis": addressing.legal_basis,
        "expected": _n(result.expected),
        "logged": _n(result.logged),
        "coverage": _rate(result.coverage),
        "levels": [
            {
                "name": sheet_title(level.level),
                "expected": _n(level.expected),
                "logged": _n(level.logged),
                "coverage": _rate(level.coverage),
                "missing": level.expected - level.logged,
            }
            for level in result.levels
            if level.expected
        ],
        "unexpected": sum(level.logging_units for level in result.levels) - result.logged,
        "total": _people(total),
        "types": [{"name": t.name, **_people(t.figures)} for t in result.types if t.figures.activities],
        "chart": total.participants > 0,
        "as_of": today.strftime("%d/%m/%Y") if today is not None and today < result.window.end else None,
        "media_total": _n(total.media_total),
        "media": [f"{name.lower()}: {_n(total.media[k])}" for k, name in MEDIA_KINDS.items() if total.media[k]],
        "budget": _n(total.budget),
        "missing": len(missing),
        "missing_names": [u.name for u in missing] if len(missing) <= MISSING_NAMED else [],
        "previous": None
        if previous is None
        else {
            "year": previous.year,
            "scope_name": previous.scope_name,
            "activities": _change(total.activities, previous.figures.activities),
            "participants": _change(total.participants, previous.figures.participants),
        },
    }


def write_rollup_docx(path: Path, result: Rollup, addressing: Addressing, *, today: date | None = None) -> Path:
    """Write the report of ``result`` to ``path``, issued as ``addressing`` says, as written on
    ``today`` (default: today in Vietnam); returns the path."""
    today = today or system_clock().date()
    tables = {
        "van-ban": documents_table(result.campaign_name),
        "theo-cap": level_table(result),
        "loai-hoat-dong": type_table(result),
        "san-pham": media_table(result),
    }
    if (comparison := comparison_table(result)) is not None:
        tables["so-sanh"] = comparison
    images = {}
    if result.total.participants:  # no chart of zeros: the template says there is nothing to draw
        images["bieu-do"] = Image(
            participation_chart(result),
            width_cm=CHART_WIDTH_CM,
            caption="Biểu đồ. Người tham gia theo giới tính và tỷ lệ đơn vị đã báo cáo, theo cấp",
        )
    document = render_document(
        TEMPLATE,
        rollup_document_context(result, addressing, today),
        issuer=addressing.issuer,
        tables=tables,
        images=images,
        recipients=addressing.recipients,
        signer_title=addressing.signer_title,
        year=today.year,
    )
    return write_docx(document, path)
