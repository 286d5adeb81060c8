"""The outbox, the use cases: list its notices and count them by status, tell which obligation
a notice is about, and deliver failed notices again now.

The sending machinery (channels, Apprise) loads only when a retry delivers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from models import outbox
from models.reminders import obligation_facts
from models.tables import Notice

if TYPE_CHECKING:
    from app.settings import Settings
    from notifications.delivery import Delivered


@dataclass(frozen=True)
class Retried:
    """What a retry did: notices made ready again, and what the delivery that followed did."""

    requeued: int
    delivered: list[Delivered] = field(default_factory=list)


# The states as the web pages name them (the pages are Vietnamese); the command names them through
# its catalog (cli/remind_commands.py).
NOTICE_STATES = {
    "pending": "chờ gửi",
    "sending": "đang gửi",
    "sent": "đã gửi",
    "failed": "lỗi, sẽ thử lại",
    "dead": "không gửi được",
}
WRITTEN = "đã ghi ra thư mục"  # sent in folder mode: written as a file, nothing left the machine


def state_key(status: str, result: str | None) -> str:
    """A notice's status, or ``written`` for one sent in folder mode (written as a file).

    >>> state_key("sent", "/srv/dunghan/outbox/2026-12-01/0000001-email.eml"), state_key("dead", None)
    ('written', 'dead')
    """
    if status == "sent" and result and result.startswith("/") and result.endswith((".eml", ".json")):
        return "written"
    return status


def state_name(status: str, result: str | None) -> str:
    """A notice's state as the web pages show it; in folder mode a sent notice was only written out.

    >>> state_name("sent", "/srv/dunghan/outbox/2026-12-01/0000001-email.eml"), state_name("dead", None)
    ('đã ghi ra thư mục', 'không gửi được')
    """
    key = state_key(status, result)
    return WRITTEN if key == "written" else NOTICE_STATES.get(key, key)


def notices(engine: Engine, *, status: str | None = None, limit: int | None = 200) -> list[Notice]:
    """Notices in the outbox, newest first (only those of ``status`` when given)."""
    return outbox.notices(engine, status=status, limit=limit)


def counts(engine: Engine) -> dict[str, int]:
    """How many notices the outbox holds, by status."""
    return outbox.counts(engine)


def about(engine: Engine, obligation_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Unit code, report and period of each obligation the notices are about."""
    return obligation_facts(engine, obligation_ids)


def retry(
    engine: Engine,
    settings: Settings,
    *,
    clock: Callable[[], datetime],
    ids: Sequence[int] | None = None,
    dead: bool = False,
) -> Retried:
    """Make failed notices (those of ``ids``; with ``dead`` those given up too) ready now, then
    deliver what is ready on the configured channels."""
    from app.notifying import deliver_ready

    count = outbox.requeue(engine, at=clock(), ids=ids, dead=dead)
    return Retried(count, deliver_ready(engine, settings, at=clock(), clock=clock))
