"""Reporting periods and their data cut-off windows (thời gian chốt số liệu).

Decree 09/2019/NĐ-CP art. 12 sets the windows of periodic reports: monthly from the 15th of the
previous month to the 14th; quarterly from the 15th of the month before the quarter to the 14th of
its last month; H1 from 15/12 of the previous year to 14/6; H2 from 15/6 to 14/12; yearly from
15/12 of the previous year to 14/12 (and the 9-month report some provinces add, 15/12 to 14/9).
Statistical reports use calendar periods instead (1st to last day). Weekly (ISO weeks, Monday to
Sunday, labelled ``2026-W36``) and daily periods (``2026-09-02``) have no Decree 09 window: their
cut-off is the period itself.

>>> p = periods_for("quarterly", 2026, cutoff="decree09")[0]
>>> p.label, p.cutoff_start.isoformat(), p.cutoff_end.isoformat()
('2026-Q1', '2025-12-15', '2026-03-14')
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from rules.errors import PeriodError
from rules.i18n import _
from rules.schema import Campaign, CustomCutoff, Cutoff, DayCutoff, Frequency, WeekdayCutoff, day_month

SCHOOL_YEAR_START = (1, 9)  # năm học: 01/09 of the year before to 31/08 of the label year


@dataclass(frozen=True)
class Period:
    label: str  # 2026, 2026-H1, 2026-Q4, 2026-11, 2026-9M, 2025-2026, 2026-W36, 2026-09-02
    frequency: Frequency
    start: date
    end: date
    cutoff_start: date | None
    cutoff_end: date | None


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _decree09(start_year: int, start_month: int, end_year: int, end_month: int) -> tuple[date, date]:
    """15th of the month before the period's first month to the 14th of its last month."""
    y, m = _previous_month(start_year, start_month)
    return date(y, m, 15), date(end_year, end_month, 14)


def _window(frequency: Frequency, year: int) -> list[tuple[str, str, date, date]]:
    """(label, key, start, end) of the calendar periods of a frequency ending in ``year``."""
    if frequency == "yearly":
        return [(str(year), "Y", date(year, 1, 1), date(year, 12, 31))]
    if frequency == "half_yearly":
        return [
            (f"{year}-H1", "H1", date(year, 1, 1), date(year, 6, 30)),
            (f"{year}-H2", "H2", date(year, 7, 1), date(year, 12, 31)),
        ]
    if frequency == "quarterly":
        return [(f"{year}-Q{q}", f"Q{q}", date(year, 3 * q - 2, 1), _month_end(year, 3 * q)) for q in range(1, 5)]
    if frequency == "monthly":
        return [(f"{year}-{m:02d}", str(m), date(year, m, 1), _month_end(year, m)) for m in range(1, 13)]
    if frequency == "nine_months":
        return [(f"{year}-9M", "9M", date(year, 1, 1), date(year, 9, 30))]
    if frequency == "school_year":
        day, month = SCHOOL_YEAR_START
        return [(f"{year - 1}-{year}", "SY", date(year - 1, month, day), date(year, 8, 31))]
    if frequency == "once":
        return [(str(year), "Y", date(year, 1, 1), date(year, 12, 31))]
    if frequency == "weekly":
        weeks = date(year, 12, 28).isocalendar().week  # 28 December is always in the year's last ISO week
        return [(f"{year}-W{w:02d}", f"W{w:02d}", *_iso_week(year, w)) for w in range(1, weeks + 1)]
    if frequency == "daily":
        first = date(year, 1, 1)
        days = [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]
        return [(d.isoformat(), f"{d:%m-%d}", d, d) for d in days]
    raise PeriodError(_("frequency {frequency} has no calendar window").format(frequency=frequency))


def _iso_week(year: int, week: int) -> tuple[date, date]:
    monday = date.fromisocalendar(year, week, 1)
    return monday, monday + timedelta(days=6)


def _custom(cutoff: CustomCutoff, end: date) -> tuple[date, date]:
    end_day, end_month = day_month(cutoff.end)
    start_day, start_month = day_month(cutoff.start)
    cut_end = date(end.year, end_month, end_day)
    start_year = end.year if (start_month, start_day) <= (end_month, end_day) else end.year - 1
    return date(start_year, start_month, start_day), cut_end


