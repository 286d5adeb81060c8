"""Acting on obligations: submit, accept or return, extend, exempt. Each change is one transaction
that applies the pure transition and writes the audit event beside it."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from models.database import transaction
from models.lifecycle import transition
from models.tables import AuditEvent, Extension, Obligation, Submission, Unit
from rules.calendar import WorkCalendar
from rules.errors import ACTION, FIELD, DunghanError


class NoSuchObligation(DunghanError):
    pass


@dataclass(frozen=True)
class ObligationKey:
    unit: str
    report: str
    period: str
    hop: int | None = None

    def __str__(self) -> str:
        hop = f" hop {self.hop}" if self.hop else ""
        return f"{self.unit} {self.report} {self.period}{hop}"


@dataclass(frozen=True)
class Outcome:
    obligation_id: int
    from_state: str
    to_state: str
    timeliness: str | None = None  # "đúng hạn" or "trễ N ngày làm việc"


def _find(session: Session, key: ObligationKey) -> Obligation:
    query = (
        select(Obligation)
        .join(Unit, col(Unit.id) == col(Obligation.unit_id))
        .where(
            col(Unit.code) == key.unit,
            col(Obligation.report_id) == key.report,
            col(Obligation.period) == key.period,
            col(Obligation.retired).is_(False),
        )
    )
    if key.hop is not None:
        query = query.where(col(Obligation.hop) == key.hop)
    found = list(session.scalars(query.with_for_update()))
    if not found:
        raise NoSuchObligation(
            f"no obligation {key}: check the unit code, report id and period ({ACTION} lists open ones)",
            action="overdue",
        )
    if len({o.unit_id for o in found}) > 1:  # a code reused across the 2025 reform, both units asked
        names = session.execute(
            select(col(Unit.name), col(Unit.valid_from), col(Unit.valid_to)).where(
                col(Unit.id).in_({o.unit_id for o in found})
            )
        ).all()
        held = "; ".join(f"{n} ({f:%d/%m/%Y}–{t:%d/%m/%Y})" if t else f"{n} (từ {f:%d/%m/%Y})" for n, f, t in names)
        raise NoSuchObligation(f"{key}: mã {key.unit} chỉ {len(names)} đơn vị có nghĩa vụ này: {held}")
    if len(found) > 1:
        hops = ", ".join(str(o.hop) for o in found)
        raise NoSuchObligation(f"{key} names obligations on several hops ({hops}): add {FIELD}", field="hop")
    return found[0]


def timeliness(due_at: datetime, at: datetime, calendar: WorkCalendar) -> str:
    """'đúng hạn' or 'trễ N ngày làm việc', counting working days after the due day."""
    if at <= due_at:
        return "đúng hạn"
    late = max(1, calendar.days_late(due_at.date(), at.astimezone(due_at.tzinfo).date()))
    return f"trễ {late} ngày làm việc"


def _audit(
    session: Session, at: datetime, actor: str, obligation: Obligation, action: str, new_state: str, note: str | None
) -> None:
    session.execute(
        insert(AuditEvent).values(
            at=at,
            actor=actor,
            entity="obligation",
            entity_id=obligation.id,
            action=action,
            from_state=obligation.state,
            to_state=new_state,
            note=note,
        )
    )


def store_file(source: Path, files_dir: Path) -> tuple[str, str]:
    """Copy a submitted file under the data folder by its sha256; returns (stored path, sha256)."""
    if not source.is_file():
        raise DunghanError(f"{source}: no such file")
    digest = hashlib.sha256()
    with source.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    sha = digest.hexdigest()
    target = files_dir / sha[:2] / f"{sha}{source.suffix.lower()}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return str(target), sha


def act(
    session: Any,
    key: ObligationKey,
    action: str,
    *,
    at: datetime,
    actor: str,
    calendar: WorkCalendar,
    note: str | None = None,
    stored: tuple[str, str, str] | None = None,
) -> Outcome:
    """Apply submit, accept, return or exempt to one obligation inside an open transaction."""
    if action == "return" and not note:
        raise DunghanError(f"a returned report needs {FIELD} saying what to correct", field="reason")
    if action == "exempt" and not note:
        raise DunghanError(f"an exemption needs {FIELD}", field="reason")
    obligation = _find(session, key)
    new_state = transition(obligation.state, action)
    verdict = None
    if action == "submit":
        verdict = timeliness(obligation.due_at, at, calendar)
        file_name, file_path, sha = stored or (None, None, None)
        session.execute(
            insert(Submission).values(
                obligation_id=obligation.id,
                submitted_at=at,
                actor=actor,
                file_name=file_name,
                file_path=file_path,
                sha256=sha,
                note=note,
            )
        )
    audit_note = "; ".join(part for part in (verdict, note) if part) or None
    _audit(session, at, actor, obligation, action, new_state, audit_note)
    outcome = Outcome(obligation.id or 0, obligation.state, new_state, verdict)
    obligation.state = new_state
    if action == "return":
        obligation.returned_at = at  # the returned ladder starts from here
    return outcome


def submit(
    engine: Engine,
    key: ObligationKey,
    *,
    at: datetime,
    actor: str,
    calendar: WorkCalendar,
    file: Path | None = None,
    files_dir: Path | None = None,
    note: str | None = None,
) -> Outcome:
    stored = None
    if file is not None:
        if files_dir is None:
            raise DunghanError("a submitted file needs the data folder")
        stored = (file.name, *store_file(file, files_dir))
    with transaction(engine) as session:
        return act(session, key, "submit", at=at, actor=actor, calendar=calendar, note=note, stored=stored)


def review(
    engine: Engine,
    key: ObligationKey,
    decision: str,
    *,
    at: datetime,
    actor: str,
    reason: str | None,
    calendar: WorkCalendar | None = None,
) -> Outcome:
    if decision not in ("accept", "return"):
        raise DunghanError(f"review decision {decision!r}: use accept or return")
    with transaction(engine) as session:
        return act(session, key, decision, at=at, actor=actor, calendar=calendar or WorkCalendar(), note=reason)


def exempt(engine: Engine, key: ObligationKey, *, at: datetime, actor: str, reason: str) -> Outcome:
    with transaction(engine) as session:
        return act(session, key, "exempt", at=at, actor=actor, calendar=WorkCalendar(), note=reason)


def extend(engine: Engine, key: ObligationKey, *, new_due: datetime, at: datetime, actor: str, reason: str) -> Outcome:
    """Move the due instant (gia hạn); the old one stays in the extension's history."""
    if not reason:
        raise DunghanError(f"an extension needs {FIELD}", field="reason")
    with transaction(engine) as session:
        obligation = _find(session, key)
        transition(obligation.state, "extend")
        if new_due <= obligation.due_at:
            raise DunghanError(
                f"the new due instant {new_due:%d/%m/%Y %H:%M} is not after the current one "
                f"{obligation.due_at.astimezone(new_due.tzinfo):%d/%m/%Y %H:%M}"
            )
        session.execute(
            insert(Extension).values(
                obligation_id=obligation.id,
                old_due_at=obligation.due_at,
                new_due_at=new_due,
                reason=reason,
                granted_by=actor,
                granted_at=at,
            )
        )
        _audit(
            session,
            at,
            actor,
            obligation,
            "extend",
            obligation.state,
            f"{obligation.due_at.astimezone(new_due.tzinfo):%d/%m/%Y} → {new_due:%d/%m/%Y}: {reason}",
        )
        obligation.due_at, obligation.due_date = new_due, new_due.date()
        obligation.late_with_permission = True
    return Outcome(obligation.id or 0, obligation.state, obligation.state)
