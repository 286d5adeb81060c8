"""How hard a channel is pushed in one run: a rate limit, and a breaker that stops calling a broken one.

Both are shared by the threads that deliver on that channel.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from rules.i18n import _


class RateLimiter:
    """At most ``per_second`` acquisitions a second, spaced evenly (0 or less: no limit)."""

    def __init__(
        self,
        per_second: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._monotonic, self._sleep = monotonic, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


class CircuitBreaker:
    """Trips after ``limit`` failures of a channel in a row; it then stays open for the rest of the run.

    Only failures of the channel itself are counted (an expired token, a server down, failing or
    silent), never a recipient's own refusal, and a delivered message starts the count again. An
    expired token or a dead server will not heal within a run, and without this every message of
    the run would wait its own timeout before failing the same way.

    >>> breaker = CircuitBreaker("Zalo OA", limit=2)
    >>> breaker.failure("HTTP 502"); breaker.success(); breaker.failure("HTTP 502"); print(breaker.down)
    None
    >>> breaker.failure("HTTP 503"); print(breaker.down)
    Zalo OA is off for the rest of this run after 2 failures in a row: HTTP 503
    """

    def __init__(self, label: str, limit: int = 3) -> None:
        self.label, self.limit = label, max(1, limit)
        self._failures = 0
        self._down: str | None = None
        self._lock = threading.Lock()

    @property
    def down(self) -> str | None:
        """None while the channel is used; once tripped, the sentence that says why it is not."""
        return self._down

    def success(self) -> None:
        with self._lock:
            self._failures = 0

    def failure(self, reason: str) -> None:
        with self._lock:
            self._failures += 1
            if self._down is None and self._failures >= self.limit:
                self._down = _(
                    "{channel} is off for the rest of this run after {count} failures in a row: {reason}"
                ).format(channel=self.label, count=self._failures, reason=reason)