def _by_day(day: int, start: date, end: date) -> tuple[date, date]:
    """From the day after ``day`` of the month before ``start`` to ``day`` of ``end``'s month."""
    y, m = _previous_month(start.year, start.month)
    return date(y, m, day + 1), date(end.year, end.month, day)


def _by_weekday(weekday: int, monday: date) -> tuple[date, date]:
    """The seven days ending on ``weekday`` of the week starting ``monday``."""
    cut_end = monday + timedelta(days=weekday)
    return cut_end - timedelta(days=6), cut_end


def periods_for(
    frequency: Frequency,
    year: int,
    *,
    cutoff: str | Cutoff = "decree09",
    only: list[str] | None = None,
    campaign: Campaign | None = None,
) -> list[Period]:
    """The periods of a report whose label year is ``year``, with their cut-off windows.

    >>> [p.label for p in periods_for("half_yearly", 2024, only=["H1"])]
    ['2024-H1']
    >>> periods_for("monthly", 2026, cutoff="calendar")[1].cutoff_end.isoformat()  # February
    '2026-02-28'
    """
    if frequency == "campaign":
        if campaign is None:
            raise PeriodError(_("a campaign report needs its campaign"))
        start_day, start_month = day_month(campaign.window.start)
        end_day, end_month = day_month(campaign.window.end)
        start, end = date(year, start_month, start_day), date(year, end_month, end_day)
        if end < start:
            raise PeriodError(
                _("campaign {campaign}: its window must lie within one year").format(campaign=campaign.id)
            )
        return [Period(str(year), frequency, start, end, start, end)]
    result = []
    for label, key, start, end in _window(frequency, year):
        if only is not None and key not in only:
            continue
        cut_start: date | None
        cut_end: date | None
        if isinstance(cutoff, CustomCutoff):
            cut_start, cut_end = _custom(cutoff, end)
        elif isinstance(cutoff, DayCutoff):
            cut_start, cut_end = _by_day(cutoff.day, start, end)
        elif isinstance(cutoff, WeekdayCutoff):
            cut_start, cut_end = _by_weekday(cutoff.weekday, start)
        elif cutoff == "calendar" or frequency in ("school_year", "weekly", "daily"):
            cut_start, cut_end = start, end
        elif cutoff == "none" or frequency == "once":
            cut_start, cut_end = None, None
        else:
            cut_start, cut_end = _decree09(start.year, start.month, end.year, end.month)
        result.append(Period(label, frequency, start, end, cut_start, cut_end))
    return result


_LABELS: tuple[tuple[str, Frequency], ...] = (
    (r"(?P<y>\d{4})", "yearly"),
    (r"(?P<y>\d{4})-(?P<k>H[12])", "half_yearly"),
    (r"(?P<y>\d{4})-(?P<k>Q[1-4])", "quarterly"),
    (r"(?P<y>\d{4})-(?P<k>0[1-9]|1[0-2])", "monthly"),
    (r"(?P<y>\d{4})-(?P<k>9M)", "nine_months"),
    (r"(?P<p>\d{4})-(?P<y>\d{4})", "school_year"),
    (r"(?P<y>\d{4})-(?P<k>W\d{2})", "weekly"),
    (r"(?P<y>\d{4})-(?P<k>\d{2}-\d{2})", "daily"),
)


