"""A reviewer's pages: 'Chờ tiếp nhận' (accept one or several at once), return with a reason,
grant an extension, reopen a decision. Each action is written to the audit trail under the
person's e-mail (``web:…``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app import worklist
from rules.errors import DunghanError
from rules.i18n import _
from web.pages_officer import obligation_view
from web.render import page, worded
from web.security import CheckedForm, CurrentViewer, engine_of, now

router = APIRouter()


def _queue(
    request: Request, viewer: worklist.Viewer, *, error: str | None = None, notice: str | None = None, code: int = 200
) -> Response:
    rows = worklist.review_queue(engine_of(request), viewer, at=now(request))
    return page(request, "queue.html", {"rows": rows, "error": error, "notice": notice}, code=code)


@router.get("/cho-tiep-nhan")
def queue(request: Request, viewer: CurrentViewer, da_tiep_nhan: int | None = None) -> Response:
    notice = f"Đã tiếp nhận {da_tiep_nhan} báo cáo." if da_tiep_nhan else None
    return _queue(request, viewer, notice=notice)


@router.post("/tiep-nhan", dependencies=[CheckedForm])
def accept_many(
    request: Request,
    viewer: CurrentViewer,
    ids: Annotated[list[int], Form()] = [],  # noqa: B006 (read, never mutated)
) -> Response:
    try:
        done = worklist.review(engine_of(request), viewer, ids, "accept", reason=None, at=now(request))
    except (worklist.NotAllowed, worklist.NotVisible):
        raise
    except DunghanError as refused:
        return _queue(request, viewer, error=worded(refused), code=400)
    return RedirectResponse(f"/cho-tiep-nhan?da_tiep_nhan={len(done)}", status_code=303)


def _act(request: Request, viewer: worklist.Viewer, obligation_id: int, action: str, **values: object) -> Response:
    engine, at = engine_of(request), now(request)
    try:
        if action == "accept":
            worklist.review(engine, viewer, [obligation_id], "accept", reason=None, at=at)
            notice = "Đã tiếp nhận báo cáo."
        elif action == "return":
            worklist.review(engine, viewer, [obligation_id], "return", reason=str(values["reason"]), at=at)
            notice = "Đã trả lại báo cáo; đơn vị được báo lý do."
        elif action == "extend":
            until = values["until"]
            if not isinstance(until, date):
                raise DunghanError(_("{field}: choose a date"), field="until")
            worklist.extend(engine, viewer, obligation_id, until=until, reason=str(values["reason"]), at=at)
            notice = f"Đã gia hạn đến hết ngày {until:%d/%m/%Y}."
        else:
            worklist.reopen(engine, viewer, obligation_id, reason=str(values["reason"]), at=at)
            notice = "Đã mở lại."
    except (worklist.NotAllowed, worklist.NotVisible):
        raise
    except DunghanError as refused:
        return obligation_view(request, viewer, obligation_id, error=worded(refused), code=400)
    return obligation_view(request, viewer, obligation_id, notice=notice)


@router.post("/nghia-vu/{obligation_id}/tiep-nhan", dependencies=[CheckedForm])
def accept(request: Request, obligation_id: int, viewer: CurrentViewer) -> Response:
    return _act(request, viewer, obligation_id, "accept")


@router.post("/nghia-vu/{obligation_id}/tra-lai", dependencies=[CheckedForm])
def return_(
    request: Request, obligation_id: int, viewer: CurrentViewer, reason: Annotated[str, Form()] = ""
) -> Response:
    return _act(request, viewer, obligation_id, "return", reason=reason)


@router.post("/nghia-vu/{obligation_id}/gia-han", dependencies=[CheckedForm])
def extend(
    request: Request,
    obligation_id: int,
    viewer: CurrentViewer,
    until: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        day: date | None = date.fromisoformat(until) if until else None
    except ValueError:
        day = None
    return _act(request, viewer, obligation_id, "extend", until=day, reason=reason)


@router.post("/nghia-vu/{obligation_id}/mo-lai", dependencies=[CheckedForm])
def reopen(
    request: Request, obligation_id: int, viewer: CurrentViewer, reason: Annotated[str, Form()] = ""
) -> Response:
    return _act(request, viewer, obligation_id, "reopen", reason=reason)
