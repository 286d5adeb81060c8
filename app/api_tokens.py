"""Personal API tokens, the use cases: make one (the secret is shown once), list, revoke, and find
the person behind a token on a request to the JSON API.

A token acts as its owner: their role and their unit as they are at each request, and only while
the owner is active (disabling a person stops their tokens at once). What a token does is written
to the audit trail as ``api:EMAIL``, so the trail tells the API from the pages (``web:EMAIL``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from models import api_tokens
from models.api_tokens import NAME_MAX as NAME_MAX
from models.api_tokens import NewToken as NewToken
from models.api_tokens import TokenRow as TokenRow
from models.database import read_connection
from models.units import unit_by_id
from models.users import user_id_by_email
from models.worklist import Viewer
from rules.errors import FIELD, DunghanError
from rules.i18n import _

DEFAULT_NAME = "Mã truy cập API"


@dataclass(frozen=True)
class ApiViewer(Viewer):
    """A person acting through the JSON API: the same scope and rights as on the pages, another
    name in the audit trail."""

    @property
    def actor(self) -> str:
        return f"api:{self.email}"


class TokenNotFound(DunghanError):
    """No live token of this number for this person."""


def api_viewer(engine: Engine, holder: api_tokens.Holder) -> Viewer:
    """The :class:`Viewer` a token's holder acts as, with the unit they act for now."""
    with read_connection(engine) as connection:
        unit = unit_by_id(connection, holder.unit_id)
    return ApiViewer(holder.user_id, holder.email, holder.name, holder.role, unit)


def viewer_for_token(engine: Engine, secret: str, *, at: datetime) -> Viewer | None:
    """The person a live token belongs to, or None (unknown, revoked, its owner disabled)."""
    if not secret or len(secret) > 200:
        return None
    found = api_tokens.holder(engine, secret, at=at)
    return api_viewer(engine, found) if found is not None else None


def check_name(name: str | None) -> str:
    """A token's name as given (trimmed), the default when empty; refuse one too long or with
    control characters."""
    cleaned = (name or "").strip()
    if not cleaned:
        return DEFAULT_NAME
    if len(cleaned) > NAME_MAX:
        raise DunghanError(_("{field}: at most {limit} characters").format(field=FIELD, limit=NAME_MAX), field="name")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in cleaned):
        raise DunghanError(_("{field}: has control characters, type it again").format(field=FIELD), field="name")
    return cleaned


def create(engine: Engine, viewer: Viewer, *, name: str | None, at: datetime) -> NewToken:
    """A new token for the person on the pages; its secret is in the answer and nowhere else."""
    return api_tokens.create_token(engine, viewer.user_id, name=check_name(name), at=at, actor=viewer.actor)


def tokens(engine: Engine, viewer: Viewer) -> list[TokenRow]:
    return api_tokens.tokens_of(engine, viewer.user_id)


def revoke(engine: Engine, viewer: Viewer, token_id: int, *, at: datetime) -> None:
    """Revoke one of the person's own live tokens."""
    if not api_tokens.revoke(engine, viewer.user_id, token_id, at=at, actor=viewer.actor):
        raise TokenNotFound(_("you have no live access token number {id}").format(id=token_id))


def create_for(engine: Engine, email: str, *, name: str | None, at: datetime, actor: str) -> NewToken:
    """A new token for the person with ``email`` (an administrator at the command line)."""
    return api_tokens.create_token(engine, user_id_by_email(engine, email), name=check_name(name), at=at, actor=actor)


def tokens_for(engine: Engine, email: str) -> list[TokenRow]:
    return api_tokens.tokens_of(engine, user_id_by_email(engine, email))


def revoke_for(engine: Engine, email: str, token_id: int, *, at: datetime, actor: str) -> None:
    """Revoke the live token ``token_id`` of the person with ``email``."""
    if not api_tokens.revoke(engine, user_id_by_email(engine, email), token_id, at=at, actor=actor):
        raise TokenNotFound(
            _("{email} has no live access token number {id}").format(email=email.strip().casefold(), id=token_id)
        )
