"""An admin's page of runs (Lần chạy): the schedule's jobs and the commands', newest first, with
who ran them, how they ended and what they counted. Only admins; the runs over everything (the
sweep, the digests, the retries) and those within the admin's unit."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import runs
from web.render import page
from web.security import CurrentViewer, engine_of

router = APIRouter()

OUTCOME_BADGES = {"ok": "xanh", "failed": "do", "running": "vang"}


@router.get("/quan-tri/lan-chay")
def runs_list(request: Request, viewer: CurrentViewer, viec: str = "", ket_qua: str = "") -> Response:
    job = viec if viec in runs.JOB_NAMES else ""
    outcome = ket_qua if ket_qua in runs.OUTCOME_NAMES else ""
    lines = runs.runs_page(engine_of(request), viewer, limit=100, name=job or None, outcome=outcome or None)
    return page(
        request,
        "admin_runs.html",
        {
            "lines": lines,
            "viec": job,
            "ket_qua": outcome,
            "JOBS": runs.JOB_NAMES,
            "OUTCOMES": runs.OUTCOME_NAMES,
            "BADGES": OUTCOME_BADGES,
        },
    )
