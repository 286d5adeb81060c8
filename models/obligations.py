"""Acting on obligations: submit, accept or return, extend, exempt, reopen. Each change is one
transaction that applies the pure transition and writes the audit event beside it. A door names
an obligation by its key (unit code, report, period, hop: the CLI) or by its id (the web pages)."""

from __future__ import annotations

import hashlib
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from models.database import read_connection, transaction
from models.lifecycle import IllegalTransition, transition
from models.outbox import NoticeDraft, enqueue_in
from models.tables import AuditEvent, Contact, Extension, Obligation, Submission, SubmissionFile, Unit
from rules.calendar import WorkCalendar
from rules.errors import ACTION, FIELD, DunghanError
from rules.i18n import _
from rules.periods import period_name, report_title


class NoSuchObligation(DunghanError):
    pass


@dataclass(frozen=True)
class ObligationKey:
    unit: str
    report: str
    period: str
    hop: int | None = None

    def __str__(self) -> str:
        if self.hop:
            return _("{unit} {report} {period} hop {hop}").format(
                unit=self.unit, report=self.report, period=self.period, hop=self.hop
            )
        return f"{self.unit} {self.report} {self.period}"


ObligationRef = ObligationKey | int  # by its key, or by its id


@dataclass(frozen=True)
class Outcome:
    obligation_id: int
    from_state: str
    to_state: str
    timeliness: str | None = None  # "đúng hạn" or "trễ N ngày làm việc"
    submission_id: int | None = None  # a submission's number: its receipt is made from it

    @property
    def receipt(self) -> str | None:
        """The receipt number of a submission ('BC-000123'), shown on the screen and e-mailed."""
        return receipt_number(self.submission_id) if self.submission_id else None


def receipt_number(submission_id: int) -> str:
    """The receipt number of submission ``submission_id``.

    >>> receipt_number(123)
    'BC-000123'
    """
    return f"BC-{submission_id:06d}"


@dataclass(frozen=True)
class StoredFile:
    name: str  # as it was sent
    path: str
    sha256: str
    size: int


def _find(session: Session, key: ObligationRef) -> Obligation:
    if isinstance(key, int):
        by_id = session.scalars(
            select(Obligation).where(col(Obligation.id) == key, col(Obligation.retired).is_(False)).with_for_update()
        ).first()
        if by_id is None:
            raise NoSuchObligation(_("no obligation with id {id}").format(id=key))
        return by_id
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
            _("no obligation {key}: check the unit code, report id and period ({action} lists open ones)").format(
                key=key, action=ACTION
            ),
            action="overdue",
        )
    if len({o.unit_id for o in found}) > 1:  # a code reused across the 2025 reform, both units asked
        names = session.execute(
            select(col(Unit.name), col(Unit.valid_from), col(Unit.valid_to)).where(
                col(Unit.id).in_({o.unit_id for o in found})
            )
        ).all()
        spans = []
        for name, start, end in names:
            span = f"{start:%d/%m/%Y}–{end:%d/%m/%Y}" if end else _("from {start}").format(start=f"{start:%d/%m/%Y}")
            spans.append(f"{name} ({span})")
        held = "; ".join(spans)
        raise NoSuchObligation(
            _("{key}: code {code} names {count} units with this obligation: {held}").format(
                key=key, code=key.unit, count=len(names), held=held
            )
        )
    if len(found) > 1:
        hops = ", ".join(str(o.hop) for o in found)
        raise NoSuchObligation(
            _("{key} names obligations on several hops ({hops}): add {field}").format(key=key, hops=hops, field=FIELD),
            field="hop",
        )
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


def store_file(source: Path, files_dir: Path, *, name: str | None = None) -> StoredFile:
    """Copy a submitted file under the data folder by its sha256 (its suffix from ``name``, the
    name it was sent under, else its own). Two writers of the same content at once both end with
    the one whole file: each copies to a name of its own, then renames over the target."""
    if not source.is_file():
        raise DunghanError(_("{path}: no such file").format(path=source))
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    sha = digest.hexdigest()
    shown = name or source.name
    target = files_dir / sha[:2] / f"{sha}{Path(shown).suffix.lower()}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{secrets.token_hex(6)}")
        shutil.copyfile(source, partial)
        partial.replace(target)
    return StoredFile(shown, str(target), sha, size)


