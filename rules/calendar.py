"""The Vietnamese working-day calendar and the roll of a last day (Civil Code 2015 art. 148).

Public holidays come from the ``holidays`` package (country VN: lunar Tết, Giỗ Tổ Hùng Vương,
30/4, 1/5, 2/9 and its adjacent day, observed days, and the Saturdays the Prime Minister turns into
working days). What it lacks is data: an overrides file (``rules/packs/calendars/``) lists the
swap days of each year with the document that set them (e.g. Friday 02/01/2026 off, Saturday
10/01/2026 worked; Công văn 12729/VPCP-KGVX) and says up to which year the Tết break is decided.
Ngày Văn hóa Việt Nam (24/11, from 2026) is switchable because its legal force as a day off is not
settled.

For a year after the last decided one, Tết comes from the package's lunar computation alone, and
the government usually adds days or swaps once it decides the break: a date that depends on such a
Tết is an estimate (:meth:`WorkCalendar.estimate_note`).

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

from rules.i18n import _

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
CULTURE_DAY = (11, 24)
CULTURE_DAY_NAME = "Ngày Văn hóa Việt Nam"
CULTURE_DAY_FIRST_YEAR = 2026
MAKEUP_WORKDAY_NAME = "Ngày làm việc bù"
SWAP_DAY_PREFIX = "Ngày nghỉ (thay cho"  # how the holidays package names a swapped day off
LUNAR_NEW_YEAR_NAME = "Tết Nguyên Đán"  # how the holidays package names lunar 1/1
# The days of a Tết a date may depend on: lunar 29/12 (at most two days before 1/1) to lunar 6/1
# (five days after), widened by a week either side for the days off a decision may add or swap.
TET_BEFORE, TET_AFTER, TET_MARGIN = 2, 5, 7


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
    state_only: bool = False  # a swap for civil servants, not a day off under the Labour Code

    @property
    def label(self) -> str:
        """The name with the document that set the day, as a roll's reason shows it.

        >>> swap = DayOverride(date(2024, 4, 29), False, "Nghỉ (hoán đổi với thứ Bảy 04/05/2024)", "Công văn 2450")
        >>> swap.label
        'Nghỉ (hoán đổi với thứ Bảy 04/05/2024, Công văn 2450)'
        >>> DayOverride(date(2030, 3, 4), False, "Nghỉ thử").label
        'Nghỉ thử'
        """
        if not self.source:
            return self.name
        if self.name.endswith(")"):
            return f"{self.name[:-1]}, {self.source})"
        return f"{self.name} ({self.source})"


@dataclass(frozen=True)
class TetDecision:
    """A year's Tết break for civil servants as a document decided it."""

    year: int
    first: date  # first day off of the break (a weekend day included)
    last: date
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

    def __init__(
        self,
        overrides: Iterable[DayOverride] = (),
        *,
        culture_day: bool = True,
        state: bool = True,
        decided_through: int | None = None,
        tet: Iterable[TetDecision] = (),
    ) -> None:
        """``state`` False: the Labour Code's calendar of units outside the state apparatus
        (enterprises, banks, associations), without the swap days the Prime Minister sets for civil
        servants (a day off moved next to a holiday and the Saturday worked for it).

        ``decided_through``: the last year whose Tết break (and swap days) a document has decided;
        dates depending on a later Tết are estimates. None: the calendar makes no such claim."""
        self.state = state
        self.overrides: dict[date, DayOverride] = {o.day: o for o in overrides if state or not o.state_only}
        self.culture_day = culture_day
        self.decided_through = decided_through
        self.tet_decisions: dict[int, TetDecision] = {t.year: t for t in tet}
        # A calendar is immutable after construction, so per-year tables can be cached.
        self._year = functools.lru_cache(maxsize=64)(self._build_year)
        self._counts = functools.lru_cache(maxsize=64)(self._cumulative)

    def _build_year(self, year: int) -> tuple[dict[date, str], dict[date, str]]:
        """(days off by name, working weekend days by name) for one year."""
        table = holidays_lib.country_holidays("VN", years=year, language="vi")
        off: dict[date, str] = {d: str(name) for d, name in sorted(table.items())}
        worked: dict[date, str] = {}
        if not self.state:
            off = {d: n for d, n in off.items() if not n.startswith(SWAP_DAY_PREFIX)}
        for day in getattr(table, "weekend_workdays", ()) if self.state else ():
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
                worked[day] = override.label
            else:
                worked.pop(day, None)
                off[day] = override.label
        return off, worked

    @staticmethod
    @functools.cache
    def lunar_new_year(year: int) -> date:
        """Lunar 1/1 (Tết Nguyên Đán) in ``year``, by the holidays package's Vietnamese lunar calendar.

        >>> WorkCalendar.lunar_new_year(2027)
        datetime.date(2027, 2, 6)
        """
        table = holidays_lib.country_holidays("VN", years=year, language="vi")
        for day, name in table.items():
            if str(name) == LUNAR_NEW_YEAR_NAME:
                return day
        raise LookupError(f"the holidays package gives no {LUNAR_NEW_YEAR_NAME} in {year}")

    def tet_window(self, year: int) -> tuple[date, date]:
        """The days around ``year``'s Tết a computed date may depend on: lunar 29/12 to 6/1, and a
        week either side.

        >>> WorkCalendar().tet_window(2027)
        (datetime.date(2027, 1, 28), datetime.date(2027, 2, 18))
        """
        new_year = self.lunar_new_year(year)
        return (
            new_year - timedelta(days=TET_BEFORE + TET_MARGIN),
            new_year + timedelta(days=TET_AFTER + TET_MARGIN),
        )

    def undecided_tet(self, start: date, end: date | None = None) -> int | None:
        """The year whose Tết, not yet decided, the days from ``start`` to ``end`` (either order)
        touch, or None.

        >>> cal = WorkCalendar(decided_through=2026)
        >>> cal.undecided_tet(date(2027, 2, 1)), cal.undecided_tet(date(2026, 2, 16))
        (2027, None)
        >>> cal.undecided_tet(date(2027, 1, 20), date(2027, 3, 1)), cal.undecided_tet(date(2027, 6, 1))
        (2027, None)
        """
        if self.decided_through is None:
            return None
        low, high = sorted((start, end or start))
        for year in range(max(low.year, self.decided_through + 1), high.year + 1):
            first, last = self.tet_window(year)
            if first <= high and low <= last:
                return year
        return None

    def estimate_note(self, start: date, end: date | None = None) -> str | None:
        """The note a date depending on the days from ``start`` to ``end`` carries when they touch
        a Tết not yet decided (see :meth:`undecided_tet`), else None."""
        year = self.undecided_tet(start, end)
        if year is None:
            return None
        return _("Estimate: the Tết Nguyên đán break of {year} is not decided yet; the deadline may change.").format(
            year=year
        )

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
