"""Hour steps end to end, on SQLite and PostgreSQL: a daily report due "trước 16 giờ 30 hằng ngày"
reminded two hours before and at the deadline by the hourly run, the day step by the 07:30 sweep."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from app.notifying import SweepResult, run_retry, run_sweep
from app.settings import Settings
from models.obligations import ObligationKey, submit
from models.org_rows import ContactRow
from models.planning import plan_cycle
from models.tables import Notice
from models.tree import import_org
from rules.clock import fixed_clock
from rules.loader import calendar_for, parse_pack
from tests.conftest import Templates, templates
from tests.models.factory import at, bac_ninh_2026
from tests.rules.timed_pack import TIMED_DAILY_PACK

LOADED = parse_pack(TIMED_DAILY_PACK, Path("so-lieu-hang-ngay.yaml"))[0]
assert LOADED is not None, "the test pack loads"
PACK = LOADED.pack
CAL = calendar_for(PACK)
HEALTH = ObligationKey("24-SYT", "nhanh-hang-ngay", "2026-09-04")  # Sở Y tế: focal point and head, e-mail
JUSTICE = ObligationKey("24-STP", "nhanh-hang-ngay", "2026-09-04")  # Sở Tư pháp: focal point on Zalo


def build_world(engine: Engine) -> None:
    """Bắc Ninh's departments, the Sở Y tế's contacts and a Zalo follower at the Sở Tư pháp; the
    daily report of Friday 04/09/2026 planned (due 16:30 that day)."""
    bac_ninh_2026(engine)
    follower = ContactRow(
        4, "24-STP", "Đỗ Minh Tư", "focal_point", "tu@stp.bacninh.gov.vn", None, "4815162342", "zalo,email", True
    )
    import_org(engine, [], [follower], source="test")
    plan_cycle(engine, PACK, 2026, CAL, params={}, scope=["24"], now=at("2026-09-01T08:00:00"), actor="admin")


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    yield from templates(tmp_path_factory, build_world)


@pytest.fixture
def world(backend: str, planned: Templates, tmp_path: Path) -> Iterator[tuple[Engine, Settings]]:
    engine = planned.copy(backend, tmp_path)
    yield engine, Settings(home=tmp_path / "home", delivery="folder", admin_emails=["admin@snv.bacninh.gov.vn"])
    engine.dispose()


def hourly(world: tuple[Engine, Settings], when: str) -> SweepResult:
    engine, settings = world
    instant = at(when)
    return run_retry(engine, settings, at=instant, clock=fixed_clock(instant))


def morning(world: tuple[Engine, Settings], when: str) -> SweepResult:
    engine, settings = world
    instant = at(when)
    return run_sweep(engine, settings, at=instant, clock=fixed_clock(instant))


def queued(result: SweepResult) -> set[tuple[str, str, str]]:
    """(recipient, step, channel) of the reminders a run queued."""
    return {(d.recipient_name, d.step or "", d.channel) for d in result.queued if d.kind == "reminder"}


def notices(engine: Engine) -> list[Notice]:
    with engine.connect() as connection:
        return list(connection.execute(select(Notice).order_by(col(Notice.id))))  # type: ignore[arg-type]


def test_the_hourly_run_queues_each_hour_step_once_when_it_comes(world) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    assert queued(hourly(world, "2026-09-04T14:00:00")) == set()
    first = hourly(world, "2026-09-04T14:30:00")
    assert queued(first) == {
        ("Nguyễn Thị Hoa", "theo-gio:truoc-2h@2026-09-04T14:30", "email"),
        ("Đỗ Minh Tư", "theo-gio:truoc-2h@2026-09-04T14:30", "zalo"),
    }
    assert [d.kind for d in first.queued] == ["reminder", "reminder"]  # the admin's gaps wait for the morning
    assert {d.notice.step for d in first.delivered} == {"theo-gio:truoc-2h@2026-09-04T14:30"}
    assert all(d.status == "sent" for d in first.delivered)
    assert queued(hourly(world, "2026-09-04T15:00:00")) == set()
    after = hourly(world, "2026-09-04T17:00:00")
    assert queued(after) == {
        ("Nguyễn Thị Hoa", "theo-gio:qua-han@2026-09-04T16:30", "email"),
        ("Trần Văn Nam", "theo-gio:qua-han@2026-09-04T16:30", "email"),  # the head, too
        ("Đỗ Minh Tư", "theo-gio:qua-han@2026-09-04T16:30", "zalo"),
    }
    assert queued(hourly(world, "2026-09-04T18:00:00")) == set()
    assert len([n for n in notices(engine) if n.kind == "reminder"]) == 5


def test_the_repeat_at_night_holds_zalo_until_seven(world) -> None:  # type: ignore[no-untyped-def]
    hourly(world, "2026-09-04T17:00:00")
    night = hourly(world, "2026-09-04T22:00:00")  # the repeat, five hours after 16:30
    repeat = {d.channel: d for d in night.queued}
    assert {d.step for d in repeat.values()} == {"theo-gio:qua-han@2026-09-04T21:30"}
    assert repeat["zalo"].not_before == at("2026-09-05T07:00:00")
    assert repeat["email"].not_before == at("2026-09-04T22:00:00")
    assert {d.notice.channel for d in night.delivered} == {"email"}
    # cap 2: nothing more, and the held message goes with the next hourly run after seven
    saturday = hourly(world, "2026-09-05T07:00:00")
    assert queued(saturday) == set()
    assert [(d.notice.key, d.status) for d in saturday.delivered] == [(repeat["zalo"].key, "sent")]


def test_the_morning_sweep_keeps_the_day_steps_and_shares_the_hour_steps_keys(world) -> None:  # type: ignore[no-untyped-def]
    day_before = morning(world, "2026-09-03T07:30:00")
    assert {step for _name, step, _channel in queued(day_before)} == {"theo-gio:truoc-1-ngay@2026-09-03"}
    assert queued(hourly(world, "2026-09-03T08:00:00")) == set()  # the hourly run never sends day steps
    assert queued(morning(world, "2026-09-04T07:30:00")) == set()  # no hour step has come yet
    # `dunghan remind --at 2026-09-04T14:30` decides the hour steps too; the hourly run then has none
    by_hand = morning(world, "2026-09-04T14:30:00")
    assert {step for _name, step, _channel in queued(by_hand)} == {"theo-gio:truoc-2h@2026-09-04T14:30"}
    assert queued(hourly(world, "2026-09-04T15:00:00")) == set()


def test_a_submission_stops_the_hour_steps(world) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    hourly(world, "2026-09-04T15:00:00")
    submit(engine, HEALTH, at=at("2026-09-04T16:00:00"), actor="hoa", calendar=CAL)
    after = hourly(world, "2026-09-04T17:00:00")
    assert {name for name, _step, _channel in queued(after)} == {"Đỗ Minh Tư"}


def test_a_missed_afternoon_sends_only_the_latest_step(world) -> None:  # type: ignore[no-untyped-def]
    late = hourly(world, "2026-09-04T23:00:00")  # no run since the morning: T-2h and 16:30 are stale
    assert {step for _name, step, _channel in queued(late)} == {"theo-gio:qua-han@2026-09-04T21:30"}
    assert len(late.queued) == 3  # the focal points and the head, once each


def test_a_report_due_at_a_clock_time_is_worded_with_its_time(world) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    hourly(world, "2026-09-04T14:30:00")
    hourly(world, "2026-09-04T17:00:00")
    mails = {n.step: n for n in notices(engine) if n.kind == "reminder" and n.channel == "email"}
    before = mails["theo-gio:truoc-2h@2026-09-04T14:30"]
    assert "là hạn cuối nộp báo cáo, trước 16:30" in before.body_text
    late = mails["theo-gio:qua-han@2026-09-04T16:30"]
    # Late on its own due day: from the instant, not "0 working days".
    assert late.subject.startswith("[Quá hạn từ 16:30 ngày 04/09/2026]"), late.subject
    assert "0 ngày làm việc" not in late.body_text and "quá hạn từ 16:30 ngày 04/09/2026" in late.body_text
    assert "hạn cuối 16:30 Thứ Sáu, ngày 04/09/2026" in late.body_text
