"""The outbox on both databases: unique keys, claims and leases, back-off, giving up, retrying by hand."""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, event, select, update
from sqlmodel import Session, col

from models import outbox
from models.outbox import Attempt, Connections, NoticeDraft, RetryPolicy, claim, enqueue, ready, record, requeue
from models.tables import Notice

NOW = datetime(2026, 12, 22, 0, 30, tzinfo=UTC)


LEASE = timedelta(minutes=30)
_owners = itertools.count(1)


def _claim(engine: Engine, *, at: datetime = NOW, limit: int = 100, owner: str | None = None) -> list[Notice]:
    """Claim as a delivering process would; each call is a new process unless ``owner`` is given."""
    return claim(engine, owner=owner or f"test:{next(_owners)}", at=at, now=at, lease=LEASE, limit=limit)


def _draft(key: str) -> NoticeDraft:
    return NoticeDraft(
        key=key,
        kind="admin",
        obligation_id=None,
        step=None,
        contact_id=None,
        recipient_role="admin",
        recipient_name="Quản trị",
        channel="email",
        address="admin@snv.bacninh.gov.vn",
        template="gaps",
        subject="Thử",
        body_text="Nội dung",
        body_html=None,
        payload=None,
        note=None,
        not_before=NOW,
    )


def test_a_key_is_queued_once(engine: Engine) -> None:
    assert enqueue(engine, [_draft("a"), _draft("b")], at=NOW) == {"a", "b"}
    assert enqueue(engine, [_draft("a"), _draft("c")], at=NOW) == {"c"}
    with engine.connect() as c:
        assert sorted(c.execute(select(col(Notice.key))).scalars()) == ["a", "b", "c"]


def test_a_key_twice_in_one_call_is_written_once_the_first_time(engine: Engine) -> None:
    second = replace(_draft("a"), subject="Thứ hai")
    assert enqueue(engine, [_draft("a"), second, _draft("b")], at=NOW) == {"a", "b"}
    assert enqueue(engine, [second], at=NOW) == set()
    with engine.connect() as c:
        assert list(c.execute(select(col(Notice.key), col(Notice.subject)).order_by(col(Notice.key)))) == [
            ("a", "Thử"),
            ("b", "Thử"),
        ]


def test_long_messages_are_written_a_few_at_a_time_and_all_of_them(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "BATCH_TEXT", 20)  # each INSERT carries about two messages
    enqueue(engine, [_draft("k0")], at=NOW)
    drafts = [replace(_draft(f"k{i}"), body_text=f"Nội dung {i}") for i in range(7)]
    assert enqueue(engine, drafts, at=NOW) == {f"k{i}" for i in range(1, 7)}
    with engine.connect() as c:
        stored = {key: text for key, text in c.execute(select(col(Notice.key), col(Notice.body_text)))}
    assert stored == {"k0": "Nội dung", **{f"k{i}": f"Nội dung {i}" for i in range(1, 7)}}


def test_every_column_comes_back_as_written_whatever_its_characters(engine: Engine) -> None:
    # Characters an array literal would have to quote or escape, an empty string, the word NULL,
    # a missing value beside a present one, and instants in another zone.
    awkward = 'Ngoặc "kép", \\ gạch chéo, {ngoặc nhọn}, dấu phẩy,\nxuống dòng\tvà NULL'
    hanoi = timezone(timedelta(hours=7))
    drafts = [
        replace(
            _draft("a"), subject=awkward, body_text="", body_html="<p>NULL</p>", payload='{"a": [1, "}"]}', note="NULL"
        ),
        replace(
            _draft("b"),
            obligation_id=None,
            contact_id=None,
            note=None,
            not_before=datetime(2026, 12, 22, 8, 30, tzinfo=hanoi),
        ),
    ]
    assert enqueue(engine, drafts, at=datetime(2026, 12, 22, 7, 0, tzinfo=hanoi)) == {"a", "b"}
    with Session(engine) as session:
        a, b = session.scalars(select(Notice).order_by(col(Notice.key))).all()
    assert (a.subject, a.body_text, a.body_html, a.payload, a.note) == (
        awkward,
        "",
        "<p>NULL</p>",
        '{"a": [1, "}"]}',
        "NULL",
    )
    assert (b.obligation_id, b.contact_id, b.note, b.body_html) == (None, None, None, None)
    assert b.not_before == datetime(2026, 12, 22, 1, 30, tzinfo=UTC)
    assert a.created_at == datetime(2026, 12, 22, 0, 0, tzinfo=UTC)
    # Found by its exact instant: SQLite compares the text, so it is written as every other instant.
    with engine.connect() as c:
        exact = select(col(Notice.key)).where(
            col(Notice.not_before) == datetime(2026, 12, 22, 1, 30, tzinfo=UTC),
            col(Notice.created_at) == datetime(2026, 12, 22, 7, 0, tzinfo=hanoi),
        )
        assert list(c.execute(exact).scalars()) == ["b"]
    assert (a.status, a.attempts) == ("pending", 0)


