"""What the sweep reads: open obligations with what their messages need, and the contacts to reach.

Plain rows out, no decisions: the ladder (rules/ladder.py) decides, the outbox (models/outbox.py)
remembers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Engine, Row, and_, case, func, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from models.columns import Stored, as_stored
from models.database import read_connection
from models.tables import OPEN_OBLIGATION, AuditEvent, Contact, Cycle, Extension, Notice, Obligation, Unit
from models.units import UNIT_COLUMNS, UnitRef, parent_on, subtree, valid_on
from rules.ladder import ReminderPlan
from rules.scope import Everywhere


class OpenObligation(NamedTuple):
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
    also_recipients: str | None = None  # as stored: the names of the other recipients, JSON
    assumed: str | None = None  # the note on the date, in Vietnamese (an estimate: a Tết not decided yet)


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


# Rows fetched a few thousand at a time: PostgreSQL's driver would otherwise hold the whole
# country's result at once before the first row is read (a server-side cursor instead).
_STREAMED = 5000


class DueKey(NamedTuple):
    """What deciding a sweep's steps needs of one open obligation, without its names or unit."""

    id: int
    state: str
    cycle_id: int
    report_id: str
    due_date: date
    due_at: datetime
    returned_at: datetime | None


def open_obligation_keys(
    engine: Engine,
    *,
    under: UnitRef | Everywhere,
    only: Collection[int] | None = None,
    cycles: Collection[int] | None = None,
) -> list[DueKey]:
    """:func:`open_obligations`, each only as far as deciding its steps needs: the sweep reads the
    whole country this way and the full rows of the few with a step due today."""
    query = select(
        col(Obligation.id),
        col(Obligation.state),
        col(Obligation.cycle_id),
        col(Obligation.report_id),
        as_stored(col(Obligation.due_date)),
        as_stored(col(Obligation.due_at)),
        as_stored(col(Obligation.returned_at)),
    ).where(OPEN_OBLIGATION, col(Obligation.retired).is_(False))
    if isinstance(under, UnitRef):
        query = query.join(Unit, col(Unit.id) == col(Obligation.unit_id)).where(subtree(under))
    if only is not None:
        query = query.where(col(Obligation.id).in_(sorted(only)))
    if cycles is not None:
        query = query.where(col(Obligation.cycle_id).in_(sorted(cycles)))
    shared: dict[Any, Any] = {}
    keep = shared.setdefault
    stored = Stored()
    day_of, instant_of = stored.day, stored.instant
    with read_connection(engine) as connection:
        return [
            DueKey(i, keep(state, state), cycle, keep(report, report), day_of(day), instant_of(due), instant_of(back))
            for i, state, cycle, report, day, due, back in connection.execute(
                query.order_by(col(Obligation.id)).execution_options(yield_per=_STREAMED)
            )
        ]


def open_obligations(
    engine: Engine,
    *,
    under: UnitRef | Everywhere,
    only: Collection[int] | None = None,
    cycles: Collection[int] | None = None,
) -> list[OpenObligation]:
    """Every open (pending or returned), current obligation, optionally under one unit, or only
    those with the ids ``only`` names, or only those of the cycles ``cycles`` names."""
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
            as_stored(col(Obligation.due_date)),
            as_stored(col(Obligation.due_at)),
            col(Obligation.rolled_reason),
            as_stored(col(Obligation.returned_at)),
            col(Obligation.also_recipients),
            col(Obligation.assumed),
        )
        .join(Unit, col(Unit.id) == col(Obligation.unit_id))
        .join(Cycle, col(Cycle.id) == col(Obligation.cycle_id))
        .where(OPEN_OBLIGATION, col(Obligation.retired).is_(False))
        .order_by(col(Obligation.id))
    )
    if isinstance(under, UnitRef):
        query = query.where(subtree(under))
    if cycles is not None:
        query = query.where(col(Obligation.cycle_id).in_(sorted(cycles)))
    if only is None:
        queries = [query]
    else:  # a few thousand ids a statement: SQLite and PostgreSQL each cap a statement's parameters
        wanted = sorted(only)
        queries = [query.where(col(Obligation.id).in_(wanted[s : s + 5000])) for s in range(0, len(wanted), 5000)]
    # The same report, period, wording and unit names come back on thousands of rows: one string
    # each, not one per row (a national sweep holds every open obligation at once).
    shared: list[tuple[int, Callable[[Any, Any], Any]]] = [(i, {}.setdefault) for i in _SHARED_COLUMNS]
    stored = Stored()
    day_of, instant_of = stored.day, stored.instant
    found: list[OpenObligation] = []
    with read_connection(engine) as connection:
        for chunk in queries:
            for row in connection.execute(chunk.execution_options(yield_per=_STREAMED)).tuples():
                values = list(row)
                for i, same in shared:
                    if (value := values[i]) is not None:
                        values[i] = same(value, value)
                values[_DUE_DATE] = day_of(values[_DUE_DATE])
                values[_DUE_AT] = instant_of(values[_DUE_AT])
                values[_RETURNED_AT] = instant_of(values[_RETURNED_AT])
                found.append(OpenObligation._make(values))
    return found


