"""What one person may see of the obligations, in SQL: an officer their unit's, a reviewer those
addressed to their unit, a supervisor or an admin everything under their unit. Every query a page
runs for a person goes through :func:`visible`, so nothing out of scope is ever read; a row out of
scope is :class:`NotVisible`, which the web pages answer with 404 like a row that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, func, select
from sqlmodel import col

from models.database import read_connection
from models.planning import also_recipient_names
from models.tables import (
    OPEN_STATES,
    AuditEvent,
    Contact,
    Cycle,
    Extension,
    Obligation,
    Submission,
    SubmissionFile,
    Unit,
)
from models.units import UNIT_COLUMNS, UnitRef, subtree
from rules.calendar import WorkCalendar
from rules.errors import DunghanError
from rules.i18n import _

ROLES = ("officer", "reviewer", "supervisor", "admin")
ROLE_NAMES = {
    "officer": "cán bộ báo cáo",
    "reviewer": "cán bộ tiếp nhận",
    "supervisor": "lãnh đạo theo dõi",
    "admin": "quản trị",
}


class NotVisible(DunghanError):
    """Out of the person's scope, or not there at all: the two are never told apart."""

    def __init__(self) -> None:
        super().__init__(_("not found"))


@dataclass(frozen=True)
class Viewer:
    """A person acting on the pages: who, in which role, for which unit."""

    user_id: int
    email: str
    name: str
    role: str
    unit: UnitRef

    @property
    def actor(self) -> str:
        """How the audit trail names them."""
        return f"web:{self.email}"

    @property
    def reviews(self) -> bool:
        return self.role in ("reviewer", "admin")

    @property
    def supervises(self) -> bool:
        return self.role in ("supervisor", "admin")


def in_subtree(unit: UnitRef) -> Any:
    """The condition on obligations of the units under ``unit`` (and its own)."""
    return col(Obligation.unit_id).in_(select(col(Unit.id)).where(subtree(unit)))


def visible(viewer: Viewer) -> Any:
    """The condition on obligations ``viewer`` may see."""
    if viewer.role == "officer":
        return col(Obligation.unit_id) == viewer.unit.id
    if viewer.role == "reviewer":
        return col(Obligation.recipient_unit_id) == viewer.unit.id
    if viewer.role in ("supervisor", "admin"):
        return in_subtree(viewer.unit)
    return col(Obligation.id).is_(None)  # an unknown role sees nothing


def visible_unit(viewer: Viewer) -> Any:
    """The condition on units whose page ``viewer`` may open: their own unit, and for a supervisor
    or an admin every unit under it."""
    if viewer.supervises:
        return subtree(viewer.unit)
    return col(Unit.id) == viewer.unit.id


@dataclass(frozen=True)
class WorkRow:
    """One obligation in a list: what it is, when it is due and how far away that is."""

    id: int
    unit_code: str
    unit_name: str
    report: str
    report_name: str
    period: str
    hop: int
    recipient: str
    wording: str
    nominal_date: date
    due_date: date
    due_at: datetime
    rolled_reason: str | None
    state: str
    late_with_permission: bool
    working_days: int  # left (>= 0) or late (< 0)
    last_submitted_at: datetime | None
    return_reason: str | None
    assumed: str | None = None  # what the date assumed, in Vietnamese (an estimate: a Tết not decided yet)
    also_recipients: tuple[str, ...] = ()  # the hop's other recipients ("đồng gửi")

    @property
    def overdue(self) -> bool:
        return self.state in OPEN_STATES and self.working_days < 0


def _last_submission() -> Any:
    return (
        select(col(Submission.obligation_id), func.max(col(Submission.submitted_at)).label("at"))
        .group_by(col(Submission.obligation_id))
        .subquery()
    )


def _last_return() -> Any:
    """The reason of each obligation's latest return."""
    latest = (
        select(col(AuditEvent.entity_id), func.max(col(AuditEvent.id)).label("event_id"))
        .where(col(AuditEvent.entity) == "obligation", col(AuditEvent.action) == "return")
        .group_by(col(AuditEvent.entity_id))
        .subquery()
    )
    return (
        select(latest.c.entity_id.label("obligation_id"), col(AuditEvent.note).label("reason"))
        .join(AuditEvent, col(AuditEvent.id) == latest.c.event_id)
        .subquery()
    )


def _rows(engine: Engine, query: Any, at: datetime, calendar: WorkCalendar) -> list[WorkRow]:
    today = at.date()
    with read_connection(engine) as connection:
        found = connection.execute(query).all()
    rows = []
    for r in found:
        late = r.due_at < at
        days = -max(1, calendar.days_late(r.due_date, today)) if late else calendar.days_left(today, r.due_date)
        rows.append(
            WorkRow(
                r.id,
                r.code,
                r.name,
                r.report_id,
                r.report_name,
                r.period,
                r.hop,
                r.recipient_name,
                r.wording,
                r.nominal_date,
                r.due_date,
                r.due_at,
                r.rolled_reason,
                r.state,
                r.late_with_permission,
                days,
                r.last_at,
                r.reason,
                r.assumed,
                tuple(also_recipient_names(r.also_recipients)),
            )
        )
    return rows