def test_failures_back_off_then_give_up_and_can_be_retried(engine: Engine) -> None:
    policy = RetryPolicy(max_attempts=3, base=timedelta(minutes=5))
    enqueue(engine, [_draft("a")], at=NOW)
    at = NOW
    statuses = []
    for _ in range(3):
        [notice] = _claim(engine, at=at)
        statuses.append(
            record(engine, notice, Attempt(False, error="SMTP 421 busy"), at=at, policy=policy, fallback=None)
        )
        at += timedelta(hours=1)
        with engine.connect() as c:
            row = c.execute(select(col(Notice.not_before), col(Notice.attempts))).one()
        assert row.attempts == len(statuses)
        if statuses[-1] == "failed":  # held back until not_before, then ready again
            assert ready(engine, at=row.not_before - timedelta(seconds=1)) == []
            assert [n.key for n in ready(engine, at=row.not_before)] == ["a"]
        else:  # given up: never ready again by itself
            assert ready(engine, at=row.not_before + timedelta(days=365)) == []
    assert statuses == ["failed", "failed", "dead"]
    assert ready(engine, at=at + timedelta(days=1)) == []
    assert requeue(engine, at=at) == 0  # dead ones only with dead=True
    assert requeue(engine, at=at, dead=True) == 1
    [notice] = _claim(engine, at=at)
    assert record(engine, notice, Attempt(True, result="<id@x>"), at=at, policy=policy, fallback=None) == "sent"


def test_a_permanent_refusal_is_not_retried(engine: Engine) -> None:
    enqueue(engine, [_draft("a")], at=NOW)
    [notice] = _claim(engine)
    refused = Attempt(False, error="550 no such user", retry=False)
    assert record(engine, notice, refused, at=NOW, policy=RetryPolicy(), fallback=None) == "dead"


def test_results_recorded_through_a_held_connection_survive_the_server_dropping_it(engine: Engine) -> None:
    """A delivering run keeps one connection per sending thread; if the server drops it meanwhile
    (PostgreSQL restarted, an administrator ended the session), the next result is still recorded."""
    enqueue(engine, [_draft(f"k{i}") for i in range(3)], at=NOW)
    first, second, third = _claim(engine, owner="held")
    connections = Connections(engine)
    try:
        ok = Attempt(True, result="<id@x>")
        assert record(engine, first, ok, at=NOW, policy=RetryPolicy(), fallback=None, connections=connections) == "sent"
        if engine.dialect.name == "postgresql":
            held = connections._mine()
            pid = held.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            with engine.connect() as other:
                assert other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})").scalar_one()
        assert (
            record(engine, second, ok, at=NOW, policy=RetryPolicy(), fallback=None, connections=connections) == "sent"
        )
        connections.close()  # the end of a chunk: the next result opens a connection again
        failed = Attempt(False, error="SMTP 421 busy")
        assert record(engine, third, failed, at=NOW, policy=RetryPolicy(), fallback=None, connections=connections) == (
            "failed"
        )
    finally:
        connections.close()
    with engine.connect() as c:
        assert dict(c.execute(select(col(Notice.key), col(Notice.status))).tuples().all()) == {
            "k0": "sent",
            "k1": "sent",
            "k2": "failed",
        }


