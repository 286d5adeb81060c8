"""The receipt of a submission, e-mailed to the person who sent it, through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.outbox import NoticeDraft
from notifications.render import render_message
from rules.calendar import VIETNAM
from rules.periods import period_name


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
    return NoticeDraft(
        key=f"receipt:{receipt}:email:{email}"[:200],
        kind="receipt",
        obligation_id=obligation_id,
        step=None,
        contact_id=None,
        recipient_role="submitter",
        recipient_name=person,
        channel="email",
        address=email,
        template="receipt",
        subject=message.subject,
        body_text=message.text,
        body_html=message.html,
        payload=None,
        note=None,
        not_before=submitted_at,
    )
