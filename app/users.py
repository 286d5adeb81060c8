"""People who log in, the use cases: add one (with a one-time link to set a password, or a
password given), list, disable, set a password through the link, and check a log-in.

Passwords are hashed with Argon2id (argon2-cffi's defaults). After
:data:`MAX_FAILURES` failed log-ins within :data:`FAILURE_WINDOW`, for one account or from one
address, every try is refused, right password or not, until enough of those failures have left
the window (the page says when).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from models import users
from models.units import unit_at
from models.users import SessionUser as SessionUser  # who a live session belongs to
from rules.calendar import VIETNAM
from rules.errors import FIELD, DunghanError
from rules.i18n import _

LINK_VALID = timedelta(hours=72)
SESSION_IDLE = timedelta(hours=8)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 10
_HASHER = PasswordHasher()


class LoginRefused(DunghanError):
    """A log-in that does not go through; it never says whether the account exists."""


class TooManyFailures(LoginRefused):
    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(
            _("too many failed log-ins: try again after {until:%H:%M}").format(until=until.astimezone(VIETNAM))
        )


@dataclass(frozen=True)
class AddedUser:
    user_id: int
    unit_name: str
    link: str | None  # the one-time link to set a password, when none was given


def check_password(password: str) -> str:
    """The password as given, or refuse one too short to be safe."""
    if len(password) < MIN_PASSWORD:
        raise DunghanError(
            _("{field}: at least {length} characters").format(field=FIELD, length=MIN_PASSWORD), field="password"
        )
    return password


def set_password_link(link_base: str | None, token: str) -> str:
    """The page a person opens to set their password ('/dat-mat-khau/TOKEN' on the web pages)."""
    return f"{(link_base or 'http://127.0.0.1:8000').rstrip('/')}/dat-mat-khau/{token}"


def add_user(
    engine: Engine,
    *,
    email: str,
    name: str,
    role: str,
    unit: str,
    at: datetime,
    actor: str,
    password: str | None,
    link_base: str | None,
) -> AddedUser:
    """Add a user acting for the unit holding the code ``unit`` today; with no password, a
    one-time link to set one, valid for 72 hours."""
    scope = unit_at(engine, unit, at.astimezone(VIETNAM).date())
    hashed = _HASHER.hash(check_password(password)) if password is not None else None
    user_id = users.add_user(engine, email=email, name=name, role=role, unit_id=scope.id, at=at, actor=actor)
    if hashed is not None:
        users.store_password(engine, user_id, password_hash=hashed, at=at, actor=actor)
        return AddedUser(user_id, scope.name, None)
    token = users.issue_token(engine, user_id, purpose="set_password", at=at, valid_for=LINK_VALID)
    return AddedUser(user_id, scope.name, set_password_link(link_base, token))


def new_link(engine: Engine, email: str, *, at: datetime, link_base: str | None) -> str:
    """A new set-password link for ``email`` (the earlier ones stop working)."""
    user_id = users.user_id_by_email(engine, email)
    return set_password_link(
        link_base, users.issue_token(engine, user_id, purpose="set_password", at=at, valid_for=LINK_VALID)
    )


def set_password(engine: Engine, token: str, password: str, *, at: datetime) -> int:
    """Set a password through a one-time link (it works once, for 72 hours); the user's open
    sessions end, as after any change of password."""
    hashed = _HASHER.hash(check_password(password))
    user_id = users.use_token(engine, token, purpose="set_password", at=at, password_hash=hashed, actor="link")
    users.end_sessions_of(engine, user_id, at=at)
    return user_id


def disable(engine: Engine, email: str, *, at: datetime, actor: str) -> None:
    users.set_active(engine, users.user_id_by_email(engine, email), active=False, at=at, actor=actor)


def blocked_until(failures: list[list[datetime]]) -> datetime | None:
    """When log-ins go through again: once fewer than :data:`MAX_FAILURES` failures (of the account,
    and from the address, each oldest first) are left in the window; None when they go through now.

    >>> from datetime import datetime
    >>> tries = [datetime(2026, 6, 15, 9, m) for m in (0, 2, 4, 6, 8)]
    >>> f"{blocked_until([tries, []]):%H:%M}", blocked_until([tries[1:], tries[1:]])
    ('09:15', None)
    """
    ends = [times[len(times) - MAX_FAILURES] + FAILURE_WINDOW for times in failures if len(times) >= MAX_FAILURES]
    return max(ends, default=None)


def authenticate(engine: Engine, *, email: str, password: str, address: str, at: datetime) -> int:
    """The user id when ``email`` and ``password`` match an active user; every try is recorded.
    Refused alike for a wrong password, an unknown account or a disabled one."""
    until = blocked_until(users.failure_times(engine, email=email, address=address, since=at - FAILURE_WINDOW))
    if until is not None:
        raise TooManyFailures(until)
    found = users.credentials(engine, email)
    ok = False
    if found is not None and found.active and found.password_hash:
        try:
            ok = _HASHER.verify(found.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _HASHER.hash(password)  # as long as a real check, so timing does not tell accounts apart
    users.record_attempt(engine, email=email, address=address, at=at, ok=ok)
    if not ok or found is None:
        raise LoginRefused(_("wrong e-mail or password"))
    return found.user_id


def log_in(engine: Engine, *, email: str, password: str, address: str, at: datetime) -> str:
    """Check the log-in and start a server-side session; the cookie's secret."""
    user_id = authenticate(engine, email=email, password=password, address=address, at=at)
    return users.start_session(engine, user_id, address=address, at=at)


def session_user(engine: Engine, token: str | None, *, at: datetime) -> users.SessionUser | None:
    """Who the cookie's session belongs to, while it lives (8 hours idle at most)."""
    return users.resume_session(engine, token, at=at, idle=SESSION_IDLE) if token else None


def log_out(engine: Engine, token: str, *, at: datetime) -> None:
    users.end_session(engine, token, at=at)


def listing(engine: Engine) -> list[users.UserRow]:
    return users.list_users(engine)
