"""What the sweep reads: open obligations with what their messages need, and the contacts to reach.

Plain rows out, no decisions: the ladder (rules/ladder.py) decides, the outbox (models/outbox.py)
remembers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, and_, func, select
from sqlalchemy.orm import Session, aliased

from models.database import read_connection
from models.tables import OPEN_OBLIGATION, AuditEvent, Contact, Cycle, Notice, Obligation, Unit
from models.units import UNIT_COLUMNS, UnitRef, parent_on, subtree, valid_on
from rules.ladder import ReminderPlan


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


def contact_row(c: Contact) -> ContactRow:
    channels = tuple(ch.strip() for ch in (c.channels or "").split(",") if ch.strip())
    return ContactRow(c.id, c.unit_id, c.name, c.role, c.email, c.zalo_user_id, c.zalo_phone, channels, c.active)


def open_obligations(engine: Engine, *, under_path: str | None = None) -> list[OpenObligation]:
    """Every open (pending or returned), current obligation, optionally under one unit."""
    query = (
        select(
            Obligation.id,
            Obligation.state,
            Obligation.cycle_id,
            Cycle.pack_id,
            Obligation.report_id,
            Obligation.report_name,
            Obligation.period,
            Obligation.hop,
            Obligation.unit_id,
            Unit.code,
            Unit.name,
            Unit.path,
            Unit.parent_id,
            Obligation.recipient_unit_id,
            Obligation.recipient_name,
            Obligation.wording,
            Obligation.due_date,
            Obligation.due_at,
            Obligation.rolled_reason,
            Obligation.returned_at,
        )
        .join(Unit, Unit.id == Obligation.unit_id)
        .join(Cycle, Cycle.id == Obligation.cycle_id)
        .where(OPEN_OBLIGATION, Obligation.retired.is_(False))
        .order_by(Obligation.id)
    )
    if under_path:
        query = query.where(Unit.path.startswith(under_path))
    with read_connection(engine) as connection:
        return [OpenObligation(*row) for row in connection.execute(query)]


def reminder_plans(engine: Engine, cycle_ids: Iterable[int]) -> dict[int, ReminderPlan | str]:
    """Each cycle's ladders as planned, or the pack id when the cycle predates that record."""
    wanted = sorted(set(cycle_ids))
    if not wanted:
        return {}
    with read_connection(engine) as connection:
        rows = connection.execute(select(Cycle.id, Cycle.pack_id, Cycle.reminders).where(Cycle.id.in_(wanted)))
        return {i: ReminderPlan.from_json(text) if text else pack for i, pack, text in rows}


def contacts_by_unit(engine: Engine, unit_ids: Iterable[int]) -> dict[int, list[ContactRow]]:
    wanted = sorted(set(unit_ids))
    found: dict[int, list[ContactRow]] = defaultdict(list)
    with read_connection(engine) as connection:
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            for c in connection.execute(select(Contact).where(Contact.unit_id.in_(chunk)).order_by(Contact.id)):
                found[c.unit_id].append(contact_row(c))
    return found


def sent_steps(engine: Engine) -> set[tuple[int, str]]:
    """(obligation, ladder:step@day) already in the outbox, for open obligations."""
    query = (
        select(Notice.obligation_id, Notice.step)
        .join(Obligation, Obligation.id == Notice.obligation_id)
        .where(OPEN_OBLIGATION, Notice.kind == "reminder")
        .distinct()
    )
    with read_connection(engine) as connection:
        return {(o, s) for o, s in connection.execute(query)}


def reminders_sent(engine: Engine) -> dict[int, int]:
    """How many reminder steps each open obligation has had (for the escalation's wording)."""
    query = (
        select(Notice.obligation_id, func.count(func.distinct(Notice.step)))
        .join(Obligation, Obligation.id == Notice.obligation_id)
        .where(OPEN_OBLIGATION, Notice.status == "sent")
        .group_by(Notice.obligation_id)
    )
    with read_connection(engine) as connection:
        return dict(connection.execute(query).tuples().all())


def return_reasons(engine: Engine, obligation_ids: Iterable[int]) -> dict[int, str | None]:
    """The note of the latest return of each obligation (the reviewer's reason)."""
    wanted = sorted(set(obligation_ids))
    if not wanted:
        return {}
    latest = (
        select(AuditEvent.entity_id, func.max(AuditEvent.id).label("last"))
        .where(AuditEvent.entity == "obligation", AuditEvent.action == "return", AuditEvent.entity_id.in_(wanted))
        .group_by(AuditEvent.entity_id)
        .subquery()
    )
    event = aliased(AuditEvent)
    query = select(event.entity_id, event.note).join(
        latest, and_(latest.c.entity_id == event.entity_id, latest.c.last == event.id)
    )
    with read_connection(engine) as connection:
        return dict(connection.execute(query).tuples().all())


@dataclass(frozen=True)
class Supervisor:
    contact: ContactRow
    unit: UnitRef


def supervisors(engine: Engine, *, on: date) -> list[Supervisor]:
    """Active contacts with the supervisor role at units valid on ``on``, with their unit."""
    query = (
        select(Contact, *UNIT_COLUMNS)
        .join(Unit, Unit.id == Contact.unit_id)
        .where(Contact.role == "supervisor", Contact.active.is_(True), valid_on(on))
        .order_by(Contact.id)
    )
    with Session(engine) as session:
        return [Supervisor(contact_row(row[0]), UnitRef(*row[1:])) for row in session.execute(query)]


def open_count_under(engine: Engine, unit: UnitRef) -> int:
    """Open obligations of the units below ``unit`` (the unit itself excluded)."""
    query = (
        select(func.count())
        .select_from(Obligation)
        .join(Unit, Unit.id == Obligation.unit_id)
        .where(OPEN_OBLIGATION, Obligation.retired.is_(False), subtree(unit, include_self=False))
    )
    with read_connection(engine) as connection:
        return int(connection.execute(query).scalar_one())


def watched_subtree(engine: Engine, unit: UnitRef, day: date) -> UnitRef:
    """What a supervisor at ``unit`` watches on ``day``: their unit's subtree, or the parent's when
    their unit has nothing under it (a department watches its level)."""
    with read_connection(engine) as connection:
        has_children = connection.execute(
            select(Unit.id).where(subtree(unit, include_self=False), valid_on(day)).limit(1)
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
                select(Obligation.id, Unit.code, Obligation.report_id, Obligation.period)
                .join(Unit, Unit.id == Obligation.unit_id)
                .where(Obligation.id.in_(wanted[start : start + 5000]))
            )
        }
