"""The province dashboard, for an admin over their unit: reporting and on-time rates per level and
report over the last periods (a trend chart per report), what is overdue now, the units late most
often, and the notices sent per day and channel."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine

from app.packs_admin import require_admin
from app.worklist import Viewer
from models import dashboard, queries
from models.dashboard import LateUnit, PeriodRate
from models.units import UnitRef
from reports.trend_svg import PALETTE, TrendLine, TrendPoint, percent, trend_chart
from rules.calendar import VIETNAM
from rules.loader import calendar_for
from rules.periods import period_name
from rules.schema import LEVEL_NAMES, LEVEL_ORDER

YEARS_BACK = 2  # the trend reads the periods fallen due since 1 January this many years ago
PERIODS_SHOWN = 6  # per report: the latest periods
LATE_DAYS = 365  # the units late most often: over the deadlines of the last year
LATE_SHOWN = 10
NOTICE_DAYS = 14
CHANNEL_NAMES = {"email": "Thư điện tử", "zalo": "Zalo OA", "zns": "Zalo ZNS", "apprise": "Apprise"}


def short_period(label: str) -> str:
    """A period over two lines for a chart's axis: '2026-H1' → '6 tháng đầu\\n2026'."""
    name = period_name(label)
    for joint in (" năm ", "/"):
        head, found, tail = name.rpartition(joint)
        if found and head:
            return f"{head}\n{tail}"
    if name.startswith("năm học "):
        return f"năm học\n{name.removeprefix('năm học ')}"
    if name.startswith("năm "):
        return f"cả năm\n{name.removeprefix('năm ')}"
    return name


def level_name(level: str) -> str:
    name = LEVEL_NAMES.get(level, level)
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class RateCell:
    """A level's rates in one period of a report (the table under the chart)."""

    row: PeriodRate

    @property
    def level_name(self) -> str:
        return level_name(self.row.level)

    @property
    def period_name(self) -> str:
        return period_name(self.row.period)

    @property
    def reporting_text(self) -> str:
        return percent(self.row.reporting_rate)

    @property
    def timeliness_text(self) -> str:
        return percent(self.row.timeliness_rate)


@dataclass(frozen=True)
class ReportTrend:
    """One report's rates over its latest periods: a chart and its figures."""

    report: str
    report_name: str
    periods: list[str]
    cells: list[RateCell]
    chart: str


def _trend(report: str, rows: list[PeriodRate], index: int) -> ReportTrend:
    first_due: dict[str, date] = {}
    for r in rows:
        first_due[r.period] = min(first_due.get(r.period, r.first_due), r.first_due)
    periods = sorted(first_due, key=lambda p: (first_due[p], p))[-PERIODS_SHOWN:]
    kept = [r for r in rows if r.period in periods]
    levels = sorted({r.level for r in kept}, key=lambda level: -LEVEL_ORDER.get(level, 0))
    lines = []
    for number, level in enumerate(levels):
        colour = PALETTE[number % len(PALETTE)]
        by_period = {r.period: r for r in kept if r.level == level}
        for metric, dashed in (("reporting", False), ("timeliness", True)):
            points: list[TrendPoint | None] = []
            for period in periods:
                cell = by_period.get(period)
                if cell is None:
                    points.append(None)
                elif metric == "reporting":
                    points.append(TrendPoint(cell.reporting_rate, f"đã nộp {cell.submitted}/{cell.expected}"))
                else:
                    points.append(TrendPoint(cell.timeliness_rate, f"đúng hạn {cell.on_time}/{cell.expected}"))
            words = "tỷ lệ nộp" if metric == "reporting" else "tỷ lệ đúng hạn"
            lines.append(TrendLine(f"{level_name(level)} – {words}", points, colour, dashed))
    name = kept[0].report_name if kept else report
    chart = trend_chart(
        [short_period(p) for p in periods],
        lines,
        title=f"{name}: tỷ lệ nộp và tỷ lệ đúng hạn qua các kỳ",
        desc=f"Mỗi cấp một màu; đường liền là tỷ lệ nộp, đường đứt là tỷ lệ đúng hạn; {len(periods)} kỳ gần nhất.",
        ident=f"xu-huong-{index}",
    )
    order = {p: i for i, p in enumerate(periods)}
    cells = [RateCell(r) for r in sorted(kept, key=lambda r: (order[r.period], -LEVEL_ORDER.get(r.level, 0)))]
    return ReportTrend(report, name, periods, cells, chart)


