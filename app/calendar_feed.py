"""A person's calendar feed, the use cases: make a secret address for it (which ends the earlier
one), revoke it, say whether one is live, and write the feed for whoever holds the address.

The address is the key: whoever has it reads the feed without logging in, so it is long and
random, shown once, and only its SHA-256 is kept (``user_token`` with purpose ``calendar``). The
feed holds what its owner would see on the pages (``models.worklist.visible``) and still has to be
sent: an officer their unit's, a reviewer what is addressed to their unit, a supervisor or an
admin everything under their unit; the most urgent first, at most :data:`MAX_EVENTS`. A revoked,
expired or unknown address, or one whose owner was disabled, reads as not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from models import users, worklist
from models.database import read_connection
from models.tables import OPEN_STATES
from models.units import unit_by_id
from models.worklist import NotVisible, Viewer
from reports.ics import obligations_ics
from rules.loader import calendar_for

PURPOSE = "calendar"
FEED_VALID = timedelta(days=730)  # two years; a new address can be made at any time
MAX_EVENTS = 2000
MIN_TOKEN = 32  # shorter is never one of ours (they are 43 characters): refused without a query


@dataclass(frozen=True)
class LiveFeed:
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class NewFeed:
    url: str  # shown once: only its hash is kept
    expires_at: datetime

    @property
    def webcal(self) -> str:
        """The same address for calendar programs that subscribe on a click (webcal://)."""
        return "webcal://" + self.url.split("://", 1)[1]


def feed_url(base: str, token: str) -> str:
    """The feed's address under the pages' ``base`` ('https://…/lich/TOKEN.ics')."""
    return f"{base.rstrip('/')}/lich/{token}.ics"


def live_feed(engine: Engine, viewer: Viewer, *, at: datetime) -> LiveFeed | None:
    """The person's live address's dates, or None when they have none."""
    found = users.live_token(engine, viewer.user_id, purpose=PURPOSE, at=at)
    return LiveFeed(found.created_at, found.expires_at) if found else None


def new_feed(engine: Engine, viewer: Viewer, *, at: datetime, base: str) -> NewFeed:
    """A new secret address for the person's feed; the earlier one stops working at once."""
    token = users.issue_token(engine, viewer.user_id, purpose=PURPOSE, at=at, valid_for=FEED_VALID, actor=viewer.actor)
    return NewFeed(feed_url(base, token), at + FEED_VALID)


def revoke_feed(engine: Engine, viewer: Viewer, *, at: datetime) -> bool:
    """End the person's address; False when there was none."""
    return users.revoke_tokens(engine, viewer.user_id, purpose=PURPOSE, at=at, actor=viewer.actor) > 0


def feed_owner(engine: Engine, token: str, *, at: datetime) -> Viewer:
    """Who the address belongs to, as the pages would see them; :class:`NotVisible` for an
    unknown, revoked or expired address, or a disabled owner."""
    holder = users.token_holder(engine, token, purpose=PURPOSE, at=at) if len(token) >= MIN_TOKEN else None
    if holder is None:
        raise NotVisible()
    with read_connection(engine) as connection:
        unit = unit_by_id(connection, holder.unit_id)
    return Viewer(holder.user_id, holder.email, holder.name, holder.role, unit)


def feed_name(viewer: Viewer) -> str:
    return f"Hạn báo cáo – {viewer.unit.name}"


def feed(engine: Engine, token: str, *, at: datetime, link_base: str | None) -> bytes:
    """The iCalendar file behind the address: the owner's open obligations, most urgent first
    (:data:`MAX_EVENTS` at most), one all-day event each on its last day."""
    viewer = feed_owner(engine, token, at=at)
    rows = worklist.todo(engine, viewer, at=at, calendar=calendar_for(), limit=MAX_EVENTS)
    open_rows = [r for r in rows if r.state in OPEN_STATES]  # sent ones (listed last) wait for review
    return obligations_ics(
        open_rows, name=feed_name(viewer), generated_at=at, link_base=link_base, with_unit=viewer.role != "officer"
    )
