"""The jobs run by the commands without Prefect, as by their flows, and every run recorded:
`cycle plan`, `remind`, `digest`, `rollup`; `--via-prefect`; `dunghan runs`."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from app import runs
from app.workspace import database
from cli.main import app
from models.org_rows import ContactRow
from models.runs import finish_run, latest_runs, start_run
from models.tree import import_org
from models.units import unit_at
from rules.errors import DunghanError
from tests.models.factory import at, bac_ninh_2026

runner = CliRunner()
ME = f"cli:{getpass.getuser()}"
FOCAL = ContactRow(1, "24-STP", "Đỗ Minh Tư", "focal_point", "tu@stp.bacninh.gov.vn", None, None, "email", True)


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def recorded_runs(*args: str) -> list[dict[str, Any]]:
    listed = run("runs", "--format", "json", *args)
    assert listed.exit_code == 0, listed.output
    return list(json.loads(listed.stdout))


@pytest.fixture
def tree(workspace: Path) -> Path:
    engine = database()
    bac_ninh_2026(engine)
    import_org(engine, [], [FOCAL], source="test")
    return workspace


def test_cycle_plan_runs_without_prefect_and_is_recorded(tree: Path) -> None:
    planned = run("cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24", "--at", "2026-01-05")
    assert planned.exit_code == 0, planned.output
    total = int(planned.stdout.split("): ")[1].split(" obligation")[0])
    assert f"{total} obligation(s); {total} new, 0 changed" in planned.stdout  # the output people knew
    again = run("cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24")
    assert f"{total} unchanged" in again.stdout

    second, first = recorded_runs()
    assert (first["job"], first["how"], first["who"], first["outcome"]) == ("plan_cycle", "direct", ME, "ok")
    assert first["scope"] == ["24"]
    assert first["parameters"] == {"pack": "hai-cap-2026", "year": 2026, "under": ["24"], "at": "2026-01-05"}
    assert first["counts"]["total"] == first["counts"]["created"] == total
    assert second["counts"]["unchanged"] == total and second["counts"]["created"] == 0
    assert first["seconds"] >= 0 and first["finished_at"] >= first["started_at"]

    table = run("runs")
    assert table.exit_code == 0, table.output
    headings = table.stdout.splitlines()[0].split()
    assert headings[:4] == ["no.", "started", "duration", "job"]
    assert "cycle planning" in table.stdout and "done" in table.stdout
    assert f"{total} obligations, {total} new" in table.stdout
    assert f"{total} obligations, {total} unchanged" in table.stdout
    assert "pack hai-cap-2026; year 2026; unit 24" in table.stdout


def test_remind_and_digest_run_without_prefect_and_are_recorded(tree: Path) -> None:
    assert run("cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24", "--at", "2026-01-05").exit_code == 0
    reminded = run("remind", "--at", "2026-06-26T07:30", "--format", "json")
    assert reminded.exit_code == 0, reminded.output
    notices = json.loads(reminded.stdout)["notices"]
    assert any(n["contact"] == "Đỗ Minh Tư" and n["status"] == "written" for n in notices)
    table = run("remind", "--at", "2026-06-26T07:30")
    assert "0 notice(s) queued, 0 delivered" in table.stdout  # nothing twice, the same words as before
    digest = run("digest", "--at", "2026-06-26T08:00")
    assert digest.exit_code == 0, digest.output

    found = {(r["job"], r["parameters"].get("at")): r for r in recorded_runs()}
    sweep = found[("send_reminders", "2026-06-26T07:30")]
    assert (sweep["how"], sweep["who"], sweep["outcome"], sweep["scope"]) == ("direct", ME, "ok", [])
    assert sweep["counts"]["queued"] == len(notices) == sweep["counts"]["sent"]
    assert found[("send_digests", "2026-06-26T08:00")]["outcome"] == "ok"


def test_a_run_that_fails_is_recorded_with_its_sentence(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.settings import get_settings

    assert run("cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24", "--at", "2026-01-05").exit_code == 0
    monkeypatch.setenv("DUNGHAN_DELIVERY", "send")  # and no SMTP server named
    monkeypatch.delenv("DUNGHAN_SMTP_URL", raising=False)
    get_settings.cache_clear()  # type: ignore[attr-defined]
    failed = run("remind", "--at", "2026-06-26T07:30")
    get_settings.cache_clear()  # type: ignore[attr-defined]
    assert failed.exit_code == 1
    assert "DUNGHAN_DELIVERY=send needs DUNGHAN_SMTP_URL" in failed.stderr
    [found] = recorded_runs("--failed")
    assert (found["job"], found["outcome"]) == ("send_reminders", "failed")
    assert found["message"].startswith("DUNGHAN_DELIVERY=send needs DUNGHAN_SMTP_URL")
    assert "failed" in run("runs", "--failed").stdout
    assert run("runs", "--job", "nothing").exit_code != 0


def test_a_roll_up_is_recorded_with_the_files_it_wrote(workspace: Path) -> None:
    from app.demo import load_tree, record_demo_activities

    engine = database()
    load_tree(engine)
    assert record_demo_activities(engine, at=at("2026-12-01T17:00")) > 0
    written = run("rollup", "thang-hanh-dong", "--year", "2026", "--under", "24", "--format", "xlsx")
    assert written.exit_code == 0, written.output
    path = Path(written.stdout.strip())
    assert path == workspace / "reports" / "thang-hanh-dong-2026-24.xlsx" and path.exists()
    assert run("rollup", "thang-hanh-dong", "--year", "2026", "--under", "24").exit_code == 0
    table_run, file_run = recorded_runs("--job", "rollup")
    assert file_run["parameters"]["files"] == ["xlsx"] and file_run["message"] == path.name
    assert file_run["counts"]["files"] == 1 and file_run["counts"]["activities"] > 0
    assert "files" not in table_run["parameters"] and "files" not in table_run["counts"]
    assert table_run["scope"] == ["24"]


@pytest.mark.usefixtures("prefect_api")
def test_via_prefect_runs_the_flow_and_records_it_under_the_person(tree: Path) -> None:
    planned = run("cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24", "--at", "2026-01-05")
    assert planned.exit_code == 0
    replanned = run("cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24", "--via-prefect")
    assert replanned.exit_code == 0, replanned.output
    swept = run("remind", "--at", "2026-06-26T07:30", "--via-prefect")
    assert swept.exit_code == 0, swept.output
    sweep, flow_plan, direct_plan = recorded_runs()
    assert (direct_plan["how"], flow_plan["how"], sweep["how"]) == ("direct", "prefect", "prefect")
    assert flow_plan["who"] == sweep["who"] == ME
    assert flow_plan["counts"]["unchanged"] == direct_plan["counts"]["total"]
    assert sweep["job"] == "send_reminders" and sweep["counts"]["queued"] > 0


@pytest.mark.usefixtures("prefect_api")
def test_a_roll_up_via_prefect_is_the_schedules_flow(workspace: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from app.demo import load_tree, record_demo_activities

    engine = database()
    load_tree(engine)
    record_demo_activities(engine, at=at("2026-12-01T17:00"))
    done = run("rollup", "thang-hanh-dong", "--year", "2026", "--under", "24", "--format", "docx", "--via-prefect")
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == str(workspace / "reports" / "thang-hanh-dong-2026-24.docx")
    assert (workspace / "reports" / "thang-hanh-dong-2026-24.xlsx").exists()  # the flow writes both
    [found] = recorded_runs()
    assert (found["job"], found["how"], found["who"]) == ("rollup", "prefect", ME)
    assert found["parameters"]["files"] == ["xlsx", "docx"] and found["counts"]["files"] == 2
    capfd.readouterr()
    refused = run("rollup", "thang-hanh-dong", "--year", "2026", "--pack", "hai-cap-2026", "--via-prefect")
    assert refused.exit_code == 1 and "leave out --pack and --output" in refused.stderr
    # Said once, by the command: not also as Prefect's failed task and flow with their tracebacks.
    console = capfd.readouterr()
    assert "Traceback" not in console.err + console.out and "Finished in state Failed" not in console.err


def test_the_flows_and_the_commands_call_the_same_job(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One function per job: a spy in its place is what both the command and the flow call."""
    from flows.plan_cycle import plan_cycle
    from flows.rollup_action_month import rollup_action_month
    from flows.send_digests import send_digests
    from flows.send_reminders import send_reminders

    calls: list[tuple[str, str]] = []

    def spy(name: str, result: Any) -> Callable[..., Any]:
        def job(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, kwargs.get("how", "direct")))
            return result

        return job

    from app.notifying import SweepResult
    from models.planning import PlanSummary

    monkeypatch.setattr(runs, "plan_cycle", spy("plan_cycle", PlanSummary(1, 0, 0, 0, 0, 0)))
    monkeypatch.setattr(runs, "send_reminders", spy("send_reminders", SweepResult()))
    monkeypatch.setattr(runs, "send_digests", spy("send_digests", SweepResult()))
    monkeypatch.setattr(runs, "rollup", spy("rollup", (None, [Path("a.xlsx"), Path("a.docx")])))
    for args in (
        ["cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24"],
        ["remind"],
        ["digest"],
    ):
        assert run(*args).exit_code == 0
    plan_cycle.fn("hai-cap-2026", 2026, under=["24"])
    send_reminders.fn(by="test")
    send_digests.fn(by="test")
    rollup_action_month.fn(2026, by="test")
    assert calls == [
        ("plan_cycle", "direct"),
        ("send_reminders", "direct"),
        ("send_digests", "direct"),
        ("plan_cycle", "prefect"),
        ("send_reminders", "prefect"),
        ("send_digests", "prefect"),
        ("rollup", "prefect"),
    ]


