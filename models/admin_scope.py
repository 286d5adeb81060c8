"""What an admin manages, within their unit, in SQL: the units and contacts under it, the outbox's
notices about them, the users acting for them, and the roles nobody can be told in. Every query
takes the admin's unit; a row outside it is :class:`NotVisible` (404), as on every page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, exists, func, insert, or_, select, update
from sqlmodel import col

from models.database import read_connection, transaction
from models.org_rows import normalise_phone
from models.tables import OPEN_STATES, AuditEvent, Contact, Notice, Obligation, Unit, User
from models.units import UnitRef, subtree, valid_on
from models.worklist import NotVisible, in_subtree
from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.text import fold

CONTACT_ROLES = ("focal_point", "head", "deputy", "recipient_officer", "supervisor")
CHANNELS = ("email", "zalo", "zns")
NEEDED_ROLES = ("focal_point", "head")  # a unit with open obligations is told through these


def _matching(candidates: Iterable[Any], q: str) -> list[int]:
    """The ids among ``candidates`` (id, then texts) any of whose texts holds ``q``, compared
    without diacritics or case ("dai son" finds "Xã Đại Sơn"): the scope is the SQL's, the
    comparison Vietnamese-aware, which neither SQLite's lower() nor a plain LIKE is."""
    wanted = fold(q)
    return [int(row[0]) for row in candidates if any(wanted in fold(str(t or "")) for t in row[1:])]


def _units_under(unit: UnitRef) -> Any:
    return select(col(Unit.id)).where(subtree(unit))


@dataclass(frozen=True)
class UnitListRow:
    id: int
    code: str
    name: str
    level: str
    unit_type: str
    contacts: int


def units(
    engine: Engine,
    unit: UnitRef,
    *,
    day: date,
    q: str = "",
    level: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[UnitListRow], int]:
    """The units under ``unit`` valid on ``day``, by code; matching ``q`` in code or name; and how many."""
    active = (
        select(func.count())
        .where(col(Contact.unit_id) == col(Unit.id), col(Contact.active).is_(True))
        .correlate(Unit)
        .scalar_subquery()
    )
    condition = and_(subtree(unit), valid_on(day))
    if level:
        condition = and_(condition, col(Unit.level) == level)
    with read_connection(engine) as connection:
        if q.strip():
            candidates = connection.execute(select(col(Unit.id), col(Unit.code), col(Unit.name)).where(condition))
            condition = and_(condition, col(Unit.id).in_(_matching(candidates, q)))
        total = connection.execute(select(func.count()).select_from(Unit).where(condition)).scalar_one()
        rows = connection.execute(
            select(
                col(Unit.id), col(Unit.code), col(Unit.name), col(Unit.level), col(Unit.unit_type), active.label("n")
            )
            .where(condition)
            .order_by(col(Unit.path), col(Unit.code))
            .limit(limit)
            .offset(offset)
        ).all()
    return [UnitListRow(*r) for r in rows], int(total)


@dataclass(frozen=True)
class ContactListRow:
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    name: str
    role: str
    email: str | None
    zalo_phone: str | None
    zalo_user_id: str | None
    channels: str
    active: bool


_CONTACT_COLUMNS = (
    col(Contact.id),
    col(Contact.unit_id),
    col(Unit.code),
    col(Unit.name),
    col(Contact.name),
    col(Contact.role),
    col(Contact.email),
    col(Contact.zalo_phone),
    col(Contact.zalo_user_id),
    col(Contact.channels),
    col(Contact.active),
)


