"""An admin's pages within their unit: units and contacts (list, edit, deactivate, import with a
preview, export), whom nobody can tell, the people who log in, the outbox."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from app import admin
from app.admin import ContactChange
from app.outbox import NOTICE_STATES, state_name
from app.worklist import ROLE_NAMES, NotAllowed, NotVisible
from reports.org_files import contacts_csv
from rules.errors import DunghanError
from web.render import page, worded
from web.security import CheckedForm, CurrentViewer, engine_of, now

router = APIRouter(prefix="/quan-tri")

CONTACT_ROLE_NAMES = {
    "focal_point": "đầu mối",
    "head": "thủ trưởng",
    "deputy": "cấp phó",
    "recipient_officer": "cán bộ tiếp nhận",
    "supervisor": "lãnh đạo cấp trên",
}
LEVEL_NAMES = {"ministry": "bộ", "province": "tỉnh", "district": "huyện", "commune": "xã"}


def _pages(total: int) -> int:
    return max(1, -(-total // admin.PAGE))


@router.get("")
def index(request: Request, viewer: CurrentViewer) -> Response:
    admin.require_admin(viewer)
    return page(request, "admin_index.html", {})


@router.get("/don-vi")
def units(request: Request, viewer: CurrentViewer, q: str = "", cap: str = "", trang: int = 1) -> Response:
    rows, total = admin.units(engine_of(request), viewer, at=now(request), q=q, level=cap or None, page=trang)
    return page(
        request,
        "admin_units.html",
        {
            "rows": rows,
            "total": total,
            "q": q,
            "cap": cap,
            "trang": trang,
            "pages": _pages(total),
            "LEVELS": LEVEL_NAMES,
        },
    )


@router.get("/lien-he")
def contacts(
    request: Request, viewer: CurrentViewer, q: str = "", vai_tro: str = "", tinh_trang: str = "", trang: int = 1
) -> Response:
    active = {"dang-dung": True, "ngung": False}.get(tinh_trang)
    rows, total = admin.contacts(engine_of(request), viewer, q=q, role=vai_tro or None, active=active, page=trang)
    return page(
        request,
        "admin_contacts.html",
        {
            "rows": rows,
            "total": total,
            "q": q,
            "vai_tro": vai_tro,
            "tinh_trang": tinh_trang,
            "trang": trang,
            "pages": _pages(total),
            "ROLES": CONTACT_ROLE_NAMES,
        },
    )


@router.get("/lien-he.csv")
def export_contacts(request: Request, viewer: CurrentViewer) -> Response:
    rows = admin.export_contacts(engine_of(request), viewer)
    text = contacts_csv(
        [
            {
                "unit": r.unit_code,
                "name": r.name,
                "role": r.role,
                "email": r.email,
                "zalo_phone": r.zalo_phone,
                "zalo_user_id": r.zalo_user_id,
                "channels": r.channels,
                "active": r.active,
            }
            for r in rows
        ]
    )
    return Response(
        "\ufeff" + text,  # the BOM lets Excel open it as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="lien-he-{viewer.unit.code}.csv"'},
    )


def _contact_page(request: Request, viewer: CurrentViewer, contact_id: int, **extra: object) -> Response:
    found = admin.contact(engine_of(request), viewer, contact_id)
    code = 400 if extra.get("error") else 200
    return page(request, "admin_contact.html", {"c": found, "ROLES": CONTACT_ROLE_NAMES, **extra}, code=code)


@router.get("/lien-he/{contact_id}")
def contact(request: Request, viewer: CurrentViewer, contact_id: int) -> Response:
    return _contact_page(request, viewer, contact_id)


@router.post("/lien-he/{contact_id}", dependencies=[CheckedForm])
def edit_contact(
    request: Request,
    viewer: CurrentViewer,
    contact_id: int,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    zalo_phone: Annotated[str, Form()] = "",
    channels: Annotated[list[str], Form()] = [],  # noqa: B006 (read, never mutated)
    active: Annotated[str, Form()] = "",
) -> Response:
    change = ContactChange(name, role, email, zalo_phone, ",".join(channels), active == "co")
    try:
        admin.update_contact(engine_of(request), viewer, contact_id, change, at=now(request))
    except (NotAllowed, NotVisible):
        raise
    except DunghanError as refused:
        return _contact_page(request, viewer, contact_id, error=worded(refused))
    return _contact_page(request, viewer, contact_id, notice="Đã lưu.")


@router.get("/thieu-nguoi-nhan")
def gaps(request: Request, viewer: CurrentViewer) -> Response:
    rows = admin.gaps(engine_of(request), viewer, at=now(request))
    return page(request, "admin_gaps.html", {"rows": rows, "ROLES": CONTACT_ROLE_NAMES})


@router.get("/nhap")
def import_form(request: Request, viewer: CurrentViewer) -> Response:
    admin.require_admin(viewer)
    return page(request, "admin_import.html", {"preview": None})


@router.post("/nhap", dependencies=[CheckedForm])
def import_preview(request: Request, viewer: CurrentViewer, file: Annotated[UploadFile, File()]) -> Response:
    admin.require_admin(viewer)
    name = Path(file.filename or "tep").name
    with tempfile.TemporaryDirectory(prefix="dunghan-import-") as folder:
        spooled = Path(folder) / "upload"
        with spooled.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                out.write(chunk)
                if out.tell() > admin.MAX_IMPORT_BYTES:
                    break
        try:
            sha, _ = admin.stage_import(spooled, name)
        except DunghanError as refused:
            return page(request, "admin_import.html", {"preview": None, "error": worded(refused)}, code=400)
    preview = admin.preview_import(engine_of(request), viewer, sha, name, at=now(request))
    return page(request, "admin_import.html", {"preview": preview}, code=400 if preview.errors else 200)


@router.post("/nhap/ghi", dependencies=[CheckedForm])
def import_apply(
    request: Request, viewer: CurrentViewer, sha: Annotated[str, Form()] = "", name: Annotated[str, Form()] = ""
) -> Response:
    try:
        done = admin.apply_import(engine_of(request), viewer, sha, name, at=now(request))
    except (NotAllowed, NotVisible):
        raise
    except DunghanError as refused:
        return page(request, "admin_import.html", {"preview": None, "error": worded(refused)}, code=400)
    if done.errors:
        return page(request, "admin_import.html", {"preview": done}, code=400)
    return page(request, "admin_import.html", {"preview": None, "done": done})


@router.get("/nguoi-dung")
def people_page(request: Request, viewer: CurrentViewer) -> Response:
    return people(request, viewer)


def people(request: Request, viewer: CurrentViewer, **extra: object) -> Response:
    rows = admin.people(engine_of(request), viewer)
    code = 400 if extra.get("error") else 200
    return page(request, "admin_users.html", {"rows": rows, "ROLE_NAMES": ROLE_NAMES, **extra}, code=code)


@router.post("/nguoi-dung", dependencies=[CheckedForm])
def add_person(
    request: Request,
    viewer: CurrentViewer,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
) -> Response:
    try:
        added = admin.add_person(
            engine_of(request), viewer, email=email, name=name, role=role, unit=unit, at=now(request)
        )
    except (NotAllowed, NotVisible):
        raise
    except DunghanError as refused:
        return people(
            request, viewer, error=worded(refused), form={"email": email, "name": name, "role": role, "unit": unit}
        )
    return people(
        request,
        viewer,
        notice=f"Đã thêm {name} ({added.unit_name}); đường dẫn đặt mật khẩu đã gửi tới {email}.",
        link=added.link,
    )


@router.post("/nguoi-dung/{user_id}", dependencies=[CheckedForm])
def change_person(
    request: Request,
    viewer: CurrentViewer,
    user_id: int,
    role: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
) -> Response:
    try:
        admin.change_person(engine_of(request), viewer, user_id, role=role, unit=unit, at=now(request))
    except (NotAllowed, NotVisible):
        raise
    except DunghanError as refused:
        return people(request, viewer, error=worded(refused))
    return people(request, viewer, notice="Đã đổi; các phiên đăng nhập của người này đã kết thúc.")


@router.post("/nguoi-dung/{user_id}/khoa", dependencies=[CheckedForm])
def disable_person(request: Request, viewer: CurrentViewer, user_id: int) -> Response:
    try:
        admin.disable_person(engine_of(request), viewer, user_id, at=now(request))
    except (NotAllowed, NotVisible):
        raise
    except DunghanError as refused:
        return people(request, viewer, error=worded(refused))
    return people(request, viewer, notice="Đã khóa tài khoản; các phiên đăng nhập đã kết thúc.")


@router.get("/hop-thu")
def outbox(
    request: Request, viewer: CurrentViewer, tinh_trang: str = "", trang: int = 1, gui_lai: int | None = None
) -> Response:
    engine = engine_of(request)
    counts = admin.notice_counts(engine, viewer)
    rows, total = admin.notices(engine, viewer, status=tinh_trang or None, page=trang)
    return page(
        request,
        "admin_outbox.html",
        {
            "counts": counts,
            "rows": rows,
            "total": total,
            "tinh_trang": tinh_trang,
            "trang": trang,
            "pages": _pages(total),
            "STATES": NOTICE_STATES,
            "state_name": state_name,
            "notice": f"Đã xếp lại {gui_lai} thông báo để gửi lại trong lần gửi tới." if gui_lai is not None else None,
        },
    )


@router.get("/hop-thu/{notice_id}")
def outbox_notice(request: Request, viewer: CurrentViewer, notice_id: int) -> Response:
    found = admin.notice(engine_of(request), viewer, notice_id)
    return page(request, "admin_notice.html", {"n": found, "state_name": state_name})


@router.post("/hop-thu/gui-lai", dependencies=[CheckedForm])
def outbox_retry(request: Request, viewer: CurrentViewer) -> Response:
    count = admin.retry_dead(engine_of(request), viewer, at=now(request))
    return RedirectResponse(f"/quan-tri/hop-thu?gui_lai={count}", status_code=303)