def _work_query(viewer: Viewer) -> Any:
    last, returned = _last_submission(), _last_return()
    return (
        select(
            col(Obligation.id),
            col(Unit.code),
            col(Unit.name),
            col(Obligation.report_id),
            col(Obligation.report_name),
            col(Obligation.period),
            col(Obligation.hop),
            col(Obligation.recipient_name),
            col(Obligation.wording),
            col(Obligation.nominal_date),
            col(Obligation.due_date),
            col(Obligation.due_at),
            col(Obligation.rolled_reason),
            col(Obligation.state),
            col(Obligation.late_with_permission),
            last.c.at.label("last_at"),
            returned.c.reason,
            col(Obligation.assumed),
            col(Obligation.also_recipients),
        )
        .join(Unit, col(Unit.id) == col(Obligation.unit_id))
        .outerjoin(last, last.c.obligation_id == col(Obligation.id))
        .outerjoin(returned, returned.c.obligation_id == col(Obligation.id))
        .where(visible(viewer), col(Obligation.retired).is_(False))
    )


def todo(engine: Engine, viewer: Viewer, *, at: datetime, calendar: WorkCalendar, limit: int = 500) -> list[WorkRow]:
    """The obligations still to send (not sent yet, or returned), most urgent first, then those
    sent and waiting for review."""
    query = (
        _work_query(viewer)
        .where(col(Obligation.state).in_((*OPEN_STATES, "submitted")))
        .order_by(
            (col(Obligation.state) == "submitted"),
            col(Obligation.due_at),
            col(Obligation.report_id),
            col(Obligation.id),
        )
        .limit(limit)
    )
    return _rows(engine, query, at, calendar)


def review_queue(
    engine: Engine, viewer: Viewer, *, at: datetime, calendar: WorkCalendar, limit: int = 500
) -> list[WorkRow]:
    """What was submitted and waits for review, the oldest submission first."""
    last_at = (
        select(func.max(col(Submission.submitted_at)))
        .where(col(Submission.obligation_id) == col(Obligation.id))
        .scalar_subquery()
    )
    query = (
        _work_query(viewer)
        .where(col(Obligation.state) == "submitted")
        .order_by(last_at, col(Obligation.id))
        .limit(limit)
    )
    return _rows(engine, query, at, calendar)


@dataclass(frozen=True)
class FileRow:
    id: int
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    submitted_at: datetime
    actor: str
    note: str | None
    files: list[FileRow]


@dataclass(frozen=True)
class EventRow:
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None


@dataclass(frozen=True)
class ExtensionRow:
    old_due_at: datetime
    new_due_at: datetime
    reason: str
    granted_by: str
    granted_at: datetime


@dataclass(frozen=True)
class ObligationView:
    """Everything the obligation page shows."""

    row: WorkRow
    unit_id: int
    pack_id: str
    pack_version: str
    cycle_year: int
    submissions: list[SubmissionRow]
    extensions: list[ExtensionRow]
    events: list[EventRow]


