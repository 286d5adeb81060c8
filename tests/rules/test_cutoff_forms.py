"""Cut-off windows for every frequency: a day of the period's last month ("số liệu tính đến ngày
25"), a weekday of the reporting week ("từ thứ Sáu tuần trước đến thứ Năm tuần báo cáo"), and the
document's own sentence kept beside the structured form."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rules.deadlines import deadline_row, pack_deadlines
from rules.lint import lint_pack
from rules.loader import PackLoadError, calendar_for, load_packs
from rules.periods import parse_period, periods_for
from rules.schema import DayCutoff, WeekdayCutoff
from tests.rules.conftest import MINIMAL_PACK

TODAY = date(2026, 11, 22)
MONTH_TEXT = "Số liệu báo cáo tính từ ngày 26 tháng trước đến ngày 25 của tháng báo cáo"


def test_a_cut_off_day_moves_the_window_of_every_period() -> None:
    day = DayCutoff(day=25)
    march = parse_period("2026-03", cutoff=day)
    assert (march.cutoff_start, march.cutoff_end) == (date(2026, 2, 26), date(2026, 3, 25))
    q1 = periods_for("quarterly", 2026, cutoff=day)[0]
    assert (q1.cutoff_start, q1.cutoff_end) == (date(2025, 12, 26), date(2026, 3, 25))
    year = periods_for("yearly", 2026, cutoff=DayCutoff(day=14))[0]
    assert (year.cutoff_start, year.cutoff_end) == (date(2025, 12, 15), date(2026, 12, 14))  # Decree 09's


def test_a_weekday_cut_off_runs_from_the_day_after_it_the_week_before() -> None:
    week = parse_period("2026-W36", cutoff=WeekdayCutoff(until="thứ Năm"))  # 31/08–06/09/2026
    assert (week.start, week.end) == (date(2026, 8, 31), date(2026, 9, 6))
    assert (week.cutoff_start, week.cutoff_end) == (date(2026, 8, 28), date(2026, 9, 3))  # Friday to Thursday


def _pack(write_pack, text: str):  # type: ignore[no-untyped-def]
    [item] = load_packs([write_pack(text)])
    return item


MONTHLY = MINIMAL_PACK.replace(
    "    frequency: yearly\n",
    f'    frequency: monthly\n    cutoff: {{day: 25, text: "{MONTH_TEXT}"}}\n',
).replace('"trước ngày 20/12"', '"chậm nhất ngày 28 hằng tháng"')


def test_the_documents_sentence_is_kept_beside_each_deadline(write_pack) -> None:  # type: ignore[no-untyped-def]
    item = _pack(write_pack, MONTHLY)
    rows = [deadline_row(d) for d in pack_deadlines(item.pack, 2026, calendar_for(item.pack)) if d.hop == 1]
    march = next(r for r in rows if r["period"] == "2026-03")
    assert march["cutoff_end"] == date(2026, 3, 25) and march["cutoff_text"] == MONTH_TEXT
    assert march["nominal_date"] == date(2026, 3, 28)  # the first 28th after the cut-off


@pytest.mark.parametrize(
    ("frequency", "cutoff", "refusal"),
    [
        ("weekly", "{day: 25}", "cut-off day of the month applies to monthly to yearly reports, not weekly"),
        ("monthly", '{until: "thứ Năm"}', "cut-off weekday applies to weekly reports, not monthly"),
        ("monthly", "{day: 28}", "less than or equal to 27"),
    ],
)
def test_a_cut_off_that_does_not_fit_the_frequency_is_refused(  # type: ignore[no-untyped-def]
    write_pack, frequency: str, cutoff: str, refusal: str
) -> None:
    text = MINIMAL_PACK.replace("    frequency: yearly\n", f"    frequency: {frequency}\n    cutoff: {cutoff}\n")
    with pytest.raises(PackLoadError) as refused:
        load_packs([write_pack(text)])
    assert any(refusal in str(f) for f in refused.value.findings), [str(f) for f in refused.value.findings]


WEEKLY = MINIMAL_PACK.replace(
    "    frequency: yearly\n", '    frequency: weekly\n    cutoff: {until: "thứ Năm"}\n'
).replace('"trước ngày 31/12"', '"trong 01 ngày làm việc kể từ hạn của cấp dưới"')


def test_the_lint_holds_a_weekly_report_to_the_window_it_states(write_pack: object, tmp_path: Path) -> None:
    on_the_day = _pack(write_pack, WEEKLY.replace('"trước ngày 20/12"', '"trong ngày thứ Năm hằng tuần"'))
    errors = [
        str(f) for f in lint_pack(on_the_day, calendar_for(on_the_day.pack), TODAY, [2026]) if f.severity == "error"
    ]
    assert errors and all("art. 8(5)" in e for e in errors)
    next_day = _pack(write_pack, WEEKLY.replace('"trước ngày 20/12"', '"trong ngày thứ Sáu hằng tuần"'))
    assert not [f for f in lint_pack(next_day, calendar_for(next_day.pack), TODAY, [2026]) if f.severity == "error"]


def test_a_report_dated_by_events_or_requests_says_so_in_the_listing() -> None:
    from rules.loader import shipped_packs

    pack = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
    rows = [deadline_row(d) for d in pack_deadlines(pack, 2026, calendar_for(pack))]
    reasons = {(r["report"], r["hop"]): r["reason"] for r in rows if r["due_date"] is None}
    assert reasons[("vu-viec-bao-luc", 1)] == "dated when an event or a request is recorded"
    assert reasons[("bao-cao-dot-xuat", 1)] == "on request: dated by each request"