PROBE = """
import json, sys
from typer.testing import CliRunner
from cli.main import app
for args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
print(json.dumps(sorted(m for m in ("prefect", "uvicorn") if m in sys.modules)))
"""


def test_the_commands_without_prefect_api_url_never_load_prefect(tree: Path) -> None:
    import os

    commands = [
        ["cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24", "--at", "2026-01-05"],
        ["remind", "--at", "2026-06-26T07:30"],
        ["digest", "--at", "2026-06-26T08:00"],
        ["runs"],
    ]
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(commands)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


# The record itself.


def test_a_run_is_written_when_it_starts_and_completed_when_it_ends(engine: Engine) -> None:
    with runs.recorded(engine, "send_reminders", who="cli:test", how="direct", parameters={"at": None}) as tally:
        [running] = latest_runs(engine)
        assert (running.outcome, running.finished_at, running.parameters) == ("running", None, {})
        tally.counts = {"queued": 3, "sent": 3}
    [done] = latest_runs(engine)
    assert (done.outcome, done.counts, done.message) == ("ok", {"queued": 3, "sent": 3}, None)
    assert runs.RunLine(done).counts_text == "3 queued, 3 sent"
    assert runs.RunLine(done).job == "reminders" and runs.RunLine(done).outcome == "done"

    with pytest.raises(DunghanError), runs.recorded(engine, "plan_cycle", who="web:a@b", how="direct", parameters={}):
        raise DunghanError("no unit {field} here", field="under")
    with (
        pytest.raises(KeyboardInterrupt),
        runs.recorded(engine, "send_digests", who="cli:test", how="direct", parameters={}),
    ):
        raise KeyboardInterrupt
    stopped, refused, _ = latest_runs(engine)
    assert (refused.outcome, refused.message) == ("failed", "no unit 'under' here")
    assert (stopped.outcome, stopped.message) == ("failed", "bị dừng giữa chừng (Ctrl+C hoặc SIGTERM)")
    assert [r.id for r in latest_runs(engine, outcome="failed", limit=1)] == [stopped.id]
    assert [r.name for r in latest_runs(engine, name="plan_cycle")] == ["plan_cycle"]


