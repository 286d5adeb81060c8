"""Packs with weekly and daily reports, clock times and counts from an event: they load, lint
clean and give their deadlines."""

from __future__ import annotations

from datetime import date

from rules.deadlines import occasional, pack_deadlines
from rules.lint import lint_pack
from rules.loader import calendar_for, load_packs
from tests.rules.conftest import MINIMAL_PACK

TODAY = date(2026, 11, 22)

WEEKLY = (
    MINIMAL_PACK.replace("frequency: yearly", "frequency: weekly")
    .replace('"trước ngày 20/12"', '"trước 15 giờ thứ Năm hằng tuần"')
    .replace('"trước ngày 31/12"', '"trong 01 ngày làm việc kể từ hạn của cấp dưới"')
)
DAILY = (
    MINIMAL_PACK.replace("frequency: yearly", "frequency: daily")
    .replace('"trước ngày 20/12"', '"trước 10 giờ ngày hôm sau"')
    .replace('"trước ngày 31/12"', '"trong 01 ngày làm việc kể từ hạn của cấp dưới"')
)
ON_REQUEST = (
    MINIMAL_PACK.replace("frequency: yearly", "frequency: once")
    .replace('"trước ngày 20/12"', '"trong 03 ngày làm việc kể từ ngày nhận được văn bản yêu cầu"')
    .replace('"trước ngày 31/12"', '"trong 02 ngày làm việc kể từ hạn của cấp dưới"')
)


def _load(write_pack, text: str):  # type: ignore[no-untyped-def]
    [item] = load_packs([write_pack(text)])
    return item


def test_weekly_pack(write_pack) -> None:  # type: ignore[no-untyped-def]
    item = _load(write_pack, WEEKLY)
    errors = [f for f in lint_pack(item, calendar_for(item.pack), TODAY, [2026]) if f.severity == "error"]
    assert errors == []
    rows = [r for r in pack_deadlines(item.pack, 2026, calendar_for(item.pack)) if r.period.label == "2026-W36"]
    assert [(r.hop, r.due_at.isoformat() if r.due_at else None) for r in rows] == [
        (1, "2026-09-03T15:00:00+07:00"),  # Thursday 03/09, after the 31/08-02/09 break
        (2, "2026-09-04T23:59:59+07:00"),
    ]
    assert len({r.period.label for r in pack_deadlines(item.pack, 2026, calendar_for(item.pack))}) == 53


def test_daily_pack(write_pack) -> None:  # type: ignore[no-untyped-def]
    item = _load(write_pack, DAILY)
    errors = [f for f in lint_pack(item, calendar_for(item.pack), TODAY, [2026]) if f.severity == "error"]
    assert errors == []
    rows = [r for r in pack_deadlines(item.pack, 2026, calendar_for(item.pack)) if r.period.label == "2026-02-13"]
    assert [(r.hop, r.due_at.isoformat() if r.due_at else None) for r in rows] == [
        (1, "2026-02-23T10:00:00+07:00"),  # Saturday 14/02, then Tết: Monday 23/02 at 10:00
        (2, "2026-02-24T23:59:59+07:00"),
    ]


def test_a_count_from_a_request_waits_for_its_day(write_pack) -> None:  # type: ignore[no-untyped-def]
    item = _load(write_pack, ON_REQUEST)
    errors = [f for f in lint_pack(item, calendar_for(item.pack), TODAY, [2026]) if f.severity == "error"]
    assert errors == []
    [first, second] = pack_deadlines(item.pack, 2026, calendar_for(item.pack))
    assert (first.due_date, first.missing_param, second.due_date, second.missing_param) == (
        None,
        "event",
        None,
        "event",
    )
    # planning a cycle leaves it out: the request creates its obligations
    assert occasional(item.pack.reports[0])
    assert pack_deadlines(item.pack, 2026, calendar_for(item.pack), strict=True) == []