# The columns of :class:`OpenObligation` whose values repeat from row to row and are not small
# numbers: the names and texts, each value kept once per column (the dates are, by Stored).
_SHARED_COLUMNS = tuple(
    i
    for i, name in enumerate(OpenObligation._fields)
    if name
    not in ("id", "cycle_id", "hop", "unit_id", "parent_id", "recipient_unit_id", "due_date", "due_at", "returned_at")
)
_DUE_DATE, _DUE_AT, _RETURNED_AT = (OpenObligation._fields.index(n) for n in ("due_date", "due_at", "returned_at"))


def open_cycles(engine: Engine) -> set[int]:
    """The cycles that have an open, current obligation."""
    query = select(col(Obligation.cycle_id)).where(OPEN_OBLIGATION, col(Obligation.retired).is_(False)).distinct()
    with read_connection(engine) as connection:
        return set(connection.execute(query).scalars())


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


# A notice that tells one recipient of several obligations at once (the day's escalations in one
# table) keeps no obligation of its own: its payload lists what it covers, as
# {"covers": [[obligation id, "ladder:step@day"], …]}, so each of them counts as done.
GROUPED_KIND = "escalation"


def covers_payload(covers: Iterable[tuple[int, str]], **extra: object) -> str:
    """The payload of a grouped notice: what it covers, and what its channel needs (``text``…)."""
    return json.dumps({**extra, "covers": [[o, s] for o, s in sorted(set(covers))]}, ensure_ascii=False)


def _covered(engine: Engine) -> list[tuple[list[list[Any]], bool]]:
    """What each grouped notice tells of ([obligation id, step] pairs), and whether it was sent."""
    query = select(col(Notice.payload), col(Notice.status)).where(col(Notice.kind) == GROUPED_KIND)
    with read_connection(engine) as connection:
        return [
            (json.loads(payload or "{}").get("covers", []), status == "sent")
            for payload, status in connection.execute(query)
        ]


def _open_ids(engine: Engine, ids: set[int]) -> set[int]:
    wanted = sorted(ids)
    found: set[int] = set()
    with read_connection(engine) as connection:
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            rows = connection.execute(select(col(Obligation.id)).where(OPEN_OBLIGATION, col(Obligation.id).in_(chunk)))
            found.update(i for i in rows.scalars() if i is not None)
    return found


@dataclass(frozen=True)
class OutboxHistory:
    """What the outbox already holds for open obligations."""

    queued: set[tuple[int, str]]  # (obligation, ladder:step@day) queued alone or listed, whatever became of it
    sent: dict[int, int]  # how many reminder steps each has had sent (for the escalation's wording)


def outbox_history(engine: Engine, open_ids: Collection[int] | None = None) -> OutboxHistory:
    """The steps already in the outbox for open obligations, and how many each has had sent: one
    read of the reminders and one of the grouped notices' payloads. ``open_ids``: the open
    obligations the caller has read already (asked again of the database when not given); only
    theirs are kept."""
    query = (
        select(
            col(Notice.obligation_id),
            col(Notice.step),
            func.max(case((col(Notice.status) == "sent", 1), else_=0)),
        )
        .join(Obligation, col(Obligation.id) == col(Notice.obligation_id))
        .where(OPEN_OBLIGATION, col(Notice.kind) == "reminder")
        .group_by(col(Notice.obligation_id), col(Notice.step))
    )
    queued: set[tuple[int, str]] = set()
    sent: set[tuple[int, str]] = set()
    with read_connection(engine) as connection:
        for obligation, step, was_sent in connection.execute(query):
            queued.add((obligation, step))
            if was_sent:
                sent.add((obligation, step))
    covered = _covered(engine)
    still_open = (
        set(open_ids)
        if open_ids is not None
        else _open_ids(engine, {o for covers, _sent in covered for o, _step in covers})
    )
    for covers, was_sent in covered:  # a national first sweep lists nearly every open obligation
        told = [(obligation, step) for obligation, step in covers if obligation in still_open]
        queued.update(told)
        if was_sent:
            sent.update(told)
    counts: dict[int, int] = defaultdict(int)
    for obligation, _step in sent:
        counts[obligation] += 1
    return OutboxHistory(queued, dict(counts))


@dataclass(frozen=True)
class ExtensionFacts:
    """An obligation's extension (gia hạn): the due instant before the first one, the one in
    force, and the latest reason."""

    old_due_at: datetime
    new_due_at: datetime
    reason: str


def latest_extensions(engine: Engine, obligation_ids: Iterable[int]) -> dict[int, ExtensionFacts]:
    """Each obligation's latest extension, for those that have one."""
    wanted = sorted(set(obligation_ids))
    found: dict[int, ExtensionFacts] = {}
    with read_connection(engine) as connection:
        for start in range(0, len(wanted), 5000):
            rows = connection.execute(
                select(
                    col(Extension.obligation_id),
                    col(Extension.old_due_at),
                    col(Extension.new_due_at),
                    col(Extension.reason),
                )
                .where(col(Extension.obligation_id).in_(wanted[start : start + 5000]))
                .order_by(col(Extension.granted_at), col(Extension.id))
            )
            for obligation, old, new, reason in rows:  # the first one's old date, the latest one's reason
                first = found.get(obligation)
                found[obligation] = ExtensionFacts(first.old_due_at if first else old, new, reason)
    return found


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
