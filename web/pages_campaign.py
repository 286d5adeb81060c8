"""The Action Month and the indicators: the campaign page (a unit's roll-up, its files), a unit's
activities (list, add, correct, delete, the XLSX form to download and upload), the indicator table
(Phụ lục 01) with its progress, and the form in which a responsible unit enters its figures.

Every route checks the person, calls app/, renders. Forms are plain POSTs that work without
JavaScript; a refused one comes back with what was typed and each problem next to its field.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from app import activity_entry, campaign_page, indicator_page
from app.activity_entry import EntryRefused, FileRefused, FormState, StoredLog
from app.worklist import NotVisible, Viewer
from rules.activity import MEDIA_KINDS
from rules.i18n import _
from web.render import page
from web.security import CheckedForm, CurrentViewer, engine_of, now

router = APIRouter()


MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a filled-in form of 300 rows is some 40 KB
DONE = {
    "them": "Đã thêm hoạt động.",
    "sua": "Đã lưu thay đổi.",
    "giu": "Không có gì thay đổi.",
    "xoa": "Đã xóa hoạt động.",
}


def _year(nam: str | None) -> int | None:
    """The year a query asks for; one that is not a year names nothing (404)."""
    if nam is None or nam == "":
        return None
    if not nam.isdigit() or len(nam) != 4:
        raise NotVisible()
    return int(nam)


def _link(path: str, **params: object) -> str:
    shown = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(shown)}" if shown else path


def _download(name: str, content: bytes, kind: str) -> Response:
    return Response(
        content,
        media_type=campaign_page.MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def form_fields(request: Request) -> dict[str, str]:
    """A posted form's text fields (the page's own, read once)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


# The campaign page.


@router.get("/thang-hanh-dong")
def campaign(request: Request, viewer: CurrentViewer, nam: str | None = None, don_vi: str | None = None) -> Response:
    found = campaign_page.campaign_page(
        engine_of(request), viewer, at=now(request), year=_year(nam), unit=don_vi or None
    )
    return page(
        request,
        "campaign.html",
        {"p": found, "r": found.result, "level_name": campaign_page.level_name, "link": _link},
    )


def _rollup_file(
    request: Request, viewer: Viewer, kind: Literal["xlsx", "docx"], nam: str | None, don_vi: str | None
) -> Response:
    name, content = campaign_page.rollup_file(
        engine_of(request), viewer, kind, at=now(request), year=_year(nam), unit=don_vi or None
    )
    return _download(name, content, kind)


@router.get("/thang-hanh-dong/tong-hop.xlsx")
def campaign_xlsx(
    request: Request, viewer: CurrentViewer, nam: str | None = None, don_vi: str | None = None
) -> Response:
    return _rollup_file(request, viewer, "xlsx", nam, don_vi)


@router.get("/thang-hanh-dong/tong-hop.docx")
def campaign_docx(
    request: Request, viewer: CurrentViewer, nam: str | None = None, don_vi: str | None = None
) -> Response:
    return _rollup_file(request, viewer, "docx", nam, don_vi)


# A unit's activities.


def _activities_view(
    request: Request,
    viewer: Viewer,
    *,
    year: int | None,
    unit: str | None,
    form: FormState | None = None,
    upload_errors: list[str] | None = None,
    upload_name: str | None = None,
    notice: str | None = None,
    code: int = 200,
) -> Response:
    found = activity_entry.activity_list(engine_of(request), viewer, at=now(request), year=year, unit=unit)
    return page(
        request,
        "activities.html",
        {
            "p": found,
            "form": form or FormState(),
            "labels": activity_entry.LABELS,
            "short_labels": activity_entry.SHORT_LABELS,
            "media_kinds": MEDIA_KINDS,
            "upload_errors": upload_errors or [],
            "upload_name": upload_name,
            "notice": notice,
            "error": "Chưa lưu: hãy sửa các mục được đánh dấu bên dưới."
            if form and form.problems
            else "Tệp chưa được nhập: xem lý do ở mục «Nhập từ tệp Excel» bên dưới."
            if upload_errors
            else None,
            "own": unit in (None, "", viewer.unit.code),
            "link": _link,
        },
        code=code,
    )


@router.get("/thang-hanh-dong/hoat-dong")
def activities(
    request: Request,
    viewer: CurrentViewer,
    nam: str | None = None,
    don_vi: str | None = None,
    xong: str | None = None,
    so: int | None = None,
    thay: int | None = None,
) -> Response:
    notice = DONE.get(xong or "")
    if xong == "nhap" and so is not None:
        notice = f"Đã nhập {so} hoạt động từ tệp."
        if thay:
            notice += f" {thay} hoạt động của tệp nhập trước được thay bằng tệp này."
    return _activities_view(request, viewer, year=_year(nam), unit=don_vi or None, notice=notice)


