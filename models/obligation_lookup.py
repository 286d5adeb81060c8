"""Finding one obligation as a person names it (unit code, report, period, hop), the unit taken on
a day when one is given: a GSO code names another unit after the 2025 reform, so a code whose
units both have the obligation is refused, naming both, until a day says which. And the messages
that told someone of one obligation: those addressed to it, and the grouped ones (one a day per
recipient, listing every late unit) whose payload says they cover it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, and_, or_, select
from sqlmodel import col

from models.database import read_connection
from models.obligations import NoSuchObligation, ObligationKey
from models.reminders import GROUPED_KIND
from models.tables import Notice, Obligation, Unit
from models.units import UNIT_COLUMNS, AmbiguousCode, UnitRef, unit_at
from rules.errors import ACTION, FIELD
from rules.i18n import _


@dataclass(frozen=True)
class FoundObligation:
    id: int
    unit: UnitRef


def find_obligation(engine: Engine, key: ObligationKey, *, on: date | None = None) -> FoundObligation:
    """The obligation ``key`` names (not retired) and its unit; with ``on``, of the unit holding
    the code that day. :class:`NoSuchObligation` when there is none or several hops,
    :class:`AmbiguousCode` when the code's units both have it and no day was given."""
    query = (
        select(col(Obligation.id).label("obligation_id"), col(Obligation.hop), *UNIT_COLUMNS)
        .join(Unit, col(Unit.id) == col(Obligation.unit_id))
        .where(
            col(Unit.code) == key.unit,
            col(Obligation.report_id) == key.report,
            col(Obligation.period) == key.period,
            col(Obligation.retired).is_(False),
        )
        .order_by(col(Unit.valid_from), col(Obligation.hop))
    )
    if key.hop is not None:
        query = query.where(col(Obligation.hop) == key.hop)
    with read_connection(engine) as connection:
        found = connection.execute(query).all()
        holder = unit_at(connection, key.unit, on) if on is not None else None
    if holder is not None:
        found = [r for r in found if r[2] == holder.id]
    if not found:
        what = _("{key} of {unit}").format(key=key, unit=holder.label) if holder is not None else str(key)
        raise NoSuchObligation(
            _(
                "no obligation {what}: check the unit code, the report id and the period "
                "({action} lists the obligations)"
            ).format(what=what, action=ACTION),
            action="overdue",
        )
    units = {r[2]: UnitRef(*r[2:]) for r in found}
    if len(units) > 1:
        raise AmbiguousCode(
            key.unit,
            list(units.values()),
            _("Choose the unit with {field} DAY (a day it held this code).").format(field=FIELD),
        )
    if len(found) > 1:
        hops = ", ".join(str(r[1]) for r in found)
        raise NoSuchObligation(
            _("{key} matches obligations at several steps ({hops}): add {field}").format(
                key=key, hops=hops, field=FIELD
            ),
            field="hop",
        )
    return FoundObligation(int(found[0][0]), units[found[0][2]])


@dataclass(frozen=True)
class NoticeLine:
    """One message about an obligation, as its history shows it (never its address)."""

    id: int
    kind: str  # reminder, escalation…
    template: str
    channel: str
    recipient_name: str
    recipient_role: str
    subject: str
    status: str  # pending, sending, sent, failed, dead
    result: str | None  # where it went (a file in folder mode, a message id)
    created_at: datetime
    sent_at: datetime | None
    covers: int  # how many obligations the message tells of: 1, or more for a grouped one


def _covered(payload: str | None) -> set[int]:
    """The obligations a grouped message's payload lists under ``covers``."""
    try:
        data = json.loads(payload or "{}")
    except ValueError:
        return set()
    pairs = data.get("covers", []) if isinstance(data, dict) else []
    return {int(pair[0]) for pair in pairs if isinstance(pair, list) and pair and isinstance(pair[0], int)}


def obligation_notices(engine: Engine, obligation_id: int) -> list[NoticeLine]:
    """Every message about the obligation, oldest first: those addressed to it, and the grouped
    ones that list it among others (their payload's ``covers``: ``[[obligation id, step], …]``)."""
    grouped = and_(
        col(Notice.kind) == GROUPED_KIND,
        col(Notice.obligation_id).is_(None),
        # a cheap first sieve ("[12," begins the pair of obligation 12, never of 112 or 123);
        # the payload itself is read below
        col(Notice.payload).like(f"%[{int(obligation_id)},%"),
    )
    query = (
        select(
            col(Notice.id),
            col(Notice.kind),
            col(Notice.template),
            col(Notice.channel),
            col(Notice.recipient_name),
            col(Notice.recipient_role),
            col(Notice.subject),
            col(Notice.status),
            col(Notice.result),
            col(Notice.created_at),
            col(Notice.sent_at),
            col(Notice.obligation_id),
            col(Notice.payload),
        )
        .where(or_(col(Notice.obligation_id) == obligation_id, grouped))
        .order_by(col(Notice.created_at), col(Notice.id))
    )
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    lines = []
    for row in rows:
        own, payload = row[11], row[12]
        covered = _covered(payload) if own is None or row[1] == GROUPED_KIND else set()
        if own is None and obligation_id not in covered:
            continue  # the sieve's false match: another number in the payload's text
        lines.append(
            NoticeLine(
                id=int(row[0]),
                kind=row[1],
                template=row[2],
                channel=row[3],
                recipient_name=row[4],
                recipient_role=row[5],
                subject=row[6],
                status=row[7],
                result=row[8],
                created_at=row[9],
                sent_at=row[10],
                covers=max(1, len(covered)),
            )
        )
    return lines