def test_a_claimed_notice_is_nobody_elses(engine: Engine) -> None:
    enqueue(engine, [_draft(f"k{i}") for i in range(10)], at=NOW)
    first = _claim(engine, limit=6)
    second = _claim(engine, limit=6)
    assert len(first) == 6 and len(second) == 4
    assert {n.id for n in first}.isdisjoint({n.id for n in second})
    assert {n.status for n in first + second} == {"sending"}
    assert _claim(engine) == [] and ready(engine, at=NOW) == []


def test_an_expired_lease_is_reclaimed_and_the_late_owner_records_nothing(engine: Engine) -> None:
    enqueue(engine, [_draft("a")], at=NOW)
    [dead_owner] = _claim(engine)
    assert _claim(engine, at=NOW + LEASE - timedelta(seconds=1)) == []  # still held
    [taken] = _claim(engine, at=NOW + LEASE + timedelta(seconds=1))
    assert taken.id == dead_owner.id and taken.owner != dead_owner.owner
    policy = RetryPolicy()
    assert record(engine, dead_owner, Attempt(True, result="late"), at=NOW, policy=policy, fallback=None) == "lost"
    assert record(engine, taken, Attempt(True, result="<id@x>"), at=NOW, policy=policy, fallback=None) == "sent"
    with engine.connect() as c:
        assert c.execute(select(col(Notice.status), col(Notice.result), col(Notice.attempts))).one() == (
            "sent",
            "<id@x>",
            1,
        )


def test_an_untried_message_counts_no_attempt_and_a_failure_waits_for_the_next_run(engine: Engine) -> None:
    enqueue(engine, [_draft("a")], at=NOW)
    owner = "run:1"
    [notice] = _claim(engine, owner=owner)
    untried = Attempt(False, error="SMTP session lost before this message", tried=False)
    assert record(engine, notice, untried, at=NOW, policy=RetryPolicy(), fallback=None) == "failed"
    later = NOW + timedelta(hours=1)
    assert _claim(engine, at=later, owner=owner) == []  # the same run does not loop on its failures
    [again] = _claim(engine, at=later)
    assert again.attempts == 0


def test_an_uncertain_attempt_never_falls_back(engine: Engine) -> None:
    zalo = NoticeDraft(**{**_draft("z").__dict__, "channel": "zalo", "address": "u1"})
    enqueue(engine, [zalo], at=NOW)
    [notice] = _claim(engine)
    uncertain = Attempt(False, error="read timeout", uncertain=True)
    status = record(engine, notice, uncertain, at=NOW, policy=RetryPolicy(), fallback=_draft("z:email"))
    assert status == "failed"
    with engine.connect() as c:
        assert list(c.execute(select(col(Notice.key), col(Notice.channel)))) == [("z", "zalo")]


