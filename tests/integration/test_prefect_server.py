"""The production path, end to end: Prefect's server on PostgreSQL, a process worker, the
deployments of prefect.yaml, dunghan's database on PostgreSQL and a real SMTP server.

Everything this test starts, it stops by process id (each in its own process group, so the
worker's flow-run processes go too).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlmodel import col

from models.database import make_engine, migrate
from models.org_rows import ContactRow
from models.planning import plan_cycle
from models.tables import Notice
from models.tree import import_org
from rules.loader import calendar_for, shipped_packs
from tests.conftest import POSTGRES_URL
from tests.models.factory import at, bac_ninh_2026
from tests.notifications.peers import free_port, smtp_server

ROOT = Path(__file__).parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))
PACK = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
FOCAL = "tu@stp.bacninh.gov.vn"


def fresh_database(suffix: str) -> str:
    """A new, empty database beside the test database, named after it (``dunghan_test_SUFFIX``), so
    that runs on two test databases of one server never drop each other's; its SQLAlchemy URL."""
    assert POSTGRES_URL
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_{suffix}"
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


@contextmanager
def started(command: list[str], *, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
                try:
                    os.killpg(process.pid, sig)
                    process.wait(timeout=wait)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    continue


def wait_healthy(api: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"prefect server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"prefect server not healthy after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def prefect(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run([PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"prefect {' '.join(args)} exited {done.returncode}:\n{output[-4000:]}"
    return output


@pytest.mark.skipif(not POSTGRES_URL and not os.environ.get("CI"), reason="needs PostgreSQL: bash .ci/postgres")
def test_a_deployed_sweep_runs_on_a_worker_and_mails_through_smtp(tmp_path: Path) -> None:
    assert POSTGRES_URL, "CI runs the integration test: set DUNGHAN_TEST_POSTGRES_URL"
    dunghan_url = fresh_database("integration")
    prefect_url = make_url(fresh_database("prefect")).set(drivername="postgresql+asyncpg")

    engine = make_engine(dunghan_url)
    migrate(engine)
    bac_ninh_2026(engine)
    contact = ContactRow(1, "24-STP", "Đỗ Minh Tư", "focal_point", FOCAL, None, None, "email", True)
    import_org(engine, [], [contact], source="test")
    plan_cycle(engine, PACK, 2026, calendar_for(), params={}, scope=["24"], now=at("2026-01-05T08:00"), actor="test")

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    with smtp_server() as (smtp_url, mailbox):
        env = {
            **os.environ,
            "PREFECT_HOME": str(tmp_path / "prefect"),
            "PREFECT_API_URL": api,
            "PREFECT_API_DATABASE_CONNECTION_URL": prefect_url.render_as_string(hide_password=False),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PREFECT_LOGGING_LEVEL": "INFO",
            "DUNGHAN_HOME": str(tmp_path / "home"),
            "DUNGHAN_DATABASE_URL": dunghan_url,
            "DUNGHAN_DELIVERY": "send",
            "DUNGHAN_SMTP_URL": smtp_url,
            "DUNGHAN_RATE_EMAIL": "0",
        }
        server_log, worker_log = tmp_path / "server.log", tmp_path / "worker.log"
        server_command = [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"]
        with started(server_command, env=env, log=server_log) as server:
            wait_healthy(api, server, server_log)
            prefect("work-pool", "create", "dunghan", "--type", "process", env=env)
            deployed = prefect("--no-prompt", "deploy", "--all", env=env)
            for name in (
                "send_reminders/daily",
                "retry_notices/hourly",
                "plan_cycle/yearly",
                "send_digests/working-days",
            ):
                assert name in deployed
            with started([PREFECT, "worker", "start", "--pool", "dunghan", "--limit", "1"], env=env, log=worker_log):
                run = subprocess.run(
                    [PREFECT, "deployment", "run", "send_reminders/daily", "--param", "at=2026-06-26T07:30", "--watch"],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=660,
                )
                logs = f"{run.stdout}{run.stderr}\n--- worker ---\n{worker_log.read_text()[-6000:]}"
                assert run.returncode == 0, logs
                assert "Completed" in run.stdout + run.stderr, logs

    with engine.connect() as connection:
        rows = connection.execute(
            select(col(Notice.address), col(Notice.status), col(Notice.step)).where(col(Notice.kind) != "admin")
        ).all()
    assert rows, "the sweep queued notices in dunghan's database"
    assert {status for _, status, _ in rows} == {"sent"}
    assert FOCAL in {address for address, _, _ in rows}
    received = {address for envelope, _ in mailbox.messages for address in envelope.rcpt_tos}
    assert received == {address for address, _, _ in rows}
    engine.dispose()
