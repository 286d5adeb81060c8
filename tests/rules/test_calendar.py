"""The Vietnamese working-day calendar on real dates, and its properties."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar import DayOverride, Roll, WorkCalendar, end_of_day
from rules.loader import calendar_for

CAL = calendar_for()  # the shipped calendar: holidays package + rules/packs/calendars/vn.yaml


@pytest.mark.parametrize(
    ("day", "working", "reason"),
    [
        (date(2026, 1, 1), False, "Tết Dương lịch"),
        (date(2026, 1, 2), False, "Nghỉ Tết Dương lịch (hoán đổi với thứ Bảy 10/01/2026, Công văn 12729/VPCP-KGVX)"),
        (date(2026, 1, 10), True, "Làm bù cho ngày 02/01/2026 (Công văn 12729/VPCP-KGVX)"),  # a Saturday worked
        (date(2026, 2, 16), False, "Giao thừa Tết Nguyên Đán"),
        (date(2026, 2, 20), False, "Mùng bốn Tết Nguyên Đán"),
        (date(2026, 2, 23), True, None),
        (date(2026, 4, 27), False, "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
        (date(2026, 8, 22), True, "Làm bù cho ngày 31/08/2026 (Thông báo 9441 của Bộ Nội vụ)"),
        (
            date(2026, 8, 31),
            False,
            "Nghỉ dịp Quốc khánh (hoán đổi với thứ Bảy 22/08/2026, Thông báo 9441 của Bộ Nội vụ)",
        ),
        (date(2026, 9, 2), False, "Quốc khánh"),
        (date(2026, 11, 24), False, "Ngày Văn hóa Việt Nam"),
        (date(2026, 11, 22), False, "Chủ nhật"),
        (date(2026, 11, 21), False, "Thứ Bảy"),
        (date(2024, 5, 4), True, "Làm bù cho ngày 29/04/2024 (Công văn 2450/VPCP-KGVX)"),
        (date(2024, 4, 29), False, "Nghỉ dịp 30/4 – 1/5 (hoán đổi với thứ Bảy 04/05/2024, Công văn 2450/VPCP-KGVX)"),
        (date(2024, 11, 24), False, "Chủ nhật"),
    ],
)
def test_working_days_on_real_dates(day: date, working: bool, reason: str | None) -> None:
    assert CAL.is_working_day(day) is working
    assert CAL.reason(day) == reason


def test_culture_day_is_switchable() -> None:
    off = calendar_for(culture_day=False)
    assert off.is_working_day(date(2026, 11, 24))
    assert all("Văn hóa" not in name for _, name in off.holidays(2026))
    assert not CAL.is_working_day(date(2026, 11, 24))
    # Before 2026 the day was not a holiday either way.
    assert CAL.is_working_day(date(2025, 11, 24))


def test_overrides_are_data() -> None:
    cal = WorkCalendar([DayOverride(date(2030, 3, 4), False, "Nghỉ thử", "test")])
    assert not cal.is_working_day(date(2030, 3, 4))
    assert cal.reason(date(2030, 3, 4)) == "Nghỉ thử (test)"  # the name with its source
    assert (date(2030, 3, 4), "Nghỉ thử (test)") in cal.holidays(2030)


@pytest.mark.parametrize(
    ("start", "days", "result"),
    [
        (date(2026, 2, 14), 3, date(2026, 2, 25)),  # across Tết 2026
        (date(2026, 2, 25), -3, date(2026, 2, 13)),  # back across Tết
        (date(2026, 1, 9), 1, date(2026, 1, 10)),  # the worked Saturday counts
        (date(2026, 8, 28), 1, date(2026, 9, 3)),  # 29-30/8 weekend, 31/8-2/9 off
        (date(2026, 11, 23), 1, date(2026, 11, 25)),  # 24/11 Culture Day
        (date(2026, 11, 22), 0, date(2026, 11, 23)),  # zero rolls a Sunday forward
    ],
)
def test_add_working_days(start: date, days: int, result: date) -> None:
    assert CAL.add_working_days(start, days) == result


@pytest.mark.parametrize(
    ("day", "convention", "due", "rolled"),
    [
        (date(2026, 2, 14), Roll.NEXT, date(2026, 2, 23), True),  # Saturday before Tết
        (date(2026, 2, 14), Roll.PREVIOUS, date(2026, 2, 13), True),
        (date(2026, 2, 14), Roll.KEEP, date(2026, 2, 14), False),
        (date(2026, 1, 10), Roll.NEXT, date(2026, 1, 10), False),  # worked Saturday
        (date(2025, 9, 1), Roll.NEXT, date(2025, 9, 3), True),
    ],
)
def test_roll(day: date, convention: Roll, due: date, rolled: bool) -> None:
    result = CAL.roll(day, convention)
    assert (result.due_date, result.rolled) == (due, rolled)
    assert result.nominal_date == day


def test_end_of_day_is_vietnam_time() -> None:
    instant = end_of_day(date(2026, 11, 25))
    assert instant.isoformat() == "2026-11-25T23:59:59+07:00"
    assert instant.utcoffset() == timedelta(hours=7)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=300, deadline=None)
@given(days)
def test_a_rolled_due_date_is_a_working_day_never_before_the_nominal(day: date) -> None:
    result = CAL.roll(day)
    assert CAL.is_working_day(result.due_date)
    assert result.due_date >= day
    assert result.rolled == (result.due_date != day)
    assert CAL.roll(day, Roll.PREVIOUS).due_date <= day


@settings(max_examples=300, deadline=None)
@given(days, st.sampled_from(list(Roll)))
def test_rolling_twice_equals_rolling_once(day: date, convention: Roll) -> None:
    once = CAL.roll(day, convention).due_date
    assert CAL.roll(once, convention).due_date == once


@settings(max_examples=200, deadline=None)
@given(days, st.integers(min_value=-40, max_value=40))
def test_adding_working_days_counts_working_days(day: date, n: int) -> None:
    result = CAL.add_working_days(day, n)
    if n == 0:
        assert result == CAL.next_working_day(day)
        return
    assert CAL.is_working_day(result)
    assert CAL.working_days_between(day, result) == n