def test_results_that_arrive_together_are_written_in_one_transaction_as_each_alone_would_be(engine: Engine) -> None:
    """Six senders finish while another's result is being written: theirs go in one transaction
    (one statement on PostgreSQL), and every column ends as recording each alone leaves it."""
    zalo = {"channel": "zalo", "address": "u1"}
    drafts = [
        NoticeDraft(**{**_draft(f"{twin}{i}").__dict__, **(zalo if i == 4 else {})}) for twin in "ab" for i in range(7)
    ]
    enqueue(engine, drafts, at=NOW)
    claimed = {n.key: n for n in _claim(engine, owner="together")}
    with engine.begin() as c:  # the last of each twin was reclaimed by another run meanwhile
        c.execute(update(Notice).where(col(Notice.key).in_(["a6", "b6"])).values(owner="another"))
    attempts = [
        Attempt(True, result="<a@x>"),
        Attempt(False, error="SMTP 421 busy"),
        Attempt(False, error="550 no such user", retry=False),
        Attempt(False, error="SMTP session lost before this message", tried=False),
        Attempt(False, error="Zalo -213: not following"),  # falls back to e-mail
        Attempt(False, error="read timeout", uncertain=True),
        Attempt(True, result="<late@x>"),  # lost: no longer this run's
    ]
    policy = RetryPolicy()

    def fallback(i: int, twin: str) -> NoticeDraft | None:
        return replace(_draft(f"{twin}{i}:email"), note="fallback") if i in (4, 5) else None

    alone = [
        record(engine, claimed[f"b{i}"], attempt, at=NOW, policy=policy, fallback=fallback(i, "b"))
        for i, attempt in enumerate(attempts)
    ]
    connections = Connections(engine)
    recorder = outbox.Recorder(engine, policy=policy, connections=connections)
    held: list[bool] = []

    def hold_the_first_write(*_args: object) -> None:
        if not held:  # until the six others have handed over their results
            held.append(True)
            deadline = time.monotonic() + 10
            while recorder.waiting() < len(attempts) - 1 and time.monotonic() < deadline:
                time.sleep(0.005)

    event.listen(engine, "before_cursor_execute", hold_the_first_write)
    try:
        with ThreadPoolExecutor(len(attempts)) as pool:
            futures = [
                pool.submit(recorder.record, claimed[f"a{i}"], attempt, at=NOW, fallback=fallback(i, "a"))
                for i, attempt in enumerate(attempts)
            ]
            together = [f.result() for f in futures]
    finally:
        event.remove(engine, "before_cursor_execute", hold_the_first_write)
        connections.close()
    assert alone == ["sent", "failed", "dead", "failed", "dead", "failed", "lost"]
    assert together == alone
    assert recorder.batches == 2
    columns = ("status", "attempts", "last_error", "not_before", "sent_at", "result", "lease_until", "owner")
    with Session(engine) as session:
        rows = {n.key: n for n in session.scalars(select(Notice))}
    for i in range(len(attempts)):
        a, b = rows[f"a{i}"], rows[f"b{i}"]
        assert [getattr(a, name) for name in columns] == [getattr(b, name) for name in columns], i
    assert rows["a1"].not_before > NOW and rows["a0"].sent_at == NOW and rows["a6"].status == "sending"
    assert {k for k in rows if k.endswith(":email")} == {"a4:email", "b4:email"}
    assert rows["a4:email"].fallback_of == rows["a4"].id and rows["a4:email"].status == "pending"


def test_a_batch_the_database_refuses_fails_for_every_sender_in_it(engine: Engine) -> None:
    """When the database refuses a batch, each of its senders gets the error (none of them goes
    on believing its result was kept) and their notices stay claimed, to be sent again later."""
    enqueue(engine, [_draft(f"k{i}") for i in range(3)], at=NOW)
    claimed = _claim(engine, owner="refused")
    connections = Connections(engine)
    recorder = outbox.Recorder(engine, policy=RetryPolicy(), connections=connections)
    updates: list[str] = []

    def refuse_the_second_batch(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if not statement.lstrip().upper().startswith("UPDATE"):
            return
        updates.append(statement)
        if len(updates) == 1:  # the first sender's result, written alone while the two others wait
            deadline = time.monotonic() + 10
            while recorder.waiting() < 2 and time.monotonic() < deadline:
                time.sleep(0.005)
        else:
            raise RuntimeError("disk full")

    event.listen(engine, "before_cursor_execute", refuse_the_second_batch)
    try:
        with ThreadPoolExecutor(3) as pool:
            futures = [
                pool.submit(recorder.record, notice, Attempt(True, result="<id@x>"), at=NOW, fallback=None)
                for notice in claimed
            ]
            outcomes = [f.exception(timeout=30) for f in futures]
    finally:
        event.remove(engine, "before_cursor_execute", refuse_the_second_batch)
        connections.close()
    assert sorted(str(o) for o in outcomes) == ["None", "disk full", "disk full"]
    assert recorder.batches == 2
    with engine.connect() as c:
        statuses = sorted(c.execute(select(col(Notice.status))).scalars())
    assert statuses == ["sending", "sending", "sent"]
