"""One obligation's history, the use case behind `dunghan obligation show`: what the obligation
page shows (its deadline and state, the submissions with their files and receipts, the
extensions, every audited step, and every message that told someone of it: those addressed to
it and the grouped escalations that listed it among other late units), for an obligation named
by its key.

The command line has the whole database in hand, so it reads the page as an admin of the
obligation's unit would; the web pages keep reading it for the signed-in person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from app.outbox import state_name
from app.worklist import ObligationPage, obligation_page
from models.lifecycle import ACTION_NAMES as ACTION_NAMES  # how a door names a step of the history
from models.lifecycle import STATE_NAMES as STATE_NAMES
from models.obligation_lookup import NoticeLine, find_obligation, obligation_notices
from models.obligations import ObligationKey
from models.worklist import Viewer
from rules.schema import ROLE_NAMES

COMMAND_LINE = "dòng lệnh"
# What a message was, by its template, as the history names it.
MESSAGE_NAMES = {
    "reminder": "nhắc hạn",
    "due_today": "nhắc hạn: đến hạn hôm nay",
    "overdue": "báo quá hạn",
    "escalation": "đôn đốc",
    "escalation_list": "đôn đốc",  # one message a day listing every late unit: see Message.shared
    "returned": "báo trả lại",
    "receipt": "biên nhận",
    "digest": "tin tổng hợp",
}
CHANNEL_NAMES = {"email": "thư điện tử", "zalo": "Zalo OA", "zns": "Zalo ZNS", "apprise": "Apprise"}
RECIPIENT_ROLES = ROLE_NAMES | {"submitter": "người nộp"}


@dataclass(frozen=True)
class Message:
    """One message about the obligation, as its history names it (never its address)."""

    at: datetime  # when it was sent, or queued while it waits
    name: str  # nhắc hạn, đôn đốc, biên nhận…
    subject: str
    recipient: str  # "Trần Văn Bình, thủ trưởng đơn vị"
    channel: str
    state: str  # đã gửi, chờ gửi…
    covers: int  # obligations it told of: more than 1 for a grouped message
    sent: bool

    @property
    def shared(self) -> str:
        """'', or what a grouped message says besides this obligation."""
        return f"thư chung cho {self.covers} báo cáo" if self.covers > 1 else ""


def message(line: NoticeLine) -> Message:
    """A stored notice as the history shows it."""
    return Message(
        at=line.sent_at or line.created_at,
        name=MESSAGE_NAMES.get(line.template, line.template),
        subject=line.subject,
        recipient=f"{line.recipient_name}, {RECIPIENT_ROLES.get(line.recipient_role, line.recipient_role)}",
        channel=CHANNEL_NAMES.get(line.channel, line.channel),
        state=state_name(line.status, line.result),
        covers=line.covers,
        sent=line.status == "sent",
    )


def obligation_messages(engine: Engine, obligation_id: int) -> list[Message]:
    """Every message that told someone of the obligation, oldest first: those addressed to it and
    the grouped escalations (one a day per recipient) that listed it among other late units.
    The caller has checked that the person may see the obligation."""
    return [message(line) for line in obligation_notices(engine, obligation_id)]


def obligation_history(engine: Engine, key: ObligationKey, *, at: datetime, on: date | None = None) -> ObligationPage:
    """The page of the obligation ``key`` names (its unit the one holding the code on ``on``
    when given), with working days counted to ``at``."""
    found = find_obligation(engine, key, on=on)
    viewer = Viewer(0, "", COMMAND_LINE, "admin", found.unit)
    return obligation_page(engine, viewer, found.id, at=at)
