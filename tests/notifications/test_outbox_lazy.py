"""Drafts rendered when the outbox writes them: once per message, only when new, as they read."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import col

from models.outbox import CHUNK, LazyDraft, NoticeDraft, draft_values, enqueue
from models.tables import Notice

NOW = datetime(2026, 12, 17, 0, 30, tzinfo=UTC)


class Counted:
    """A message source that counts how often it is rendered."""

    def __init__(self, name: str) -> None:
        self.name, self.renders = name, 0

    def parts(self, channel: str, memo: dict[int, Any]) -> tuple[str, str, str | None, str | None]:
        if id(self) not in memo:
            self.renders += 1
            memo[id(self)] = f"Kính gửi {self.name}"
        text = memo[id(self)]
        return (
            f"[Nhắc hạn] {self.name}",
            text + "\n",
            f"<p>{text}</p>",
            '{"text": "zalo"}' if channel == "zalo" else None,
        )


def lazy(source: Counted, key: str, channel: str = "email") -> LazyDraft:
    return LazyDraft(
        source,
        key=key,
        kind="reminder",
        obligation_id=None,
        step="default:nhac-1@2026-12-17",
        contact_id=None,
        recipient_role="focal_point",
        recipient_name=source.name,
        channel=channel,
        address="hoa@syt.bacninh.gov.vn" if channel == "email" else "4812",
        template="reminder",
        note=None,
        not_before=NOW + timedelta(hours=1),
    )


def test_a_message_on_two_channels_is_rendered_once_and_only_while_new(engine: Engine) -> None:
    hoa = Counted("Nguyễn Thị Hoa")
    drafts = [lazy(hoa, "k:email", "email"), lazy(hoa, "k:zalo", "zalo")]
    assert enqueue(engine, drafts, at=NOW) == {"k:email", "k:zalo"}
    assert hoa.renders == 1
    assert enqueue(engine, drafts, at=NOW) == set()
    assert hoa.renders == 1  # both there already: nothing rendered
    with engine.connect() as connection:
        rows = {n.key: n for n in connection.execute(select(Notice).order_by(col(Notice.key))).all()}
    assert rows["k:email"].subject == "[Nhắc hạn] Nguyễn Thị Hoa"
    assert rows["k:email"].body_html == "<p>Kính gửi Nguyễn Thị Hoa</p>" and rows["k:email"].payload is None
    assert rows["k:zalo"].payload == '{"text": "zalo"}' and rows["k:zalo"].body_text == "Kính gửi Nguyễn Thị Hoa\n"
    assert rows["k:zalo"].not_before == NOW + timedelta(hours=1)


def test_a_lazy_draft_reads_and_writes_as_the_same_draft_rendered(engine: Engine) -> None:
    source = Counted("Trần Văn Nam")
    draft = lazy(source, "lazy")
    eager = NoticeDraft(**{**draft_values(draft), "key": "eager"})
    assert draft.subject == eager.subject and draft.body_text == eager.body_text and draft.payload is None
    assert {f.name for f in dataclasses.fields(draft)} == {"source"} | {
        f.name
        for f in dataclasses.fields(NoticeDraft)
        if f.name not in ("subject", "body_text", "body_html", "payload")
    }  # what walks through dataclasses (Prefect) neither renders nor copies it
    assert enqueue(engine, [draft, eager], at=NOW) == {"lazy", "eager"}
    with engine.connect() as connection:
        lazy_row, eager_row = (
            connection.execute(select(Notice).where(col(Notice.key) == key)).one() for key in ("lazy", "eager")
        )
    skip = {"id", "key"}
    assert {k: v for k, v in lazy_row._mapping.items() if k not in skip} == {
        k: v for k, v in eager_row._mapping.items() if k not in skip
    }


def test_many_drafts_are_written_a_chunk_at_a_time(engine: Engine) -> None:
    sources = [Counted(f"Cán bộ {i}") for i in range(CHUNK + 7)]
    keys = {f"k{i}" for i in range(len(sources))}
    assert enqueue(engine, [lazy(s, f"k{i}") for i, s in enumerate(sources)], at=NOW) == keys
    assert all(s.renders == 1 for s in sources)
    more = [lazy(s, f"k{i}") for i, s in enumerate(sources)] + [lazy(Counted("Mới"), "new")]
    assert enqueue(engine, more, at=NOW) == {"new"}
    assert all(s.renders == 1 for s in sources)
