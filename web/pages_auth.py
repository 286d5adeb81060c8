"""Logging in and out, setting a password through the one-time link, the home page by role."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app import users
from app.users import LoginRefused, TooManyFailures
from rules.errors import DunghanError
from web.render import page, worded
from web.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CheckedForm,
    CurrentViewer,
    client_address,
    engine_of,
    new_login_token,
    now,
    safe_next,
    secure_cookies,
)

router = APIRouter()

HOME_BY_ROLE = {
    "officer": "/viec-can-lam",
    "reviewer": "/cho-tiep-nhan",
    "supervisor": "/qua-han",
    "admin": "/qua-han",
}


@router.get("/")
def home(viewer: CurrentViewer) -> Response:
    return RedirectResponse(HOME_BY_ROLE.get(viewer.role, "/viec-can-lam"), status_code=303)


def _login_page(
    request: Request,
    *,
    next_url: str,
    email: str = "",
    error: str | None = None,
    code: int = 200,
    notice: str | None = None,
) -> Response:
    token = new_login_token()
    response = page(
        request,
        "login.html",
        {"next": next_url, "email": email, "error": error, "notice": notice, "form_token": token},
        code=code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookies(request), path="/dang-nhap"
    )
    return response


SESSION_ENDED = (
    "Phiên đăng nhập đã kết thúc (đã đăng xuất, quá 8 giờ không dùng, tài khoản bị khóa hoặc mật khẩu đã đổi): "
    "hãy đăng nhập lại."
)


@router.get("/dang-nhap")
def login_form(request: Request, tiep: str | None = None, het_phien: int = 0) -> Response:
    return _login_page(request, next_url=safe_next(tiep), notice=SESSION_ENDED if het_phien else None)


@router.post("/dang-nhap")
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    tiep: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    next_url = safe_next(tiep)
    if not expected or not hmac.compare_digest(expected, csrf):
        return _login_page(
            request, next_url=next_url, email=email, error="Biểu mẫu đã cũ: hãy đăng nhập lại.", code=403
        )
    try:
        token = users.log_in(
            engine_of(request), email=email, password=password, address=client_address(request), at=now(request)
        )
    except TooManyFailures as refused:
        return _login_page(request, next_url=next_url, email=email, error=str(refused).capitalize(), code=429)
    except LoginRefused:
        return _login_page(request, next_url=next_url, email=email, error="E-mail hoặc mật khẩu không đúng.", code=401)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookies(request), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/dang-nhap")
    return response


@router.post("/dang-xuat", dependencies=[CheckedForm])
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        users.log_out(engine_of(request), token, at=now(request))
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _password_page(request: Request, token: str, *, error: str | None = None, code: int | None = None) -> Response:
    """The set-password form with a new form token (in a cookie of its own: no session yet)."""
    form_token = new_login_token()
    response = page(
        request,
        "set_password.html",
        {"token": token, "form_token": form_token, "error": error},
        code=code or (400 if error else 200),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        form_token,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/dat-mat-khau",
    )
    return response


@router.get("/dat-mat-khau/{token}")
def password_form(request: Request, token: str) -> Response:
    return _password_page(request, token)


@router.post("/dat-mat-khau/{token}")
def set_password(
    request: Request,
    token: str,
    password: Annotated[str, Form()] = "",
    again: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    error = None
    if not expected or not hmac.compare_digest(expected, csrf):
        return _password_page(request, token, error="Biểu mẫu đã cũ: hãy mở lại đường dẫn.", code=403)
    if password != again:
        error = "Hai lần nhập mật khẩu không giống nhau."
    else:
        try:
            users.set_password(engine_of(request), token, password, at=now(request))
        except DunghanError as refused:
            error = worded(refused)
    if error is None:
        return page(request, "password_set.html", {})
    return _password_page(request, token, error=error)
