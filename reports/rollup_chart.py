"""The roll-up as a chart (PNG): participants by sex per level, and the coverage of each level.

Two panels side by side: grouped bars of men and women per level (cấp xã, cấp huyện, cấp tỉnh,
Bộ), and the share of the units expected to log that did (%, 0–100; "—" for a level where no
unit is expected). Labels are Vietnamese, in DejaVu Sans, which ships with matplotlib and has
every letter with its diacritics. The same roll-up gives the same bytes: the PNG carries no
software name or date.
"""

from __future__ import annotations

from io import BytesIO

from models.rollup import Rollup
from reports.rollup_xlsx import sheet_title
from rules.numbers import vn_number

SIZE_INCHES = (10.0, 4.2)
DPI = 120
SIZE_PX = (round(SIZE_INCHES[0] * DPI), round(SIZE_INCHES[1] * DPI))  # (1200, 504)
MALE_COLOUR = "#2b6cb0"
FEMALE_COLOUR = "#dd6b20"  # orange, the colour of the campaign
COVERAGE_COLOUR = "#4a5568"


def participation_chart(result: Rollup) -> bytes:
    """A PNG of ``result``: men and women per level on the left, coverage per level on the right."""
    # matplotlib takes about half a second to import: only when a chart is drawn.
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    levels = result.levels
    names = [sheet_title(level.level) for level in levels]
    positions = list(range(len(levels)))
    whole = FuncFormatter(lambda value, _: vn_number(value, 0))
    with rc_context({"font.family": "DejaVu Sans", "font.size": 10}):
        figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        people, coverage = figure.subplots(1, 2, width_ratios=(3, 2))

        width = 0.38
        men = people.bar(
            [p - width / 2 for p in positions],
            [level.figures.male for level in levels],
            width,
            label="Nam",
            color=MALE_COLOUR,
        )
        women = people.bar(
            [p + width / 2 for p in positions],
            [level.figures.female for level in levels],
            width,
            label="Nữ",
            color=FEMALE_COLOUR,
        )
        for bars in (men, women):
            people.bar_label(bars, labels=[vn_number(b.get_height(), 0) for b in bars], padding=2, fontsize=8)
        people.set_title("Người tham gia theo giới tính")
        people.set_ylabel("Số người")
        people.set_xticks(positions, names)
        people.yaxis.set_major_formatter(whole)
        people.margins(y=0.15)
        people.legend(loc="upper right", frameon=False)

        rates = [level.coverage for level in levels]
        bars = coverage.bar(positions, [rate or 0 for rate in rates], 0.55, color=COVERAGE_COLOUR)
        coverage.bar_label(
            bars,
            labels=[
                "—" if rate is None else f"{vn_number(rate, 1)}%\n({level.logged}/{level.expected})"
                for rate, level in zip(rates, levels, strict=True)
            ],
            padding=2,
            fontsize=8,
        )
        coverage.set_title("Tỷ lệ đơn vị đã báo cáo")
        coverage.set_ylabel("%")
        coverage.set_ylim(0, 118)  # room for the labels above a full bar
        coverage.set_yticks([0, 25, 50, 75, 100])
        coverage.set_xticks(positions, names)

        for axes in (people, coverage):
            axes.spines[["top", "right"]].set_visible(False)
        buffer = BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
