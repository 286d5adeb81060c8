"""The swap days of 2024–2026 with their documents, and the estimate mark of an undecided Tết.

Expected dates are worked out by hand from the documents and a wall calendar (comments say how).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from rules.calendar import Roll
from rules.deadlines import due_for, evaluate_nominal, pack_deadlines
from rules.loader import PackLoadError, calendar_for, load_calendar_data, load_packs
from rules.periods import parse_period
from rules.wording import parse_wording
from tests.rules.conftest import MINIMAL_PACK

STATE = calendar_for()
LABOUR = calendar_for(state=False)
ESTIMATE_2027 = "Tết Nguyên đán break of 2027 is not decided yet"

# (day off, Saturday worked for it, the document that set the swap)
SWAPS = [
    # Công văn 2450/VPCP-KGVX: nghỉ 27/4–01/5/2024, Monday 29/04 off, làm bù Saturday 04/05/2024.
    (date(2024, 4, 29), date(2024, 5, 4), "Công văn 2450/VPCP-KGVX"),
    # Thông báo 6150/TB-BLĐTBXH: nghỉ 30/4–04/5/2025, Friday 02/05 off, làm bù Saturday 26/04/2025.
    (date(2025, 5, 2), date(2025, 4, 26), "Thông báo 6150/TB-BLĐTBXH"),
    # Công văn 12729/VPCP-KGVX: nghỉ 01/01–04/01/2026, Friday 02/01 off, làm bù Saturday 10/01/2026.
    (date(2026, 1, 2), date(2026, 1, 10), "Công văn 12729/VPCP-KGVX"),
    # Thông báo 9441 (Bộ Nội vụ): nghỉ 29/8–02/9/2026, Monday 31/08 off, làm bù Saturday 22/08/2026.
    (date(2026, 8, 31), date(2026, 8, 22), "Thông báo 9441 của Bộ Nội vụ"),
]


@pytest.mark.parametrize(("off", "worked", "document"), SWAPS)
def test_swap_days_follow_their_documents(off: date, worked: date, document: str) -> None:
    assert off.weekday() < 5 and worked.weekday() == 5  # a weekday off, a Saturday worked
    assert not STATE.is_working_day(off)
    assert STATE.is_working_day(worked)
    assert document in (STATE.reason(off) or "") and document in (STATE.reason(worked) or "")
    # Units outside the state keep the Labour Code: the weekday is worked, the Saturday is not.
    assert LABOUR.is_working_day(off) and not LABOUR.is_working_day(worked)


@pytest.mark.parametrize(
    ("wording", "period", "due", "document"),
    [
        # Mon 29/04/2024 swap, Tue 30/04 and Wed 01/05 holidays: Thursday 02/05 is the next working day.
        ("chậm nhất ngày 29/04", "2024-04", date(2024, 5, 2), "Công văn 2450/VPCP-KGVX"),
        # Fri 02/05/2025 swap, Sat 03 and Sun 04 weekend: Monday 05/05.
        ("chậm nhất ngày 02/05", "2025-04", date(2025, 5, 5), "Thông báo 6150/TB-BLĐTBXH"),
        # Fri 02/01/2026 swap, weekend 03–04/01: Monday 05/01.
        ("chậm nhất ngày 02/01", "2025-12", date(2026, 1, 5), "Công văn 12729/VPCP-KGVX"),
        # Mon 31/08/2026 swap, Tue 01/09 and Wed 02/09 Quốc khánh: Thursday 03/09.
        ("chậm nhất ngày 31/08", "2026-08", date(2026, 9, 3), "Thông báo 9441 của Bộ Nội vụ"),
    ],
)
def test_a_roll_over_a_swap_day_names_its_document(wording: str, period: str, due: date, document: str) -> None:
    result = due_for(parse_wording(wording), parse_period(period), STATE)
    assert (result.due_date, result.rolled) == (due, True)
    assert result.reason is not None and "hoán đổi" in result.reason and document in result.reason
    assert result.assumed is None  # a decided year is no estimate


def test_a_worked_saturday_counts_as_a_working_day() -> None:
    # Friday 03/05/2024 + 1 working day: Saturday 04/05/2024 is worked (Công văn 2450/VPCP-KGVX).
    assert STATE.add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 4)
    # Friday 25/04/2025 + 1: Saturday 26/04/2025 is worked (Thông báo 6150/TB-BLĐTBXH).
    assert STATE.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)
    # Under the Labour Code the Saturday is a weekend: Monday 28/04/2025.
    assert LABOUR.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 28)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2024, 2, 8), date(2024, 2, 14)),  # Thông báo 5015/TB-LĐTBXH: 29 Tháng Chạp – mùng 5
        (date(2025, 1, 25), date(2025, 2, 2)),  # Thông báo 6150/TB-BLĐTBXH: 26 Tháng Chạp – mùng 5
        (date(2026, 2, 14), date(2026, 2, 22)),  # Thông báo 9441: 27 Tháng Chạp – mùng 6
    ],
)
def test_each_decided_tet_break_is_off_and_bounded_by_working_days(first: date, last: date) -> None:
    decision = STATE.tet_decisions[first.year]
    assert (decision.first, decision.last) == (first, last) and decision.source
    day = first
    while day <= last:
        assert not STATE.is_working_day(day), day
        day += timedelta(days=1)
    assert STATE.is_working_day(first - timedelta(days=1)) and STATE.is_working_day(last + timedelta(days=1))


def test_the_shipped_calendar_is_decided_through_2026() -> None:
    assert STATE.decided_through == 2026 and LABOUR.decided_through == 2026
    assert sorted(STATE.tet_decisions) == [2024, 2025, 2026]


# Tết Đinh Mùi: lunar 1/1 is Saturday 06/02/2027; the package gives 04/02 (29 Tết) to 10/02
# (mùng năm) off, so the first working day after it is Thursday 11/02/2027.
def test_a_deadline_rolled_over_an_undecided_tet_is_an_estimate() -> None:
    result = due_for(parse_wording("chậm nhất ngày 06/02"), parse_period("2027-01"), STATE)
    assert (result.nominal_date, result.due_date) == (date(2027, 2, 6), date(2027, 2, 11))
    assert result.assumed is not None and ESTIMATE_2027 in result.assumed
    # The same wording in a year whose Tết is decided is not.
    decided = due_for(parse_wording("chậm nhất ngày 06/02"), parse_period("2026-01"), STATE)
    assert (decided.due_date, decided.assumed) == (date(2026, 2, 6), None)  # a Friday before Tết 2026


def test_working_days_counted_across_an_undecided_tet_are_an_estimate() -> None:
    # Period January 2027 ends Sunday 31/01; 5 working days: Mon 01, Tue 02, Wed 03/02, then Tết
    # 04–10/02 off, Thu 11 and Fri 12/02.
    result = due_for(
        parse_wording("trong 05 ngày làm việc kể từ ngày kết thúc kỳ báo cáo"), parse_period("2027-01"), STATE
    )
    assert result.due_date == date(2027, 2, 12) and not result.rolled
    assert result.assumed is not None and ESTIMATE_2027 in result.assumed


def test_a_deadline_far_from_tet_is_not_an_estimate() -> None:
    # Tuesday 15/06/2027: a working day far from Tết, though 2027 is not decided.
    result = due_for(parse_wording("chậm nhất ngày 15/06"), parse_period("2027-05"), STATE)
    assert (result.due_date, result.rolled, result.assumed) == (date(2027, 6, 15), False, None)


def test_decided_years_are_never_estimates() -> None:
    # Saturday 14/02/2026 rolls over Tết 2026 (16–20/02 off, weekend 21–22): Monday 23/02, decided.
    result = due_for(parse_wording("chậm nhất ngày 14/02"), parse_period("2026-01"), STATE)
    assert (result.due_date, result.assumed) == (date(2026, 2, 23), None)
    day = date(2024, 1, 1)
    while day.year <= 2026:
        assert STATE.estimate_note(day) is None, day
        day += timedelta(days=1)


def test_the_cli_path_by_year_carries_the_estimate() -> None:
    # `calendar due WORDING --year 2027` evaluates the wording and rolls it itself.
    nominal = evaluate_nominal(parse_wording("chậm nhất ngày 05/02"), reference_year=2027, calendar=STATE)
    assert nominal.day == date(2027, 2, 5)  # Giao thừa, a day off
    assert STATE.roll(nominal.day, Roll.NEXT).due_date == date(2027, 2, 11)
    assert nominal.assumed is not None and ESTIMATE_2027 in nominal.assumed


def test_pack_rows_carry_the_estimate_beside_their_own_note(tmp_path: Path) -> None:
    text = MINIMAL_PACK.replace(
        'deadline: "trước ngày 20/12"', 'deadline: "chậm nhất ngày 06/02/2027"\n        assumed: "Giả định thử"'
    ).replace('deadline: "trước ngày 31/12"', 'deadline: "trong 03 ngày làm việc kể từ ngày nhận được báo cáo"')
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    [loaded] = load_packs([tmp_path / "pack.yaml"])
    first, second = pack_deadlines(loaded.pack, 2026, STATE)
    # Hop 1: Saturday 06/02/2027 (Tết) rolls to Thursday 11/02; its own note stays first.
    assert first.due_date == date(2027, 2, 11)
    assert first.assumed is not None and first.assumed.startswith("Giả định thử; ") and ESTIMATE_2027 in first.assumed
    # Hop 2: 3 working days from 11/02: Fri 12, Mon 15, Tue 16/02, counted inside the Tết window.
    assert second.due_date == date(2027, 2, 16)
    assert second.assumed is not None and ESTIMATE_2027 in second.assumed


def test_calendar_files_are_checked(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "decided_through: 2026\n"
        "years:\n"
        '  - {year: 2027, tet_from: "2027-02-04", tet_to: "2027-02-10", source: null}\n'
        "extra: 1\n"
        "days: []\n",
        encoding="utf-8",
    )
    with pytest.raises(PackLoadError) as caught:
        load_calendar_data(["bad"], folder=tmp_path)
    shown = [str(f) for f in caught.value.findings]
    assert any(":3:5:" in s and "year 2027 is listed as decided but decided_through is 2026" in s for s in shown)
    assert any(":4:1:" in s and "unknown key 'extra'" in s for s in shown)


def test_a_null_source_leaves_the_name_alone(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(
        'days:\n  - {date: "2030-03-04", working: false, name: "Nghỉ thử", source: null}\n', encoding="utf-8"
    )
    data = load_calendar_data(["mine"], folder=tmp_path)
    assert data.decided_through is None and data.overrides[0].source == ""
    assert data.overrides[0].label == "Nghỉ thử"
