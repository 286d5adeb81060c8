"""The outbox on both databases: unique keys, back-off, giving up, retrying by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from models.outbox import Attempt, NoticeDraft, RetryPolicy, enqueue, ready, record, requeue
from models.tables import Notice

NOW = datetime(2026, 12, 22, 0, 30, tzinfo=UTC)


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
        assert sorted(c.execute(select(Notice.key)).scalars()) == ["a", "b", "c"]


def test_failures_back_off_then_give_up_and_can_be_retried(engine: Engine) -> None:
    policy = RetryPolicy(max_attempts=3, base=timedelta(minutes=5))
    enqueue(engine, [_draft("a")], at=NOW)
    at = NOW
    statuses = []
    for _ in range(3):
        [notice] = ready(engine, at=at)
        statuses.append(
            record(engine, notice, Attempt(False, error="SMTP 421 busy"), at=at, policy=policy, fallback=None)
        )
        at += timedelta(hours=1)
        with engine.connect() as c:
            row = c.execute(select(Notice.not_before, Notice.attempts)).one()
        assert ready(engine, at=row.not_before - timedelta(seconds=1)) == [] or statuses[-1] == "dead"
    assert statuses == ["failed", "failed", "dead"]
    assert ready(engine, at=at + timedelta(days=1)) == []
    assert requeue(engine, at=at) == 0  # dead ones only with dead=True
    assert requeue(engine, at=at, dead=True) == 1
    [notice] = ready(engine, at=at)
    assert record(engine, notice, Attempt(True, result="<id@x>"), at=at, policy=policy, fallback=None) == "sent"


def test_a_permanent_refusal_is_not_retried(engine: Engine) -> None:
    enqueue(engine, [_draft("a")], at=NOW)
    [notice] = ready(engine, at=NOW)
    refused = Attempt(False, error="550 no such user", retry=False)
    assert record(engine, notice, refused, at=NOW, policy=RetryPolicy(), fallback=None) == "dead"
