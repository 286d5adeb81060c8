"""People who log in, as stored: users, one-time tokens, login attempts. No hashing here: the
password hash comes from :mod:`app.users`, this module keeps it.

Tokens are random secrets handed to a person once (a link); only their SHA-256 is stored, so the
database never holds a usable link. Every change is in the audit trail under who made it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Update, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from models.database import read_connection, transaction
from models.tables import USER_ROLES, AuditEvent, LoginAttempt, Unit, User, UserToken, WebSession
from rules.errors import FIELD, DunghanError
from rules.i18n import _


class UserError(DunghanError):
    """A user that cannot be added, found or changed as asked."""


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    name: str
    role: str
    unit_code: str
    unit_name: str
    active: bool
    has_password: bool


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(user_id: int, action: str, actor: str, at: datetime, note: str | None = None) -> dict[str, object]:
    return {"at": at, "actor": actor, "entity": "user", "entity_id": user_id, "action": action, "note": note}


def add_user(engine: Engine, *, email: str, name: str, role: str, unit_id: int, at: datetime, actor: str) -> int:
    """Store a new user (no password yet); refuse an unknown role or an e-mail already taken."""
    if role not in USER_ROLES:
        raise UserError(
            _("{field} {role!r} is not one of {known}").format(field=FIELD, role=role, known=", ".join(USER_ROLES)),
            field="role",
        )
    values = {
        "email": email.strip().casefold(),
        "name": name.strip(),
        "role": role,
        "unit_id": unit_id,
        "active": True,
        "created_at": at,
        "created_by": actor,
    }
    try:
        with transaction(engine) as session:
            user_id = session.execute(insert(User).returning(col(User.id)), values).scalar_one()
            session.execute(insert(AuditEvent), [_audit(user_id, "user_added", actor, at, f"{role} {email}")])
    except IntegrityError:
        raise UserError(_("a user with the e-mail {email} already exists").format(email=values["email"])) from None
    return int(user_id)


def user_id_by_email(engine: Engine, email: str) -> int:
    with read_connection(engine) as connection:
        found = connection.execute(select(col(User.id)).where(col(User.email) == email.strip().casefold())).first()
    if found is None:
        raise UserError(_("no user with the e-mail {email}").format(email=email.strip().casefold()))
    return int(found[0])


def list_users(engine: Engine) -> list[UserRow]:
    query = (
        select(
            col(User.id),
            col(User.email),
            col(User.name),
            col(User.role),
            col(Unit.code),
            col(Unit.name),
            col(User.active),
            col(User.password_hash).is_not(None),
        )
        .join(Unit, col(Unit.id) == col(User.unit_id))
        .order_by(col(User.email))
    )
    with read_connection(engine) as connection:
        return [UserRow(*row) for row in connection.execute(query)]


def set_active(engine: Engine, user_id: int, *, active: bool, at: datetime, actor: str) -> None:
    """Enable or disable a user; disabling ends their sessions in the same transaction."""
    with transaction(engine) as session:
        session.execute(update(User).where(col(User.id) == user_id).values(active=active))
        if not active:
            session.execute(_ending_sessions_of(user_id, at))
        session.execute(insert(AuditEvent), [_audit(user_id, "user_enabled" if active else "user_disabled", actor, at)])


def issue_token(
    engine: Engine, user_id: int, *, purpose: str, at: datetime, valid_for: timedelta, actor: str | None = None
) -> str:
    """A new secret for ``user_id``; the earlier unused ones of the same purpose end now. With
    ``actor``, the audit trail records that a new one was made (never the secret)."""
    token = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        if actor is not None:
            session.execute(insert(AuditEvent), [_audit(user_id, f"{purpose}_token_issued", actor, at)])
        session.execute(
            update(UserToken)
            .where(
                col(UserToken.user_id) == user_id, col(UserToken.purpose) == purpose, col(UserToken.used_at).is_(None)
            )
            .values(used_at=at)
        )
        session.execute(
            insert(UserToken),
            [
                {
                    "user_id": user_id,
                    "purpose": purpose,
                    "token_sha256": _sha256(token),
                    "created_at": at,
                    "expires_at": at + valid_for,
                }
            ],
        )
    return token


def store_password(engine: Engine, user_id: int, *, password_hash: str, at: datetime, actor: str) -> None:
    """Set a user's password hash directly (an admin gave it when adding them)."""
    with transaction(engine) as session:
        session.execute(update(User).where(col(User.id) == user_id).values(password_hash=password_hash))
        session.execute(insert(AuditEvent), [_audit(user_id, "password_set", actor, at)])


