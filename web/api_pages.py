"""'Mã truy cập API': a person makes, sees and revokes their own keys to the JSON API.

The secret of a new key is on the answer to the form and nowhere else (only its SHA-256 is
kept); the list shows each key's name, when it was made and last used. Forms carry the session's
token like every other form of the pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app import api_tokens
from app.api_tokens import NewToken
from app.worklist import Viewer
from rules.errors import DunghanError
from web.render import page, worded
from web.security import CheckedForm, CurrentViewer, engine_of, now

router = APIRouter()

PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _tokens_page(
    request: Request,
    viewer: Viewer,
    *,
    new: NewToken | None = None,
    notice: str | None = None,
    error: str | None = None,
    code: int = 200,
) -> Response:
    response = page(
        request,
        "api_tokens.html",
        {
            "tokens": api_tokens.tokens(engine_of(request), viewer),
            "new": new,
            "notice": notice,
            "error": error,
            "name_max": api_tokens.NAME_MAX,
            "docs": "/api/v1/docs",
        },
        code=code,
    )
    response.headers.update(PRIVATE)
    return response


@router.get("/ma-api")
def tokens_page(request: Request, viewer: CurrentViewer, da_thu_hoi: str | None = None) -> Response:
    notice = "Đã thu hồi mã: chương trình dùng mã này không truy cập được nữa." if da_thu_hoi else None
    return _tokens_page(request, viewer, notice=notice)


@router.post("/ma-api/tao", dependencies=[CheckedForm])
def create_token(request: Request, viewer: CurrentViewer, name: Annotated[str, Form()] = "") -> Response:
    try:
        made = api_tokens.create(engine_of(request), viewer, name=name, at=now(request))
    except DunghanError as refused:
        return _tokens_page(request, viewer, error=worded(refused), code=400)
    return _tokens_page(request, viewer, new=made)


@router.post("/ma-api/thu-hoi", dependencies=[CheckedForm])
def revoke_token(request: Request, viewer: CurrentViewer, id: Annotated[int, Form()] = 0) -> Response:
    try:
        api_tokens.revoke(engine_of(request), viewer, id, at=now(request))
    except DunghanError as refused:
        return _tokens_page(request, viewer, error=worded(refused), code=400)
    return RedirectResponse("/ma-api?da_thu_hoi=1", status_code=303)