def parse_period(label: str, *, cutoff: str | Cutoff = "decree09") -> Period:
    """The period a label names, with its cut-off window (Decree 09's by default).

    >>> p = parse_period("2026-W36")
    >>> p.frequency, p.start.isoformat(), p.end.isoformat()
    ('weekly', '2026-08-31', '2026-09-06')
    >>> parse_period("2026-09-02").end.isoformat()
    '2026-09-02'
    >>> parse_period("2026-03").cutoff_end.isoformat()
    '2026-03-14'
    """
    text = label.strip().upper()
    for pattern, frequency in _LABELS:
        match = re.fullmatch(pattern, text)
        if not match:
            continue
        year = int(match["y"])
        if frequency == "school_year" and int(match["p"]) != year - 1:
            break
        key = match.groupdict().get("k")
        if frequency == "monthly" and key is not None:
            key = str(int(key))
        if frequency == "weekly":
            found = [p for p in periods_for(frequency, year, cutoff=cutoff) if p.label == text]
        elif frequency == "daily":
            try:
                day = date.fromisoformat(text)
            except ValueError:
                break
            found = [Period(text, frequency, day, day, day, day)]
        else:
            only = [key] if key is not None and frequency in ("half_yearly", "quarterly", "monthly") else None
            found = [p for p in periods_for(frequency, year, cutoff=cutoff, only=only) if p.label == text]
        if found:
            return found[0]
        break
    raise PeriodError(
        _(
            "{label!r} is not a period; write 2026, 2026-H1, 2026-Q3, 2026-03, 2026-9M, 2025-2026, "
            "2026-W36 (ISO week) or 2026-09-02 (day)"
        ).format(label=label)
    )


_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def period_name(label: str) -> str:
    """A period label as people write it in a report's title (kỳ báo cáo).

    >>> [period_name(x) for x in ("2026", "2026-H1", "2026-H2", "2026-Q4")]
    ['năm 2026', '6 tháng đầu năm 2026', '6 tháng cuối năm 2026', 'quý IV/2026']
    >>> [period_name(x) for x in ("2026-09", "2026-9M", "2025-2026")]
    ['tháng 09/2026', '9 tháng năm 2026', 'năm học 2025-2026']
    >>> [period_name(x) for x in ("2026-W36", "2026-09-02")]
    ['tuần 36/2026', 'ngày 02/09/2026']
    """
    year, _sep, rest = label.partition("-")
    if rest.startswith("W") and rest[1:].isdigit():
        return f"tuần {rest[1:]}/{year}"
    if len(rest) == 5 and rest[2] == "-":
        return f"ngày {rest[3:]}/{rest[:2]}/{year}"
    if not rest:
        return f"năm {year}"
    if rest in ("H1", "H2"):
        return f"6 tháng {'đầu' if rest == 'H1' else 'cuối'} năm {year}"
    if rest.startswith("Q") and rest[1:] in _ROMAN:
        return f"quý {_ROMAN[rest[1:]]}/{year}"
    if rest == "9M":
        return f"9 tháng năm {year}"
    if len(rest) == 4 and rest.isdigit():
        return f"năm học {label}"
    return f"tháng {rest}/{year}"


_PERIOD_WORDS = {"năm", "tháng", "quý", "kỳ", "học"}


def report_title(report_name: str, period: str) -> str:
    """A report's name with its period, the period's words said once.

    Report names often end with the kind of period ("… phụ nữ năm", "… 6 tháng"): the period
    (as :func:`rules.periods.period_name` writes it) completes them instead of repeating them.

    >>> report_title("Báo cáo công tác phụ nữ năm", "năm 2026")
    'Báo cáo công tác phụ nữ năm 2026'
    >>> report_title("Báo cáo sơ kết 6 tháng đầu năm", "6 tháng đầu năm 2026")
    'Báo cáo sơ kết 6 tháng đầu năm 2026'
    >>> report_title("Báo cáo hoạt động của Ban 6 tháng", "6 tháng đầu năm 2026")
    'Báo cáo hoạt động của Ban 6 tháng đầu năm 2026'
    >>> report_title("Báo cáo kết quả thực hiện Chương trình", "năm 2026")
    'Báo cáo kết quả thực hiện Chương trình năm 2026'
    >>> report_title("Kế hoạch và dự toán kinh phí năm sau", "năm 2026")
    'Kế hoạch và dự toán kinh phí năm sau, kỳ năm 2026'
    """
    name, words = report_name.split(), period.split()
    folded_name, folded_period = [w.casefold() for w in name], [w.casefold() for w in words]
    for k in range(min(len(name), len(words)), 0, -1):
        if folded_name[-k:] == folded_period[:k]:
            return " ".join(name + words[k:])
    if folded_name and folded_name[-1] in _PERIOD_WORDS | {"sau", "trước", "tới"}:
        return f"{report_name.strip()}, kỳ {period}"  # "… năm sau năm 2026" would read as one phrase
    return f"{report_name.strip()} {period}"