def act(
    session: Any,
    key: ObligationRef,
    action: str,
    *,
    at: datetime,
    actor: str,
    calendar: WorkCalendar,
    note: str | None = None,
    stored: Sequence[StoredFile] = (),
) -> Outcome:
    """Apply submit, accept, return, exempt or reopen to one obligation inside an open transaction."""
    if action == "return" and not note:
        raise DunghanError(_("returning a report needs {field}: what to fix").format(field=FIELD), field="reason")
    if action == "exempt" and not note:
        raise DunghanError(_("exempting needs {field}").format(field=FIELD), field="reason")
    if action == "reopen" and not note:
        raise DunghanError(_("reopening needs {field}").format(field=FIELD), field="reason")
    obligation = _find(session, key)
    new_state = transition(obligation.state, action)
    verdict = None
    submission_id = None
    if action == "submit":
        verdict = timeliness(obligation.due_at, at, calendar)
        first = stored[0] if stored else None
        submission_id = session.execute(
            insert(Submission)
            .values(
                obligation_id=obligation.id,
                submitted_at=at,
                actor=actor,
                file_name=first.name if first else None,
                file_path=first.path if first else None,
                sha256=first.sha256 if first else None,
                note=note,
            )
            .returning(col(Submission.id))
        ).scalar_one()
        if stored:
            session.execute(
                insert(SubmissionFile),
                [
                    {
                        "submission_id": submission_id,
                        "file_name": f.name,
                        "file_path": f.path,
                        "sha256": f.sha256,
                        "size_bytes": f.size,
                    }
                    for f in stored
                ],
            )
    audit_note = "; ".join(part for part in (verdict, note) if part) or None
    _audit(session, at, actor, obligation, action, new_state, audit_note)
    outcome = Outcome(obligation.id or 0, obligation.state, new_state, verdict, submission_id)
    obligation.state = new_state
    if action == "return":
        obligation.returned_at = at  # the returned ladder starts from here
    return outcome


def submit(
    engine: Engine,
    key: ObligationRef,
    *,
    at: datetime,
    actor: str,
    calendar: WorkCalendar,
    files: Sequence[tuple[str, Path]] = (),
    files_dir: Path | None = None,
    note: str | None = None,
    notices: Callable[[Outcome], Sequence[NoticeDraft]] | None = None,
) -> Outcome:
    """Record a submission with its files, each given as (the name it was sent under, where it is
    now); the files are stored first, so a refused submission leaves only unreferenced copies.
    ``notices`` (a receipt) are queued in the outbox in the submission's own transaction: both
    are written or neither."""
    if files and files_dir is None:
        raise DunghanError(_("a submitted file needs the data folder"))
    stored = [store_file(path, files_dir, name=name) for name, path in files] if files_dir else []
    with transaction(engine) as session:
        outcome = act(session, key, "submit", at=at, actor=actor, calendar=calendar, note=note, stored=stored)
        if notices is not None:
            enqueue_in(session, notices(outcome), at=at)
        return outcome


def review(
    engine: Engine,
    key: ObligationRef,
    decision: str,
    *,
    at: datetime,
    actor: str,
    reason: str | None,
    calendar: WorkCalendar | None = None,
    notices: Callable[[Outcome], Sequence[NoticeDraft]] | None = None,
) -> Outcome:
    return review_many(engine, [key], decision, at=at, actor=actor, reason=reason, calendar=calendar, notices=notices)[
        0
    ]


def review_many(
    engine: Engine,
    keys: Sequence[ObligationRef],
    decision: str,
    *,
    at: datetime,
    actor: str,
    reason: str | None,
    calendar: WorkCalendar | None = None,
    notices: Callable[[Outcome], Sequence[NoticeDraft]] | None = None,
) -> list[Outcome]:
    """Accept or return several reports together: all of them, or none when one cannot be. Ids
    are locked in ascending order, so two reviewers at once never wait on each other in a circle.
    ``notices`` (the acceptance receipts) are queued in the review's own transaction."""
    if decision not in ("accept", "return"):
        raise DunghanError(_("review decision {decision!r}: use accept or return").format(decision=decision))
    ordered = sorted(keys, key=lambda k: (0, k, "") if isinstance(k, int) else (1, 0, str(k)))
    with transaction(engine) as session:
        outcomes = []
        for key in ordered:
            try:
                outcomes.append(
                    act(session, key, decision, at=at, actor=actor, calendar=calendar or WorkCalendar(), note=reason)
                )
            except IllegalTransition as refused:
                if len(ordered) == 1:
                    raise
                raise IllegalTransition(f"{_label(session, key)}: {refused}") from None  # which one of several
        if notices is not None:
            enqueue_in(session, [draft for outcome in outcomes for draft in notices(outcome)], at=at)
        return outcomes


