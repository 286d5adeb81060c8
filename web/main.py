"""The web door: FastAPI with pages rendered on the server (Jinja2), htmx vendored, one stylesheet.

Routes are thin: check the person, call ``app/``, render. Errors become Vietnamese pages here:
out of scope or unknown is 404 alike, a role that may not act is 403, a form without its token is
403, bad input says what and where.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import DataError

from app.worklist import NotAllowed, NotVisible
from rules.clock import Clock, parse_at, running_from, system_clock
from rules.errors import DunghanError
from web import (
    api,
    api_pages,
    pages_admin,
    pages_admin_regime,
    pages_admin_runs,
    pages_auth,
    pages_calendar,
    pages_campaign,
    pages_occasions,
    pages_officer,
    pages_reviewer,
    pages_supervisor,
)
from web.render import page, worded
from web.security import SESSION_COOKIE, BadFormToken, LoginNeeded, known_person, login_url

STATIC = Path(__file__).parent / "static"
NOT_FOUND = "Trang này không có hoặc bạn không được xem."
CLOCK_ENV = "DUNGHAN_SERVE_AT"  # `dunghan serve --at`: the pages' clock starts there and runs on


def create_app(engine: Engine, *, clock: Clock = system_clock) -> FastAPI:
    """The web pages on ``engine`` (migrated already), reading the time from ``clock``."""
    app = FastAPI(title="dunghan", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    app.state.clock = clock
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/api/v1", api.create_api(engine, clock=clock))
    for module in (
        pages_auth,
        pages_officer,
        pages_reviewer,
        pages_supervisor,
        pages_calendar,
        pages_campaign,
        pages_admin,
        pages_admin_regime,
        pages_admin_runs,
        pages_occasions,
        api_pages,
    ):
        app.include_router(module.router)

    @app.exception_handler(LoginNeeded)
    async def _login(request: Request, exc: LoginNeeded) -> Response:
        target = login_url(exc.next_url)
        ended = SESSION_COOKIE in request.cookies  # a cookie that no longer opens a session
        if ended:
            target += ("&" if "?" in target else "?") + "het_phien=1"
        if request.headers.get("HX-Request"):
            response: Response = Response(status_code=401, headers={"HX-Redirect": target})
        else:
            response = RedirectResponse(target, status_code=303)
        if ended:
            response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.exception_handler(BadFormToken)
    async def _csrf(request: Request, exc: BadFormToken) -> Response:
        return page(
            request,
            "error.html",
            {
                "title": "Biểu mẫu không hợp lệ",
                "message": "Biểu mẫu đã cũ hoặc không phải của phiên này: hãy tải lại trang rồi thử lại.",
            },
            code=403,
        )

    @app.exception_handler(NotVisible)
    async def _missing(request: Request, exc: NotVisible) -> Response:
        return page(
            request,
            "error.html",
            {"title": "Không tìm thấy", "message": NOT_FOUND},
            code=404,
        )

    @app.exception_handler(NotAllowed)
    async def _refused(request: Request, exc: NotAllowed) -> Response:
        return page(request, "error.html", {"title": "Không được phép", "message": worded(exc)}, code=403)

    @app.exception_handler(OverflowError)
    async def _too_large(request: Request, exc: OverflowError) -> Response:
        # a number in the address larger than any id the database holds: nothing is there
        known_person(request)
        return page(request, "error.html", {"title": "Không tìm thấy", "message": NOT_FOUND}, code=404)

    @app.exception_handler(DataError)
    async def _refused_value(request: Request, exc: DataError) -> Response:
        # a value the database cannot hold (an id past its integers, a text past its column): the
        # transaction was rolled back, so nothing is written; an address with such an id names nothing
        known_person(request)
        if request.method == "GET":
            return page(request, "error.html", {"title": "Không tìm thấy", "message": NOT_FOUND}, code=404)
        message = "Giá trị gửi lên quá lớn hoặc quá dài để lưu; không có gì được ghi."
        return page(request, "error.html", {"title": "Chưa làm được", "message": message}, code=400)

    @app.exception_handler(DunghanError)
    async def _refused_input(request: Request, exc: DunghanError) -> Response:
        return page(request, "error.html", {"title": "Chưa làm được", "message": worded(exc)}, code=400)

    @app.exception_handler(404)
    async def _not_found(request: Request, exc: HTTPException) -> Response:
        known_person(request)  # an unknown address still shows a logged-in person their menu
        return page(
            request,
            "error.html",
            {"title": "Không tìm thấy", "message": NOT_FOUND},
            code=404,
        )

    return app


def clock_from_environment() -> Clock:
    """The system clock, or under ``dunghan serve --at`` a clock that starts there and runs on."""
    start = os.environ.get(CLOCK_ENV)
    return running_from(parse_at(start)) if start else system_clock


def app_from_environment() -> FastAPI:
    """The app as ``uvicorn --factory web.main:app_from_environment`` builds it in each worker:
    the configured database (migrated by ``dunghan serve`` before the workers start)."""
    from app.workspace import database

    return create_app(database(), clock=clock_from_environment())
