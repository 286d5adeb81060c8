"""Everyone's calendar feed: their deadlines at a secret, revocable address (iCalendar).

'/lich' explains the feed and makes or revokes its address (forms with the session's token); the
new address is shown once, on the answer to the form. '/lich/{token}.ics' needs no log-in: the
address is the key, and a revoked or unknown one is 404 like any page not there.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app import calendar_feed
from app.settings import get_settings
from app.worklist import Viewer
from web.render import page
from web.security import CheckedForm, CurrentViewer, engine_of, now

router = APIRouter()

PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _base(request: Request) -> str:
    """Where the pages are reached: the configured address, else the one this request came to."""
    return get_settings().link_base or str(request.base_url)


def _calendar_page(
    request: Request, viewer: Viewer, *, new: calendar_feed.NewFeed | None = None, notice: str | None = None
) -> Response:
    response = page(
        request,
        "calendar.html",
        {
            "live": calendar_feed.live_feed(engine_of(request), viewer, at=now(request)),
            "new": new,
            "notice": notice,
            "max_events": f"{calendar_feed.MAX_EVENTS:,}".replace(",", "."),
            "links": bool(get_settings().link_base),
        },
    )
    response.headers.update(PRIVATE)
    return response


@router.get("/lich")
def calendar_page(request: Request, viewer: CurrentViewer, da_thu_hoi: str | None = None) -> Response:
    notice = "Đã thu hồi địa chỉ lịch: ứng dụng lịch không còn đọc được các hạn." if da_thu_hoi else None
    return _calendar_page(request, viewer, notice=notice)


@router.post("/lich/tao", dependencies=[CheckedForm])
def create_feed(request: Request, viewer: CurrentViewer) -> Response:
    made = calendar_feed.new_feed(engine_of(request), viewer, at=now(request), base=_base(request))
    return _calendar_page(request, viewer, new=made)


@router.post("/lich/thu-hoi", dependencies=[CheckedForm])
def revoke_feed(request: Request, viewer: CurrentViewer) -> Response:
    calendar_feed.revoke_feed(engine_of(request), viewer, at=now(request))
    return RedirectResponse("/lich?da_thu_hoi=1", status_code=303)


@router.api_route("/lich/{token}.ics", methods=["GET", "HEAD"])
def feed(request: Request, token: str) -> Response:
    body = calendar_feed.feed(engine_of(request), token, at=now(request), link_base=get_settings().link_base)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'inline; filename="lich-han-bao-cao.ics"',
            "Cache-Control": "private, no-cache",
            "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer",
        },
    )