@router.post("/thang-hanh-dong/hoat-dong", dependencies=[CheckedForm])
def add_activity(request: Request, viewer: CurrentViewer, values: FormFields) -> Response:
    year = _year(values.get("nam")) or activity_entry.current_year(now(request))
    unit = values.get("don_vi") or None
    try:
        activity_entry.add_activity(engine_of(request), viewer, values, at=now(request), year=year, unit=unit)
    except EntryRefused as refused:
        state = FormState({k: values.get(k, "") for k in activity_entry.FIELDS}, refused.problems)
        return _activities_view(request, viewer, year=year, unit=unit, form=state, code=400)
    target = _link("/thang-hanh-dong/hoat-dong", nam=year, don_vi=unit, xong="them")
    return Response(status_code=303, headers={"Location": target + "#danh-sach"})


def _log_id(value: str | None) -> int:
    """The id of a log a query or a form names; anything else names nothing (404)."""
    if value is None or not value.isdigit() or len(value) > 18:
        raise NotVisible()
    return int(value)


def _edit_view(
    request: Request, viewer: Viewer, log_id: int, *, form: FormState | None = None, code: int = 200
) -> Response:
    opened = activity_entry.log_to_change(engine_of(request), viewer, log_id, at=now(request))
    return page(
        request,
        "activities_edit.html",
        {
            "o": opened,
            "log": opened.log,
            "form": form or FormState(activity_entry.form_values(opened.log)),
            "labels": activity_entry.LABELS,
            "short_labels": activity_entry.SHORT_LABELS,
            "media_kinds": MEDIA_KINDS,
            "error": "Chưa lưu: hãy sửa các mục được đánh dấu bên dưới." if form and form.problems else None,
            "back": _list_link(viewer, opened.log),
        },
        code=code,
    )


def _list_link(viewer: Viewer, log: StoredLog, **extra: object) -> str:
    unit = None if log.unit_code == viewer.unit.code else log.unit_code
    return _link("/thang-hanh-dong/hoat-dong", nam=log.year, don_vi=unit, **extra)


# A log is named by a query parameter (?id=), not in the path: the scope matrices of the pages'
# tests try every path parameter they know.
@router.get("/thang-hanh-dong/hoat-dong/sua")
def edit_activity(request: Request, viewer: CurrentViewer, id: str | None = None) -> Response:
    return _edit_view(request, viewer, _log_id(id))


@router.post("/thang-hanh-dong/hoat-dong/sua", dependencies=[CheckedForm])
def save_activity(request: Request, viewer: CurrentViewer, values: FormFields) -> Response:
    log_id = _log_id(values.get("id"))
    try:
        old, changes = activity_entry.correct_activity(engine_of(request), viewer, log_id, values, at=now(request))
    except EntryRefused as refused:
        state = FormState({k: values.get(k, "") for k in activity_entry.FIELDS}, refused.problems)
        return _edit_view(request, viewer, log_id, form=state, code=400)
    target = _list_link(viewer, old, xong="sua" if changes else "giu")
    return Response(status_code=303, headers={"Location": target + "#danh-sach"})


@router.get("/thang-hanh-dong/hoat-dong/xoa")
def confirm_delete(request: Request, viewer: CurrentViewer, id: str | None = None) -> Response:
    opened = activity_entry.log_to_change(engine_of(request), viewer, _log_id(id), at=now(request))
    return page(
        request,
        "activities_delete.html",
        {"log": opened.log, "o": opened, "back": _list_link(viewer, opened.log)},
    )


@router.post("/thang-hanh-dong/hoat-dong/xoa", dependencies=[CheckedForm])
def delete_activity(request: Request, viewer: CurrentViewer, values: FormFields) -> Response:
    old = activity_entry.delete_activity(engine_of(request), viewer, _log_id(values.get("id")), at=now(request))
    return Response(status_code=303, headers={"Location": _list_link(viewer, old, xong="xoa") + "#danh-sach"})


@router.get("/thang-hanh-dong/bieu-mau.xlsx")
def activity_template(
    request: Request, viewer: CurrentViewer, nam: str | None = None, don_vi: str | None = None
) -> Response:
    year = _year(nam) or activity_entry.current_year(now(request))
    name, content = activity_entry.template_file(engine_of(request), viewer, year=year, unit=don_vi or None)
    return _download(name, content, "xlsx")


