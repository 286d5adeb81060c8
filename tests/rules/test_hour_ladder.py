"""Ladders that step in hours, for reports due at a clock time ("trước 16 giờ 30 hằng ngày"):
their instants, catch-up, keys, repeats, working days, and what the lint refuses."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rules.calendar import VIETNAM
from rules.ladder import (
    ReminderPlan,
    due_hour_steps,
    due_now,
    hour_occurrences,
    occurrences,
    reminder_plan,
)
from rules.lint import lint_pack
from rules.loader import calendar_for, load_packs, resolve_packs
from rules.schema import Ladder
from tests.rules.timed_pack import TIMED_DAILY_PACK

CAL = calendar_for()
DUE_AT = datetime(2026, 9, 4, 16, 30, tzinfo=VIETNAM)  # Friday 04/09/2026, "trước 16 giờ 30 hằng ngày"


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM)


def ladder(*steps: dict[str, Any]) -> Ladder:
    return Ladder.model_validate({"steps": list(steps)})


def hours(step_id: str, offset: int, **more: Any) -> dict[str, Any]:
    return {"id": step_id, "offset": offset, "unit": "hours", "to": ["focal_point"], "template": "reminder", **more}


HOURLY = ladder(
    hours("truoc-2h", -2),
    hours("qua-han", 0, repeat_every=2, repeat_until=4),  # 16:30, 18:30, 20:30
    hours("sau-24h", 24),  # Saturday 16:30: waits for Monday 07/09, same time
)


def _keys(now: datetime, anchor: datetime = DUE_AT, steps: Ladder = HOURLY) -> list[str]:
    return [o.key for o in due_hour_steps("h", steps, anchor, now, CAL)]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-09-04T14:29", []),
        ("2026-09-04T14:30", ["h:truoc-2h@2026-09-04T14:30"]),
        ("2026-09-04T15:00", ["h:truoc-2h@2026-09-04T14:30"]),  # still the latest: the outbox knows it went
        ("2026-09-04T16:30", ["h:qua-han@2026-09-04T16:30"]),
        ("2026-09-04T18:29", ["h:qua-han@2026-09-04T16:30"]),
        ("2026-09-04T18:30", ["h:qua-han@2026-09-04T18:30"]),
        ("2026-09-04T23:00", ["h:qua-han@2026-09-04T20:30"]),  # repeat_until 4: 20:30 is the last
        ("2026-09-05T16:30", []),  # Saturday: working-days-only steps wait
        ("2026-09-07T16:29", ["h:qua-han@2026-09-04T20:30"]),  # Monday: Friday's last one, if never sent
        ("2026-09-07T16:30", ["h:sau-24h@2026-09-07T16:30"]),
    ],
)
def test_hour_steps_fall_at_instants_from_the_due_instant(now: str, expected: list[str]) -> None:
    assert _keys(vn(now)) == expected


def test_after_missed_runs_only_the_latest_instant_is_sent() -> None:
    # no run from 14:00 to 21:00: one message, not the T-2h and the 16:30 and 18:30 ones too
    [sent] = due_hour_steps("h", HOURLY, DUE_AT, vn("2026-09-04T21:00"), CAL)
    assert (sent.key, sent.number, sent.at) == ("h:qua-han@2026-09-04T20:30", 3, vn("2026-09-04T20:30"))


def test_keys_carry_the_instant_and_are_stable() -> None:
    now = vn("2026-09-04T19:00")
    first, again = _keys(now), _keys(now)
    assert first == again == ["h:qua-han@2026-09-04T18:30"]
    # the same instant asked in UTC gives the same key, in Vietnam time
    assert _keys(now.astimezone(UTC), anchor=DUE_AT.astimezone(UTC)) == first
    # every occurrence of a day has its own key
    keys = [o.key for o in hour_occurrences("h", HOURLY, DUE_AT, vn("2026-09-04T23:59"), CAL)]
    assert len(keys) == len(set(keys)) == 4
    assert all(re.fullmatch(r"h:[a-z0-9-]+@2026-09-04T\d\d:30", k) for k in keys)


def test_an_extension_of_the_due_instant_gives_new_keys() -> None:
    extended = DUE_AT + timedelta(hours=2)  # gia hạn to 18:30
    assert _keys(vn("2026-09-04T17:00"), anchor=extended) == ["h:truoc-2h@2026-09-04T16:30"]


def test_repeats_count_in_hours_up_to_the_cap() -> None:
    capped = ladder(hours("nhac", -6, repeat_every=1, cap=3))
    found = list(hour_occurrences("h", capped, DUE_AT, vn("2026-09-04T23:00"), CAL))
    assert [(o.number, f"{o.at:%H:%M}") for o in found] == [(1, "10:30"), (2, "11:30"), (3, "12:30")]
    endless = ladder(hours("nhac", 0, repeat_every=3, working_days_only=False))
    found = list(hour_occurrences("h", endless, DUE_AT, vn("2026-09-05T07:00"), CAL))
    assert [f"{o.at:%d %H:%M}" for o in found] == ["04 16:30", "04 19:30", "04 22:30", "05 01:30", "05 04:30"]


def test_a_step_not_bound_to_working_days_goes_on_a_day_off() -> None:
    anytime = ladder(hours("sau-24h", 24, working_days_only=False))
    assert _keys(vn("2026-09-05T16:30"), steps=anytime) == ["h:sau-24h@2026-09-05T16:30"]


def test_day_and_hour_steps_are_decided_apart_and_a_later_day_step_wins() -> None:
    mixed = ladder(
        {"id": "truoc-1", "offset": -1, "to": ["focal_point"], "template": "reminder"},
        hours("truoc-2h", -2),
        hours("qua-han", 0),
        {"id": "qua-han-1", "offset": 1, "to": ["head"], "template": "overdue"},
    )
    due_day = DUE_AT.date()
    # the day steps are decided as ever, hour steps never among them
    assert [o.key for o in due_now("m", mixed, due_day, date(2026, 9, 4), CAL)] == ["m:truoc-1@2026-09-03"]
    assert [o.key for o in occurrences("m", mixed, due_day, date(2026, 9, 30), CAL)] == [
        "m:truoc-1@2026-09-03",
        "m:qua-han-1@2026-09-07",
    ]
    assert _keys(vn("2026-09-04T17:00"), steps=mixed) == ["h:qua-han@2026-09-04T16:30"]
    # Monday 07/09: the day step of the day after is the current one; Friday's hour step is stale
    assert _keys(vn("2026-09-07T09:00"), steps=mixed) == []


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    gap=st.integers(min_value=-48, max_value=24 * 10),
)
def test_the_steps_sent_are_of_one_instant_that_has_come_and_nothing_later(day: date, minute: int, gap: int) -> None:
    anchor = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=VIETNAM)
    now = anchor + timedelta(hours=gap, minutes=7)
    sent = due_hour_steps("h", HOURLY, anchor, now, CAL)
    assert len({o.at for o in sent}) <= 1
    assert all(o.at is not None and o.at <= now and o.key.endswith(f"@{o.at:%Y-%m-%dT%H:%M}") for o in sent)
    if sent:
        instant = sent[0].at
        assert instant is not None
        later = [o for o in hour_occurrences("h", HOURLY, anchor, now, CAL) if o.at is not None and o.at > instant]
        assert later == []


def test_day_ladders_have_no_hour_steps_to_send() -> None:
    default = resolve_packs(["hai-cap-2026"])[0].pack.ladders["default"]
    assert due_hour_steps("default", default, DUE_AT, vn("2026-12-31T12:00"), CAL) == []


def test_the_schema_takes_hours_and_no_other_unit() -> None:
    with pytest.raises(ValidationError, match="working_days"):
        ladder(hours("x", -2) | {"unit": "minutes"})
    with pytest.raises(ValidationError, match="before the step's own offset"):
        ladder(hours("x", 2, repeat_every=1, repeat_until=1))


def test_a_reminder_plan_keeps_its_hour_steps(write_pack) -> None:  # type: ignore[no-untyped-def]
    [item] = load_packs([write_pack(TIMED_DAILY_PACK)])
    plan = ReminderPlan.from_json(reminder_plan(item.pack).to_json())
    assert [s.unit for s in plan.ladders["theo-gio"].steps] == ["working_days", "hours", "hours"]
    chosen = plan.ladder_for("nhanh-hang-ngay", returned=False)
    assert chosen is not None
    assert [o.key for o in due_hour_steps(chosen[0], chosen[1], DUE_AT, vn("2026-09-04T14:30"), CAL)] == [
        "theo-gio:truoc-2h@2026-09-04T14:30"
    ]


# The lint.

# The same report due on a day with no time of day: a yearly one "trước ngày 20/12".
UNTIMED = TIMED_DAILY_PACK.replace("frequency: daily", "frequency: yearly").replace(
    '"trước 16 giờ 30 hằng ngày"', '"trước ngày 20/12"'
)


def _lint(write_pack, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    [item] = load_packs([write_pack(text)])
    return [str(f) for f in lint_pack(item, calendar_for(item.pack), date(2026, 9, 1), [2026])]


def test_a_timed_report_takes_hour_and_day_steps(write_pack) -> None:  # type: ignore[no-untyped-def]
    assert [m for m in _lint(write_pack, TIMED_DAILY_PACK) if ": error:" in m] == []


def test_hour_steps_on_a_report_without_a_time_of_day_are_refused(write_pack) -> None:  # type: ignore[no-untyped-def]
    [error] = [m for m in _lint(write_pack, UNTIMED) if ": error:" in m]
    assert error.endswith(
        "pack.yaml:15:13: error: report nhanh-hang-ngay: ladder 'theo-gio' has steps in hours (truoc-2h, "
        "qua-han), counted from the due instant, but hop 1 of this report is due 'trước ngày 20/12', with no "
        "time of day; give the deadline a time (for example 'trước 16 giờ 30 hằng ngày') or count those "
        "steps in working_days or days"
    )


def test_the_default_ladder_is_checked_for_a_report_that_names_none(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = UNTIMED.replace("    ladder: theo-gio\n", "").replace("  theo-gio:\n", "  default:\n")
    [error] = [m for m in _lint(write_pack, text) if ": error:" in m]
    assert ":10:9: error: report nhanh-hang-ngay: ladder 'default' has steps in hours" in error


def test_a_returned_ladder_in_hours_counts_from_the_return(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = UNTIMED.replace("ladder: theo-gio", "ladder: theo-ngay\n    returned_ladder: theo-gio") + (
        "  theo-ngay:\n    steps:\n      - {id: truoc-1, offset: -1, to: [focal_point], template: reminder}\n"
    )
    assert [m for m in _lint(write_pack, text) if ": error:" in m] == []


def test_hour_steps_are_ordered_with_the_day_steps(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = TIMED_DAILY_PACK.replace("offset: -2, unit: hours", "offset: 30, unit: hours")
    messages = [m for m in _lint(write_pack, text) if ": error:" in m]
    assert len(messages) == 1 and "step qua-han (offset 0) comes before step truoc-2h (offset 30)" in messages[0]