def contacts(
    engine: Engine,
    unit: UnitRef,
    *,
    q: str = "",
    role: str | None = None,
    active: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[ContactListRow], int]:
    """The contacts of the units under ``unit``, by unit then role; matching ``q``; and how many."""
    condition = and_(subtree(unit))
    if role:
        condition = and_(condition, col(Contact.role) == role)
    if active is not None:
        condition = and_(condition, col(Contact.active).is_(active))
    with read_connection(engine) as connection:
        if q.strip():
            candidates = connection.execute(
                select(
                    col(Contact.id),
                    col(Contact.name),
                    func.coalesce(col(Contact.email), ""),
                    col(Unit.code),
                    col(Unit.name),
                )
                .join(Unit, col(Unit.id) == col(Contact.unit_id))
                .where(condition)
            )
            condition = and_(condition, col(Contact.id).in_(_matching(candidates, q)))
        base = select(*_CONTACT_COLUMNS).join(Unit, col(Unit.id) == col(Contact.unit_id)).where(condition)
        total = connection.execute(select(func.count()).select_from(base.subquery())).scalar_one()
        rows = connection.execute(
            base.order_by(col(Unit.path), col(Unit.code), col(Contact.role), col(Contact.name), col(Contact.id))
            .limit(limit)
            .offset(offset)
        ).all()
    return [ContactListRow(*r) for r in rows], int(total)


def contact(engine: Engine, unit: UnitRef, contact_id: int) -> ContactListRow:
    with read_connection(engine) as connection:
        row = connection.execute(
            select(*_CONTACT_COLUMNS)
            .join(Unit, col(Unit.id) == col(Contact.unit_id))
            .where(col(Contact.id) == contact_id, subtree(unit))
        ).first()
    if row is None:
        raise NotVisible()
    return ContactListRow(*row)


@dataclass(frozen=True)
class ContactChange:
    name: str
    role: str
    email: str | None
    zalo_phone: str | None
    channels: str
    active: bool


def check_contact(change: ContactChange) -> ContactChange:
    """The change with its phone in international form, or the first problem, naming the field."""
    name = " ".join(change.name.split())
    if not name:
        raise DunghanError(_("{field}: must not be empty").format(field=FIELD), field="name")
    if change.role not in CONTACT_ROLES:
        raise DunghanError(_("{field}: no role {role!r}").format(field=FIELD, role=change.role), field="role")
    email = (change.email or "").strip() or None
    if email and ("@" not in email or " " in email or len(email) > 254):
        raise DunghanError(
            _("{field}: {email!r} is not an e-mail address").format(field=FIELD, email=email), field="email"
        )
    phone = None
    if (change.zalo_phone or "").strip():
        phone = normalise_phone(change.zalo_phone or "")
        if phone is None:
            raise DunghanError(
                _("{field}: {phone!r} is not a Vietnamese phone number").format(field=FIELD, phone=change.zalo_phone),
                field="zalo_phone",
            )
    channels = [c.strip() for c in change.channels.split(",") if c.strip()]
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels:
        raise DunghanError(
            _("{field}: choose from {channels}").format(field=FIELD, channels=", ".join(CHANNELS)), field="channels"
        )
    return ContactChange(name, change.role, email, phone, ",".join(channels), change.active)


def update_contact(
    engine: Engine, unit: UnitRef, contact_id: int, change: ContactChange, *, at: datetime, actor: str
) -> None:
    """Change one contact under ``unit`` (checked first), written to the audit trail with what changed."""
    checked = check_contact(change)
    with transaction(engine) as session:
        found = session.execute(
            select(
                col(Contact.name),
                col(Contact.role),
                col(Contact.email),
                col(Contact.zalo_phone),
                col(Contact.channels),
                col(Contact.active),
            )
            .join(Unit, col(Unit.id) == col(Contact.unit_id))
            .where(col(Contact.id) == contact_id, subtree(unit))
            .with_for_update()
        ).first()
        if found is None:
            raise NotVisible()
        before = dict(zip(("name", "role", "email", "zalo_phone", "channels", "active"), found, strict=True))
        after = {
            "name": checked.name,
            "role": checked.role,
            "email": checked.email,
            "zalo_phone": checked.zalo_phone,
            "channels": checked.channels,
            "active": checked.active,
        }
        changed = {k: v for k, v in after.items() if before[k] != v}
        if not changed:
            return
        session.execute(update(Contact).where(col(Contact.id) == contact_id).values(**changed))
        note = "; ".join(f"{k}: {before[k]!s} → {v!s}" for k, v in changed.items())
        session.execute(
            insert(AuditEvent).values(
                at=at, actor=actor, entity="contact", entity_id=contact_id, action="contact_changed", note=note[:4000]
            )
        )