def _spool(upload: UploadFile, folder: Path) -> tuple[Path, int]:
    """The uploaded file under its own name in ``folder``, stopping past the size cap."""
    name = Path(upload.filename or "bieu-mau.xlsx").name or "bieu-mau.xlsx"
    target = folder / name
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            written += len(chunk)
            if written > MAX_UPLOAD_BYTES:
                break
            out.write(chunk)
    return target, written


@router.post("/thang-hanh-dong/nhap-tep", dependencies=[CheckedForm])
def upload_form(
    request: Request,
    viewer: CurrentViewer,
    tep: Annotated[UploadFile | None, File()] = None,
    nam: Annotated[str, Form()] = "",
    don_vi: Annotated[str, Form()] = "",
) -> Response:
    year = _year(nam)
    unit = don_vi or None
    if tep is None or not tep.filename:
        return _activities_view(
            request, viewer, year=year, unit=unit, upload_errors=["Tệp biểu mẫu: chọn tệp .xlsx đã điền"], code=400
        )
    with tempfile.TemporaryDirectory(prefix="dunghan-upload-") as folder:
        path, size = _spool(tep, Path(folder))
        try:
            if size > MAX_UPLOAD_BYTES:
                raise FileRefused(
                    path.name, [_("the file is larger than {size} MB").format(size=MAX_UPLOAD_BYTES // (1024 * 1024))]
                )
            if size == 0:
                raise FileRefused(path.name, [_("the file is empty")])
            form_year, recorded = activity_entry.import_file(
                engine_of(request), viewer, path, at=now(request), unit=unit
            )
        except FileRefused as refused:
            return _activities_view(
                request,
                viewer,
                year=year,
                unit=unit,
                upload_errors=refused.errors,
                upload_name=refused.name,
                code=400,
            )
    replaced = sum(r.removed for r in recorded.replaced)
    target = _link(
        "/thang-hanh-dong/hoat-dong", nam=form_year, don_vi=unit, xong="nhap", so=recorded.added, thay=replaced or None
    )
    return Response(status_code=303, headers={"Location": target + "#danh-sach"})


# The indicator table (Phụ lục 01).


@router.get("/chi-tieu")
def indicators(request: Request, viewer: CurrentViewer, nam: str | None = None, xong: str | None = None) -> Response:
    found = indicator_page.progress_page(engine_of(request), viewer, at=now(request), year=_year(nam))
    notice = None
    if xong == "luu":
        notice = "Đã lưu số liệu."
    return page(request, "indicators.html", {"p": found, "notice": notice, "link": _link})


def _indicator_file(request: Request, viewer: Viewer, kind: Literal["xlsx", "docx"], nam: str | None) -> Response:
    name, content = indicator_page.report_file(engine_of(request), viewer, kind, at=now(request), year=_year(nam))
    return _download(name, content, kind)


@router.get("/chi-tieu.xlsx")
def indicators_xlsx(request: Request, viewer: CurrentViewer, nam: str | None = None) -> Response:
    return _indicator_file(request, viewer, "xlsx", nam)


@router.get("/chi-tieu.docx")
def indicators_docx(request: Request, viewer: CurrentViewer, nam: str | None = None) -> Response:
    return _indicator_file(request, viewer, "docx", nam)


def _entry_view(
    request: Request,
    viewer: Viewer,
    year: int | None,
    *,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    code: int = 200,
) -> Response:
    found = indicator_page.entry_page(engine_of(request), viewer, at=now(request), year=year)
    return page(
        request,
        "indicators_entry.html",
        {
            "p": found,
            "values": values if values is not None else found.values,
            "problems": problems or {},
            "error": "Chưa lưu: hãy sửa các chỉ tiêu được đánh dấu bên dưới." if problems else None,
            "link": _link,
        },
        code=code,
    )


@router.get("/chi-tieu/nhap")
def indicator_entry(request: Request, viewer: CurrentViewer, nam: str | None = None) -> Response:
    return _entry_view(request, viewer, _year(nam))


@router.post("/chi-tieu/nhap", dependencies=[CheckedForm])
def save_indicators(request: Request, viewer: CurrentViewer, values: FormFields) -> Response:
    year = _year(values.get("nam"))
    try:
        saved = indicator_page.save_figures(engine_of(request), viewer, values, at=now(request), year=year)
    except indicator_page.FiguresRefused as refused:
        return _entry_view(request, viewer, year, values=values, problems=refused.problems, code=400)
    target = _link("/chi-tieu", nam=saved.year, xong="luu")
    return Response(status_code=303, headers={"Location": target})
