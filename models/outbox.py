"""The outbox: notices are written before they are sent, and every attempt is recorded.

A notice's key is unique; enqueueing a key that is already there does nothing, so the sweep can
run any number of times and nothing is sent twice. Delivery records each result in its own short
transaction as soon as it is known: a process killed mid-batch repeats at most the message that
was in flight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models.database import transaction
from models.tables import Notice
from rules.errors import DunghanError


@dataclass(frozen=True)
class NoticeDraft:
    """A message decided and rendered, not yet in the outbox."""

    key: str
    kind: str
    obligation_id: int | None
    step: str | None
    contact_id: int | None
    recipient_role: str
    recipient_name: str
    channel: str
    address: str
    template: str
    subject: str
    body_text: str
    body_html: str | None
    payload: str | None
    note: str | None
    not_before: datetime


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off after a failure: base × 2^(attempts-1), at most ``ceiling``; dead after ``max_attempts``."""

    max_attempts: int = 6
    base: timedelta = timedelta(minutes=5)
    ceiling: timedelta = timedelta(hours=6)

    def next_try(self, attempts: int, at: datetime) -> datetime:
        """>>> from datetime import UTC
        >>> RetryPolicy().next_try(3, datetime(2026, 11, 23, 0, 0, tzinfo=UTC)).isoformat()
        '2026-11-23T00:20:00+00:00'
        """
        return at + min(self.base * (2 ** max(attempts - 1, 0)), self.ceiling)


@dataclass(frozen=True)
class Attempt:
    """The result of one delivery attempt."""

    ok: bool
    result: str | None = None  # where it went: a file, a message id
    error: str | None = None
    retry: bool = True  # a failure worth trying again (network, rate limit, expired token)
    # False when the message never reached the peer (the session dropped before it, the channel
    # was switched off for the run): no attempt is counted.
    tried: bool = True
    # True when the peer may have delivered it although no answer came (a read timeout): the notice
    # is tried again on its own channel only, never sent on a second one.
    uncertain: bool = False


NOTICE = Notice.__table__  # type: ignore[attr-defined]


def _insert(engine: Engine) -> Any:
    dialect = engine.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(Notice)
    if dialect == "sqlite":
        return sqlite.insert(Notice)
    raise DunghanError(f"the outbox needs SQLite or PostgreSQL, not {dialect}")


def enqueue(engine: Engine, drafts: Sequence[NoticeDraft], *, at: datetime) -> set[str]:
    """Write the drafts whose keys are new; returns those keys. Existing keys are left alone."""
    if not drafts:
        return set()
    new: set[str] = set()
    with transaction(engine) as session:
        for start in range(0, len(drafts), 1000):
            chunk = drafts[start : start + 1000]
            keys = [d.key for d in chunk]
            existing = set(session.scalars(select(Notice.key).where(Notice.key.in_(keys))))
            rows = [
                {**d.__dict__, "status": "pending", "attempts": 0, "created_at": at}
                for d in chunk
                if d.key not in existing
            ]
            if rows:
                # A concurrent sweep may have written some of these since: the database decides.
                session.execute(_insert(engine).values(rows).on_conflict_do_nothing(index_elements=["key"]))
                new.update(r["key"] for r in rows)
    return new


def ready(
    engine: Engine,
    *,
    at: datetime,
    limit: int | None = None,
    ids: Sequence[int] | None = None,
    keys: Sequence[str] | None = None,
) -> list[Notice]:
    """Notices to deliver now: pending or failed, and not held back (quiet hours, back-off)."""
    query = select(Notice).where(Notice.status.in_(("pending", "failed")), Notice.not_before <= at).order_by(Notice.id)
    if ids is not None:
        query = query.where(Notice.id.in_(list(ids)))
    if keys is not None:
        query = query.where(Notice.key.in_(list(keys)))
    if limit:
        query = query.limit(limit)
    with transaction(engine) as session:
        return list(session.scalars(query))


def record(
    engine: Engine, notice: Notice, attempt: Attempt, *, at: datetime, policy: RetryPolicy, fallback: NoticeDraft | None
) -> str:
    """Record one attempt; on a failure with a fallback (Zalo → email), queue it. Returns the new status."""
    attempts = notice.attempts + 1
    # Core, not the ORM session: this runs once per message sent, and the session costs twice as much.
    with engine.begin() as connection:
        values: dict[str, Any] = {"attempts": attempts}
        if attempt.ok:
            values.update(status="sent", sent_at=at, result=attempt.result, last_error=None)
        else:
            fallback_key = None
            if fallback is not None:
                draft = replace(fallback, not_before=at)
                row = {**draft.__dict__, "status": "pending", "attempts": 0, "created_at": at, "fallback_of": notice.id}
                connection.execute(_insert(engine).values([row]).on_conflict_do_nothing(index_elements=["key"]))
                fallback_key = draft.key
            if fallback_key:
                values.update(status="dead", last_error=f"{attempt.error}; sent by email instead")
            elif attempt.retry and attempts < policy.max_attempts:
                values.update(status="failed", last_error=attempt.error, not_before=policy.next_try(attempts, at))
            else:
                values.update(status="dead", last_error=attempt.error)
        connection.execute(update(NOTICE).where(NOTICE.c.id == notice.id).values(**values))
        return str(values["status"])


def notices(
    engine: Engine, *, status: str | None = None, obligation_id: int | None = None, limit: int | None = 200
) -> list[Notice]:
    query = select(Notice).order_by(Notice.id.desc())
    if status:
        query = query.where(Notice.status == status)
    if obligation_id:
        query = query.where(Notice.obligation_id == obligation_id)
    if limit:
        query = query.limit(limit)
    with transaction(engine) as session:
        return list(session.scalars(query))


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return dict(connection.execute(select(Notice.status, func.count()).group_by(Notice.status)).tuples().all())


def requeue(engine: Engine, *, at: datetime, ids: Sequence[int] | None = None, dead: bool = False) -> int:
    """Make failed (and with ``dead``, dead) notices ready now; returns how many."""
    states = ("failed", "dead") if dead else ("failed",)
    query = update(Notice).where(Notice.status.in_(states))
    if ids:
        query = query.where(Notice.id.in_(list(ids)))
    with transaction(engine) as session:
        result = session.execute(query.values(status="pending", not_before=at))
        return int(result.rowcount or 0)