@dataclass(frozen=True)
class GapRow:
    unit_id: int
    unit_code: str
    unit_name: str
    role: str
    open_obligations: int


def gaps(engine: Engine, unit: UnitRef, *, day: date) -> list[GapRow]:
    """Units under ``unit`` with open obligations and no active contact with an address for a
    role the reminders need (focal point, head): whom nobody can tell."""
    rows: list[GapRow] = []
    open_count = (
        select(col(Obligation.unit_id), func.count().label("n"))
        .where(col(Obligation.state).in_(OPEN_STATES), col(Obligation.retired).is_(False), in_subtree(unit))
        .group_by(col(Obligation.unit_id))
        .subquery()
    )
    with read_connection(engine) as connection:
        for role in NEEDED_ROLES:
            reachable = exists().where(
                col(Contact.unit_id) == col(Unit.id),
                col(Contact.role) == role,
                col(Contact.active).is_(True),
                or_(
                    col(Contact.email).is_not(None),
                    col(Contact.zalo_phone).is_not(None),
                    col(Contact.zalo_user_id).is_not(None),
                ),
            )
            for r in connection.execute(
                select(col(Unit.id), col(Unit.code), col(Unit.name), open_count.c.n)
                .join(open_count, open_count.c.unit_id == col(Unit.id))
                .where(~reachable, valid_on(day))
                .order_by(col(Unit.path), col(Unit.code))
            ):
                rows.append(GapRow(r[0], r[1], r[2], role, int(r[3])))
    return sorted(rows, key=lambda g: (g.unit_code, NEEDED_ROLES.index(g.role)))


def _notice_scope(unit: UnitRef) -> Any:
    """Notices about obligations under ``unit``, or addressed to contacts of units under it."""
    return or_(
        col(Notice.obligation_id).in_(select(col(Obligation.id)).where(in_subtree(unit))),
        col(Notice.contact_id).in_(select(col(Contact.id)).where(col(Contact.unit_id).in_(_units_under(unit)))),
    )


@dataclass(frozen=True)
class NoticeRow:
    id: int
    kind: str
    channel: str
    recipient_name: str
    recipient_role: str
    address: str
    subject: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None
    attempts_note: str | None
    result: str | None  # what the channel answered: in folder mode, the file written


_NOTICE_COLUMNS = (
    col(Notice.id),
    col(Notice.kind),
    col(Notice.channel),
    col(Notice.recipient_name),
    col(Notice.recipient_role),
    col(Notice.address),
    col(Notice.subject),
    col(Notice.status),
    col(Notice.created_at),
    col(Notice.sent_at),
    col(Notice.last_error),
    col(Notice.note),
    col(Notice.result),
)


def notice_counts(engine: Engine, unit: UnitRef) -> dict[str, int]:
    with read_connection(engine) as connection:
        found = connection.execute(
            select(col(Notice.status), func.count()).where(_notice_scope(unit)).group_by(col(Notice.status))
        ).all()
    return {str(s): int(n) for s, n in found}


def notices(
    engine: Engine, unit: UnitRef, *, status: str | None, limit: int = 100, offset: int = 0
) -> tuple[list[NoticeRow], int]:
    condition = _notice_scope(unit)
    if status:
        condition = and_(condition, col(Notice.status) == status)
    with read_connection(engine) as connection:
        total = connection.execute(select(func.count()).select_from(Notice).where(condition)).scalar_one()
        rows = connection.execute(
            select(*_NOTICE_COLUMNS).where(condition).order_by(col(Notice.id).desc()).limit(limit).offset(offset)
        ).all()
    return [NoticeRow(*r) for r in rows], int(total)


@dataclass(frozen=True)
class NoticeMessage:
    row: NoticeRow
    body_text: str
    body_html: str | None
    payload: str | None
    result: str | None
    obligation_id: int | None


