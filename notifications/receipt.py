"""The receipt of a submission, e-mailed to the person who sent it, through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.outbox import NoticeDraft
from notifications.render import Rendered, render_message
from rules.calendar import VIETNAM
from rules.periods import period_name


def receipt_key(receipt: str, email: str) -> str:
    """The outbox key of a receipt's e-mail: one receipt, one message, never twice."""
    return f"receipt:{receipt}:email:{email}"[:200]


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
) -> NoticeDraft:
    """One e-mail to ``email``, keyed by the receipt so it is never sent twice."""
    message = render_message(
        "receipt",
        {
            "receipt": receipt,
            "person": person,
            "unit_name": unit_name,
            "report_name": report_name,
            "period_name": period_name(period),
            "recipient": recipient,
            "submitted_at": submitted_at.astimezone(VIETNAM),
            "timeliness": timeliness,
            "files": list(files),
            "note": note,
            "link": link,
            "sender": sender,
        },
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
