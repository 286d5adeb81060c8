"""The one clock: every "today" and "now" of dunghan comes from here, zone-aware.

Commands take ``--at`` so that any day can be replayed; without it the system clock is read in
Asia/Ho_Chi_Minh (on a UTC server the system date is yesterday until 07:00 Vietnam time).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from rules.calendar import VIETNAM
from rules.errors import FIELD, DunghanError

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


def parse_at(text: str) -> datetime:
    """Read ``--at``: a date (start of that day) or an ISO instant; no zone means Vietnam time.

    >>> parse_at("2026-11-22").isoformat()
    '2026-11-22T00:00:00+07:00'
    >>> parse_at("2026-11-22T01:30:00Z").isoformat()
    '2026-11-22T08:30:00+07:00'
    """
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=VIETNAM)
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise DunghanError(
            f"{FIELD} {text!r}: expected a date (2026-11-22) or an instant (2026-11-22T08:00+07:00)", field="at"
        ) from None
    if instant.tzinfo is None:
        return instant.replace(tzinfo=VIETNAM)
    return instant.astimezone(VIETNAM)


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
