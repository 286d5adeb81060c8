"""Who is asking, and may they: the session cookie, the form token, the person behind them.

The cookie holds only a random secret; the session lives in the database (``web_session``), so
logging out, disabling the account or a new password end it at once. Every form carries the
session's token (``csrf``), and every POST is refused without it; htmx sends it as a header.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy import Engine

from app import users, worklist
from app.users import SessionUser
from app.worklist import Viewer

SESSION_COOKIE = "dunghan_phien"
LOGIN_CSRF_COOKIE = "dunghan_dang_nhap"  # the log-in form's token, before any session exists
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


class LoginNeeded(Exception):
    """No live session: the page sends the person to log in, and back afterwards."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class BadFormToken(Exception):
    """A form posted without its session's token (or with another's)."""


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def now(request: Request) -> datetime:
    """The one clock, the app's (the system clock, or a replayed one under ``dunghan serve --at``)."""
    instant: datetime = request.app.state.clock()
    return instant


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def secure_cookies(request: Request) -> bool:
    """Cookies are Secure when the person reached us over https (behind the proxy too)."""
    return request.url.scheme == "https"


def session_user(request: Request) -> SessionUser:
    """The live session's person, or :class:`LoginNeeded`."""
    cached: SessionUser | None = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    user = users.session_user(engine_of(request), token, at=now(request))
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginNeeded(target)
    request.state.user = user
    return user


def current_viewer(user: Annotated[SessionUser, Depends(session_user)], request: Request) -> Viewer:
    cached: Viewer | None = getattr(request.state, "viewer", None)
    if cached is None:
        cached = worklist.viewer_for(engine_of(request), user)
        request.state.viewer = cached
    return cached


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


def known_person(request: Request) -> None:
    """Who is logged in, when someone is, for a page that does not require it (an error page)."""
    with contextlib.suppress(LoginNeeded):
        current_viewer(session_user(request), request)


async def checked_form(request: Request) -> None:
    """Refuse a POST whose form token (field or header) is not its session's."""
    user = session_user(request)
    form = await request.form()
    sent = request.headers.get(CSRF_HEADER) or str(form.get(CSRF_FIELD) or "")
    if not sent or not hmac.compare_digest(sent, user.csrf):
        raise BadFormToken()


CheckedForm = Depends(checked_form)


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def login_url(next_url: str) -> str:
    return f"/dang-nhap?tiep={quote(next_url, safe='/')}" if next_url and next_url != "/" else "/dang-nhap"


def safe_next(next_url: str | None) -> str:
    """Only a path of this site is followed after logging in (never another host)."""
    if not next_url or not next_url.startswith("/") or next_url.startswith("//") or "\\" in next_url:
        return "/"
    return next_url
