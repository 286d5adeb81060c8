"""A supervisor's pages: 'Quá hạn' (filters, sort, pages, XLSX), 'Tỷ lệ báo cáo' (with a chart
drawn on the server), a unit's page; '/tong-hop/{code}' lands on the unit's page.

Filters are plain query parameters of a GET form, so each view has its address (to bookmark, to
send) and works without JavaScript; htmx, when there, swaps only the list and keeps the address.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app import supervision
from app.supervision import OverdueFilter
from rules.calendar import VIETNAM
from rules.schema import LEVEL_NAMES
from rules.schema import ROLE_NAMES as CONTACT_ROLES
from web.render import page
from web.security import CurrentViewer, engine_of, now

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DIRECTIONS = {"tang": False, "giam": True}  # ascending, descending
FIRST_DESCENDING = {"tre"}  # the sorts a first click orders the other way: the most late first


def overdue_filter(
    cap: str | None = None,
    bao_cao: str | None = None,
    ky: str | None = None,
    don_vi: str | None = None,
    tinh_trang: str | None = None,
    sap_xep: str | None = None,
    chieu: str | None = None,
) -> OverdueFilter:
    """The overdue list's filters and sort from the query (cấp, báo cáo, kỳ, đơn vị, tình trạng,
    sắp xếp, chiều); what is not understood is left out."""
    return OverdueFilter(
        level=cap or None,
        report=bao_cao or None,
        period=ky or None,
        unit=(don_vi or "").strip() or None,
        status=tinh_trang if tinh_trang in supervision.STATUS_SLUGS else None,
        sort=sap_xep if sap_xep in supervision.SORTS else "han",
        descending=DIRECTIONS.get(chieu or "", False),
    )


Wanted = Annotated[OverdueFilter, Depends(overdue_filter)]


def _query(wanted: OverdueFilter, **changes: object) -> dict[str, str]:
    """The query parameters of ``wanted`` (empty ones left out), with ``changes``."""
    values: dict[str, object] = {
        "cap": wanted.level,
        "bao_cao": wanted.report,
        "ky": wanted.period,
        "don_vi": wanted.unit,
        "tinh_trang": wanted.status,
        "sap_xep": wanted.sort if wanted.sort != "han" else None,
        "chieu": "giam" if wanted.descending else None,
    }
    values.update(changes)
    return {k: str(v) for k, v in values.items() if v not in (None, "", 1)}


def _page_numbers(current: int, last: int) -> list[int | None]:
    """The pages to link: the first, the last and two each side of ``current``; None for a gap."""
    numbers: list[int | None] = []
    previous = 0
    for n in sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)}):
        if n - previous > 1:
            numbers.append(None)
        numbers.append(n)
        previous = n
    return numbers


def _link(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


@router.get("/qua-han")
def overdue(request: Request, viewer: CurrentViewer, wanted: Wanted, trang: int = 1) -> Response:
    at = now(request)
    found = supervision.overdue_page(engine_of(request), viewer, at=at, wanted=wanted, page=trang)
    sorts = {}
    for key, words in supervision.SORTS.items():
        # A column's heading sorts by it (the most late first for lateness); again, the other way.
        descending = not wanted.descending if wanted.sort == key else key in FIRST_DESCENDING
        params = _query(wanted, sap_xep=key if key != "han" else None, chieu="giam" if descending else None)
        sorts[key] = {
            "words": words,
            "href": _link("/qua-han", params),
            "aria": ("descending" if wanted.descending else "ascending") if wanted.sort == key else None,
        }
    pages = [
        {"number": n, "href": _link("/qua-han", _query(wanted, trang=n)) if n else None, "current": n == found.page}
        for n in _page_numbers(found.page, found.pages)
    ]
    links = {n: _link("/qua-han", _query(wanted, trang=n)) for n in (found.page - 1, found.page + 1)}
    return page(
        request,
        "overdue.html",
        {
            "found": found,
            "wanted": wanted,
            "today": at,
            "sorts": sorts,
            "pages": pages,
            "previous": links[found.page - 1] if found.page > 1 else None,
            "next": links[found.page + 1] if found.page < found.pages else None,
            "xlsx": _link("/qua-han.xlsx", _query(wanted)),
            "level_names": LEVEL_NAMES,
            "statuses": supervision.STATUS_SLUGS,
        },
    )


@router.get("/qua-han.xlsx")
def overdue_xlsx(request: Request, viewer: CurrentViewer, wanted: Wanted) -> Response:
    at = now(request)
    content = supervision.overdue_workbook(engine_of(request), viewer, at=at, wanted=wanted)
    name = f"qua-han-{viewer.unit.code}-{at.astimezone(VIETNAM):%Y-%m-%d}.xlsx"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/ty-le")
def rates(
    request: Request,
    viewer: CurrentViewer,
    nam: int | None = None,
    bao_cao: str | None = None,
    cap: str | None = None,
) -> Response:
    found = supervision.rates_page(
        engine_of(request), viewer, at=now(request), year=nam, report=bao_cao or None, level=cap or None
    )
    return page(
        request,
        "rates.html",
        {"found": found, "report": bao_cao or "", "level": cap or "", "level_names": LEVEL_NAMES},
    )


@router.get("/don-vi/{unit_id}")
def unit(request: Request, unit_id: int, viewer: CurrentViewer) -> Response:
    at = now(request)
    found = supervision.unit_page(engine_of(request), viewer, unit_id, at=at)
    return page(request, "unit.html", {"p": found, "today": at, "contact_roles": CONTACT_ROLES})


@router.get("/tong-hop/{code}")
def unit_by_code(request: Request, code: str, viewer: CurrentViewer) -> Response:
    found = supervision.unit_holding(engine_of(request), viewer, code, at=now(request))
    return RedirectResponse(f"/don-vi/{found.id}", status_code=303)
