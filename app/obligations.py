"""What happens to one obligation, the use case: submit (its files kept in the data folder),
review, extend, exempt, reopen; each in one transaction, written to the audit trail. An obligation
is named by its key (the CLI) or its id (the web pages, which check the user's scope first)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from app.settings import get_settings
from models import obligations
from models.obligations import ObligationKey as ObligationKey  # how a door names one obligation
from models.obligations import ObligationRef as ObligationRef
from models.obligations import Outcome as Outcome
from rules.loader import calendar_for


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
    name it was sent under, where it is) is copied under the data folder's ``files/`` by its sha256."""
    return obligations.submit(
        engine,
        key,
        at=at,
        actor=actor,
        calendar=calendar_for(),
        files=files,
        files_dir=get_settings().files_dir,
        note=note,
    )


def review(
    engine: Engine, key: ObligationRef, decision: str, *, at: datetime, actor: str, reason: str | None
) -> Outcome:
    """Accept a submitted report, or return it (``decision`` "accept" or "return") with the reason."""
    return obligations.review(engine, key, decision, at=at, actor=actor, reason=reason)


def extend(engine: Engine, key: ObligationRef, *, new_due: datetime, at: datetime, actor: str, reason: str) -> Outcome:
    """Move the due instant to ``new_due`` (late with permission); the old one stays in the history."""
    return obligations.extend(engine, key, new_due=new_due, at=at, actor=actor, reason=reason)


def exempt(engine: Engine, key: ObligationRef, *, at: datetime, actor: str, reason: str) -> Outcome:
    """Exempt the unit from the obligation: it is no longer expected."""
    return obligations.exempt(engine, key, at=at, actor=actor, reason=reason)


def reopen(engine: Engine, key: ObligationRef, *, at: datetime, actor: str, reason: str) -> Outcome:
    """Undo an acceptance (back to review) or an exemption (the unit must report again)."""
    return obligations.reopen(engine, key, at=at, actor=actor, reason=reason)
