"""Column types: instants are stored in UTC and always come back zone-aware."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, overload

from sqlalchemy import DateTime, String, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class Instant(TypeDecorator[datetime]):
    """A timezone-aware instant; SQLite keeps no zone, so everything is written as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: dunghan stores only zone-aware instants")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return _in_utc(value)


def _in_utc(instant: datetime) -> datetime:
    """An instant read back: SQLite keeps no zone (it was written in UTC), PostgreSQL gives one."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def as_stored(column: Any) -> Any:
    """``column`` (a date or an instant) read as the driver returns it, not converted row by row:
    SQLite gives text, PostgreSQL's driver a date or a zone-aware datetime. :class:`Stored` turns
    each distinct value into what the column's type gives, once."""
    return type_coerce(column, String)


class Stored:
    """Dates and instants read with :func:`as_stored`, each distinct value converted once.

    A national read brings back 100,000 obligations sharing a few dozen deadlines; converting
    each row's (SQLAlchemy's processors, then :class:`Instant`'s zone) is most of what reading
    them costs.

    >>> stored = Stored()
    >>> stored.instant("2026-06-19 16:59:59.000000"), stored.day("2026-06-19")
    (datetime.datetime(2026, 6, 19, 16, 59, 59, tzinfo=datetime.timezone.utc), datetime.date(2026, 6, 19))
    """

    def __init__(self) -> None:
        self._dates: dict[Any, date] = {}
        self._instants: dict[Any, datetime] = {}

    def day(self, value: str | date) -> date:
        found = self._dates.get(value)
        if found is None:
            found = self._dates[value] = value if isinstance(value, date) else date.fromisoformat(value)
        return found

    @overload
    def instant(self, value: str | datetime) -> datetime: ...
    @overload
    def instant(self, value: None) -> None: ...
    @overload
    def instant(self, value: str | datetime | None) -> datetime | None: ...
    def instant(self, value: str | datetime | None) -> datetime | None:
        if value is None:
            return None
        found = self._instants.get(value)
        if found is None:
            found = self._instants[value] = _in_utc(
                value if isinstance(value, datetime) else datetime.fromisoformat(value)
            )
        return found
