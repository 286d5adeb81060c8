"""Personal API tokens, as stored: a person's keys to the JSON API.

A token is a random secret handed to its owner once; only its SHA-256 is kept, so the database
never holds a usable key. A token carries nothing of its own: each request acts as its owner,
with the owner's role and unit of that moment, and only while the owner is active. Revoking sets
``revoked_at`` (the row stays, for the audit trail); the last use is recorded at most once a
minute, so that reading the API does not write on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, or_, select, update
from sqlmodel import col

from models.database import read_connection, transaction
from models.tables import ApiToken, AuditEvent, User

PREFIX = "dh_"  # tells a dunghan key apart in a configuration file or a leak scanner
USE_RECORDED_EVERY = timedelta(minutes=1)
NAME_MAX = 80


def sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _audit(user_id: int, action: str, actor: str, at: datetime, note: str) -> dict[str, object]:
    return {"at": at, "actor": actor, "entity": "user", "entity_id": user_id, "action": action, "note": note}


@dataclass(frozen=True)
class NewToken:
    id: int
    name: str
    secret: str  # shown once, never stored


def create_token(engine: Engine, user_id: int, *, name: str, at: datetime, actor: str) -> NewToken:
    """A new token for ``user_id``; the secret is returned here and nowhere else."""
    secret = PREFIX + secrets.token_urlsafe(32)
    with transaction(engine) as session:
        token_id = session.execute(
            insert(ApiToken).returning(col(ApiToken.id)),
            {
                "user_id": user_id,
                "name": name,
                "token_sha256": sha256(secret),
                "created_at": at,
                "created_by": actor[:120],
            },
        ).scalar_one()
        session.execute(insert(AuditEvent), [_audit(user_id, "api_token_created", actor, at, f"#{token_id} {name}")])
    return NewToken(int(token_id), name, secret)


@dataclass(frozen=True)
class TokenRow:
    """A token as its owner sees it in a list (never the secret)."""

    id: int
    name: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def live(self) -> bool:
        return self.revoked_at is None


def tokens_of(engine: Engine, user_id: int) -> list[TokenRow]:
    """Every token of ``user_id``, live ones first, the newest first."""
    with read_connection(engine) as connection:
        rows = connection.execute(
            select(
                col(ApiToken.id),
                col(ApiToken.name),
                col(ApiToken.created_at),
                col(ApiToken.created_by),
                col(ApiToken.last_used_at),
                col(ApiToken.revoked_at),
            )
            .where(col(ApiToken.user_id) == user_id)
            .order_by(col(ApiToken.revoked_at).is_not(None), col(ApiToken.id).desc())
        ).all()
    return [TokenRow(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]


def revoke(engine: Engine, user_id: int, token_id: int, *, at: datetime, actor: str) -> bool:
    """Revoke ``user_id``'s live token ``token_id`` now; False when there is no such live token."""
    with transaction(engine) as session:
        done = session.execute(
            update(ApiToken)
            .where(
                col(ApiToken.id) == token_id,
                col(ApiToken.user_id) == user_id,
                col(ApiToken.revoked_at).is_(None),
            )
            .values(revoked_at=at)
            .returning(col(ApiToken.name))
        ).first()
        if done is None:
            return False
        session.execute(insert(AuditEvent), [_audit(user_id, "api_token_revoked", actor, at, f"#{token_id} {done[0]}")])
    return True


@dataclass(frozen=True)
class Holder:
    """The active person a live token belongs to, as they are now."""

    token_id: int
    user_id: int
    email: str
    name: str
    role: str
    unit_id: int


def holder(engine: Engine, secret: str, *, at: datetime) -> Holder | None:
    """Whose live token ``secret`` is: not revoked, its owner active; None otherwise (unknown,
    revoked and disabled are not told apart). The use is recorded, at most once a minute."""
    with read_connection(engine) as connection:
        row = connection.execute(
            select(
                col(ApiToken.id),
                col(User.id),
                col(User.email),
                col(User.name),
                col(User.role),
                col(User.unit_id),
                col(ApiToken.last_used_at),
            )
            .join(User, col(User.id) == col(ApiToken.user_id))
            .where(
                col(ApiToken.token_sha256) == sha256(secret),
                col(ApiToken.revoked_at).is_(None),
                col(User.active).is_(True),
            )
        ).first()
    if row is None:
        return None
    last = row[6]
    if last is None or last <= at - USE_RECORDED_EVERY:
        _record_use(engine, int(row[0]), at)
    return Holder(int(row[0]), int(row[1]), row[2], row[3], row[4], int(row[5]))


def _record_use(engine: Engine, token_id: int, at: datetime) -> None:
    """Move the last use to ``at`` unless another request did within the minute."""
    with transaction(engine) as session:
        session.execute(
            update(ApiToken)
            .where(
                col(ApiToken.id) == token_id,
                or_(col(ApiToken.last_used_at).is_(None), col(ApiToken.last_used_at) <= at - USE_RECORDED_EVERY),
            )
            .values(last_used_at=at)
        )
