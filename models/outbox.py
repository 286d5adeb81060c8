"""The outbox: notices are written before they are sent, claimed before they are sent, and every
attempt is recorded.

A notice's key is unique; enqueueing a key that is already there does nothing, so the sweep can
run any number of times and overlapping sweeps queue each notice once.

Several processes deliver at once (the daily sweep, the hourly retry, a command): each first
*claims* a chunk of notices in one atomic statement, moving them to ``sending`` with itself as
owner and a lease (PostgreSQL ``FOR UPDATE SKIP LOCKED``; SQLite ``BEGIN IMMEDIATE`` and
``UPDATE … RETURNING``). Only the owner records the result, as soon as it is known, before that
sender's next message; the results of several senders that arrive together are written in one
transaction (:class:`Recorder`). A process killed mid-chunk leaves its claims to expire; the next
delivery reclaims them, so nothing is lost and at most the message in flight on each sender is
repeated.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Connection, CursorResult, Engine, and_, bindparam, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlmodel import col

from models.database import read_connection, reading, transaction
from models.tables import Notice
from rules.errors import DunghanError
from rules.i18n import _


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
        factor: int = 2 ** max(attempts - 1, 0)  # int ** int is typed Any; the exponent is never negative
        return at + min(self.base * factor, self.ceiling)


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


def _insert(engine: Engine | Connection) -> Any:
    dialect = engine.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(Notice)
    if dialect == "sqlite":
        return sqlite.insert(Notice)
    raise DunghanError(_("the outbox needs SQLite or PostgreSQL, not {dialect}").format(dialect=dialect))


DRAFT_FIELDS = tuple(f.name for f in fields(NoticeDraft))
RENDERED_FIELDS = ("subject", "body_text", "body_html", "payload")
_COLUMNS_WRITTEN = (*DRAFT_FIELDS, "status", "attempts", "created_at")  # a new notice's columns
_INSTANTS = frozenset({"not_before", "created_at"})


class DraftSource(Protocol):
    """What renders a :class:`LazyDraft`'s message: its subject, bodies and payload on ``channel``.

    ``memo`` lives for one chunk of the outbox's writing: the drafts of one message on several
    channels share it, so the message is rendered once for them all."""

    def parts(self, channel: str, memo: dict[int, Any]) -> tuple[str, str, str | None, str | None]: ...


class LazyDraft(NoticeDraft):
    """A draft whose message is rendered when it is read or written, not when it is decided.

    The sweep decides every notice of the day before it writes any; holding each rendered message
    until then would cost memory in proportion to the whole country. The outbox renders these a
    chunk at a time as it writes them (:func:`enqueue_in`); reading ``subject``, ``body_text``,
    ``body_html`` or ``payload`` renders the message again each time.

    As a dataclass it shows its decided fields and its source only, so that whatever walks
    through dataclasses (Prefect, passing a task's result to the next) neither renders it nor
    copies it.
    """

    def __init__(self, source: DraftSource, **values: Any) -> None:
        for name in DRAFT_FIELDS:
            if name not in RENDERED_FIELDS:
                object.__setattr__(self, name, values[name])
        object.__setattr__(self, "source", source)

    def rendered(self, memo: dict[int, Any] | None = None) -> tuple[str, str, str | None, str | None]:
        return cast(DraftSource, self.__dict__["source"]).parts(self.channel, {} if memo is None else memo)

    @property
    def subject(self) -> str:
        return self.rendered()[0]

    @property
    def body_text(self) -> str:
        return self.rendered()[1]

    @property
    def body_html(self) -> str | None:
        return self.rendered()[2]

    @property
    def payload(self) -> str | None:
        return self.rendered()[3]


@dataclass(frozen=True)
class _LazyShape:
    """The fields :class:`LazyDraft` shows as a dataclass (:func:`dataclasses.fields`, ``replace``)."""

    source: DraftSource
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
    note: str | None
    not_before: datetime


LazyDraft.__dataclass_fields__ = _LazyShape.__dataclass_fields__


def draft_values(draft: NoticeDraft, memo: dict[int, Any] | None = None) -> dict[str, Any]:
    """The outbox columns a draft fills (a lazy one rendered now)."""
    values = {name: draft.__dict__[name] for name in DRAFT_FIELDS if name not in RENDERED_FIELDS}
    if isinstance(draft, LazyDraft):
        values.update(zip(RENDERED_FIELDS, draft.rendered(memo), strict=True))
    else:
        values.update((name, draft.__dict__[name]) for name in RENDERED_FIELDS)
    return values


# SQLite: the same INSERT every time, the rows handed to the driver's ``executemany`` as they are
# (SQLAlchemy would work out every row's parameters again); each instant written as SQLAlchemy
# writes it for SQLite, UTC text, and each distinct one once (a sweep's rows share a few).
_INSERT_SQLITE = (
    "INSERT INTO notice (" + ", ".join('"' + name + '"' for name in _COLUMNS_WRITTEN) + ")"
    " VALUES (" + ", ".join("?" for _name in _COLUMNS_WRITTEN) + ") ON CONFLICT (key) DO NOTHING"
)


def _insert_sqlite(connection: Connection, rows: list[dict[str, Any]]) -> None:
    written: dict[datetime, Any] = {}
    dialect = connection.dialect
    as_stored = NOTICE.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    assert as_stored is not None  # Instant, on SQLite: to UTC, then to SQLAlchemy's text for it

    def instant(value: datetime) -> Any:
        found = written.get(value)
        if found is None:
            found = written[value] = as_stored(value)
        return found

    connection.exec_driver_sql(
        _INSERT_SQLITE,
        [tuple(instant(r[name]) if name in _INSTANTS else r[name] for name in _COLUMNS_WRITTEN) for r in rows],
    )


def enqueue(engine: Engine, drafts: Sequence[NoticeDraft], *, at: datetime) -> set[str]:
    """Write the drafts whose keys are new; returns those keys. Existing keys are left alone.

    The database decides what is new (``ON CONFLICT DO NOTHING … RETURNING``), so two sweeps
    queueing at once each report only the notices they wrote, and the counts add up.
    """
    if not drafts:
        return set()
    with transaction(engine) as session:
        return enqueue_in(session, drafts, at=at)


CHUNK = 1000
BATCH_TEXT = 4_000_000  # characters of messages in one INSERT, at most about (a chunk's may be far more)


def enqueue_in(session: Session, drafts: Sequence[NoticeDraft], *, at: datetime) -> set[str]:
    """:func:`enqueue` inside ``session``'s transaction: the notices are written with the change
    they tell of (a receipt with its submission), or not at all. A chunk at a time: only the new
    ones of a chunk are rendered (lazy drafts), and only one chunk's messages are held at once."""
    new: set[str] = set()
    connection = session.connection()
    _insert(connection)  # the dialect is one the outbox knows
    postgres = connection.dialect.name == "postgresql"

    def write(rows: list[dict[str, Any]]) -> None:
        if postgres:  # another writer may add a key after the look below: the database says what is new
            new.update(_insert_unnest(connection, rows))
        else:  # SQLite: this transaction has held the write lock since it began (BEGIN IMMEDIATE)
            _insert_sqlite(connection, rows)
            new.update(row["key"] for row in rows)

    for start in range(0, len(drafts), CHUNK):
        chunk = drafts[start : start + CHUNK]
        keys = [d.key for d in chunk]
        existing = set(connection.execute(select(NOTICE.c.key).where(NOTICE.c.key.in_(keys))).scalars())
        # A message is rendered once for the drafts that carry it on several channels, which come
        # one after the other: the memo keeps only the current message's.
        memo: dict[int, Any] = {}
        source: object = None
        rows: list[dict[str, Any]] = []
        size = 0
        for d in chunk:
            if d.key in existing:
                continue
            existing.add(d.key)  # the first of a chunk's drafts with one key is the one written
            if (current := d.__dict__.get("source")) is not source:
                memo.clear()
                source = current
            row = {**draft_values(d, memo), "status": "pending", "attempts": 0, "created_at": at}
            rows.append(row)
            size += len(row["body_text"]) + len(row["body_html"] or "") + len(row["payload"] or "")
            if size >= BATCH_TEXT:  # a few long lists of late reports fill a statement alone
                write(rows)
                rows, size = [], 0
        if rows:
            write(rows)
    return new


# PostgreSQL: one INSERT of the whole chunk, each column a single array parameter. SQLAlchemy's
# multi-row VALUES would send a statement with twenty placeholders a row, which psycopg parses
# anew every time (it caches only short statements): more than the insert itself costs. This
# statement is short and the same every time, so it is parsed once per process. The arrays go in
# binary (``%(name)b``): as text, psycopg would quote and escape every message's characters for the
# array literal in Python, a quarter of a busy day's time on PostgreSQL.
_ARRAY_TYPES = {
    "obligation_id": "integer[]",
    "contact_id": "integer[]",
    "attempts": "integer[]",
    "not_before": "timestamptz[]",
    "created_at": "timestamptz[]",
}
_UNNEST_SQL = (
    f"INSERT INTO notice ({', '.join(_COLUMNS_WRITTEN)}) SELECT * FROM unnest("
    + ", ".join(f"%({name})b::{_ARRAY_TYPES.get(name, 'text[]')}" for name in _COLUMNS_WRITTEN)
    + ") ON CONFLICT (key) DO NOTHING RETURNING key"
)


def _instant(value: datetime) -> datetime:
    """As :class:`models.columns.Instant` writes an instant: zone-aware, in UTC."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: dunghan stores only zone-aware instants")
    return value.astimezone(UTC)


def _insert_unnest(connection: Connection, rows: list[dict[str, Any]]) -> list[str]:
    arrays: dict[str, list[Any]] = {
        name: [_instant(r[name]) for r in rows] if name in _INSTANTS else [r[name] for r in rows]
        for name in _COLUMNS_WRITTEN
    }
    return list(connection.exec_driver_sql(_UNNEST_SQL, arrays).scalars())


def _ready_now(at: datetime) -> Any:
    return and_(NOTICE.c.status.in_(("pending", "failed")), NOTICE.c.not_before <= at)


def ready(
    engine: Engine,
    *,
    at: datetime,
    limit: int | None = None,
    ids: Sequence[int] | None = None,
    keys: Sequence[str] | None = None,
) -> list[Notice]:
    """Notices that may be delivered now: pending or failed, and not held back (quiet hours,
    back-off). Only a look: delivery goes through :func:`claim`."""
    query = select(Notice).where(_ready_now(at)).order_by(col(Notice.id))
    if ids is not None:
        query = query.where(col(Notice.id).in_(list(ids)))
    if keys is not None:
        query = query.where(col(Notice.key).in_(list(keys)))
    if limit:
        query = query.limit(limit)
    with reading(engine) as session:
        return list(session.scalars(query))


def claim(
    engine: Engine,
    *,
    owner: str,
    at: datetime,
    now: datetime,
    lease: timedelta,
    limit: int,
    ids: Sequence[int] | None = None,
    keys: Sequence[str] | None = None,
) -> list[Notice]:
    """Take up to ``limit`` notices to deliver, atomically: they move to ``sending`` under ``owner``
    until ``now + lease``. No two owners ever hold the same notice.

    Ready means pending or failed with ``not_before <= at``, and not already tried by this owner
    (a failure waits for the next run instead of looping in this one); a ``sending`` notice whose
    lease ran out (its owner died) is ready again.
    """
    tried_here = and_(NOTICE.c.owner.is_not(None), NOTICE.c.owner == owner)
    expired = and_(NOTICE.c.status == "sending", NOTICE.c.lease_until < now)
    pick = select(NOTICE.c.id).where(or_(and_(_ready_now(at), ~tried_here), expired)).order_by(NOTICE.c.id).limit(limit)
    if ids is not None:
        pick = pick.where(NOTICE.c.id.in_(list(ids)))
    if keys is not None:
        pick = pick.where(NOTICE.c.key.in_(list(keys)))
    if engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    statement = (
        update(Notice)
        .where(NOTICE.c.id.in_(pick.scalar_subquery()))
        .values(status="sending", owner=owner, lease_until=now + lease)
        .returning(Notice)
        .execution_options(synchronize_session=False)
    )
    # The ORM builds the claimed notices from the returned rows, for a third of what validating each
    # row as a model costs (25 against 73 µs a notice); they stay readable once the session ends.
    with Session(engine, expire_on_commit=False) as session, session.begin():  # SQLite: BEGIN IMMEDIATE
        claimed = list(session.scalars(statement))
    return sorted(claimed, key=lambda n: n.id or 0)


@functools.cache
def _record_statement(columns: tuple[str, ...]) -> Any:
    """``UPDATE notice SET … WHERE id = :w_id AND status = 'sending' AND owner = :w_owner``."""
    mine = and_(NOTICE.c.id == bindparam("w_id"), NOTICE.c.status == "sending", NOTICE.c.owner == bindparam("w_owner"))
    return (
        update(NOTICE).where(mine).values({NOTICE.c[c]: bindparam(f"v_{c}", type_=NOTICE.c[c].type) for c in columns})
    )


class Connections:
    """One connection per sending thread, kept for a chunk of a delivering run: on PostgreSQL,
    recording a message's result through it is one statement that commits alone, without taking a
    connection from the pool (and pinging it) for every message. ``close()`` at the end of each
    chunk (its threads have ended) and of the run; a thread's next statement opens one again."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._local = threading.local()
        self._opened: list[Connection] = []
        self._lock = threading.Lock()

    def execute(self, statement: Any, parameters: dict[str, Any]) -> CursorResult[Any]:
        """Run one statement that is atomic alone; a connection the server dropped meanwhile (a
        restart during a long run) is replaced once, as the pool's ping would have."""
        for tries_left in (1, 0):
            connection = self._mine()
            try:
                return connection.execute(statement, parameters)
            except DBAPIError as error:
                self._drop(connection)
                if not error.connection_invalidated or not tries_left:
                    raise
        raise AssertionError("unreachable")

    def _mine(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None or connection.closed:  # closed by ``close()`` at the end of a chunk
            connection = self._local.connection = self.engine.connect()
            with self._lock:
                self._opened.append(connection)
        return connection

    def _drop(self, connection: Connection) -> None:
        self._local.connection = None
        with self._lock:
            if connection in self._opened:
                self._opened.remove(connection)
        connection.close()

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()


def _outcome(
    notice: Notice, attempt: Attempt, *, at: datetime, policy: RetryPolicy, fallback: NoticeDraft | None
) -> tuple[dict[str, Any], NoticeDraft | None]:
    """The columns an attempt sets on its notice, and the fallback to queue with it (or None)."""
    attempts = notice.attempts + (1 if attempt.tried else 0)
    values: dict[str, Any] = {"attempts": attempts, "lease_until": None}
    falls_back = not attempt.ok and fallback is not None and not attempt.uncertain
    if attempt.ok:
        values.update(status="sent", sent_at=at, result=attempt.result, last_error=None)
    elif falls_back:
        values.update(status="dead", last_error=_("{error}; sent by email instead").format(error=attempt.error))
    elif attempt.retry and attempts < policy.max_attempts:
        values.update(status="failed", last_error=attempt.error, not_before=policy.next_try(max(attempts, 1), at))
    else:
        values.update(status="dead", last_error=attempt.error)
    return values, fallback if falls_back else None


def _parameters(notice: Notice, values: dict[str, Any]) -> dict[str, Any]:
    return {"w_id": notice.id, "w_owner": notice.owner, **{f"v_{k}": v for k, v in values.items()}}


def _record_in(
    connection: Connection, notice: Notice, values: dict[str, Any], fallback: NoticeDraft | None, at: datetime
) -> str:
    """Write one attempt's columns (and queue its fallback) inside ``connection``'s transaction."""
    # Core, not the ORM session: this runs once per message sent, and the session costs twice as
    # much; one statement per set of columns, built once, so SQLAlchemy neither builds nor looks up
    # a new one for every message.
    statement = _record_statement(tuple(sorted(values)))
    if not connection.execute(statement, _parameters(notice, values)).rowcount:
        return "lost"
    if fallback is not None:
        row = {
            **draft_values(replace(fallback, not_before=at)),
            "status": "pending",
            "attempts": 0,
            "created_at": at,
            "fallback_of": notice.id,
        }
        connection.execute(_insert(connection).values([row]).on_conflict_do_nothing(index_elements=["key"]))
    return str(values["status"])


def record(
    engine: Engine,
    notice: Notice,
    attempt: Attempt,
    *,
    at: datetime,
    policy: RetryPolicy,
    fallback: NoticeDraft | None,
    connections: Connections | None = None,
) -> str:
    """Record one attempt on a claimed notice; on a failure with a fallback (Zalo → email), queue it.

    Returns the new status, or ``lost`` when the notice is no longer this owner's (its lease ran
    out and another process reclaimed it: the result is that process's to record). An attempt
    that never reached the peer (``tried=False``) is not counted; an uncertain one never falls back.
    """
    values, falling = _outcome(notice, attempt, at=at, policy=policy, fallback=fallback)
    if connections is not None and falling is None and engine.dialect.name == "postgresql":
        # One statement, atomic alone: one round trip that commits, instead of BEGIN, the UPDATE
        # and COMMIT, each waited for (once per message sent). SQLite's transactions cost no trip.
        statement = _record_statement(tuple(sorted(values)))
        return str(values["status"]) if connections.execute(statement, _parameters(notice, values)).rowcount else "lost"
    with engine.begin() as connection:
        return _record_in(connection, notice, values, falling, at)


# PostgreSQL: the attempts of several senders in one statement that commits alone, each column an
# array. A column an attempt does not set keeps its value (``sent_at`` and ``result`` are set only
# by a success, ``not_before`` only by a retry), as the one-notice statements leave it.
_RECORD_MANY = text(
    "UPDATE notice AS n SET status = v.status, attempts = v.attempts, lease_until = NULL,"
    " sent_at = CASE WHEN v.status = 'sent' THEN v.at ELSE n.sent_at END,"
    " result = CASE WHEN v.status = 'sent' THEN v.result ELSE n.result END,"
    " last_error = v.last_error, not_before = COALESCE(v.not_before, n.not_before)"
    " FROM unnest(CAST(:ids AS integer[]), CAST(:owners AS text[]), CAST(:statuses AS text[]),"
    " CAST(:attempts AS integer[]), CAST(:ats AS timestamptz[]), CAST(:results AS text[]),"
    " CAST(:errors AS text[]), CAST(:not_befores AS timestamptz[]))"
    " AS v(id, owner, status, attempts, at, result, last_error, not_before)"
    " WHERE n.id = v.id AND n.owner = v.owner AND n.status = 'sending' RETURNING n.id"
)


@dataclass
class _Result:
    notice: Notice
    attempt: Attempt
    at: datetime
    fallback: NoticeDraft | None
    status: str | None = None
    error: BaseException | None = None


class Recorder:
    """Records the attempts of a delivering run's sending threads, those that arrive together in
    one transaction (a group commit).

    A sender hands over its result and waits until it is written before it sends its next message,
    so a process killed at any instant leaves at most one message per sender sent and unrecorded
    (repeated by the next run), as recording each alone did. While one batch is being written, the
    results that arrive wait for it and go together in the next one, written by the first of
    their senders: one transaction, one lock on SQLite and one statement on PostgreSQL for as many
    messages as there are senders, instead of one for each. ``batches`` counts the transactions.
    """

    def __init__(self, engine: Engine, *, policy: RetryPolicy, connections: Connections | None = None) -> None:
        self.engine, self.policy, self.connections = engine, policy, connections
        self.batches = 0
        self._turn = threading.Condition()
        self._waiting: list[_Result] = []
        self._writing = False

    def waiting(self) -> int:
        """Results handed over and not yet being written."""
        with self._turn:
            return len(self._waiting)

    def record(self, notice: Notice, attempt: Attempt, *, at: datetime, fallback: NoticeDraft | None) -> str:
        """As :func:`record`: the notice's new status, or ``lost``, once it is written."""
        mine = _Result(notice, attempt, at, fallback)
        with self._turn:
            self._waiting.append(mine)
            while mine.status is None and mine.error is None:
                if self._writing:
                    self._turn.wait()
                    continue
                batch, self._waiting, self._writing = self._waiting, [], True
                self._turn.release()
                try:
                    self._write(batch)
                except BaseException as error:  # nobody's result in the batch is known to be written
                    for result in batch:
                        if result.status is None:
                            result.error = error
                finally:
                    self._turn.acquire()
                    self._writing = False
                    self.batches += 1
                    self._turn.notify_all()
        if mine.error is not None:
            raise mine.error
        return cast(str, mine.status)

    def _write(self, batch: list[_Result]) -> None:
        outcomes = [
            (
                result,
                *_outcome(result.notice, result.attempt, at=result.at, policy=self.policy, fallback=result.fallback),
            )
            for result in batch
        ]
        if self.connections is None or self.engine.dialect.name != "postgresql":
            with self.engine.begin() as connection:  # SQLite: one BEGIN IMMEDIATE for the batch
                statuses = [_record_in(connection, r.notice, values, falling, r.at) for r, values, falling in outcomes]
            for (result, _values, _falling), status in zip(outcomes, statuses, strict=True):
                result.status = status  # once committed
            return
        together = [(result, values) for result, values, falling in outcomes if falling is None]
        if len(together) > 1:
            mine = set(self.connections.execute(_RECORD_MANY, _arrays(together)).scalars())
            for result, values in together:
                result.status = str(values["status"]) if result.notice.id in mine else "lost"
        for result in batch:  # one alone, or with a fallback to queue in its transaction
            if result.status is None:
                result.status = record(
                    self.engine,
                    result.notice,
                    result.attempt,
                    at=result.at,
                    policy=self.policy,
                    fallback=result.fallback,
                    connections=self.connections,
                )


def _arrays(together: list[tuple[_Result, dict[str, Any]]]) -> dict[str, list[Any]]:
    def instant(value: datetime | None) -> datetime | None:
        return None if value is None else _instant(value)

    return {
        "ids": [r.notice.id for r, _v in together],
        "owners": [r.notice.owner for r, _v in together],
        "statuses": [v["status"] for _r, v in together],
        "attempts": [v["attempts"] for _r, v in together],
        "ats": [instant(v.get("sent_at")) for _r, v in together],
        "results": [v.get("result") for _r, v in together],
        "errors": [v.get("last_error") for _r, v in together],
        "not_befores": [instant(v.get("not_before")) for _r, v in together],
    }


def notices(
    engine: Engine, *, status: str | None = None, obligation_id: int | None = None, limit: int | None = 200
) -> list[Notice]:
    query = select(Notice).order_by(col(Notice.id).desc())
    if status:
        query = query.where(col(Notice.status) == status)
    if obligation_id:
        query = query.where(col(Notice.obligation_id) == obligation_id)
    if limit:
        query = query.limit(limit)
    with reading(engine) as session:
        return list(session.scalars(query))


def counts(engine: Engine) -> dict[str, int]:
    with read_connection(engine) as connection:
        return dict(
            connection.execute(select(col(Notice.status), func.count()).group_by(col(Notice.status))).tuples().all()
        )


def requeue(engine: Engine, *, at: datetime, ids: Sequence[int] | None = None, dead: bool = False) -> int:
    """Make failed (and with ``dead``, dead) notices ready now; returns how many."""
    states = ("failed", "dead") if dead else ("failed",)
    query = update(Notice).where(col(Notice.status).in_(states))
    if ids:
        query = query.where(col(Notice.id).in_(list(ids)))
    with transaction(engine) as session:
        # An UPDATE gives a CursorResult; Session.execute is typed to return the plain Result.
        result = cast(CursorResult[Any], session.execute(query.values(status="pending", not_before=at, owner=None)))
        return int(result.rowcount or 0)