def use_token(engine: Engine, token: str, *, purpose: str, at: datetime, password_hash: str, actor: str) -> int:
    """Spend a set-password token: store the hash, mark the token used; refuse an unknown, used or
    expired one. Two uses at once: only one finds the token unused."""
    with transaction(engine) as session:
        spent = session.execute(
            update(UserToken)
            .where(
                col(UserToken.token_sha256) == _sha256(token),
                col(UserToken.purpose) == purpose,
                col(UserToken.used_at).is_(None),
                col(UserToken.expires_at) > at,
            )
            .values(used_at=at)
            .returning(col(UserToken.user_id))
        ).first()
        if spent is None:
            raise UserError(_("this link is wrong, used or expired: ask an administrator for a new one"))
        user_id = int(spent[0])
        session.execute(update(User).where(col(User.id) == user_id).values(password_hash=password_hash))
        session.execute(insert(AuditEvent), [_audit(user_id, "password_set", actor, at)])
    return user_id


@dataclass(frozen=True)
class Credentials:
    user_id: int
    password_hash: str | None
    active: bool


def credentials(engine: Engine, email: str) -> Credentials | None:
    with read_connection(engine) as connection:
        row = connection.execute(
            select(col(User.id), col(User.password_hash), col(User.active)).where(
                col(User.email) == email.strip().casefold()
            )
        ).first()
    return Credentials(int(row[0]), row[1], bool(row[2])) if row else None


def failure_times(engine: Engine, *, email: str, address: str, since: datetime) -> list[list[datetime]]:
    """When log-ins failed since ``since``, oldest first: for this account, and from this address."""
    with read_connection(engine) as connection:
        return [
            list(
                connection.execute(
                    select(col(LoginAttempt.at))
                    .where(condition, col(LoginAttempt.at) >= since, col(LoginAttempt.ok).is_(False))
                    .order_by(col(LoginAttempt.at))
                ).scalars()
            )
            for condition in (col(LoginAttempt.email) == email.strip().casefold(), col(LoginAttempt.address) == address)
        ]


def record_attempt(engine: Engine, *, email: str, address: str, at: datetime, ok: bool) -> None:
    with transaction(engine) as session:
        session.execute(
            insert(LoginAttempt),
            [{"email": email.strip().casefold()[:254], "address": address[:64], "at": at, "ok": ok}],
        )


@dataclass(frozen=True)
class SessionUser:
    """Who a live session belongs to, with what a page needs to scope and protect itself."""

    session_id: int
    user_id: int
    email: str
    name: str
    role: str
    unit_id: int
    csrf: str


