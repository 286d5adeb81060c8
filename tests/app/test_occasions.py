"""Reports due when something happens: an event recorded, a report requested; on SQLite and
PostgreSQL, and by two processes at once. Every due day below is derived by hand from the
calendar (2026: Saturday 22/08 worked for Monday 31/08; 01–02/09 off)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import col

from app.notifying import run_sweep
from app.occasions import OccasionNotFound, record_event, request_report
from app.settings import Settings
from models.occasions import OccasionRefused
from models.planning import OCCASION_SCOPE, plan_cycle
from models.tables import AuditEvent, Cycle, Obligation, Occasion
from rules.calendar import VIETNAM
from rules.clock import fixed_clock
from rules.errors import DunghanError
from rules.loader import calendar_for, shipped_packs
from tests.conftest import POSTGRES_URL, fresh_engine
from tests.models.factory import bac_ninh_2026

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=VIETNAM)
PACK = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")


@pytest.fixture
def bac_ninh(engine: Engine) -> Engine:
    bac_ninh_2026(engine)
    return engine


def obligations(engine: Engine) -> list[tuple[str, str, int, date, bool]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                col(Obligation.report_id),
                col(Obligation.period),
                col(Obligation.hop),
                col(Obligation.due_date),
                col(Obligation.retired),
            ).order_by(col(Obligation.report_id), col(Obligation.hop), col(Obligation.unit_id))
        )
        return [tuple(r) for r in rows]


def count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def test_an_event_starts_each_hop_counted_from_it(bac_ninh: Engine) -> None:
    recorded = record_event(bac_ninh, "phat-hien-vu-viec", unit="07375", day=date(2026, 8, 28), now=NOW, actor="t")
    assert recorded.created and recorded.period == "2026-08-28"
    # Friday 28/08: 31/08 (swap), 01-02/09 off → 03, 04, 07/09 is the third working day; then 08, 09, 10/09.
    assert [(o.unit_code, o.hop, o.due_date) for o in recorded.obligations] == [
        ("07375", 1, date(2026, 9, 7)),
        ("24-SNV", 2, date(2026, 9, 10)),
    ]
    assert obligations(bac_ninh) == [
        ("vu-viec-bao-luc", "2026-08-28", 1, date(2026, 9, 7), False),
        ("vu-viec-bao-luc", "2026-08-28", 2, date(2026, 9, 10), False),
    ]
    with bac_ninh.connect() as connection:
        assert connection.scalar(select(col(Cycle.scope))) == OCCASION_SCOPE
        actions = sorted(connection.scalars(select(col(AuditEvent.action))))
    assert actions == ["created", "created", "recorded"]
    again = record_event(bac_ninh, "phat-hien-vu-viec", unit="07375", day=date(2026, 8, 28), now=NOW, actor="t")
    assert not again.created and again.occasion_id == recorded.occasion_id
    assert count(bac_ninh, Obligation) == 2 and count(bac_ninh, Occasion) == 1 and count(bac_ninh, AuditEvent) == 3


def test_planning_the_calendar_leaves_event_obligations_alone(bac_ninh: Engine) -> None:
    record_event(bac_ninh, "phat-hien-vu-viec", unit="07375", day=date(2026, 8, 28), now=NOW, actor="t")
    summary = plan_cycle(
        bac_ninh, PACK, 2026, calendar_for(PACK), params={}, scope=["24"], now=NOW, actor="t", exclusive=True
    )
    assert summary.created > 0 and summary.retired == 0
    kept = [o for o in obligations(bac_ninh) if o[0] == "vu-viec-bao-luc"]
    assert [o[4] for o in kept] == [False, False]


def test_a_request_dates_every_unit_asked_and_is_all_or_nothing(bac_ninh: Engine) -> None:
    asked = request_report(
        bac_ninh,
        "bao-cao-dot-xuat",
        to=["07375", "24-SYT", "07375"],
        received=date(2026, 12, 1),
        days=5,
        reference="Công văn số 125/SNV-BĐG",
        now=NOW,
        actor="t",
    )
    # Tuesday 01/12: 02, 03, 04, 07, 08/12.
    assert [(r.unit_code, [o.due_date for o in r.obligations]) for r in asked.units] == [
        ("07375", [date(2026, 12, 8)]),
        ("24-SYT", [date(2026, 12, 8)]),
    ]
    with pytest.raises(OccasionRefused, match="99999") as refused:
        request_report(
            bac_ninh, "bao-cao-dot-xuat", to=["07627", "99999"], received=date(2026, 12, 1), days=5, now=NOW, actor="t"
        )
    assert refused.value.field == "to"
    assert count(bac_ninh, Occasion) == 2  # 07627 was not recorded either
    with pytest.raises(DunghanError) as undated:
        request_report(bac_ninh, "bao-cao-dot-xuat", to=["07375"], received=date(2026, 12, 1), now=NOW, actor="t")
    assert undated.value.field == "days" and "khi có yêu cầu" in str(undated.value)


def test_what_cannot_start_a_report_is_refused_before_anything_is_written(bac_ninh: Engine) -> None:
    with pytest.raises(OccasionNotFound, match="did you mean phat-hien-vu-viec"):
        record_event(bac_ninh, "phat-hien-vu-vec", unit="07375", day=date(2026, 8, 28), now=NOW, actor="t")
    with pytest.raises(OccasionRefused, match="is not among those who send report vu-viec-bao-luc"):
        record_event(bac_ninh, "phat-hien-vu-viec", unit="24-SYT", day=date(2026, 8, 28), now=NOW, actor="t")
    with pytest.raises(DunghanError, match="after today") as future:
        record_event(bac_ninh, "phat-hien-vu-viec", unit="07375", day=date(2026, 12, 2), now=NOW, actor="t")
    assert future.value.field == "date"
    with pytest.raises(OccasionNotFound, match="no pack in force on 28/08/2024"):
        record_event(bac_ninh, "phat-hien-vu-viec", unit="07375", day=date(2024, 8, 28), now=NOW, actor="t")
    assert count(bac_ninh, Occasion) == 0 and count(bac_ninh, Obligation) == 0


def test_the_sweep_reminds_an_event_report_like_any_other(bac_ninh: Engine, tmp_path: Path) -> None:
    asked = request_report(
        bac_ninh, "bao-cao-dot-xuat", to=["24-SYT"], received=date(2026, 12, 1), days=5, now=NOW, actor="t"
    )
    [started] = asked.units
    with bac_ninh.connect() as connection:
        obligation_id = connection.scalar(
            select(col(Obligation.id)).where(col(Obligation.report_id) == "bao-cao-dot-xuat")
        )
    due_day = datetime(2026, 12, 8, 7, 30, tzinfo=VIETNAM)  # the ladder's "den-han" step
    result = run_sweep(bac_ninh, Settings(home=tmp_path / "home"), at=due_day, clock=fixed_clock(due_day), dry_run=True)
    reminded = [d for d in result.planned if d.obligation_id == obligation_id]
    assert reminded and started.obligations[0].due_date == date(2026, 12, 8)
    assert {d.recipient_name for d in reminded} == {"Nguyễn Thị Hoa"}


def _environment(backend: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUNGHAN_") or k == "DUNGHAN_LANG"}
    url = POSTGRES_URL if backend == "postgresql" else f"sqlite:///{tmp_path / 'dunghan.db'}"
    env.update(DUNGHAN_HOME=str(tmp_path / "home"), DUNGHAN_DATABASE_URL=url or "", COLUMNS="200")
    return env


def test_two_processes_recording_one_event_at_once_record_it_once(backend: str, tmp_path: Path) -> None:
    engine = fresh_engine(backend, tmp_path)
    bac_ninh_2026(engine)
    env = _environment(backend, tmp_path)
    args = [sys.executable, "-m", "cli.main", "event", "record", "phat-hien-vu-viec", "--unit", "07375"]
    args += ["--date", "28/08/2026", "--format", "json", "--at", "2026-12-01T09:00"]
    runs = [
        subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    news = [row["new"] for out, _err in outputs for row in json.loads(out)["obligations"]]
    assert news.count(True) == 2 and news.count(False) == 6  # one writer created both hops
    assert count(engine, Occasion) == 1 and count(engine, Obligation) == 2
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Cycle)) == 1
    engine.dispose()


def test_the_command_speaks_vietnamese_and_says_which_flag(backend: str, tmp_path: Path) -> None:
    engine = fresh_engine(backend, tmp_path)
    bac_ninh_2026(engine)
    engine.dispose()
    env = {k: v for k, v in _environment(backend, tmp_path).items() if k != "DUNGHAN_LANG"}
    base = [sys.executable, "-m", "cli.main", "request", "bao-cao-dot-xuat", "--to", "07375"]
    undated = subprocess.run(
        [*base, "--received", "01/12/2026", "--at", "2026-12-01T09:00"], env=env, capture_output=True, text=True
    )
    assert undated.returncode == 1
    [line] = undated.stderr.strip().splitlines()
    assert "--days" in line and "khi có yêu cầu" in line and "ngày làm việc" in line
    done = subprocess.run(
        [*base, "--received", "01/12/2026", "--days", "3", "--at", "2026-12-01T09:00"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "04/12/2026" in done.stdout and "Xã Lạng Giang" in done.stdout