@dataclass(frozen=True)
class ReceiptFacts:
    """What a receipt tells of an obligation: its unit, report, period and recipient, its last
    submission, the unit's active officers (cán bộ đầu mối) who have an e-mail address, and the
    recipient's officer, whom to ask."""

    obligation_id: int
    unit_name: str
    report_name: str
    period: str
    recipient_name: str
    submission_id: int | None
    submitted_at: datetime | None
    officers: tuple[tuple[str, str], ...]  # (name, e-mail)
    contact: tuple[str, str | None, str | None] | None  # whom to ask at the recipient: name, phone, e-mail


def receipt_facts(engine: Engine, obligation_id: int) -> ReceiptFacts:
    """The facts of :class:`ReceiptFacts` for one obligation (read apart from any transaction)."""
    with read_connection(engine) as connection:
        row = connection.execute(
            select(
                col(Obligation.unit_id),
                col(Unit.name),
                col(Obligation.report_name),
                col(Obligation.period),
                col(Obligation.recipient_name),
                col(Obligation.recipient_unit_id),
            )
            .join(Unit, col(Unit.id) == col(Obligation.unit_id))
            .where(col(Obligation.id) == obligation_id)
        ).one()
        ask = connection.execute(
            select(col(Contact.name), col(Contact.zalo_phone), col(Contact.email))
            .where(
                col(Contact.unit_id) == row[5],
                col(Contact.role) == "focal_point",
                col(Contact.active).is_(True),
            )
            .order_by(col(Contact.id))
            .limit(1)
        ).first()
        last = connection.execute(
            select(col(Submission.id), col(Submission.submitted_at))
            .where(col(Submission.obligation_id) == obligation_id)
            .order_by(col(Submission.submitted_at).desc(), col(Submission.id).desc())
            .limit(1)
        ).first()
        officers = connection.execute(
            select(col(Contact.name), col(Contact.email))
            .where(
                col(Contact.unit_id) == row[0],
                col(Contact.role) == "focal_point",
                col(Contact.active).is_(True),
                col(Contact.email).is_not(None),
            )
            .order_by(col(Contact.id))
        ).all()
    return ReceiptFacts(
        obligation_id,
        row[1],
        row[2],
        row[3],
        row[4],
        last[0] if last else None,
        last[1] if last else None,
        tuple((name, email) for name, email in officers if email),
        (ask[0], ask[1], ask[2]) if ask else None,
    )


def _label(session: Session, key: ObligationRef) -> str:
    """'Sở Tư pháp tỉnh Bắc Ninh, Báo cáo … 6 tháng đầu năm 2026': an obligation as a person names it."""
    found = _find(session, key)
    unit = session.get(Unit, found.unit_id)
    return f"{unit.name if unit else found.unit_id}, {report_title(found.report_name, period_name(found.period))}"


def exempt(engine: Engine, key: ObligationRef, *, at: datetime, actor: str, reason: str) -> Outcome:
    with transaction(engine) as session:
        return act(session, key, "exempt", at=at, actor=actor, calendar=WorkCalendar(), note=reason)


def reopen(engine: Engine, key: ObligationRef, *, at: datetime, actor: str, reason: str) -> Outcome:
    """Undo an acceptance or a return (back to submitted, to be reviewed again) or an exemption (back
    to pending)."""
    with transaction(engine) as session:
        return act(session, key, "reopen", at=at, actor=actor, calendar=WorkCalendar(), note=reason)


def extend(engine: Engine, key: ObligationRef, *, new_due: datetime, at: datetime, actor: str, reason: str) -> Outcome:
    """Move the due instant (gia hạn); the old one stays in the extension's history."""
    if not reason:
        raise DunghanError(_("extending needs {field}").format(field=FIELD), field="reason")
    with transaction(engine) as session:
        obligation = _find(session, key)
        transition(obligation.state, "extend")
        if new_due <= obligation.due_at:
            raise DunghanError(
                _("{field} {until} is not after the current deadline {due}").format(
                    field=FIELD,
                    until=f"{new_due:%d/%m/%Y %H:%M}",
                    due=f"{obligation.due_at.astimezone(new_due.tzinfo):%d/%m/%Y %H:%M}",
                ),
                field="until",
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
