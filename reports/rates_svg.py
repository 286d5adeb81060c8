"""The reporting rates as a bar chart in SVG, drawn on the server and set inline in the page.

One group per row (a level, a report, a period): its label, then two bars out of 100%, the
reporting rate (sent, over the units expected) and the timeliness rate (sent on time, over the
units expected), each with its percentage written the Vietnamese way (12,5%). Every bar has a
<title> a mouse shows; the whole chart has a <title> and a <desc> that a screen reader reads.
No script: the same rows give the same text.

Across, everything is a share of the chart's width (it fills its box, a 360 px phone or a desk);
down, everything is in pixels, so the text keeps its size on any screen.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Protocol
from xml.sax.saxutils import escape, quoteattr

from rules.numbers import vn_number

LEFT = 2.0  # % of the width: where labels and bars start
TRACK = 78.0  # % of the width: a bar at 100%
LABEL_SIZE = 14
LINE = 18  # px: one line of a label
BAR = 16
GAP = 4
ROW_GAP = 14
TOP = 8
CHARS_PER_LINE = 40  # a label wraps at this many characters: 14 px text fits a phone's 320 px
REPORTING_COLOUR = "#0b5394"
TIMELINESS_COLOUR = "#1e8e3e"
TRACK_COLOUR = "#e4e9f0"
GRID_COLOUR = "#8a94a3"
INK = "#1f2933"
MUTED = "#5f6b7a"
REPORTING = "Tỷ lệ nộp"
TIMELINESS = "Tỷ lệ đúng hạn"


class ChartRow(Protocol):
    """What the chart reads of a row (``models.queries.StatusRow`` with a label)."""

    @property
    def label(self) -> str: ...
    @property
    def expected(self) -> int: ...
    @property
    def submitted(self) -> int: ...
    @property
    def on_time(self) -> int: ...
    @property
    def reporting_rate(self) -> float: ...
    @property
    def timeliness_rate(self) -> float: ...


def percent(rate: float) -> str:
    """'12,5%', '100%', '0%'."""
    return f"{vn_number(rate, 1)}%"


def _across(rate: float) -> float:
    """Where a bar of ``rate`` % ends, in % of the chart's width."""
    return LEFT + TRACK * max(0.0, min(rate, 100.0)) / 100


def _text(x: float, y: float, words: str, *, size: int = LABEL_SIZE, fill: str = INK, extra: str = "") -> str:
    """``words`` at ``x`` % across, ``y`` px down."""
    return f'<text x="{x:g}%" y="{y:g}" font-size="{size}" fill="{fill}"{extra}>{escape(words)}</text>'


def _worded(row: ChartRow) -> str:
    """A row as a sentence: its label, then both rates with their counts."""
    return (
        f"{row.label}: {REPORTING.lower()} {percent(row.reporting_rate)} ({row.submitted}/{row.expected} đơn vị), "
        f"{TIMELINESS.lower()} {percent(row.timeliness_rate)} ({row.on_time}/{row.expected} đơn vị)"
    )


def rates_chart(rows: Sequence[ChartRow], *, title: str = "Tỷ lệ nộp và tỷ lệ đúng hạn", key: str = "ty-le") -> str:
    """An SVG of ``rows``: per row its label and two bars (reporting, timeliness) out of 100%.
    ``key`` prefixes the ids the chart's title and description take (unique in the page)."""
    parts: list[str] = []
    y = TOP
    # The legend: two swatches.
    for x, colour, words in ((LEFT, REPORTING_COLOUR, REPORTING), (LEFT + 40, TIMELINESS_COLOUR, TIMELINESS)):
        parts.append(f'<rect x="{x:g}%" y="{y + 2}" width="14" height="14" rx="2" fill="{colour}"/>')
        parts.append(_text(x, y + 14, words, size=13, extra=' dx="20"'))
    y += LINE + 10
    if not rows:
        parts.append(_text(LEFT, y + 14, "Không có số liệu cho lựa chọn này.", fill=MUTED))
        y += LINE + TOP
    for row in rows:
        group = [f'<g class="row"><title>{escape(_worded(row))}</title>']
        for line in textwrap.wrap(row.label, CHARS_PER_LINE) or [""]:
            y += LINE
            group.append(_text(LEFT, y - 4, line))
        y += 2
        for colour, name, rate, count in (
            (REPORTING_COLOUR, REPORTING, row.reporting_rate, row.submitted),
            (TIMELINESS_COLOUR, TIMELINESS, row.timeliness_rate, row.on_time),
        ):
            words = f"{name}: {percent(rate)} ({count}/{row.expected} đơn vị)"
            group.append(
                f'<g class="bar"><title>{escape(words)}</title>'
                f'<rect x="{LEFT:g}%" y="{y}" width="{TRACK:g}%" height="{BAR}" fill="{TRACK_COLOUR}"/>'
                f'<rect x="{LEFT:g}%" y="{y}" width="{_across(rate) - LEFT:.2f}%" height="{BAR}" fill="{colour}"/>'
                + _text(_across(rate), y + BAR - 3, percent(rate), size=13, extra=' dx="6" font-weight="600"')
                + "</g>"
            )
            y += BAR + GAP
        group.append("</g>")
        parts.extend(group)
        y += ROW_GAP
    # The scale at the foot: a line with its ticks.
    foot = y - ROW_GAP + 2
    scale = [
        f'<line x1="{LEFT:g}%" y1="{foot}" x2="{_across(100):g}%" y2="{foot}" stroke="{GRID_COLOUR}"/>',
    ]
    for step in (0, 25, 50, 75, 100):
        x = _across(step)
        scale.append(f'<line x1="{x:g}%" y1="{foot}" x2="{x:g}%" y2="{foot + 5}" stroke="{GRID_COLOUR}"/>')
        anchor = "start" if step == 0 else "end" if step == 100 else "middle"
        scale.append(_text(x, foot + 18, f"{step}%", size=12, fill=MUTED, extra=f' text-anchor="{anchor}"'))
    height = foot + 18 + TOP
    summary = "; ".join(_worded(r) for r in rows) or "Không có số liệu."
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="{height}" '
        f'role="img" aria-labelledby={quoteattr(f"{key}-title {key}-desc")}>'
        f'<title id="{escape(key)}-title">{escape(title)}</title>'
        f'<desc id="{escape(key)}-desc">{escape(summary)}</desc>' + "".join(scale) + "".join(parts) + "</svg>"
    )