def start_session(engine: Engine, user_id: int, *, address: str, at: datetime) -> str:
    """A new session for ``user_id``; the secret to put in the cookie (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        row = {
            "user_id": user_id,
            "token_sha256": _sha256(token),
            "csrf": secrets.token_urlsafe(32),
            "address": address[:64],
            "started_at": at,
            "seen_at": at,
        }
        session.execute(insert(WebSession), [row])
    return token


SEEN_EVERY = timedelta(minutes=1)  # how often a session's last-seen time is written


def resume_session(engine: Engine, token: str, *, at: datetime, idle: timedelta) -> SessionUser | None:
    """The session's user when the session is live: not ended, seen within ``idle``, its user
    active; None otherwise (the page asks to log in again). Its last-seen time moves to ``at``
    when it is more than :data:`SEEN_EVERY` old: reading a page is a read, not a write each time
    (on SQLite every write waits for the one write lock)."""
    with read_connection(engine) as connection:
        row = connection.execute(
            select(
                col(WebSession.id),
                col(User.id),
                col(User.email),
                col(User.name),
                col(User.role),
                col(User.unit_id),
                col(WebSession.csrf),
                col(WebSession.seen_at),
            )
            .join(User, col(User.id) == col(WebSession.user_id))
            .where(
                col(WebSession.token_sha256) == _sha256(token),
                col(WebSession.ended_at).is_(None),
                col(WebSession.seen_at) > at - idle,
                col(User.active).is_(True),
            )
        ).first()
    if row is None:
        return None
    if row[7] < at - SEEN_EVERY:
        with transaction(engine) as session:
            session.execute(
                update(WebSession)
                .where(col(WebSession.id) == row[0], col(WebSession.seen_at) < at - SEEN_EVERY)
                .values(seen_at=at)
            )
    return SessionUser(*row[:7])


def end_session(engine: Engine, token: str, *, at: datetime) -> None:
    with transaction(engine) as session:
        session.execute(
            update(WebSession)
            .where(col(WebSession.token_sha256) == _sha256(token), col(WebSession.ended_at).is_(None))
            .values(ended_at=at)
        )


def end_sessions_of(engine: Engine, user_id: int, *, at: datetime) -> int:
    """End every live session of ``user_id`` (disabled, or a new password); how many."""
    with transaction(engine) as session:
        ended = session.execute(_ending_sessions_of(user_id, at).returning(col(WebSession.id))).all()
    return len(ended)


def _ending_sessions_of(user_id: int, at: datetime) -> Update:
    return (
        update(WebSession)
        .where(col(WebSession.user_id) == user_id, col(WebSession.ended_at).is_(None))
        .values(ended_at=at)
    )


@dataclass(frozen=True)
class TokenHolder:
    """The active user a live token belongs to (a calendar feed's owner, say)."""

    user_id: int
    email: str
    name: str
    role: str
    unit_id: int


def token_holder(engine: Engine, token: str, *, purpose: str, at: datetime) -> TokenHolder | None:
    """Whose live token of ``purpose`` this is: not spent or revoked, not expired, its user
    active; None otherwise (unknown, revoked, expired and disabled are not told apart)."""
    with read_connection(engine) as connection:
        row = connection.execute(
            select(col(User.id), col(User.email), col(User.name), col(User.role), col(User.unit_id))
            .join(UserToken, col(UserToken.user_id) == col(User.id))
            .where(
                col(UserToken.token_sha256) == _sha256(token),
                col(UserToken.purpose) == purpose,
                col(UserToken.used_at).is_(None),
                col(UserToken.expires_at) > at,
                col(User.active).is_(True),
            )
        ).first()
    return TokenHolder(int(row[0]), row[1], row[2], row[3], int(row[4])) if row else None


@dataclass(frozen=True)
class TokenDates:
    created_at: datetime
    expires_at: datetime


def live_token(engine: Engine, user_id: int, *, purpose: str, at: datetime) -> TokenDates | None:
    """When ``user_id``'s live token of ``purpose`` was made and when it expires (never the secret)."""
    with read_connection(engine) as connection:
        row = connection.execute(
            select(col(UserToken.created_at), col(UserToken.expires_at))
            .where(
                col(UserToken.user_id) == user_id,
                col(UserToken.purpose) == purpose,
                col(UserToken.used_at).is_(None),
                col(UserToken.expires_at) > at,
            )
            .order_by(col(UserToken.created_at).desc(), col(UserToken.id).desc())
            .limit(1)
        ).first()
    return TokenDates(row[0], row[1]) if row else None


def revoke_tokens(engine: Engine, user_id: int, *, purpose: str, at: datetime, actor: str) -> int:
    """End every unused token of ``purpose`` of ``user_id`` now (marked used); how many."""
    with transaction(engine) as session:
        ended = session.execute(
            update(UserToken)
            .where(
                col(UserToken.user_id) == user_id, col(UserToken.purpose) == purpose, col(UserToken.used_at).is_(None)
            )
            .values(used_at=at)
            .returning(col(UserToken.id))
        ).all()
        if ended:
            session.execute(insert(AuditEvent), [_audit(user_id, f"{purpose}_token_revoked", actor, at)])
    return len(ended)
