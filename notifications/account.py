"""Messages about a person's account: the one-time link to set a password, by e-mail."""

from __future__ import annotations

import hashlib
from datetime import datetime

from models.outbox import NoticeDraft
from notifications.receipt import email_to_person
from notifications.render import render_message
from rules.calendar import VIETNAM


def password_link_notice(
    *,
    person: str,
    email: str,
    role_name: str,
    unit_name: str,
    admin: str,
    link: str,
    expires: datetime,
    at: datetime,
    sender: str,
) -> NoticeDraft:
    """The set-password e-mail; keyed by the link's hash, so one link is mailed once."""
    message = render_message(
        "set_password",
        {
            "person": person,
            "email": email,
            "role_name": role_name,
            "unit_name": unit_name,
            "admin": admin,
            "link": link,
            "expires": expires.astimezone(VIETNAM),
            "sender": sender,
        },
    )
    digest = hashlib.sha256(link.encode("utf-8")).hexdigest()[:16]
    return email_to_person(
        message,
        "set_password",
        key=f"set-password:{digest}:email:{email}",
        kind="account",
        obligation_id=None,
        role="user",
        person=person,
        email=email,
        at=at,
    )
