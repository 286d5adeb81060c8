"""What the sweep reads: open obligations with what their messages need, and the contacts to reach.

Plain rows out, no decisions: the ladder (rules/ladder.py) decides, the outbox (models/outbox.py)
remembers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Row, and_, func, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from models.database import read_connection
from models.tables import OPEN_OBLIGATION, AuditEvent, Contact, Cycle, Notice, Obligation, Unit
from models.units import UNIT_COLUMNS, UnitRef, parent_on, subtree, valid_on
from rules.ladder import ReminderPlan
from rules.scope import Everywhere


@dataclass(frozen=True)
class OpenObligation:
    id: int
    state: str
    cycle_id: int
    pack_id: str
    report_id: str
    report_name: str
    period: str
    hop: int
    unit_id: int
    unit_code: str
    unit_name: str
    unit_path: str
    parent_id: int | None
    recipient_unit_id: int | None
    recipient_name: str
    wording: str
    due_date: date
    due_at: datetime
    rolled_reason: str | None
    returned_at: datetime | None


@dataclass(frozen=True)
class ContactRow:
    id: int
    unit_id: int
    name: str
    role: str
    email: str | None
    zalo_user_id: str | None
    zalo_phone: str | None
    channels: tuple[str, ...]
    active: bool


def contact_row(c: Contact | Row[Any]) -> ContactRow:
    """From a :class:`Contact`, or a Core row selected from its table (same attribute names)."""
    assert c.id is not None, "a stored contact has an id"
    channels = tuple(ch.strip() for ch in (c.channels or "").split(",") if ch.strip())
    return ContactRow(c.id, c.unit_id, c.name, c.role, c.email, c.zalo_user_id, c.zalo_phone, channels, c.active)


def open_obligations(engine: Engine, *, under: UnitRef | Everywhere) -> list[OpenObligation]:
    """Every open (pending or returned), current obligation, optionally under one unit."""
    query = (
        select(
            col(Obligation.id),
            col(Obligation.state),
            col(Obligation.cycle_id),
            col(Cycle.pack_id),
            col(Obligation.report_id),
            col(Obligation.report_name),
            col(Obligation.period),
            col(Obligation.hop),
            col(Obligation.unit_id),
            col(Unit.code),
            col(Unit.name),
            col(Unit.path),
            col(Unit.parent_id),
            col(Obligation.recipient_unit_id),
            col(Obligation.recipient_name),
            col(Obligation.wording),
            col(Obligation.due_date),
            col(Obligation.due_at),
            col(Obligation.rolled_reason),
            col(Obligation.returned_at),
        )
        .join(Unit, col(Unit.id) == col(Obligation.unit_id))
        .join(Cycle, col(Cycle.id) == col(Obligation.cycle_id))
        .where(OPEN_OBLIGATION, col(Obligation.retired).is_(False))
        .order_by(col(Obligation.id))
    )
    if isinstance(under, UnitRef):
        query = query.where(subtree(under))
    with read_connection(engine) as connection:
        return [OpenObligation(*row) for row in connection.execute(query)]


def reminder_plans(engine: Engine, cycle_ids: Iterable[int]) -> dict[int, ReminderPlan | str]:
    """Each cycle's ladders as planned, or the pack id when the cycle predates that record."""
    wanted = sorted(set(cycle_ids))
    if not wanted:
        return {}
    with read_connection(engine) as connection:
        rows = connection.execute(
            select(col(Cycle.id), col(Cycle.pack_id), col(Cycle.reminders)).where(col(Cycle.id).in_(wanted))
        )
        return {i: ReminderPlan.from_json(text) if text else pack for i, pack, text in rows}


def contacts_by_unit(engine: Engine, unit_ids: Iterable[int]) -> dict[int, list[ContactRow]]:
    wanted = sorted(set(unit_ids))
    found: dict[int, list[ContactRow]] = defaultdict(list)
    with read_connection(engine) as connection:
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            for c in connection.execute(
                select(Contact).where(col(Contact.unit_id).in_(chunk)).order_by(col(Contact.id))
            ):
                found[c.unit_id].append(contact_row(c))
    return found


