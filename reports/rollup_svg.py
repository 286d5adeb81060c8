"""The Action Month roll-up as a chart in SVG, drawn on the server and set inline in the campaign page.

One group per level (cấp xã, cấp tỉnh, …): its name, then two bars, each under the sentence it
draws: the units that reported out of those expected (out of 100%), and the participants, men and
women side by side in one bar, as long as the level's share of the most numerous level. The same
figures as the PNG of ``reports.rollup_chart`` (the report's chart), laid out for a phone: across,
everything is a share of the chart's width; down, everything is in pixels, so the text keeps its
size on any screen. Every bar has a <title> a mouse shows; the chart has a <title> and a <desc> a
screen reader reads. No script, no date: the same roll-up gives the same text.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from models.rollup import LevelFigures, Rollup
from reports.rollup_chart import COVERAGE_COLOUR, FEMALE_COLOUR, MALE_COLOUR
from reports.rollup_xlsx import sheet_title
from rules.numbers import vn_number

LEFT = 1.0  # % of the width where text and bars start
TRACK = 97.0  # % of the width: a full bar
TOP = 6
LEGEND = 22
NAME = 22  # px: the level's name
CAPTION = 18  # px: the sentence over a bar
BAR = 14
GAP = 8
GROUP_GAP = 14
TRACK_COLOUR = "#e4e9f0"
INK = "#1f2933"
MUTED = "#5f6b7a"


def _text(x: float, y: float, words: str, *, size: int = 13, fill: str = INK, extra: str = "") -> str:
    return f'<text x="{x:g}%" y="{y:g}" font-size="{size}" fill="{fill}"{extra}>{escape(words)}</text>'


def _n(value: float) -> str:
    return vn_number(value, 0)


def coverage_words(level: LevelFigures) -> str:
    """'Đã báo cáo: 74/99 đơn vị (74,7%)', or that none is expected."""
    if level.coverage is None:
        return f"Không có đơn vị phải báo cáo; {_n(level.logging_units)} đơn vị có hoạt động"
    return f"Đã báo cáo: {_n(level.logged)}/{_n(level.expected)} đơn vị ({vn_number(level.coverage, 1)}%)"


def people_words(level: LevelFigures) -> str:
    """'Người tham gia: 9.224 (nam 4.070, nữ 5.154)'."""
    f = level.figures
    return f"Người tham gia: {_n(f.participants)} (nam {_n(f.male)}, nữ {_n(f.female)})"


def rollup_svg(result: Rollup, *, key: str = "thd") -> str:
    """An SVG of ``result``: per level, the coverage and the participants by sex. ``key``
    prefixes the ids of the chart's title and description (unique in the page)."""
    parts: list[str] = []
    y = TOP
    x = LEFT
    for colour, words, width in (
        (MALE_COLOUR, "Nam", 17),
        (FEMALE_COLOUR, "Nữ", 16),
        (COVERAGE_COLOUR, "Đơn vị đã báo cáo", 0),
    ):
        parts.append(f'<rect x="{x:g}%" y="{y + 2}" width="14" height="14" rx="2" fill="{colour}"/>')
        parts.append(_text(x, y + 14, words, extra=' dx="19"'))
        x += width
    y += LEGEND
    most = max((level.figures.male + level.figures.female for level in result.levels), default=0)
    if not result.levels:
        y += CAPTION
        parts.append(_text(LEFT, y, "Chưa có đơn vị nào trong phạm vi này.", fill=MUTED))
    for level in result.levels:
        f = level.figures
        y += NAME
        group = [f'<g class="level"><title>{escape(sheet_title(level.level))}</title>']
        group.append(_text(LEFT, y - 5, sheet_title(level.level), size=14, extra=' font-weight="700"'))
        # The coverage, out of 100%.
        y += CAPTION
        group.append(_text(LEFT, y - 4, coverage_words(level), fill=MUTED))
        share = (level.coverage or 0) / 100
        group.append(
            f'<g class="bar"><title>{escape(coverage_words(level))}</title>'
            f'<rect x="{LEFT:g}%" y="{y}" width="{TRACK:g}%" height="{BAR}" fill="{TRACK_COLOUR}"/>'
            f'<rect x="{LEFT:g}%" y="{y}" width="{TRACK * share:.2f}%" height="{BAR}" fill="{COVERAGE_COLOUR}"/></g>'
        )
        y += BAR + GAP
        # The participants: men then women, out of the most numerous level.
        y += CAPTION
        group.append(_text(LEFT, y - 4, people_words(level), fill=MUTED))
        men = TRACK * f.male / most if most else 0.0
        women = TRACK * f.female / most if most else 0.0
        group.append(
            f'<g class="bar"><title>{escape(people_words(level))}</title>'
            f'<rect x="{LEFT:g}%" y="{y}" width="{TRACK:g}%" height="{BAR}" fill="{TRACK_COLOUR}"/>'
            f'<rect x="{LEFT:g}%" y="{y}" width="{men:.2f}%" height="{BAR}" fill="{MALE_COLOUR}"/>'
            f'<rect x="{LEFT + men:.2f}%" y="{y}" width="{women:.2f}%" height="{BAR}" fill="{FEMALE_COLOUR}"/></g>'
        )
        y += BAR + GROUP_GAP
        group.append("</g>")
        parts.extend(group)
    height = y + TOP
    summary = (
        "; ".join(
            f"{sheet_title(level.level)}: {coverage_words(level)}, {people_words(level)}" for level in result.levels
        )
        or "Không có số liệu."
    )
    title = f"Đơn vị đã báo cáo và người tham gia theo cấp, năm {result.year}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="{height}" '
        f'role="img" aria-labelledby={quoteattr(f"{key}-title {key}-desc")}>'
        f'<title id="{escape(key)}-title">{escape(title)}</title>'
        f'<desc id="{escape(key)}-desc">{escape(summary)}</desc>' + "".join(parts) + "</svg>"
    )
