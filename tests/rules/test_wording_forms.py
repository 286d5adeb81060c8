"""Every accepted form of deadline wording, evaluated for a period, against days derived by hand.

The wordings here are the issue's and the forms table's own examples; the clauses quoted from
real documents are in ``test_real_wordings.py``. Days off: see ``real_wordings.yaml``.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from rules.deadlines import UndatedDeadline, due_for
from rules.errors import DeadlineError, PeriodError, WordingError
from rules.loader import calendar_for
from rules.periods import parse_period, period_name, periods_for
from rules.wording import (
    ACCEPTED_FORMS,
    AfterAnchor,
    Daily,
    DayOfMonth,
    FixedDate,
    MonthOnly,
    PeriodMonthDay,
    SeveralDates,
    Undated,
    Weekday,
    WorkingDayOf,
    kind_of,
    parse_wording,
)

CAL = calendar_for()


def _due(wording: str, period: str, event: date | None = None):  # type: ignore[no-untyped-def]
    return due_for(parse_wording(wording), parse_period(period), CAL, event=event)


@pytest.mark.parametrize(
    ("wording", "period", "nominal", "due"),
    [
        # period words after the date
        ("trước ngày 15 tháng 8 hằng năm", "2026", date(2026, 8, 14), date(2026, 8, 14)),
        ("chậm nhất ngày 10 tháng 12 của năm báo cáo", "2026", date(2026, 12, 10), date(2026, 12, 10)),
        # frequency words before the keyword
        ("Định kỳ hằng tháng, chậm nhất ngày 20 hằng tháng", "2026-03", date(2026, 3, 20), date(2026, 3, 20)),
        ("định kỳ 6 tháng trước ngày 05 tháng 6", "2026-H1", date(2026, 6, 4), date(2026, 6, 4)),
        ("trước ngày 20 của tháng cuối quý thuộc kỳ báo cáo", "2026-Q1", date(2026, 3, 19), date(2026, 3, 19)),
        # keyword variants: all but "trước" make the written day the last one
        ("chậm nhất là ngày 15/12", "2026", date(2026, 12, 15), date(2026, 12, 15)),
        ("muộn nhất (trong) ngày 12/12", "2026", date(2026, 12, 12), date(2026, 12, 14)),
        ("muộn nhất ngày 12/12", "2026", date(2026, 12, 12), date(2026, 12, 14)),
        ("không muộn hơn ngày 12/12", "2026", date(2026, 12, 12), date(2026, 12, 14)),
        ("trước hoặc vào ngày 12/12", "2026", date(2026, 12, 12), date(2026, 12, 14)),
        ("hạn gửi báo cáo: 12/12", "2026", date(2026, 12, 12), date(2026, 12, 14)),
        ("ngày nhận báo cáo: ngày 12/12", "2026", date(2026, 12, 12), date(2026, 12, 14)),
        # several dates under one keyword, each closing its own period
        ("trước ngày 10 tháng 6 và 10 tháng 12 hằng năm", "2026-H1", date(2026, 6, 9), date(2026, 6, 9)),
        ("trước ngày 10 tháng 6 và 10 tháng 12 hằng năm", "2026-H2", date(2026, 12, 9), date(2026, 12, 9)),
        ("trước ngày 20 tháng 01 và 20 tháng 7", "2026-H1", date(2026, 7, 19), date(2026, 7, 20)),
        ("trước ngày 20 tháng 01 và 20 tháng 7", "2026-H2", date(2027, 1, 19), date(2027, 1, 19)),
        # months relative to the period
        ("trước ngày 10 của tháng tiếp theo", "2026-02", date(2026, 3, 9), date(2026, 3, 9)),
        ("trước ngày 15 tháng đầu quý sau", "2026-Q4", date(2027, 1, 14), date(2027, 1, 14)),
        ("trước ngày 20 của tháng sau quý báo cáo", "2026-Q3", date(2026, 10, 19), date(2026, 10, 19)),
        # working-day anchors ("trước": the working day before)
        ("ngày làm việc cuối cùng của tháng", "2026-05", date(2026, 5, 29), date(2026, 5, 29)),
        ("trước ngày làm việc cuối cùng của tháng", "2026-05", date(2026, 5, 28), date(2026, 5, 28)),
        ("ngày làm việc đầu tiên của tháng sau", "2025-01", date(2025, 2, 3), date(2025, 2, 3)),
        ("trước ngày làm việc đầu tiên của tháng sau", "2026-08", date(2026, 8, 28), date(2026, 8, 28)),
        ("chậm nhất ngày làm việc cuối cùng của quý", "2026-Q2", date(2026, 6, 30), date(2026, 6, 30)),
        ("trước ngày làm việc cuối cùng của năm", "2027", date(2027, 12, 30), date(2027, 12, 30)),
        # weekly
        ("trong ngày thứ Sáu hằng tuần", "2026-W36", date(2026, 9, 4), date(2026, 9, 4)),
        ("trong ngày thứ Sáu hằng tuần", "2027-W35", date(2027, 9, 3), date(2027, 9, 6)),
        ("trước thứ Hai tuần sau", "2026-W36", date(2026, 9, 6), date(2026, 9, 7)),
        ("chậm nhất thứ Hai tuần sau", "2026-W35", date(2026, 8, 31), date(2026, 9, 3)),
        # a month without a day: its last day
        ("định kỳ tháng 12 hằng năm", "2026", date(2026, 12, 31), date(2026, 12, 31)),
        ("trong tháng 01 năm sau", "2026", date(2027, 1, 31), date(2027, 2, 1)),
    ],
)
def test_form(wording: str, period: str, nominal: date, due: date) -> None:
    result = _due(wording, period)
    assert (result.nominal_date, result.due_date) == (nominal, due)
    assert result.due_at.isoformat() == f"{due.isoformat()}T23:59:59+07:00"


@pytest.mark.parametrize(
    ("wording", "period", "due_at"),
    [
        ("trước 10 giờ ngày hôm sau", "2026-09-02", "2026-09-03T10:00:00+07:00"),
        ("trước 10 giờ ngày hôm sau", "2026-08-28", "2026-09-03T10:00:00+07:00"),  # Sat 29/08 → after 31/08-02/09
        ("trước 16 giờ 30 hằng ngày", "2026-02-13", "2026-02-13T16:30:00+07:00"),
        ("trước 16 giờ 30 hằng ngày", "2026-02-14", "2026-02-23T16:30:00+07:00"),  # Tết break
        ("trước 15 giờ thứ Năm hằng tuần", "2026-W36", "2026-09-03T15:00:00+07:00"),
        ("chậm nhất 9h30 ngày làm việc tiếp theo", "2026-04-24", "2026-04-28T09:30:00+07:00"),  # 27/04 Giỗ Tổ
        ("trước 4 giờ chiều thứ Sáu hằng tuần", "2026-W01", "2026-01-05T16:00:00+07:00"),  # Fri 02/01 off
    ],
)
def test_clock_time_is_the_instant(wording: str, period: str, due_at: str) -> None:
    assert _due(wording, period).due_at.isoformat() == due_at


def test_days_29_to_31_of_a_shorter_month_end_on_its_last_day() -> None:
    result = _due("chậm nhất ngày 31 của tháng tiếp theo", "2026-01")
    assert (result.nominal_date, result.due_date) == (date(2026, 2, 28), date(2026, 3, 2))
    assert result.assumed is not None and "28/02/2026" in result.assumed
    before = _due("trước ngày 30 hằng tháng", "2026-02")  # Decree 09: the first 30th after 14/02
    assert (before.nominal_date, before.assumed is not None) == (date(2026, 2, 28), True)
    assert _due("trước ngày 31 của tháng tiếp theo", "2026-03").assumed is None  # 30/04 is the day before 31
    assert _due("định kỳ tháng 12 hằng năm", "2026").assumed is not None


@pytest.mark.parametrize(
    ("wording", "event", "nominal", "due"),
    [
        ("trong 10 ngày kể từ ngày kết thúc đợt kiểm tra", date(2026, 4, 20), date(2026, 4, 30), date(2026, 5, 4)),
        ("chậm nhất 30 ngày sau khi sự việc xảy ra", date(2026, 8, 2), date(2026, 9, 1), date(2026, 9, 3)),
        (
            "trong 03 ngày làm việc kể từ ngày nhận được văn bản yêu cầu",
            date(2026, 4, 29),
            date(2026, 5, 6),
            date(2026, 5, 6),
        ),
        ("chậm nhất 15 ngày trước ngày tổ chức hội nghị", date(2026, 5, 16), date(2026, 5, 1), date(2026, 4, 29)),
        # back from Tuesday 24/02/2026: Monday 23/02, then the Tết break, then Friday 13 and Thursday 12/02
        (
            "chậm nhất 03 ngày làm việc trước ngày tổ chức hội nghị",
            date(2026, 2, 24),
            date(2026, 2, 12),
            date(2026, 2, 12),
        ),
    ],
)
def test_counted_from_an_event(wording: str, event: date, nominal: date, due: date) -> None:
    rule = parse_wording(wording)
    assert isinstance(rule, AfterAnchor) and rule.anchor == "event" and rule.event
    result = _due(wording, "2026", event)
    assert (result.nominal_date, result.due_date) == (nominal, due)
    if rule.backward:
        assert result.due_date < event


def test_counted_from_the_end_of_the_period() -> None:
    rule = parse_wording("chậm nhất 30 ngày kể từ ngày kết thúc quý")
    assert isinstance(rule, AfterAnchor) and rule.anchor == "period_end"
    # 31/03/2026 + 30 = Thursday 30/04 (off), 01/05 off, 02-03/05 weekend → Monday 04/05
    assert _due("chậm nhất 30 ngày kể từ ngày kết thúc quý", "2026-Q1").nominal_date == date(2026, 4, 30)
    assert _due("chậm nhất 30 ngày kể từ ngày kết thúc quý", "2026-Q1").due_date == date(2026, 5, 4)


@pytest.mark.parametrize(
    ("wording", "kind"),
    [
        ("khi có yêu cầu", "on_request"),
        ("đột xuất", "on_request"),
        ("báo cáo đột xuất theo yêu cầu của cơ quan có thẩm quyền", "on_request"),
        ("hằng năm", "cycle_parameter"),
        ("định kỳ hằng năm", "cycle_parameter"),
        ("báo cáo năm", "cycle_parameter"),
        ("trong 10 ngày kể từ ngày kết thúc đợt kiểm tra", "event"),
    ],
)
def test_no_computable_day_is_classified_and_explained(wording: str, kind: str) -> None:
    rule = parse_wording(wording)
    with pytest.raises(UndatedDeadline) as caught:
        due_for(rule, parse_period("2026"), CAL)
    assert caught.value.kind == kind
    message = str(caught.value)
    assert wording in message and "\n" not in message
    assert ("--event" in message) == (kind != "cycle_parameter")
    assert kind_of(rule) == kind


def test_parsed_shapes() -> None:
    assert parse_wording("trước 16 giờ 30 hằng ngày") == Daily(
        "trước 16 giờ 30 hằng ngày", 0, False, True, time(16, 30)
    )
    assert parse_wording("trước thứ Hai tuần sau") == Weekday("trước thứ Hai tuần sau", 0, 1, False)
    assert parse_wording("trước ngày 10 tháng 6 và 10 tháng 12 hằng năm") == SeveralDates(
        "trước ngày 10 tháng 6 và 10 tháng 12 hằng năm", ((10, 6), (10, 12)), False
    )
    assert parse_wording("chậm nhất ngày 10 tháng 12 của năm báo cáo") == FixedDate(
        "chậm nhất ngày 10 tháng 12 của năm báo cáo", 10, 12, True, same_year=True
    )
    assert parse_wording("trước ngày 10 của tháng tiếp theo") == PeriodMonthDay(
        "trước ngày 10 của tháng tiếp theo", 10, 1, False
    )
    assert parse_wording("chậm nhất ngày 30 hằng tháng") == DayOfMonth(
        "chậm nhất ngày 30 hằng tháng", 30, True, "after_cutoff"
    )
    assert parse_wording("định kỳ tháng 12 hằng năm") == MonthOnly("định kỳ tháng 12 hằng năm", 12)
    assert parse_wording("ngày làm việc đầu tiên của tháng sau") == WorkingDayOf(
        "ngày làm việc đầu tiên của tháng sau", False, "month", 1, True
    )
    assert parse_wording("đột xuất") == Undated("đột xuất", "on_request")
    assert parse_wording("chậm nhất 15 ngày trước ngày tổ chức hội nghị") == AfterAnchor(
        "chậm nhất 15 ngày trước ngày tổ chức hội nghị", 15, False, "event", True, "tổ chức hội nghị"
    )


def test_every_advertised_form_is_understood() -> None:
    for form in ACCEPTED_FORMS:
        kind_of(parse_wording(form))


@pytest.mark.parametrize(
    ("wording", "why"),
    [
        ("trước ngày 10 tháng 6 và 10 tháng 13", "13 is not a month"),
        ("trước ngày 15/12 mỗi khi có thể", "after the date"),
        ("trước ngày 40 của tháng tiếp theo", "between 1 and 31"),
        ("chậm nhất ngày 10 của tháng nào đó", "not understood"),
        ("cuối tháng", "not understood"),
    ],
)
def test_refusals_name_what_is_wrong(wording: str, why: str) -> None:
    with pytest.raises(WordingError, match=why):
        parse_wording(wording)


def test_a_form_that_needs_a_period_says_so() -> None:
    from rules.deadlines import nominal_date

    with pytest.raises(DeadlineError, match="--period"):
        nominal_date(parse_wording("trong ngày thứ Sáu hằng tuần"), reference_year=2026)


@pytest.mark.parametrize(
    ("label", "frequency", "start", "end", "cutoff_end"),
    [
        ("2026", "yearly", date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 14)),
        ("2026-H1", "half_yearly", date(2026, 1, 1), date(2026, 6, 30), date(2026, 6, 14)),
        ("2026-Q3", "quarterly", date(2026, 7, 1), date(2026, 9, 30), date(2026, 9, 14)),
        ("2026-03", "monthly", date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 14)),
        ("2026-9M", "nine_months", date(2026, 1, 1), date(2026, 9, 30), date(2026, 9, 14)),
        ("2025-2026", "school_year", date(2025, 9, 1), date(2026, 8, 31), date(2026, 8, 31)),
        ("2026-W36", "weekly", date(2026, 8, 31), date(2026, 9, 6), date(2026, 9, 6)),
        ("2026-W01", "weekly", date(2025, 12, 29), date(2026, 1, 4), date(2026, 1, 4)),
        ("2026-W53", "weekly", date(2026, 12, 28), date(2027, 1, 3), date(2027, 1, 3)),
        ("2026-09-02", "daily", date(2026, 9, 2), date(2026, 9, 2), date(2026, 9, 2)),
    ],
)
def test_parse_period(label: str, frequency: str, start: date, end: date, cutoff_end: date) -> None:
    period = parse_period(label)
    assert (period.label, period.frequency, period.start, period.end, period.cutoff_end) == (
        label,
        frequency,
        start,
        end,
        cutoff_end,
    )


@pytest.mark.parametrize("label", ["2026-W54", "2025-W53", "2026-02-30", "2026-13", "2026-Q5", "2024-2026", "26"])
def test_parse_period_refuses(label: str) -> None:
    with pytest.raises(PeriodError, match="2026-W36"):
        parse_period(label)


def test_weekly_and_daily_periods_of_a_year() -> None:
    weeks = periods_for("weekly", 2026)
    assert (len(weeks), weeks[0].label, weeks[-1].label) == (53, "2026-W01", "2026-W53")
    assert len(periods_for("weekly", 2025)) == 52
    days = periods_for("daily", 2024)
    assert (len(days), days[59].label) == (366, "2024-02-29")
    assert [period_name(x) for x in ("2026-W36", "2026-09-02")] == ["tuần 36/2026", "ngày 02/09/2026"]
