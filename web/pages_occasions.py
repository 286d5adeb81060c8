"""'Sự việc và yêu cầu báo cáo': an admin records an event that starts reports (a case of violence
found at a commune) or asks units for an on-request report, and sees those recorded under their
unit. The same use cases as `dunghan event record` and `dunghan request`; only admins, only for the
units under theirs. Every POST carries the form token (CheckedForm).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app import occasions
from app.occasions import FormRefused, Recorded
from app.worklist import Viewer
from rules.calendar import VIETNAM
from rules.errors import DunghanError
from web.render import page
from web.security import CheckedForm, CurrentViewer, engine_of, now

router = APIRouter(prefix="/quan-tri/su-viec")

# The forms' fields by their labels, as an error names them.
LABELS = {
    "kind": "Loại sự việc",
    "unit": "Mã đơn vị",
    "date": "Ngày xảy ra",
    "report": "Báo cáo được yêu cầu",
    "to": "Mã các đơn vị được yêu cầu",
    "received": "Ngày nhận văn bản yêu cầu",
    "days": "Số ngày làm việc",
    "reference": "Số, ký hiệu văn bản",
}


def _sentence(problem: DunghanError) -> str:
    text = problem.worded(lambda field: LABELS.get(field, field), lambda action: "liên hệ quản trị")
    return text[:1].upper() + text[1:]


def _view(
    request: Request,
    viewer: Viewer,
    *,
    page_number: int = 1,
    form: str | None = None,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, DunghanError] | None = None,
    outcome: dict[str, Any] | None = None,
    code: int = 200,
) -> Response:
    engine = engine_of(request)
    lines, total = occasions.occasion_list(engine, viewer, page=page_number)
    today = f"{now(request).astimezone(VIETNAM):%d/%m/%Y}"
    typed = {"date": today, "received": today, **(values or {})}
    return page(
        request,
        "admin_occasions.html",
        {
            "events": occasions.event_choices(),
            "reports": occasions.request_choices(),
            "lines": lines,
            "total": total,
            "trang": page_number,
            "pages": max(1, -(-total // occasions.PAGE)),
            "form": form,
            "values": typed,
            "problems": {field: _sentence(p) for field, p in (problems or {}).items()},
            "labels": LABELS,
            "outcome": outcome,
        },
        code=code,
    )


@router.get("")
def occasions_page(request: Request, viewer: CurrentViewer, trang: int = 1) -> Response:
    return _view(request, viewer, page_number=trang)


def _rows(recorded: Sequence[Recorded]) -> list[dict[str, Any]]:
    return [
        {"unit": f"{o.unit_name} ({o.unit_code})", "o": o, "new": r.created} for r in recorded for o in r.obligations
    ]


@router.post("/ghi-nhan", dependencies=[CheckedForm])
def record_event(
    request: Request,
    viewer: CurrentViewer,
    kind: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
) -> Response:
    values = {"kind": kind, "unit": unit, "date": date}
    try:
        recorded = occasions.record_event_as(
            engine_of(request), viewer, kind=kind, unit=unit, day=date, now=now(request)
        )
    except FormRefused as refused:
        return _view(request, viewer, form="event", values=values, problems=refused.problems, code=400)
    name = next((c.name for c in occasions.event_choices() if c.id == kind.strip()), kind)
    outcome = {
        "kind": "event",
        "name": name,
        "recorded": [recorded],
        "rows": _rows([recorded]),
        "again": [] if recorded.created else [recorded.unit_code],
        "day": datetime.date.fromisoformat(recorded.period),
    }
    return _view(request, viewer, outcome=outcome)


@router.post("/yeu-cau", dependencies=[CheckedForm])
def request_report(
    request: Request,
    viewer: CurrentViewer,
    report: Annotated[str, Form()] = "",
    to: Annotated[str, Form()] = "",
    received: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "",
    reference: Annotated[str, Form()] = "",
) -> Response:
    values = {"report": report, "to": to, "received": received, "days": days, "reference": reference}
    try:
        requested = occasions.request_report_as(
            engine_of(request),
            viewer,
            report=report,
            to=to,
            received=received,
            days=days,
            reference=reference,
            now=now(request),
        )
    except FormRefused as refused:
        return _view(request, viewer, form="request", values=values, problems=refused.problems, code=400)
    outcome = {
        "kind": "request",
        "name": requested.report_name,
        "recorded": list(requested.units),
        "rows": _rows(requested.units),
        "again": [r.unit_code for r in requested.units if not r.created],
        "day": requested.received,
        "reference": reference.strip(),
    }
    return _view(request, viewer, outcome=outcome)
