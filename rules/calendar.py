"""The Vietnamese working-day calendar and the roll of a last day (Civil Code 2015 art. 148).

Public holidays come from the ``holidays`` package (country VN: lunar Tết, Giỗ Tổ Hùng Vương,
30/4, 1/5, 2/9 and its adjacent day, observed days, and the Saturdays the Prime Minister turns into
working days). What it lacks is data: an overrides file (``rules/packs/calendars/``) adds days off
and working Saturdays, e.g. the 2026 swap for civil servants (Friday 02/01 off, Saturday 10/01
worked; Công văn 12729/VPCP-KGVX). Ngày Văn hóa Việt Nam (24/11, from 2026) is switchable because
its legal force as a day off is not settled.

>>> cal = WorkCalendar()
>>> cal.is_working_day(date(2026, 8, 22))      # a Saturday worked in exchange for Monday 31/08
True
>>> cal.roll(date(2026, 2, 14)).due_date       # Saturday before Tết: next working day is after Tết
datetime.date(2026, 2, 23)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays as holidays_lib

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
CULTURE_DAY = (11, 24)
CULTURE_DAY_NAME = "Ngày Văn hóa Việt Nam"
CULTURE_DAY_FIRST_YEAR = 2026
MAKEUP_WORKDAY_NAME = "Ngày làm việc bù"


class Roll(StrEnum):
    """What happens when the last day of a period is not a working day."""

    NEXT = "next"  # Civil Code art. 148: the period ends at the end of the next working day
    KEEP = "keep"  # the date stands as written
    PREVIOUS = "previous"  # some regimes ask for the working day before


@dataclass(frozen=True)
class DayOverride:
    """A day the ``holidays`` package gets wrong or does not know: off, or worked."""

    day: date
    working: bool
    name: str
    source: str = ""


@dataclass(frozen=True)
class RolledDate:
    nominal_date: date
    due_date: date
    rolled: bool
    reason: str | None  # why the nominal date is not a working day (holiday name, "Chủ nhật")


def end_of_day(day: date) -> datetime:
    """The instant a period ends (art. 148: 24:00 of the last day), as the day's last second.

    >>> end_of_day(date(2026, 11, 24)).isoformat()
    '2026-11-24T23:59:59+07:00'
    """
    return datetime.combine(day, time(23, 59, 59), tzinfo=VIETNAM)


class WorkCalendar:
    """Working days in Vietnam: weekends, public holidays, swap days and data overrides."""

    def __init__(self, overrides: Iterable[DayOverride] = (), *, culture_day: bool = True) -> None:
        self.overrides: dict[date, DayOverride] = {o.day: o for o in overrides}
        self.culture_day = culture_day
        # A calendar is immutable after construction, so per-year tables can be cached.
        self._year = functools.lru_cache(maxsize=64)(self._build_year)
        self._counts = functools.lru_cache(maxsize=64)(self._cumulative)

    def _build_year(self, year: int) -> tuple[dict[date, str], dict[date, str]]:
        """(days off by name, working weekend days by name) for one year."""
        table = holidays_lib.country_holidays("VN", years=year, language="vi")
        off: dict[date, str] = {d: str(name) for d, name in sorted(table.items())}
        worked: dict[date, str] = {}
        for day in getattr(table, "weekend_workdays", ()):
            if day.year == year:
                # The package names the day off "… (thay cho ngày 22/08/2026)": say which it is.
                swapped = next((d for d, n in off.items() if f"{day:%d/%m/%Y}" in n), None)
                worked[day] = f"{MAKEUP_WORKDAY_NAME} cho ngày {swapped:%d/%m/%Y}" if swapped else MAKEUP_WORKDAY_NAME
        culture = date(year, *CULTURE_DAY)
        if self.culture_day and year >= CULTURE_DAY_FIRST_YEAR:
            off.setdefault(culture, CULTURE_DAY_NAME)
        elif not self.culture_day:
            off = {d: n for d, n in off.items() if d != culture and "Văn hóa" not in n}
        for day, override in self.overrides.items():
            if day.year != year:
                continue
            if override.working:
                off.pop(day, None)
                worked[day] = override.name
            else:
                worked.pop(day, None)
                off[day] = override.name
        return off, worked

    def is_working_day(self, day: date) -> bool:
        off, worked = self._year(day.year)
        if day in worked:
            return True
        return day.weekday() < 5 and day not in off

    def reason(self, day: date) -> str | None:
        """Why a day is off (holiday name, or "Thứ Bảy"/"Chủ nhật"), or why a weekend day is worked.

        >>> WorkCalendar().reason(date(2026, 9, 2))
        'Quốc khánh'
        >>> WorkCalendar().reason(date(2026, 11, 23)) is None
        True
        """
        off, worked = self._year(day.year)
        if day in worked:
            return worked[day]
        if day in off:
            return off[day]
        if day.weekday() >= 5:
            return WEEKDAY_NAMES[day.weekday()]
        return None

    def holidays(self, year: int) -> list[tuple[date, str]]:
        """Public holidays and swap days off in a year, in date order (weekends not listed)."""
        off, _worked = self._year(year)
        return sorted(off.items())

    def next_working_day(self, day: date) -> date:
        """The first working day on or after ``day``."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """The last working day on or before ``day``."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def add_working_days(self, start: date, days: int) -> date:
        """The day ``days`` working days after ``start`` (before it when negative); start excluded.

        Zero gives ``start`` rolled forward to a working day.

        >>> WorkCalendar().add_working_days(date(2026, 2, 14), 3)   # across Tết 2026
        datetime.date(2026, 2, 25)
        """
        if days == 0:
            return self.next_working_day(start)
        step = timedelta(days=1 if days > 0 else -1)
        remaining = abs(days)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def _cumulative(self, year: int) -> list[int]:
        """counts[i]: working days from 1 January to the (i+1)-th day of the year, inclusive."""
        counts, total, day = [], 0, date(year, 1, 1)
        while day.year == year:
            total += self.is_working_day(day)
            counts.append(total)
            day += timedelta(days=1)
        return counts

    def _through(self, day: date) -> int:
        """Working days from 1 January of ``day``'s year to ``day``, inclusive."""
        return self._counts(day.year)[day.timetuple().tm_yday - 1]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; when end is before start, minus those in [end, start).

        The inverse of :meth:`add_working_days`: ``between(d, add(d, n)) == n`` for n != 0.

        >>> WorkCalendar().working_days_between(date(2026, 2, 13), date(2026, 2, 25))   # across Tết
        3
        """
        if end < start:
            return -(self.working_days_between(end, start) + self.is_working_day(end) - self.is_working_day(start))
        total = self._through(end) - self._through(start)
        for year in range(start.year, end.year):
            total += self._counts(year)[-1]
        return total

    def days_late(self, due: date, day: date) -> int:
        """Working days a report due on ``due`` is late on ``day``: at least 1 once past due, 0 before.

        >>> due = date(2026, 6, 19)  # a Friday
        >>> [WorkCalendar().days_late(due, date(2026, 6, d)) for d in (19, 20, 22, 23)]
        [0, 1, 1, 2]
        """
        return max(1, self.working_days_between(due, day)) if day > due else 0

    def days_left(self, day: date, due: date) -> int:
        """Working days left on ``day`` until ``due`` (0 on the due day or after).

        >>> WorkCalendar().days_left(date(2026, 6, 15), date(2026, 6, 19))
        4
        """
        return max(0, self.working_days_between(day, due))

    def roll(self, day: date, convention: Roll = Roll.NEXT) -> RolledDate:
        """Move a last day that is not a working day, by Civil Code 2015 art. 148 by default.

        >>> r = WorkCalendar().roll(date(2026, 11, 22))            # a Sunday
        >>> (r.due_date.isoformat(), r.rolled, r.reason)
        ('2026-11-23', True, 'Chủ nhật')
        >>> WorkCalendar().roll(date(2026, 8, 22)).rolled          # a Saturday made a working day
        False
        """
        if self.is_working_day(day) or convention is Roll.KEEP:
            working = self.is_working_day(day)
            return RolledDate(day, day, False, None if working else self.reason(day))
        moved = self.next_working_day(day) if convention is Roll.NEXT else self.previous_working_day(day)
        return RolledDate(day, moved, True, self.reason(day))