def notice(engine: Engine, unit: UnitRef, notice_id: int) -> NoticeMessage:
    with read_connection(engine) as connection:
        found = connection.execute(
            select(
                *_NOTICE_COLUMNS,
                col(Notice.body_text),
                col(Notice.body_html),
                col(Notice.payload),
                col(Notice.result),
                col(Notice.obligation_id),
            ).where(col(Notice.id) == notice_id, _notice_scope(unit))
        ).first()
    if found is None:
        raise NotVisible()
    n = len(_NOTICE_COLUMNS)
    return NoticeMessage(NoticeRow(*found[:n]), *found[n:])


def dead_notice_ids(engine: Engine, unit: UnitRef, ids: list[int] | None = None) -> list[int]:
    """The dead (or failed) notices under ``unit``; only those of ``ids`` when given."""
    condition = and_(_notice_scope(unit), col(Notice.status).in_(("dead", "failed")))
    if ids is not None:
        condition = and_(condition, col(Notice.id).in_(ids))
    with read_connection(engine) as connection:
        return [int(r[0]) for r in connection.execute(select(col(Notice.id)).where(condition)).all()]


@dataclass(frozen=True)
class UserListRow:
    id: int
    email: str
    name: str
    role: str
    unit_id: int
    unit_code: str
    unit_name: str
    active: bool
    has_password: bool


def users(engine: Engine, unit: UnitRef) -> list[UserListRow]:
    """The people acting for units under ``unit``."""
    with read_connection(engine) as connection:
        rows = connection.execute(
            select(
                col(User.id),
                col(User.email),
                col(User.name),
                col(User.role),
                col(User.unit_id),
                col(Unit.code),
                col(Unit.name),
                col(User.active),
                col(User.password_hash).is_not(None),
            )
            .join(Unit, col(Unit.id) == col(User.unit_id))
            .where(subtree(unit))
            .order_by(col(Unit.path), col(User.role), col(User.email))
        ).all()
    return [UserListRow(*r) for r in rows]


def user(engine: Engine, unit: UnitRef, user_id: int) -> UserListRow:
    found = [u for u in users(engine, unit) if u.id == user_id]
    if not found:
        raise NotVisible()
    return found[0]


def change_user(
    engine: Engine, unit: UnitRef, user_id: int, *, role: str, unit_id: int, at: datetime, actor: str
) -> None:
    """Change a user's role or the unit they act for; both ends within ``unit``. Their sessions end:
    what they may see has changed."""
    from models.users import _ending_sessions_of

    with transaction(engine) as session:
        inside = session.execute(
            select(func.count())
            .select_from(User)
            .join(Unit, col(Unit.id) == col(User.unit_id))
            .where(col(User.id) == user_id, subtree(unit))
        ).scalar_one()
        target = session.execute(select(func.count()).select_from(Unit).where(col(Unit.id) == unit_id, subtree(unit)))
        if not inside or not target.scalar_one():
            raise NotVisible()
        session.execute(update(User).where(col(User.id) == user_id).values(role=role, unit_id=unit_id))
        session.execute(_ending_sessions_of(user_id, at))
        session.execute(
            insert(AuditEvent).values(
                at=at,
                actor=actor,
                entity="user",
                entity_id=user_id,
                action="user_changed",
                note=_("role {role}, unit {unit}").format(role=role, unit=unit_id),
            )
        )


def codes_outside(engine: Engine, unit: UnitRef, codes: set[str], *, day: date) -> list[str]:
    """Those of ``codes`` held on ``day`` by no unit under ``unit``: rows an admin may not write."""
    if not codes:
        return []
    with read_connection(engine) as connection:
        inside = {
            str(r[0])
            for r in connection.execute(
                select(col(Unit.code)).where(col(Unit.code).in_(sorted(codes)), subtree(unit), valid_on(day))
            ).all()
        }
    return sorted(codes - inside)


def known_codes(engine: Engine, codes: set[str]) -> set[str]:
    """Those of ``codes`` that some stored unit holds or held."""
    if not codes:
        return set()
    with read_connection(engine) as connection:
        return {str(r[0]) for r in connection.execute(select(col(Unit.code)).where(col(Unit.code).in_(sorted(codes))))}
