"""`dunghan serve` keeps the schedule on one machine, for real: a Prefect API started with it,
Prefect's runner serving the deployments of prefect.yaml, the web pages; a scheduled sweep runs
and is recorded; SIGTERM or Ctrl+C stops everything it started, and it starts again.

The daily sweep's cron is replaced by one that fires every minute, through the test-only
override ``DUNGHAN_SERVE_CRON``; every other schedule is prefect.yaml's own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from models.database import make_engine
from models.runs import RunRow, latest_runs
from tests.notifications.peers import free_port

ROOT = Path(__file__).parents[2]
EVERY_MINUTE = '{"daily-sweep": "* * * * *"}'


def session_members(session: int) -> list[int]:
    """Every process of the session ``session`` (what `dunghan serve` started, however deep)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after the command's name, which may hold spaces
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(entry.name))
    return found


def environment(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DUNGHAN_", "PREFECT_API_URL", "PREFECT_HOME")) or k == "DUNGHAN_LANG"
    }
    env.update(DUNGHAN_HOME=str(home), DUNGHAN_SERVE_CRON=EVERY_MINUTE)
    return env


@contextmanager
def serving(home: Path, *args: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`dunghan serve ARGS` in a session of its own; whatever it left is killed afterwards."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", *args],
            cwd=ROOT,
            env=environment(home),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            for pid in session_members(process.pid):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.wait(timeout=30)


def sweeps(engine: Engine) -> list[RunRow]:
    return [r for r in latest_runs(engine, name="send_reminders", limit=100) if r.outcome == "ok"]


def wait_for(what: str, check: Any, process: subprocess.Popen[bytes], log: Path, timeout: float = 300) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dunghan serve ended ({process.returncode}) before {what}:\n{log.read_text()[-4000:]}")
        found = check()
        if found:
            return found
        time.sleep(1)
    pytest.fail(f"no {what} within {timeout:.0f} s:\n{log.read_text()[-4000:]}")


def api(url: str, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        f"{url}{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def stop(process: subprocess.Popen[bytes], sig: int, log: Path) -> float:
    """Send ``sig``; how long `dunghan serve` took to end, once nothing it started is left."""
    started = time.monotonic()
    process.send_signal(sig)
    code = process.wait(timeout=30)
    took = time.monotonic() - started
    assert code == 0, log.read_text()[-4000:]
    time.sleep(0.5)
    assert session_members(process.pid) == [], "processes left behind"
    return took


def test_the_schedule_runs_the_sweep_and_stops_with_everything_it_started(tmp_path: Path) -> None:
    home, log = tmp_path / "home", tmp_path / "serve.log"
    engine = make_engine(f"sqlite:///{home / 'dunghan.db'}")
    with serving(home, "--no-web", log=log) as process:
        api_file = home / "prefect" / "serve-api.json"
        wait_for("Prefect API", api_file.exists, process, log, timeout=240)
        url = json.loads(api_file.read_text())["url"]

        # The deployments of prefect.yaml, with their crons and time zone (the sweep's made quicker).
        written = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
        listed = wait_for(
            "the deployments",
            lambda: len(found := api(url, "/deployments/filter", {})) == len(written) and found,
            process,
            log,
        )
        served = {d["name"]: d for d in listed}
        assert set(served) == {d["name"] for d in written}
        for deployment in written:
            crons = {
                (s["schedule"]["cron"], s["schedule"]["timezone"]) for s in served[deployment["name"]]["schedules"]
            }
            expected = {
                ("* * * * *" if s["slug"] == "daily-sweep" else s["cron"], s["timezone"])
                for s in deployment["schedules"]
            }
            assert crons == expected, deployment["name"]
            assert served[deployment["name"]]["work_pool_name"] is None  # the runner runs them itself

        # One sweep caught up at start (07:30 passed today without one), then the schedule's own.
        wait_for("two sweeps", lambda: len(sweeps(engine)) >= 2, process, log)

        def scheduled() -> list[Any]:  # a sweep the scheduler itself created, completed
            done = api(url, "/flow_runs/filter", {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}})
            return [r for r in done if r["name"].startswith("send_reminders") and r["auto_scheduled"]]

        wait_for("a completed sweep from the scheduler", scheduled, process, log, timeout=120)
        assert {r.who for r in sweeps(engine)} == {"prefect:send_reminders/daily"}
        assert {r.how for r in sweeps(engine)} == {"prefect"}

        took = stop(process, signal.SIGTERM, log)
        assert took < 12, f"stopping took {took:.1f} s"
        assert not api_file.exists()
    before = len(sweeps(engine))

    # Started again, with the web pages this time: the schedule goes on; Ctrl+C stops it all.
    port = free_port()
    with serving(home, "--port", str(port), log=log) as process:

        def page() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap", timeout=2) as answer:
                    return bool(answer.status == 200)
            except OSError:
                return False

        wait_for("the log-in page", page, process, log, timeout=120)
        wait_for("a sweep after the restart", lambda: len(sweeps(engine)) > before, process, log)
        took = stop(process, signal.SIGINT, log)
        assert took < 12, f"stopping took {took:.1f} s"
    engine.dispose()


def test_serve_refuses_to_run_nothing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "serve", "--no-web", "--no-schedule"],
        cwd=ROOT,
        env=environment(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["dunghan: nothing to run: drop --no-web or --no-schedule"]


def test_with_a_prefect_server_the_schedule_is_the_servers(tmp_path: Path) -> None:
    env = {**environment(tmp_path / "home"), "PREFECT_API_URL": "http://127.0.0.1:9/api"}
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "serve", "--no-web"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "the schedule is kept by the Prefect server and its workers" in done.stderr
    assert "nothing to run" in done.stderr
