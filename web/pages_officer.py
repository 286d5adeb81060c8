"""An officer's pages: 'Việc cần làm', the obligation page (the link in every message), submit
files, download a submitted file. Every route checks the person, calls app/, renders."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from app import worklist
from app.notifying import deliver_ready
from app.obligation_history import obligation_messages
from app.settings import get_settings
from rules.errors import DunghanError
from web.render import page, worded
from web.security import CheckedForm, CurrentViewer, engine_of, now

router = APIRouter()


@router.get("/viec-can-lam")
def todo(request: Request, viewer: CurrentViewer) -> Response:
    rows = worklist.todo(engine_of(request), viewer, at=now(request))
    return page(request, "todo.html", {"rows": rows, "today": now(request)})


def obligation_view(
    request: Request,
    viewer: worklist.Viewer,
    obligation_id: int,
    *,
    error: str | None = None,
    notice: str | None = None,
    code: int = 200,
    just_submitted: str | None = None,
) -> Response:
    found = worklist.obligation_page(engine_of(request), viewer, obligation_id, at=now(request))
    messages = obligation_messages(engine_of(request), found.view.row.id)  # once the page is known visible
    latest = found.view.submissions[-1] if found.view.submissions else None
    if (
        just_submitted
        and latest
        and found.receipts[latest.id] == just_submitted
        and found.view.row.state == "submitted"
    ):
        # only the receipt of this obligation's latest submission, while it is still waiting
        notice = f"Đã nộp. Số biên nhận: {just_submitted}; biên nhận cũng được gửi tới {viewer.email}."
    return page(
        request,
        "obligation.html",
        {
            "p": found,
            "o": found.view.row,
            "messages": messages,
            "error": error,
            "notice": notice,
            "allowed": ", ".join(s.lstrip(".") for s in worklist.ALLOWED_SUFFIXES),
            "max_mb": worklist.MAX_FILE_BYTES // (1024 * 1024),
            "today": now(request),
        },
        code=code,
    )


@router.get("/nghia-vu/{obligation_id}")
def obligation(request: Request, obligation_id: int, viewer: CurrentViewer, da_nop: str | None = None) -> Response:
    return obligation_view(request, viewer, obligation_id, just_submitted=da_nop)


def _spool(upload: StarletteUpload, folder: Path, index: int) -> worklist.Upload:
    """Copy one uploaded file to ``folder``, stopping past the size cap (the rest is not read)."""
    target = folder / f"{index}"
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            written += len(chunk)
            if written > worklist.MAX_FILE_BYTES:
                break
            out.write(chunk)
    return worklist.Upload(Path(upload.filename or "tep").name, target, written)


@router.post("/nghia-vu/{obligation_id}/nop", dependencies=[CheckedForm])
def submit(
    request: Request,
    obligation_id: int,
    viewer: CurrentViewer,
    background: BackgroundTasks,
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI reads the default, never mutates it)
    note: Annotated[str, Form()] = "",
) -> Response:
    engine = engine_of(request)
    with tempfile.TemporaryDirectory(prefix="dunghan-upload-") as folder:
        uploads = [_spool(f, Path(folder), i) for i, f in enumerate(files) if f.filename]
        try:
            outcome = worklist.submit(
                engine, viewer, obligation_id, uploads=uploads, note=note.strip(), at=now(request)
            )
        except (worklist.NotAllowed, worklist.NotVisible):
            raise
        except DunghanError as refused:
            return obligation_view(request, viewer, obligation_id, error=worded(refused), code=400)
    settings, clock = get_settings(), request.app.state.clock
    background.add_task(
        deliver_ready,
        engine,
        settings,
        at=now(request),
        clock=clock,
        keys=[worklist.receipt_key(outcome, viewer.email)],
    )
    return Response(status_code=303, headers={"Location": f"/nghia-vu/{obligation_id}?da_nop={outcome.receipt}"})


@router.get("/tep/{file_id}")
def download(request: Request, file_id: int, viewer: CurrentViewer) -> Response:
    found = worklist.stored_file(engine_of(request), viewer, file_id)
    if not Path(found.path).is_file():
        return page(
            request,
            "error.html",
            {"title": "Tệp không còn", "message": "Tệp này không còn trong thư mục dữ liệu: hãy báo quản trị."},
            code=410,
        )
    return FileResponse(found.path, filename=found.name)
