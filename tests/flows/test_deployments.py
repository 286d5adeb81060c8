"""prefect.yaml as written: every deployment loads its flow, every schedule is in Vietnam time."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from prefect.cli.deploy._models import DeploymentConfig, RawScheduleConfig
from prefect.flows import load_flow_from_entrypoint
from prefect.server.schemas.schedules import CronSchedule

from flows.run_names import describe

ROOT = Path(__file__).parents[2]
PREFECT_YAML = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
DEPLOYMENTS = {d["name"]: DeploymentConfig.model_validate(d) for d in PREFECT_YAML["deployments"]}
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def schedules(name: str) -> list[RawScheduleConfig]:
    return [
        RawScheduleConfig.model_validate(s)
        for s in PREFECT_YAML["deployments"][list(DEPLOYMENTS).index(name)]["schedules"]
    ]


def run_days(name: str, start: datetime, end: datetime) -> list[datetime]:
    found: list[datetime] = []
    for schedule in schedules(name):
        cron = CronSchedule(cron=schedule.cron or "", timezone=schedule.timezone)
        found += asyncio.run(cron.get_dates(n=1000, start=start, end=end))
    return sorted(d.astimezone(VIETNAM) for d in found)


def test_every_flow_has_a_deployment_on_the_dunghan_pool() -> None:
    entrypoints = {d.entrypoint for d in DEPLOYMENTS.values()}
    assert entrypoints == {
        f"flows/{name}.py:{name}"
        for name in ("send_reminders", "retry_notices", "send_digests", "rollup_action_month", "plan_cycle")
    }
    assert {d.work_pool.name for d in DEPLOYMENTS.values() if d.work_pool} == {"dunghan"}
    assert all(d.work_pool for d in DEPLOYMENTS.values())


@pytest.mark.parametrize("name", list(DEPLOYMENTS))
def test_schedules_are_in_vietnam_time_with_slug_and_parameters_the_flow_accepts(name: str) -> None:
    deployment = DEPLOYMENTS[name]
    flow: Any = load_flow_from_entrypoint(str(ROOT / (deployment.entrypoint or "")))
    assert schedules(name)
    for schedule in schedules(name):
        assert schedule.timezone == "Asia/Ho_Chi_Minh"
        assert schedule.slug
        flow.validate_parameters({**deployment.parameters, **schedule.parameters})


def test_the_sweep_runs_every_morning_and_retries_every_hour() -> None:
    start, end = datetime(2026, 12, 28, tzinfo=VIETNAM), datetime(2027, 1, 4, tzinfo=VIETNAM)
    sweeps = run_days("daily", start, end)
    assert [(d.date(), d.hour, d.minute) for d in sweeps] == [
        (date(2026, 12, 28 + i) if i < 4 else date(2027, 1, i - 3), 7, 30) for i in range(7)
    ]
    assert len(run_days("hourly", start, end - timedelta(minutes=1))) == 7 * 24


def test_digests_go_out_at_eight_monday_to_saturday() -> None:
    days = run_days("working-days", datetime(2026, 12, 21, tzinfo=VIETNAM), datetime(2026, 12, 28, tzinfo=VIETNAM))
    assert [d.isoweekday() for d in days] == [1, 2, 3, 4, 5, 6]
    assert {d.hour for d in days} == {8}


def test_the_action_month_roll_up_runs_daily_from_15_11_to_16_12_only() -> None:
    days = run_days("action-month", datetime(2026, 1, 1, tzinfo=VIETNAM), datetime(2027, 1, 1, tzinfo=VIETNAM))
    assert days[0].date() == date(2026, 11, 15)
    assert days[-1].date() == date(2026, 12, 16)
    assert len(days) == 16 + 16  # 15-30/11 and 1-16/12, once a day


def test_planning_runs_once_a_year_on_2_january() -> None:
    days = run_days("yearly", datetime(2026, 1, 1, tzinfo=VIETNAM), datetime(2028, 1, 1, tzinfo=VIETNAM))
    assert [d.date() for d in days] == [date(2026, 1, 2), date(2027, 1, 2)]


@pytest.mark.parametrize(
    ("parameters", "name"),
    [
        ({"at": "2026-12-22T07:30", "dry_run": False}, "send_reminders at=2026-12-22 07:30"),
        ({"at": "2026-12-22T00:30:00Z"}, "send_reminders at=2026-12-22 07:30"),
        ({"at": None}, "send_reminders at=2026-12-22 08:00"),
        (
            {"pack": "hai-cap-2026", "params": {"x": "2026-12-22"}},
            "send_reminders pack=hai-cap-2026 params=x:2026-12-22",
        ),
    ],
)
def test_run_names_carry_the_parameters(parameters: dict[str, Any], name: str) -> None:
    assert describe("send_reminders", parameters, datetime(2026, 12, 22, 8, 0, tzinfo=VIETNAM)) == name
