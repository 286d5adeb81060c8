"""An admin's regime pages: rule packs (list, a pack's deadlines, upload), cycles (list, plan or
re-plan with a preview of the differences), the province dashboard. Only admins, within their unit.

Every POST carries the form token (CheckedForm). An upload is checked before anything is written;
a plan is previewed (nothing written) before it is applied.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from app import dashboard, packs_admin, planning_preview
from app.planning_preview import PARAM_PREFIX
from app.worklist import NotAllowed, Viewer
from rules.errors import DunghanError
from rules.i18n import _
from rules.loader import MAX_PACK_BYTES
from rules.schema import LEVEL_NAMES
from web.render import page, worded
from web.security import CheckedForm, CurrentViewer, engine_of, now

router = APIRouter()


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (read once; CheckedForm has read it already)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


# Packs.


def _packs_view(
    request: Request,
    viewer: Viewer,
    *,
    outcome: packs_admin.UploadOutcome | None = None,
    error: str | None = None,
    code: int = 200,
) -> Response:
    found = packs_admin.pack_list(engine_of(request), viewer)
    notice = None
    if outcome is not None and outcome.stored is not None:
        pack = outcome.stored.pack
        replaced = f", thay phiên bản {outcome.replaced}" if outcome.replaced else ""
        notice = f"Đã tải lên gói {pack.id} phiên bản {pack.version}{replaced}."
    return page(
        request,
        "admin_packs.html",
        {
            "found": found,
            "outcome": outcome,
            "notice": notice,
            "error": error,
            "max_mb": MAX_PACK_BYTES // (1 << 20),
        },
        code=code,
    )


@router.get("/quan-tri/goi")
def packs(request: Request, viewer: CurrentViewer) -> Response:
    return _packs_view(request, viewer)


@router.post("/quan-tri/goi", dependencies=[CheckedForm])
def upload(
    request: Request,
    viewer: CurrentViewer,
    tep: Annotated[UploadFile | None, File()] = None,
) -> Response:
    packs_admin.require_admin(viewer)
    data = tep.file.read(MAX_PACK_BYTES + 1) if tep is not None else b""
    name = tep.filename if tep is not None else None
    try:
        outcome = packs_admin.upload_pack(engine_of(request), viewer, name, data, at=now(request))
    except NotAllowed:
        raise
    except DunghanError as refused:
        return _packs_view(request, viewer, error=worded(refused), code=400)
    if outcome.stored is None:
        message = f"Gói chưa được tải lên: {outcome.errors} lỗi trong tệp {outcome.file_name}. Sửa rồi tải lên lại."
        return _packs_view(request, viewer, outcome=outcome, error=message, code=400)
    return _packs_view(request, viewer, outcome=outcome)


@router.get("/quan-tri/goi/{pack_id}")
def pack(request: Request, pack_id: str, viewer: CurrentViewer, nam: int | None = None) -> Response:
    found = packs_admin.pack_page(engine_of(request), viewer, pack_id, year=nam, at=now(request))
    return page(
        request,
        "admin_packs_pack.html",
        {"p": found, "frequency_name": packs_admin.frequency_name, "level_names": LEVEL_NAMES},
    )


# Cycles.


@router.get("/quan-tri/chu-ky")
def cycles(
    request: Request,
    viewer: CurrentViewer,
    da_lap: str | None = None,
    moi: int = 0,
    doi: int = 0,
    bo: int = 0,
    lai: int = 0,
    giu: int = 0,
) -> Response:
    lines = planning_preview.cycle_list(engine_of(request), viewer)
    notice = None
    if da_lap:
        notice = (
            f"Đã lập kế hoạch {da_lap}: {moi} nghĩa vụ mới, {doi} thay đổi, {bo} không còn yêu cầu, "
            f"{lai} yêu cầu trở lại, {giu} giữ nguyên."
        )
    return page(
        request,
        "admin_cycles.html",
        {"lines": lines, "notice": notice, "query": lambda line: urlencode(line.replan_query)},
    )


def _plan_view(
    request: Request,
    viewer: Viewer,
    fields: dict[str, str],
    *,
    error: str | None = None,
    code: int = 200,
) -> Response:
    year = fields.get("nam", "")
    values = {k.removeprefix(PARAM_PREFIX): v for k, v in fields.items() if k.startswith(PARAM_PREFIX)}
    form = planning_preview.plan_form(
        engine_of(request),
        viewer,
        pack_id=fields.get("goi") or None,
        year=int(year) if year.isdigit() else None,
        under=fields.get("duoi"),
        values=values,
        at=now(request),
    )
    return page(request, "admin_cycles_plan.html", {"form": form, "error": error}, code=code)


@router.get("/quan-tri/chu-ky/lap")
def plan(request: Request, viewer: CurrentViewer) -> Response:
    return _plan_view(request, viewer, dict(request.query_params))


def _request(request: Request, viewer: Viewer, fields: dict[str, str]) -> planning_preview.PlanRequest:
    year = fields.get("nam", "").strip()
    if not year.isdigit():
        raise DunghanError(_("choose the year to plan"))
    return planning_preview.plan_request(
        engine_of(request),
        viewer,
        pack_id=fields.get("goi", ""),
        year=int(year),
        under=fields.get("duoi", ""),
        form=fields,
    )


@router.post("/quan-tri/chu-ky/xem-truoc", dependencies=[CheckedForm])
def preview(request: Request, viewer: CurrentViewer, fields: FormFields) -> Response:
    packs_admin.require_admin(viewer)
    try:
        wanted = _request(request, viewer, fields)
        found = planning_preview.preview(engine_of(request), viewer, wanted, at=now(request))
    except NotAllowed:
        raise
    except DunghanError as refused:
        return _plan_view(request, viewer, fields, error=worded(refused), code=400)
    return page(request, "admin_cycles_preview.html", {"p": found, "prefix": PARAM_PREFIX})


@router.post("/quan-tri/chu-ky/ap-dung", dependencies=[CheckedForm])
def apply(request: Request, viewer: CurrentViewer, fields: FormFields) -> Response:
    packs_admin.require_admin(viewer)
    try:
        wanted = _request(request, viewer, fields)
        done = planning_preview.apply(engine_of(request), viewer, wanted, at=now(request))
    except NotAllowed:
        raise
    except DunghanError as refused:
        return _plan_view(request, viewer, fields, error=worded(refused), code=400)
    query = {
        "da_lap": f"{wanted.pack.id} năm {wanted.year} ({wanted.under_text})",
        "moi": done.created,
        "doi": done.updated,
        "bo": done.retired,
        "lai": done.reinstated,
        "giu": done.unchanged,
    }
    return Response(status_code=303, headers={"Location": f"/quan-tri/chu-ky?{urlencode(query)}"})


# The dashboard.


@router.get("/quan-tri/tong-quan")
def overview(request: Request, viewer: CurrentViewer) -> Response:
    found = dashboard.dashboard_page(engine_of(request), viewer, at=now(request))
    return page(request, "admin_dashboard.html", {"d": found})