def sent_steps(engine: Engine) -> set[tuple[int, str]]:
    """(obligation, ladder:step@day) already in the outbox, for open obligations."""
    query = (
        select(col(Notice.obligation_id), col(Notice.step))
        .join(Obligation, col(Obligation.id) == col(Notice.obligation_id))
        .where(OPEN_OBLIGATION, col(Notice.kind) == "reminder")
        .distinct()
    )
    with read_connection(engine) as connection:
        return {(o, s) for o, s in connection.execute(query)}


def reminders_sent(engine: Engine) -> dict[int, int]:
    """How many reminder steps each open obligation has had (for the escalation's wording)."""
    query = (
        select(col(Notice.obligation_id), func.count(func.distinct(col(Notice.step))))
        .join(Obligation, col(Obligation.id) == col(Notice.obligation_id))
        .where(OPEN_OBLIGATION, col(Notice.status) == "sent")
        .group_by(col(Notice.obligation_id))
    )
    with read_connection(engine) as connection:
        rows = connection.execute(query).tuples().all()
    return {o: n for o, n in rows if o is not None}  # the join leaves no notice without an obligation


def return_reasons(engine: Engine, obligation_ids: Iterable[int]) -> dict[int, str | None]:
    """The note of the latest return of each obligation (the reviewer's reason)."""
    wanted = sorted(set(obligation_ids))
    if not wanted:
        return {}
    latest = (
        select(col(AuditEvent.entity_id), func.max(col(AuditEvent.id)).label("last"))
        .where(
            col(AuditEvent.entity) == "obligation",
            col(AuditEvent.action) == "return",
            col(AuditEvent.entity_id).in_(wanted),
        )
        .group_by(col(AuditEvent.entity_id))
        .subquery()
    )
    event = aliased(AuditEvent)
    query = select(col(event.entity_id), col(event.note)).join(
        latest, and_(latest.c.entity_id == event.entity_id, latest.c.last == event.id)
    )
    with read_connection(engine) as connection:
        rows = connection.execute(query).tuples().all()
    return {i: note for i, note in rows if i is not None}  # the ids asked for are all set


@dataclass(frozen=True)
class Supervisor:
    contact: ContactRow
    unit: UnitRef


def supervisors(engine: Engine, *, on: date) -> list[Supervisor]:
    """Active contacts with the supervisor role at units valid on ``on``, with their unit."""
    query = (
        select(Contact, *UNIT_COLUMNS)
        .join(Unit, col(Unit.id) == col(Contact.unit_id))
        .where(col(Contact.role) == "supervisor", col(Contact.active).is_(True), valid_on(on))
        .order_by(col(Contact.id))
    )
    with Session(engine) as session:
        return [Supervisor(contact_row(row[0]), UnitRef(*row[1:])) for row in session.execute(query)]


def open_count_under(engine: Engine, unit: UnitRef) -> int:
    """Open obligations of the units below ``unit`` (the unit itself excluded)."""
    query = (
        select(func.count())
        .select_from(Obligation)
        .join(Unit, col(Unit.id) == col(Obligation.unit_id))
        .where(OPEN_OBLIGATION, col(Obligation.retired).is_(False), subtree(unit, include_self=False))
    )
    with read_connection(engine) as connection:
        return int(connection.execute(query).scalar_one())


def watched_subtree(engine: Engine, unit: UnitRef, day: date) -> UnitRef:
    """What a supervisor at ``unit`` watches on ``day``: their unit's subtree, or the parent's when
    their unit has nothing under it (a department watches its level)."""
    with read_connection(engine) as connection:
        has_children = connection.execute(
            select(col(Unit.id)).where(subtree(unit, include_self=False), valid_on(day)).limit(1)
        ).first()
        if has_children:
            return unit
        return parent_on(connection, unit, day) or unit


def obligation_facts(engine: Engine, ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Unit code, report and period of obligations, for listing notices."""
    wanted = sorted(set(ids))
    with read_connection(engine) as connection:
        return {
            i: {"unit": code, "report": report, "period": period}
            for start in range(0, len(wanted), 5000)
            for i, code, report, period in connection.execute(
                select(col(Obligation.id), col(Unit.code), col(Obligation.report_id), col(Obligation.period))
                .join(Unit, col(Unit.id) == col(Obligation.unit_id))
                .where(col(Obligation.id).in_(wanted[start : start + 5000]))
            )
        }