def test_a_long_message_is_cut_and_an_instant_kept_in_utc(engine: Engine) -> None:
    run_id = start_run(
        engine, name="rollup", how="direct", who="x" * 300, scope=["24"], parameters={}, at=at("2026-12-01T08:00")
    )
    finish_run(engine, run_id, outcome="failed", message="é" * 900, at=at("2026-12-01T08:01"))
    [found] = latest_runs(engine)
    assert len(found.message or "") == 500 and (found.message or "").endswith("…")
    assert len(found.who) == 120 and found.seconds == 60
    assert found.started_at == at("2026-12-01T08:00")


def test_an_admin_sees_the_runs_over_everything_and_those_within_their_unit(engine: Engine) -> None:
    bac_ninh_2026(engine)
    for scope in ([], ["24"], ["01"], ["24", "01"], ["07627"]):
        run_id = start_run(
            engine, name="plan_cycle", how="direct", who="cli:t", scope=scope, parameters={}, at=at("2026-01-05T08:00")
        )
        finish_run(engine, run_id, outcome="ok", at=at("2026-01-05T08:00"))
    province = unit_at(engine, "24", at("2026-01-05T08:00").date())
    commune = unit_at(engine, "07627", at("2026-01-05T08:00").date())
    assert sorted(tuple(r.scope) for r in latest_runs(engine, within=province)) == [(), ("07627",), ("24",)]
    assert sorted(tuple(r.scope) for r in latest_runs(engine, within=commune)) == [(), ("07627",)]
    assert len(latest_runs(engine)) == 5
    assert len(latest_runs(engine, within=province, limit=2)) == 2


def test_when_each_job_last_ran(engine: Engine) -> None:
    for name, when in (("send_reminders", "2026-12-21T07:30"), ("send_reminders", "2026-12-22T07:30")):
        start_run(engine, name=name, how="prefect", who="t", scope=[], parameters={}, at=at(when))
    start_run(engine, name="rollup", how="prefect", who="t", scope=[], parameters={}, at=at("2026-12-01T06:00"))
    assert runs.last_started(engine) == {
        "send_reminders": at("2026-12-22T07:30"),
        "rollup_action_month": at("2026-12-01T06:00"),
    }