@dataclass(frozen=True)
class LateLine:
    unit: LateUnit

    @property
    def level_name(self) -> str:
        return level_name(self.unit.level)

    @property
    def share_text(self) -> str:
        return percent(self.unit.late_share)


@dataclass(frozen=True)
class NoticeTable:
    """Notices sent per day (the newest first) and channel."""

    days: list[date]
    channels: list[str]
    counts: dict[tuple[date, str], int]

    def count(self, day: date, channel: str) -> int:
        return self.counts.get((day, channel), 0)

    def day_total(self, day: date) -> int:
        return sum(n for (d, _), n in self.counts.items() if d == day)

    def channel_total(self, channel: str) -> int:
        return sum(n for (_, c), n in self.counts.items() if c == channel)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @staticmethod
    def channel_name(channel: str) -> str:
        return CHANNEL_NAMES.get(channel, channel)


@dataclass(frozen=True)
class Dashboard:
    unit: UnitRef
    today: date
    since: date  # the trend's first deadline
    late_since: date
    trends: list[ReportTrend]
    late: list[LateLine]
    notices: NoticeTable
    overdue_now: int
    due_soon: int


def _days(today: date, count: int) -> list[tuple[date, datetime, datetime]]:
    days = [today - timedelta(days=n) for n in range(count - 1, -1, -1)]
    return [
        (
            day,
            datetime.combine(day, time(0), VIETNAM),
            datetime.combine(day + timedelta(days=1), time(0), VIETNAM),
        )
        for day in days
    ]


def dashboard_page(engine: Engine, viewer: Viewer, *, at: datetime) -> Dashboard:
    """'Tổng quan': everything under the admin's unit, as of ``at``.

    Its four counts are independent reads; over the whole country each goes through some 50,000
    obligations, so three of them run in threads beside this one, each on a connection of its own
    (the databases work in parallel; Python only waits)."""
    require_admin(viewer)
    unit = viewer.unit
    today = at.astimezone(VIETNAM).date()
    since = date(today.year - YEARS_BACK, 1, 1)
    late_since = today - timedelta(days=LATE_DAYS)
    days = _days(today, NOTICE_DAYS)
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="dashboard") as pool:
        rates = pool.submit(dashboard.rates_by_period, engine, unit, at=at, since=since)
        late_rows = pool.submit(dashboard.late_units, engine, unit, at=at, since=late_since, limit=LATE_SHOWN)
        # Counted by the database, not listed: the ministry's overdue list has some 50,000 rows.
        open_counts = pool.submit(queries.overdue_counts, engine, at=at, calendar=calendar_for(), under=unit)
        sent = dashboard.notices_per_day(engine, unit, days)
        rows, late_found, (open_now, overdue_now) = rates.result(), late_rows.result(), open_counts.result()
    by_report: dict[str, list[PeriodRate]] = {}
    for r in rows:
        by_report.setdefault(r.report, []).append(r)
    trends = [_trend(report, found, i) for i, (report, found) in enumerate(sorted(by_report.items()))]
    late = [LateLine(u) for u in late_found]
    counts = {(n.day, n.channel): n.sent for n in sent}
    channels = sorted(
        {c for _, c in counts}, key=lambda c: (list(CHANNEL_NAMES).index(c) if c in CHANNEL_NAMES else 9, c)
    )
    notices = NoticeTable([d for d, _, _ in reversed(days)], channels, counts)
    return Dashboard(unit, today, since, late_since, trends, late, notices, overdue_now, open_now - overdue_now)
