"""A trend as a line chart in SVG, drawn on the server and set inline in a page.

Periods run across (oldest on the left), rates (0–100%) up; each line is one series (a level's
reporting rate, its on-time rate…), drawn solid or dashed, with a legend above the chart. Every
point has a <title> a mouse shows; the chart has a <title> and a <desc> a screen reader reads.
No script: the same input gives the same text.

Across, everything is a share of the chart's width (it fills its box, a 360 px phone or a desk);
down, everything is in pixels, so text keeps its size on any screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from rules.numbers import vn_number

LEFT = 12.0  # % of the width: where the plot starts (the axis labels stand before it)
RIGHT = 97.0  # % of the width: where it ends
PLOT = 150  # px: the plot's height (0 to 100%)
LEGEND_ROW = 20  # px: one legend line
TOP = 6
LABEL_SIZE = 12
LABEL_LINE = 14
GRID = (0, 25, 50, 75, 100)
GRID_COLOUR = "#d9dee5"
AXIS_COLOUR = "#8a94a3"
INK = "#1f2933"
MUTED = "#5f6b7a"
# Colours a caller may give its series: distinct for people who tell red from green badly too.
PALETTE = ("#0b5394", "#e8710a", "#1e8e3e", "#8e24aa", "#5f6b7a", "#c5221f")


@dataclass(frozen=True)
class TrendPoint:
    rate: float  # %, 0 to 100
    note: str = ""  # what the point counts, shown with its value ("12 của 15 đơn vị")


@dataclass(frozen=True)
class TrendLine:
    name: str
    points: Sequence[TrendPoint | None]  # one per period; None where the series has no value
    colour: str = PALETTE[0]
    dashed: bool = False


def percent(rate: float) -> str:
    """'12,5%', '100%'."""
    return f"{vn_number(rate, 1)}%"


def _x(index: int, count: int) -> float:
    """The centre of a period's slot, in % of the width."""
    return LEFT + (index + 0.5) * (RIGHT - LEFT) / max(count, 1)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def trend_chart(
    periods: Sequence[str], lines: Sequence[TrendLine], *, title: str, desc: str = "", ident: str = "trend"
) -> str:
    """The chart of ``lines`` over ``periods`` (labels, oldest first; a newline splits a label
    over two lines), titled ``title``; ``desc`` says in words what it shows; ``ident`` keeps the
    ids of its title and description apart from other charts' on the page."""
    count = len(periods)
    legend = TOP + LEGEND_ROW * len(lines)
    plot_top = legend + 12
    plot_bottom = plot_top + PLOT
    height = plot_bottom + 10 + 2 * LABEL_LINE + 6

    def y(rate: float) -> str:
        return _fmt(plot_bottom - PLOT * max(0.0, min(rate, 100.0)) / 100)

    # Wide enough for the period labels not to run into each other (the page scrolls it across).
    longest = max((len(part) for label in periods for part in label.split("\n")), default=0)
    slot = max(44, 7 * longest + 10)
    min_width = round(count * slot * 100 / (RIGHT - LEFT))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" style="min-width: {min_width}px" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" font-family="inherit" font-size="{LABEL_SIZE}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc or title)}</desc>',
    ]
    for index, line in enumerate(lines):
        row = TOP + LEGEND_ROW * index + LEGEND_ROW / 2
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        out.append(
            f'<line x1="1%" x2="7%" y1="{_fmt(row)}" y2="{_fmt(row)}" stroke={quoteattr(line.colour)} '
            f'stroke-width="3"{dash}/>'
        )
        out.append(f'<text x="9%" y="{_fmt(row + 4)}" fill="{INK}" font-size="13">{escape(line.name)}</text>')
    for rate in GRID:
        out.append(
            f'<line x1="{_fmt(LEFT)}%" x2="{_fmt(RIGHT)}%" y1="{y(rate)}" y2="{y(rate)}" '
            f'stroke="{AXIS_COLOUR if rate == 0 else GRID_COLOUR}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{_fmt(LEFT - 1.5)}%" y="{_fmt(float(y(rate)) + 4)}" text-anchor="end" '
            f'fill="{MUTED}">{rate}%</text>'
        )
    for index, label in enumerate(periods):
        x = _fmt(_x(index, count))
        first, _, second = label.partition("\n")
        out.append(
            f'<text x="{x}%" y="{plot_bottom + 10 + LABEL_LINE - 2}" text-anchor="middle" fill="{INK}">'
            f"{escape(first)}</text>"
        )
        if second:
            out.append(
                f'<text x="{x}%" y="{plot_bottom + 10 + 2 * LABEL_LINE - 2}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(second)}</text>'
            )
    for line in lines:
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        previous: tuple[str, str] | None = None
        for index, point in enumerate(line.points[:count]):
            if point is None:
                previous = None
                continue
            here = (_fmt(_x(index, count)), y(point.rate))
            if previous is not None:
                out.append(
                    f'<line x1="{previous[0]}%" y1="{previous[1]}" x2="{here[0]}%" y2="{here[1]}" '
                    f'stroke={quoteattr(line.colour)} stroke-width="2.5"{dash}/>'
                )
            previous = here
        for index, point in enumerate(line.points[:count]):
            if point is None:
                continue
            label = periods[index].replace("\n", " ")
            note = f" ({point.note})" if point.note else ""
            tip = f"{line.name}, {label}: {percent(point.rate)}{note}"
            fill = "#fff" if line.dashed else line.colour
            out.append(
                f'<circle cx="{_fmt(_x(index, count))}%" cy="{y(point.rate)}" r="4.5" fill={quoteattr(fill)} '
                f'stroke={quoteattr(line.colour)} stroke-width="2"><title>{escape(tip)}</title></circle>'
            )
    out.append("</svg>")
    return "\n".join(out)