def obligation(
    engine: Engine, viewer: Viewer, obligation_id: int, *, at: datetime, calendar: WorkCalendar
) -> ObligationView:
    """One obligation with its submissions, files, extensions and history; :class:`NotVisible`
    when ``viewer`` may not see it (or it does not exist)."""
    rows = _rows(engine, _work_query(viewer).where(col(Obligation.id) == obligation_id), at, calendar)
    if not rows:
        raise NotVisible()
    with read_connection(engine) as connection:
        head = connection.execute(
            select(
                col(Obligation.unit_id),
                col(Cycle.pack_id),
                col(Cycle.pack_version),
                col(Cycle.year),
            )
            .join(Cycle, col(Cycle.id) == col(Obligation.cycle_id))
            .where(col(Obligation.id) == obligation_id)
        ).one()
        submissions = connection.execute(
            select(
                col(Submission.id),
                col(Submission.submitted_at),
                col(Submission.actor),
                col(Submission.note),
            )
            .where(col(Submission.obligation_id) == obligation_id)
            .order_by(col(Submission.submitted_at), col(Submission.id))
        ).all()
        files: dict[int, list[FileRow]] = {}
        for f in connection.execute(
            select(
                col(SubmissionFile.submission_id),
                col(SubmissionFile.id),
                col(SubmissionFile.file_name),
                col(SubmissionFile.size_bytes),
                col(SubmissionFile.sha256),
            )
            .join(Submission, col(Submission.id) == col(SubmissionFile.submission_id))
            .where(col(Submission.obligation_id) == obligation_id)
            .order_by(col(SubmissionFile.id))
        ):
            files.setdefault(f[0], []).append(FileRow(f[1], f[2], int(f[3]), f[4]))
        extensions = connection.execute(
            select(
                col(Extension.old_due_at),
                col(Extension.new_due_at),
                col(Extension.reason),
                col(Extension.granted_by),
                col(Extension.granted_at),
            )
            .where(col(Extension.obligation_id) == obligation_id)
            .order_by(col(Extension.granted_at))
        ).all()
        events = connection.execute(
            select(
                col(AuditEvent.at),
                col(AuditEvent.actor),
                col(AuditEvent.action),
                col(AuditEvent.from_state),
                col(AuditEvent.to_state),
                col(AuditEvent.note),
            )
            .where(col(AuditEvent.entity) == "obligation", col(AuditEvent.entity_id) == obligation_id)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
    return ObligationView(
        rows[0],
        int(head[0]),
        head[1],
        head[2],
        int(head[3]),
        [SubmissionRow(s[0], s[1], s[2], s[3], files.get(s[0], [])) for s in submissions],
        [ExtensionRow(*e) for e in extensions],
        [EventRow(*e) for e in events],
    )


@dataclass(frozen=True)
class StoredFileRef:
    name: str
    path: str
    sha256: str


def stored_file(engine: Engine, viewer: Viewer, file_id: int) -> StoredFileRef:
    """A submitted file, when ``viewer`` may see its obligation; :class:`NotVisible` otherwise."""
    with read_connection(engine) as connection:
        row = connection.execute(
            select(col(SubmissionFile.file_name), col(SubmissionFile.file_path), col(SubmissionFile.sha256))
            .join(Submission, col(Submission.id) == col(SubmissionFile.submission_id))
            .join(Obligation, col(Obligation.id) == col(Submission.obligation_id))
            .where(col(SubmissionFile.id) == file_id, visible(viewer), col(Obligation.retired).is_(False))
        ).first()
    if row is None:
        raise NotVisible()
    return StoredFileRef(row[0], row[1], row[2])


def may_act_on(engine: Engine, viewer: Viewer, obligation_ids: list[int]) -> list[int]:
    """Those of ``obligation_ids`` that ``viewer`` may see; the doors refuse the rest as unknown."""
    if not obligation_ids:
        return []
    with read_connection(engine) as connection:
        found = connection.execute(
            select(col(Obligation.id)).where(
                col(Obligation.id).in_(obligation_ids), visible(viewer), col(Obligation.retired).is_(False)
            )
        ).all()
    return [int(r[0]) for r in found]


@dataclass(frozen=True)
class ContactRow:
    name: str
    role: str
    email: str | None
    zalo_phone: str | None


def unit_for(engine: Engine, viewer: Viewer, unit_id: int) -> UnitRef:
    """A unit whose page ``viewer`` may open; :class:`NotVisible` otherwise."""
    with read_connection(engine) as connection:
        row = connection.execute(select(*UNIT_COLUMNS).where(col(Unit.id) == unit_id, visible_unit(viewer))).first()
    if row is None:
        raise NotVisible()
    return UnitRef(*row)


def contacts_of(engine: Engine, unit_id: int) -> list[ContactRow]:
    with read_connection(engine) as connection:
        rows = connection.execute(
            select(col(Contact.name), col(Contact.role), col(Contact.email), col(Contact.zalo_phone))
            .where(col(Contact.unit_id) == unit_id)
            .order_by(col(Contact.role), col(Contact.name))
        ).all()
    return [ContactRow(*r) for r in rows]


def unit_obligations(
    engine: Engine, viewer: Viewer, unit_id: int, *, at: datetime, calendar: WorkCalendar, limit: int = 500
) -> list[WorkRow]:
    """A unit's obligations over the periods, newest due first (within ``viewer``'s scope)."""
    query = (
        _work_query(viewer)
        .where(col(Obligation.unit_id) == unit_id)
        .order_by(col(Obligation.due_at).desc(), col(Obligation.report_id), col(Obligation.id))
        .limit(limit)
    )
    return _rows(engine, query, at, calendar)


def unit_events(engine: Engine, viewer: Viewer, unit_id: int, *, limit: int = 200) -> list[tuple[EventRow, str, str]]:
    """The audit trail of a unit's obligations, newest first: (event, report name, period)."""
    with read_connection(engine) as connection:
        rows = connection.execute(
            select(
                col(AuditEvent.at),
                col(AuditEvent.actor),
                col(AuditEvent.action),
                col(AuditEvent.from_state),
                col(AuditEvent.to_state),
                col(AuditEvent.note),
                col(Obligation.report_name),
                col(Obligation.period),
            )
            .join(
                Obligation,
                and_(col(AuditEvent.entity) == "obligation", col(AuditEvent.entity_id) == col(Obligation.id)),
            )
            .where(col(Obligation.unit_id) == unit_id, visible(viewer))
            .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
            .limit(limit)
        ).all()
    return [(EventRow(*r[:6]), r[6], r[7]) for r in rows]
