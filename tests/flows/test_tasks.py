"""The sweep's steps (the tasks a flow run shows) and the failure hook called as plain functions,
on a real workspace."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from app.notifying import deliver_ready, queue, run_sweep
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from models.org_rows import ContactRow
from models.planning import plan_cycle
from models.tables import Notice
from models.tree import import_org
from rules.clock import fixed_clock
from rules.loader import calendar_for, shipped_packs
from tests.conftest import reread_settings
from tests.models.factory import at, bac_ninh_2026
from tests.notifications.peers import Mailbox, smtp_server

PACK = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")


@pytest.fixture
def planned(workspace: Path) -> Path:
    """Bắc Ninh 2026 with a few contacts and the hai-cap-2026 cycle planned; delivery to the outbox folder."""
    engine = database()
    bac_ninh_2026(engine)
    import_org(
        engine,
        [],
        [ContactRow(1, "24-STP", "Đỗ Minh Tư", "focal_point", "tu@stp.bacninh.gov.vn", None, None, "email", True)],
        source="test",
    )
    plan_cycle(engine, PACK, 2026, calendar_for(), params={}, scope=["24"], now=at("2026-01-05T08:00"), actor="test")
    return workspace


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    with smtp_server() as (url, box):
        monkeypatch.setenv("DUNGHAN_DELIVERY", "send")
        monkeypatch.setenv("DUNGHAN_SMTP_URL", url)
        monkeypatch.setenv("DUNGHAN_ADMIN_EMAILS", json.dumps(["admin@snv.bacninh.gov.vn"]))
        reread_settings()
        yield box
        reread_settings()


def test_the_sweep_steps_decide_queue_and_deliver_once(planned: Path) -> None:
    when = at("2026-06-26T07:30")  # the half-year report is due today
    ran: list[str] = []

    def step(name: str, action: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Runs each step as a plain call, as the CLI does, and notes its name (a flow's task)."""
        ran.append(name)
        return action(*args, **kwargs)

    result = run_sweep(database(), get_settings(), at=when, clock=fixed_clock(when), step=step)
    assert ran == ["decide_reminders", "queue_notices", "deliver_notices"]
    mine = [d for d in result.planned if d.address == "tu@stp.bacninh.gov.vn"]
    assert mine, "the focal point of the Sở Tư pháp is reminded"
    assert {d.key for d in result.queued} == {d.key for d in result.planned}
    assert {d.notice.key for d in result.delivered} == {d.key for d in result.queued}
    assert {d.status for d in result.delivered} == {"sent"}
    written = list((planned / "outbox").rglob("*.eml"))
    assert any("tu@stp.bacninh.gov.vn" in f.read_text(encoding="utf-8") for f in written)
    assert queue(database(), result.planned, at=when) == []  # the same keys again: nothing new
    assert deliver_ready(database(), get_settings(), at=when, clock=fixed_clock(when)) == []


def test_a_failed_run_tells_the_admin_once_by_email(planned: Path, mailbox: Mailbox) -> None:
    run_id = uuid.uuid4()
    flow = SimpleNamespace(name="send_reminders")
    run = SimpleNamespace(id=run_id, name="send_reminders at=2026-12-22 07:30", parameters={"at": "2026-12-22T07:30"})
    state = SimpleNamespace(name="Failed", message="Flow run encountered an exception: OperationalError: no database")
    tell_admin(flow, run, state)
    tell_admin(flow, run, state)  # Prefect may call a hook again: the key keeps it to one message
    assert len(mailbox.messages) == 1
    envelope, message = mailbox.messages[0]
    assert envelope.rcpt_tos == ["admin@snv.bacninh.gov.vn"]
    assert str(message["Subject"]) == "[dunghan] Lỗi khi chạy send_reminders (send_reminders at=2026-12-22 07:30)"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "OperationalError: no database" in text
    assert "at=2026-12-22T07:30" in text
    with database().connect() as connection:
        keys = connection.scalars(select(col(Notice.key)).where(col(Notice.template) == "failure")).all()
    assert keys == [f"failure:{run_id}:email:admin@snv.bacninh.gov.vn"]


def test_with_no_admin_configured_the_hook_logs_and_does_not_raise(
    planned: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run = SimpleNamespace(id=uuid.uuid4(), name="retry_notices", parameters={})
    with caplog.at_level(logging.WARNING, logger="dunghan.flows"):
        tell_admin(SimpleNamespace(name="retry_notices"), run, SimpleNamespace(name="Failed", message="boom"))
    assert "no admin to tell" in caplog.text
    with database().connect() as connection:
        assert connection.scalars(select(col(Notice.id)).where(col(Notice.template) == "failure")).all() == []
