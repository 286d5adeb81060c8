"""The one clock: every "today" and "now" of dunghan comes from here, zone-aware.

Commands take ``--at`` so that any day can be replayed; without it the system clock is read in
Asia/Ho_Chi_Minh (on a UTC server the system date is yesterday until 07:00 Vietnam time).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from rules.calendar import VIETNAM
from rules.errors import FIELD, DunghanError
from rules.i18n import _

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, in Asia/Ho_Chi_Minh."""
    return datetime.now(UTC).astimezone(VIETNAM)


def fixed_clock(instant: datetime) -> Clock:
    """A clock that always answers ``instant`` (tests, ``--at``)."""
    return lambda: instant


def running_from(start: datetime) -> Clock:
    """A clock that reads ``start`` now and runs on from there (a replayed day that goes on).

    >>> clock = running_from(datetime(2026, 12, 1, 8, tzinfo=VIETNAM))
    >>> 0 <= (clock() - datetime(2026, 12, 1, 8, tzinfo=VIETNAM)).total_seconds() < 60
    True
    """
    offset = start - system_clock()
    return lambda: system_clock() + offset


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DMY_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")


def read_day(text: str) -> date:
    """A day as people write it (dd/mm/yyyy, d/m/yyyy) or as ISO (YYYY-MM-DD); ValueError else.

    >>> read_day("25/11/2026"), read_day("2026-11-25"), read_day(" 5/1/2027 ")
    (datetime.date(2026, 11, 25), datetime.date(2026, 11, 25), datetime.date(2027, 1, 5))
    """
    text = text.strip()
    if found := _DMY.fullmatch(text):
        return date(int(found[3]), int(found[2]), int(found[1]))
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(_("not a day: {text!r}").format(text=text))
    return date.fromisoformat(text)


def read_instant(text: str, *, day_at: time = time(0)) -> datetime:
    """An instant: a day (at ``day_at``), 'dd/mm/yyyy HH:MM', or ISO; no zone means Vietnam time;
    ValueError else.

    >>> read_instant("25/11/2026 07:30").isoformat()
    '2026-11-25T07:30:00+07:00'
    """
    text = text.strip()
    try:
        return datetime.combine(read_day(text), day_at, tzinfo=VIETNAM)
    except ValueError:
        pass
    if found := _DMY_TIME.fullmatch(text):
        day, month, year, hour, minute, second = (int(g or 0) for g in found.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM)
    instant = datetime.fromisoformat(text)
    return instant.replace(tzinfo=VIETNAM) if instant.tzinfo is None else instant.astimezone(VIETNAM)


def parse_at(text: str) -> datetime:
    """Read ``--at``: a date (start of that day) or an instant, as dd/mm/yyyy [HH:MM] or ISO; no
    zone means Vietnam time.

    >>> parse_at("2026-11-22").isoformat()
    '2026-11-22T00:00:00+07:00'
    >>> parse_at("22/11/2026 08:00").isoformat()
    '2026-11-22T08:00:00+07:00'
    >>> parse_at("2026-11-22T01:30:00Z").isoformat()
    '2026-11-22T08:30:00+07:00'
    """
    try:
        return read_instant(text)
    except ValueError:
        raise DunghanError(
            _(
                "{field} {text!r}: needs a day (22/11/2026 or 2026-11-22) or an instant "
                "(22/11/2026 08:00 or 2026-11-22T08:00+07:00)"
            ).format(field=FIELD, text=text),
            field="at",
        ) from None


def clock_for(at: str | None) -> Clock:
    return fixed_clock(parse_at(at)) if at else system_clock


def run_clock(at: str | None) -> tuple[datetime, Clock]:
    """For one run: the instant it is for, read once, and the clock its records are stamped with.

    Replaying an instant (``--at``) stamps everything with that instant; a live run stamps what
    it sends with the system clock, but decides everything for the one instant it started at.

    >>> now, clock = run_clock("2026-12-22T07:30")
    >>> now.isoformat(), clock() == now
    ('2026-12-22T07:30:00+07:00', True)
    """
    if at:
        instant = parse_at(at)
        return instant, fixed_clock(instant)
    return system_clock(), system_clock
