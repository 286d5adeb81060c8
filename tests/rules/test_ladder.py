"""The ladder's decisions: real dates, catch-up, repeats, working days, quiet hours, channels."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar import VIETNAM
from rules.ladder import QuietHours, ReminderPlan, choose_channels, due_now, occurrences, reminder_plan
from rules.loader import calendar_for, resolve_packs
from rules.schema import Ladder

CAL = calendar_for()
PACK = resolve_packs(["hai-cap-2026"])[0].pack
DEFAULT = PACK.ladders["default"]
DUE = date(2026, 12, 21)  # bdg-nam 2026: "trước ngày 20/12" → Saturday 19/12 rolled to Monday 21/12


def _keys(today: date, anchor: date = DUE, ladder: Ladder = DEFAULT) -> list[str]:
    return [o.key for o in due_now("default", ladder, anchor, today, CAL)]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 9), []),  # before the first step
        (date(2026, 12, 10), ["default:truoc-7@2026-12-10"]),  # 7 working days before Monday 21/12
        (date(2026, 12, 11), ["default:truoc-7@2026-12-10"]),  # still the latest: already sent, the outbox knows
        (date(2026, 12, 17), ["default:truoc-2@2026-12-17"]),
        (date(2026, 12, 21), ["default:den-han@2026-12-21"]),
        (date(2026, 12, 22), ["default:qua-han-1@2026-12-22"]),
        (date(2026, 12, 24), ["default:doc-thuc-3@2026-12-24"]),
        (date(2026, 12, 29), ["default:doc-thuc-3@2026-12-29"]),  # repeat every 3 working days
        (date(2027, 1, 15), ["default:cap-tren@2027-01-15"]),  # +18 working days, across 01/01
    ],
)
def test_steps_of_the_default_ladder_on_real_dates(today: date, expected: list[str]) -> None:
    assert _keys(today) == expected


def test_after_missed_sweeps_only_the_latest_step_is_sent() -> None:
    # no sweep from 16/12 to 23/12: one overdue reminder, not the T-2, due-day and +1 ones too
    assert _keys(date(2026, 12, 23)) == ["default:qua-han-1@2026-12-22"]


def test_repeats_stop_at_repeat_until_and_cap() -> None:
    repeats = [o for o in occurrences("default", DEFAULT, DUE, date(2027, 3, 1), CAL) if o.step.id == "doc-thuc-3"]
    assert [o.number for o in repeats] == [1, 2, 3, 4, 5]  # offsets 3, 6, 9, 12, 15
    capped = Ladder.model_validate(
        {"steps": [{"id": "r", "offset": 1, "to": ["head"], "template": "overdue", "repeat_every": 1, "cap": 2}]}
    )
    assert len(list(occurrences("x", capped, DUE, date(2027, 3, 1), CAL))) == 2


def test_a_working_days_only_step_waits_for_a_working_day() -> None:
    ladder = Ladder.model_validate(
        {"steps": [{"id": "cal", "offset": 5, "unit": "days", "to": ["head"], "template": "overdue"}]}
    )
    # 21/12 + 5 calendar days = Saturday 26/12: sent Monday 28/12
    assert _keys(date(2026, 12, 26), ladder=ladder) == []
    assert _keys(date(2026, 12, 28), ladder=ladder) == ["default:cal@2026-12-28"]
    anytime = Ladder.model_validate(
        {
            "steps": [
                {
                    "id": "cal",
                    "offset": 5,
                    "unit": "days",
                    "to": ["head"],
                    "template": "overdue",
                    "working_days_only": False,
                }
            ]
        }
    )
    assert _keys(date(2026, 12, 26), ladder=anytime) == ["default:cal@2026-12-26"]


def test_an_extension_gives_new_keys() -> None:
    assert _keys(date(2026, 12, 29), anchor=date(2027, 1, 8)) == ["default:truoc-7@2026-12-29"]


def test_tet_is_skipped_when_counting() -> None:
    # due Monday 23/02/2026, just after Tết: T-2 working days is Thursday 12/02
    assert _keys(date(2026, 2, 12), anchor=date(2026, 2, 23)) == ["default:truoc-2@2026-02-12"]


@settings(max_examples=200, deadline=None)
@given(
    anchor=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    gap=st.integers(min_value=-20, max_value=60),
)
def test_the_steps_sent_are_of_one_day_that_has_come(anchor: date, gap: int) -> None:
    today = anchor + timedelta(days=gap)
    sent = due_now("default", DEFAULT, anchor, today, CAL)
    assert len({o.day for o in sent}) <= 1
    assert all(o.day <= today for o in sent)
    if sent and CAL.is_working_day(today):
        later = [o for o in occurrences("default", DEFAULT, anchor, today, CAL) if o.day > sent[0].day]
        assert later == []


def test_quiet_hours_hold_zalo_until_seven() -> None:
    quiet = QuietHours()
    night = datetime(2026, 12, 21, 21, 30, tzinfo=VIETNAM)
    assert quiet.release_at("zalo", night) == datetime(2026, 12, 22, 7, 0, tzinfo=VIETNAM)
    assert quiet.release_at("zns", datetime(2026, 12, 22, 6, 59, tzinfo=VIETNAM)) == datetime(
        2026, 12, 22, 7, 0, tzinfo=VIETNAM
    )
    assert quiet.release_at("zalo", datetime(2026, 12, 22, 7, 30, tzinfo=VIETNAM)).hour == 7
    assert quiet.release_at("email", night) == night


@pytest.mark.parametrize(
    ("channels", "mandatory", "preferred", "reachable", "expected"),
    [
        (["zalo", "email"], False, ["zalo", "email"], {"zalo", "email"}, [("zalo", None)]),
        (["zalo", "email"], False, ["email"], {"zalo", "email"}, [("email", None)]),
        (["zalo", "email"], True, ["email"], {"zalo", "email"}, [("zalo", None), ("email", None)]),
        (["email", "zalo"], True, ["zalo"], {"zns", "email"}, [("email", None), ("zns", None)]),
        (["zalo"], False, ["zalo"], {"email"}, [("email", "no Zalo for this contact: email instead")]),
        (["zalo", "email"], False, ["zalo"], set(), []),
    ],
)
def test_channels_follow_preferences_unless_mandatory(
    channels: list[str],
    mandatory: bool,
    preferred: list[str],
    reachable: set[str],
    expected: list[tuple[str, str | None]],
) -> None:
    assert choose_channels(channels, mandatory=mandatory, preferred=preferred, reachable=reachable) == expected


def test_a_reminder_plan_survives_json() -> None:
    plan = reminder_plan(PACK)
    again = ReminderPlan.from_json(plan.to_json())
    assert again == plan
    assert again.ladder_for("bdg-nam", returned=True) == ("tra-lai", PACK.ladders["tra-lai"])
    assert again.ladder_for("bdg-nam", returned=False) == ("default", DEFAULT)
