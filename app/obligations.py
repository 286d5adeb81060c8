"""What happens to one obligation, the use case: submit (its files kept in the data folder),
review, extend, exempt, reopen; each in one transaction, written to the audit trail. An obligation
is named by its key (the CLI) or its id (the web pages, which check the user's scope first).

The unit's officers (cán bộ đầu mối with an e-mail address) get a receipt when a submission is
recorded and when it is accepted, queued in the outbox in the same transaction: never a
submission or an acceptance without its receipt, never a receipt for one that was refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from app.settings import Settings, get_settings
from models import obligations
from models.obligations import ObligationKey as ObligationKey  # how a door names one obligation
from models.obligations import ObligationRef as ObligationRef
from models.obligations import Outcome as Outcome
from models.obligations import ReceiptFacts, receipt_facts
from models.outbox import NoticeDraft
from notifications.receipt import acceptance_notice, receipt_notice
from rules.loader import calendar_for


def _link(settings: Settings, obligation_id: int) -> str | None:
    return f"{settings.link_base.rstrip('/')}/nghia-vu/{obligation_id}" if settings.link_base else None


def _greeting(settings: Settings, name: str) -> str:
    return f"{settings.salutation.strip()} {name}".strip()


def _ask(facts: ReceiptFacts) -> dict[str, str | None] | None:
    if facts.contact is None:
        return None
    name, phone, email = facts.contact
    return {"name": name, "phone": phone, "email": email}


def submission_receipts(
    engine: Engine, outcome: Outcome, *, at: datetime, files: Sequence[str], note: str | None
) -> list[NoticeDraft]:
    """The receipt of a recorded submission for each officer of the unit."""
    settings, facts = get_settings(), receipt_facts(engine, outcome.obligation_id)
    return [
        receipt_notice(
            receipt=outcome.receipt or "",
            obligation_id=outcome.obligation_id,
            person=name,
            email=email,
            unit_name=facts.unit_name,
            report_name=facts.report_name,
            period=facts.period,
            recipient=facts.recipient_name,
            submitted_at=at,
            timeliness=outcome.timeliness or "",
            files=files,
            note=note,
            link=_link(settings, outcome.obligation_id),
            sender=settings.sender_name,
            greeting_name=_greeting(settings, name),
            contact=_ask(facts),
            sender_contact=settings.sender_contact,
        )
        for name, email in facts.officers
    ]


def acceptance_receipts(engine: Engine, outcome: Outcome, *, at: datetime) -> list[NoticeDraft]:
    """The receipt of an acceptance for each officer of the unit (none for a return: the returned
    ladder tells them); it carries the number of the submission accepted."""
    if outcome.to_state != "accepted":
        return []
    settings, facts = get_settings(), receipt_facts(engine, outcome.obligation_id)
    if facts.submission_id is None:
        return []
    return [
        acceptance_notice(
            receipt=obligations.receipt_number(facts.submission_id),
            obligation_id=outcome.obligation_id,
            person=name,
            email=email,
            unit_name=facts.unit_name,
            report_name=facts.report_name,
            period=facts.period,
            recipient=facts.recipient_name,
            submitted_at=facts.submitted_at,
            accepted_at=at,
            link=_link(settings, outcome.obligation_id),
            sender=settings.sender_name,
            greeting_name=_greeting(settings, name),
            contact=_ask(facts),
            sender_contact=settings.sender_contact,
        )
        for name, email in facts.officers
    ]


def submit(
    engine: Engine,
    key: ObligationRef,
    *,
    at: datetime,
    actor: str,
    files: Sequence[tuple[str, Path]] = (),
    note: str | None = None,
) -> Outcome:
    """Record a submission at ``at``: on time, or late by N working days. Each of ``files`` (the
    name it was sent under, where it is) is copied under the data folder's ``files/`` by its sha256.
    The unit's officers get its receipt."""
    return obligations.submit(
        engine,
        key,
        at=at,
        actor=actor,
        calendar=calendar_for(),
        files=files,
        files_dir=get_settings().files_dir,
        note=note,
        notices=lambda outcome: submission_receipts(
            engine, outcome, at=at, files=[name for name, _path in files], note=note
        ),
    )


def review(
    engine: Engine, key: ObligationRef, decision: str, *, at: datetime, actor: str, reason: str | None
) -> Outcome:
    """Accept a submitted report, or return it (``decision`` "accept" or "return") with the reason.
    An acceptance's receipt goes to the unit's officers, in the same transaction."""
    return obligations.review(
        engine,
        key,
        decision,
        at=at,
        actor=actor,
        reason=reason,
        notices=lambda outcome: acceptance_receipts(engine, outcome, at=at),
    )


def extend(engine: Engine, key: ObligationRef, *, new_due: datetime, at: datetime, actor: str, reason: str) -> Outcome:
    """Move the due instant to ``new_due`` (late with permission); the old one stays in the history."""
    return obligations.extend(engine, key, new_due=new_due, at=at, actor=actor, reason=reason)


def exempt(engine: Engine, key: ObligationRef, *, at: datetime, actor: str, reason: str) -> Outcome:
    """Exempt the unit from the obligation: it is no longer expected."""
    return obligations.exempt(engine, key, at=at, actor=actor, reason=reason)


def reopen(engine: Engine, key: ObligationRef, *, at: datetime, actor: str, reason: str) -> Outcome:
    """Undo an acceptance (back to review) or an exemption (the unit must report again)."""
    return obligations.reopen(engine, key, at=at, actor=actor, reason=reason)
