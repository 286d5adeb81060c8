"""Messages to the admin (quản trị hệ thống): one per configured address, through the outbox."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from models.outbox import NoticeDraft
from notifications.channels import Reach
from notifications.render import render_message
from rules.schema import ROLE_NAMES


class Reachable(Protocol):
    """A contact as the sweep reads it (:class:`models.reminders.ContactRow`)."""

    @property
    def unit_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def zalo_user_id(self) -> str | None: ...
    @property
    def zalo_phone(self) -> str | None: ...
    @property
    def active(self) -> bool: ...


def unreachable_rows(
    contacts: Iterable[Reachable], reach: Reach, units: Mapping[int, tuple[str, str]]
) -> list[dict[str, str]]:
    """The active contacts no configured channel reaches (a Zalo phone and no ZNS template, say),
    as the ``gaps`` message lists them under ``unreachable``: unit (code, name by ``units``), name,
    role and why. They are gaps as much as a role with nobody: they are never told anything."""
    rows = []
    for c in contacts:
        why = reach.why_not(email=c.email, zalo_user_id=c.zalo_user_id, zalo_phone=c.zalo_phone) if c.active else None
        if why:
            code, unit_name = units.get(c.unit_id, (str(c.unit_id), str(c.unit_id)))
            rows.append(
                {
                    "unit": code,
                    "unit_name": unit_name,
                    "name": c.name,
                    "role_name": ROLE_NAMES.get(c.role, c.role),
                    "reason": why,
                }
            )
    return rows


def admin_notices(
    template: str,
    context: Mapping[str, Any],
    *,
    key: str,
    at: datetime,
    admin_emails: list[str],
    admin_urls: list[str],
) -> list[NoticeDraft]:
    """``template`` rendered once and addressed to every admin email and Apprise URL.

    ``key`` names the occasion (``gaps:2026-12-22``: the ``gaps`` template lists ``gaps``, the roles
    nobody holds, and ``unreachable``, the contacts no channel reaches, see :func:`unreachable_rows`);
    each address gets ``key:channel:address``, so the same occasion never reaches the same address
    twice. An Apprise URL carries its service's secret (a bot token, a password): the key holds a hash of it (see
    :func:`address_key`), and only the notice's address, which sending needs, holds the URL.
    """
    if not admin_emails and not admin_urls:
        return []  # nobody to tell: nothing to render
    message = render_message(template, context, zalo=False)
    return [
        NoticeDraft(
            key=f"{key}:{channel}:{address_key(channel, address)}"[:200],
            kind="admin",
            obligation_id=None,
            step=None,
            contact_id=None,
            recipient_role="admin",
            recipient_name="Quản trị hệ thống",
            channel=channel,
            address=address,
            template=template,
            subject=message.subject,
            body_text=message.text,
            body_html=message.html,
            payload=None,
            note=None,
            not_before=at,
        )
        for channel, address in [("email", a) for a in admin_emails] + [("apprise", u) for u in admin_urls]
    ]


def address_key(channel: str, address: str) -> str:
    """How an address appears in a notice's key: an e-mail address as it is, an Apprise URL as
    the start of its SHA-256, so that the key (listed, logged, exported) never shows a secret.

    >>> address_key("apprise", "tgram://123456:SECRET/987")
    'sha256:72dc4eb007ca4ffc'
    >>> address_key("email", "admin@snv.example")
    'admin@snv.example'
    """
    if channel == "email":
        return address
    return "sha256:" + hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
