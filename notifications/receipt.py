"""Receipts, e-mailed through the outbox: of a submission, to the person who sent it and to the
unit's officers; of an acceptance, to the unit's officers. Each is keyed so that it is never sent
twice, and queued in the transaction of the change it tells of."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from models.outbox import NoticeDraft
from notifications.render import Rendered, render_message
from rules.calendar import VIETNAM
from rules.periods import period_name, report_title


def receipt_key(receipt: str, email: str) -> str:
    """The outbox key of a receipt's e-mail: one receipt, one message, never twice."""
    return f"receipt:{receipt}:email:{email}"[:200]


def acceptance_key(receipt: str, email: str, accepted_at: datetime) -> str:
    """The outbox key of an acceptance's e-mail: once per acceptance (an acceptance undone and
    given again is told again)."""
    return f"accepted:{receipt}:{accepted_at.isoformat(timespec='seconds')}:email:{email}"[:200]


def receipt_notice(
    *,
    receipt: str,
    obligation_id: int,
    person: str,
    email: str,
    unit_name: str,
    report_name: str,
    period: str,
    recipient: str,
    submitted_at: datetime,
    timeliness: str,
    files: Sequence[str],
    note: str | None,
    link: str | None,
    sender: str,
    greeting_name: str | None = None,
    contact: Mapping[str, str | None] | None = None,
    sender_contact: str | None = None,
) -> NoticeDraft:
    """One e-mail to ``email`` that the submission was recorded, keyed by the receipt so it is
    never sent twice. ``contact`` (name, phone, email) is whom to ask at the recipient."""
    message = render_message(
        "receipt",
        _context(
            receipt=receipt,
            person=person,
            greeting_name=greeting_name,
            unit_name=unit_name,
            report_name=report_name,
            period=period,
            recipient=recipient,
            submitted_at=submitted_at,
            link=link,
            sender=sender,
            contact=contact,
            sender_contact=sender_contact,
        )
        | {"timeliness": timeliness, "files": list(files), "note": note, "accepted_at": None},
    )
    return email_to_person(
        message,
        "receipt",
        key=receipt_key(receipt, email),
        kind="receipt",
        obligation_id=obligation_id,
        role="submitter",
        person=person,
        email=email,
        at=submitted_at,
    )


def acceptance_notice(
    *,
    receipt: str,
    obligation_id: int,
    person: str,
    email: str,
    unit_name: str,
    report_name: str,
    period: str,
    recipient: str,
    submitted_at: datetime | None,
    accepted_at: datetime,
    link: str | None,
    sender: str,
    greeting_name: str | None = None,
    contact: Mapping[str, str | None] | None = None,
    sender_contact: str | None = None,
) -> NoticeDraft:
    """One e-mail to an officer of the unit: the recipient accepted the report (its receipt)."""
    message = render_message(
        "receipt",
        _context(
            receipt=receipt,
            person=person,
            greeting_name=greeting_name,
            unit_name=unit_name,
            report_name=report_name,
            period=period,
            recipient=recipient,
            submitted_at=submitted_at,
            link=link,
            sender=sender,
            contact=contact,
            sender_contact=sender_contact,
        )
        | {"timeliness": None, "files": [], "note": None, "accepted_at": accepted_at.astimezone(VIETNAM)},
    )
    return email_to_person(
        message,
        "receipt",
        key=acceptance_key(receipt, email, accepted_at),
        kind="receipt",
        obligation_id=obligation_id,
        role="focal_point",
        person=person,
        email=email,
        at=accepted_at,
    )


def _context(
    *,
    receipt: str,
    person: str,
    greeting_name: str | None,
    unit_name: str,
    report_name: str,
    period: str,
    recipient: str,
    submitted_at: datetime | None,
    link: str | None,
    sender: str,
    contact: Mapping[str, str | None] | None,
    sender_contact: str | None,
) -> dict[str, object]:
    return {
        "receipt": receipt,
        "person": person,
        "greeting_name": greeting_name or person,
        "unit_name": unit_name,
        "report_name": report_name,
        "period_name": period_name(period),
        "title": report_title(report_name, period_name(period)),
        "recipient": recipient,
        "submitted_at": submitted_at.astimezone(VIETNAM) if submitted_at else None,
        "link": link,
        "sender": sender,
        "contact": dict(contact) if contact else None,
        "sender_contact": sender_contact,
    }


def email_to_person(
    message: Rendered,
    template: str,
    *,
    key: str,
    kind: str,
    obligation_id: int | None,
    role: str,
    person: str,
    email: str,
    at: datetime,
) -> NoticeDraft:
    """A rendered message as one e-mail to one person, not before ``at``."""
    return NoticeDraft(
        key=key[:200],
        kind=kind,
        obligation_id=obligation_id,
        step=None,
        contact_id=None,
        recipient_role=role,
        recipient_name=person,
        channel="email",
        address=email,
        template=template,
        subject=message.subject,
        body_text=message.text,
        body_html=message.html,
        payload=None,
        note=None,
        not_before=at,
    )
