"""Several writers at once, as real processes, on SQLite and PostgreSQL: nothing twice, nothing
lost, nothing locked.

The daily sweep, the hourly retry, officers submitting and a killed command all write to one
database while a real SMTP server counts every notice it receives (by its ``X-Dunghan-Notice``
header). Each test reproduces a fault that was measured before notices were claimed with a lease
and SQLite transactions began IMMEDIATE.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import col

from app.demo import load_tree
from models.outbox import NoticeDraft, enqueue
from models.planning import plan_cycle
from models.tables import Notice, Obligation, Unit
from rules.loader import calendar_for, shipped_packs
from tests.conftest import POSTGRES_URL, fresh_engine
from tests.notifications.peers import Mailbox, smtp_server

SWEEP_AT = "2026-12-22T07:30"
STRESS_SECONDS = float(os.environ.get("DUNGHAN_STRESS_SECONDS", "60"))
KILL_LEASE_SECONDS = 1.0


@pytest.fixture
def mail() -> Iterator[tuple[str, Mailbox]]:
    with smtp_server() as peer:
        yield peer


def received(mailbox: Mailbox) -> list[str]:
    with mailbox.lock:
        return [str(message["X-Dunghan-Notice"]) for _, message in mailbox.messages]


def environment(backend: str, tmp_path: Path, smtp_url: str, **extra: str) -> dict[str, str]:
    """The commands' environment: without PREFECT_API_URL (unless ``extra`` sets it), each flow
    command starts Prefect's temporary API of its own, as a command run by hand or by cron does."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DUNGHAN_", "PREFECT_API_URL")) or k == "DUNGHAN_LANG"
    }
    url = POSTGRES_URL if backend == "postgresql" else f"sqlite:///{tmp_path / 'dunghan.db'}"
    env.update(
        {
            "DUNGHAN_HOME": str(tmp_path / "home"),
            "DUNGHAN_DATABASE_URL": url or "",
            "DUNGHAN_DELIVERY": "send",
            "DUNGHAN_SMTP_URL": smtp_url,
            "DUNGHAN_RATE_EMAIL": "0",
            "PREFECT_HOME": str(tmp_path / "prefect"),
            **extra,
        }
    )
    return env


def start(env: dict[str, str], *args: str, log: Path | None = None) -> subprocess.Popen[str]:
    """``dunghan ARGS`` in a process group of its own (so a kill reaches all it started).

    With ``log`` its output goes to that file instead of pipes: a caller that only polls would
    never empty a pipe, and a command printing a long table would block on a full one.
    """
    output: Any = log.open("w", encoding="utf-8") if log else subprocess.PIPE
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if log else subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def run_command(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def planned_workspace(backend: str, tmp_path: Path) -> Engine:
    """Bắc Ninh's tree with a focal point and a head for every unit, the 2026 pack planned."""
    engine = fresh_engine(backend, tmp_path)
    load_tree(engine)
    pack = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
    now = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    plan_cycle(engine, pack, 2026, calendar_for(), params={}, scope=["24"], now=now, actor="admin")
    return engine


def queued_and_delivered(stdout: str) -> tuple[int, int]:
    found = re.search(r"(\d+) notice\(s\) queued, (\d+) delivered", stdout)
    assert found, stdout
    return int(found[1]), int(found[2])


def test_two_sweeps_at_once_send_each_notice_once(backend: str, tmp_path: Path, mail: tuple[str, Mailbox]) -> None:
    url, mailbox = mail
    engine = planned_workspace(backend, tmp_path)
    env = environment(backend, tmp_path, url)
    first = start(env, "remind", "--at", SWEEP_AT)
    time.sleep(3)
    second = start(env, "remind", "--at", SWEEP_AT)
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], [err[-2000:] for _, err in outputs]

    keys = received(mailbox)
    with engine.connect() as connection:
        stored = dict(
            connection.execute(select(col(Notice.status), func.count()).group_by(col(Notice.status))).tuples().all()
        )
        sent = set(
            connection.execute(
                select(col(Notice.key)).where(col(Notice.status) == "sent", col(Notice.channel) == "email")
            ).scalars()
        )
        swept = connection.execute(select(func.count()).where(col(Notice.fallback_of).is_(None))).scalar_one()
    engine.dispose()
    assert len(keys) > 100, stored
    assert [key for key, times in Counter(keys).items() if times > 1] == []
    assert set(keys) == sent
    counts = [queued_and_delivered(out) for out, _ in outputs]
    print(f"two sweeps ({backend}): queued {counts}, {len(keys)} mails received, {len(set(keys))} different")
    assert sum(q for q, _ in counts) == swept  # what each sweep says it queued adds up
    assert sum(d for _, d in counts) == len(keys)
    assert set(stored) <= {"sent", "dead"}, stored  # dead: Zalo notices, sent by e-mail instead


def test_killed_deliveries_lose_nothing_and_repeat_at_most_one_message_each(
    backend: str, tmp_path: Path, mail: tuple[str, Mailbox]
) -> None:
    url, mailbox = mail
    engine = fresh_engine(backend, tmp_path)
    now = datetime.now(UTC)
    sessions = 2
    drafts = [
        NoticeDraft(
            key=f"kill-loop:{number}",
            kind="admin",
            obligation_id=None,
            step=None,
            contact_id=None,
            recipient_role="admin",
            recipient_name="Quản trị hệ thống",
            channel="email",
            address=f"quan-tri-{number}@snv.bacninh.gov.vn",
            template="gaps",
            subject=f"Thư thử số {number}",
            body_text="Nội dung thư thử.",
            body_html=None,
            payload=None,
            note=None,
            not_before=now,
        )
        for number in range(600)
    ]
    enqueue(engine, drafts, at=now)
    # Two SMTP sessions, whose results are written together when they finish together: the bound
    # is one message in flight per session, two a kill. Chunks of 20 at 150 messages a second: a
    # run is killed within its first few chunks, at a claim or mid-chunk.
    env = environment(
        backend,
        tmp_path,
        url,
        DUNGHAN_RATE_EMAIL="150",
        DUNGHAN_CONCURRENCY_EMAIL=str(sessions),
        DUNGHAN_DELIVERY_LEASE_SECONDS=str(KILL_LEASE_SECONDS),
        DUNGHAN_DELIVERY_CHUNK="20",
    )
    rng = random.Random(11)
    kills = 0
    for _ in range(40):
        if kills >= 12:
            break
        before = len(received(mailbox))
        process = start(env, "outbox", "retry", log=tmp_path / "retry.log")
        while len(received(mailbox)) == before and process.poll() is None:
            time.sleep(0.01)  # until its first message arrives: every kill lands while messages flow
        time.sleep(rng.uniform(0.0, 0.4))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            kills += 1
        process.wait()
        time.sleep(KILL_LEASE_SECONDS + 0.2)  # the killed run's lease runs out: the next run takes its notices
    assert kills >= 10
    done = run_command(env, "outbox", "retry")
    assert done.returncode == 0, done.stderr
    keys = received(mailbox)
    with engine.connect() as connection:
        statuses = set(connection.execute(select(col(Notice.status))).scalars())
    engine.dispose()
    assert set(keys) == {d.key for d in drafts}, "every notice arrives"
    repeats = len(keys) - len(set(keys))
    print(f"kill loop ({backend}): {len(drafts)} notices, {kills} kills, {repeats} repeated, 0 lost")
    assert repeats <= sessions * kills, f"{repeats} repeats after {kills} kills of {sessions} sessions"
    assert statuses == {"sent"}


def test_four_writers_for_a_minute_fail_nothing_and_send_nothing_twice(
    backend: str, tmp_path: Path, mail: tuple[str, Mailbox], prefect_api_url: str
) -> None:
    url, mailbox = mail
    engine = planned_workspace(backend, tmp_path)
    with engine.connect() as connection:
        open_keys = [
            (code, report, period)
            for code, report, period in connection.execute(
                select(col(Unit.code), col(Obligation.report_id), col(Obligation.period))
                .join(Unit, col(Unit.id) == col(Obligation.unit_id))
                .where(col(Obligation.state) == "pending", col(Obligation.hop) == 1)
                .order_by(col(Obligation.id))
            )
        ]
    # The sweeps run their flow on the session's Prefect API: a temporary API of their own would
    # spend most of each run starting up, away from dunghan's database (two_sweeps_at_once keeps that).
    env = environment(backend, tmp_path, url, PREFECT_API_URL=prefect_api_url)
    deadline = time.monotonic() + STRESS_SECONDS
    days = iter(f"2026-12-{day:02d}T07:30" for day in range(14, 32))
    writers: dict[str, list[str]] = {
        "sweep": [],
        "retry": [],
        "submit-a": [],
        "submit-b": [],
    }
    submissions = {"submit-a": iter(open_keys[0::2]), "submit-b": iter(open_keys[1::2])}
    running: dict[str, subprocess.Popen[str]] = {}
    failures: list[str] = []
    done_runs: Counter[str] = Counter()

    def next_command(name: str) -> list[str] | None:
        if name == "sweep":
            day = next(days, None)
            return ["remind", "--at", day] if day else None
        if name == "retry":
            return ["outbox", "retry"]
        key = next(submissions[name], None)
        return ["submit", *key, "--note", "nộp thử khi có người khác cùng ghi"] if key else None

    while time.monotonic() < deadline or running:
        for name in writers:
            process = running.get(name)
            if process is not None and process.poll() is None:
                continue
            if process is not None:
                process.wait()
                done_runs[name] += 1
                if process.returncode != 0:
                    said = (tmp_path / f"{name}.log").read_text(encoding="utf-8")[-500:]
                    failures.append(f"{name} {' '.join(writers[name])}: exit {process.returncode}: {said}")
                del running[name]
            if time.monotonic() < deadline and (command := next_command(name)):
                writers[name] = command
                running[name] = start(env, *command, log=tmp_path / f"{name}.log")
        time.sleep(0.05)

    keys = received(mailbox)
    with engine.connect() as connection:
        submitted = connection.execute(select(func.count()).where(col(Obligation.state) == "submitted")).scalar_one()
    engine.dispose()
    print(f"four writers ({backend}, {STRESS_SECONDS:.0f} s): runs {dict(done_runs)}, {len(failures)} failed")
    assert failures == []
    assert done_runs["submit-a"] + done_runs["submit-b"] == submitted
    assert done_runs["sweep"] >= 1 and done_runs["retry"] >= 2 and submitted >= 20, done_runs
    assert [key for key, times in Counter(keys).items() if times > 1] == []


def _group_members(group: int) -> list[str]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp
            members.append(stat.parent.name)
    return members


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_killed_sweep_leaves_no_process_behind(backend: str, tmp_path: Path, mail: tuple[str, Mailbox]) -> None:
    url, _ = mail
    planned_workspace(backend, tmp_path).dispose()
    process = start(
        environment(backend, tmp_path, url), "remind", "--via-prefect", "--at", SWEEP_AT, log=tmp_path / "remind.log"
    )
    started = time.monotonic()
    while len(_group_members(process.pid)) < 2 and process.poll() is None and time.monotonic() - started < 120:
        time.sleep(0.2)  # until Prefect's temporary API (a child process) is up
    assert len(_group_members(process.pid)) >= 2, "the command started no server"
    os.kill(process.pid, signal.SIGKILL)  # the command only, as a crash or the OOM killer would
    process.wait()
    waited = time.monotonic()
    while _group_members(process.pid) and time.monotonic() - waited < 15:
        time.sleep(0.2)
    assert _group_members(process.pid) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_remind_stopped_mid_delivery_ends_in_two_seconds_and_loses_nothing(
    backend: str, tmp_path: Path, mail: tuple[str, Mailbox], sig: signal.Signals
) -> None:
    url, mailbox = mail
    mailbox.slow = 0.2  # a slow server: the sweep is still delivering when the signal comes
    engine = planned_workspace(backend, tmp_path)
    env = environment(backend, tmp_path, url, DUNGHAN_DELIVERY_LEASE_SECONDS=str(KILL_LEASE_SECONDS))
    log = tmp_path / "remind.log"
    process = start(env, "remind", "--at", SWEEP_AT, log=log)
    started = time.monotonic()
    while len(received(mailbox)) < 3 and process.poll() is None and time.monotonic() - started < 120:
        time.sleep(0.05)
    assert process.poll() is None, log.read_text(encoding="utf-8")
    signalled = time.monotonic()
    os.killpg(process.pid, sig)  # as a terminal's Ctrl+C or systemd's stop reach the whole group
    process.wait(timeout=30)
    stopped_in = time.monotonic() - signalled
    said = log.read_text(encoding="utf-8")
    assert process.returncode == 130, said
    assert stopped_in < 2.0, f"stopped in {stopped_in:.1f} s"
    assert "Traceback" not in said and said.strip().splitlines()[-1].startswith("dunghan: stopped"), said

    with engine.connect() as connection:
        marked = set(connection.execute(select(col(Notice.key)).where(col(Notice.status) == "sent")).scalars().all())
        pending = connection.execute(
            select(func.count()).where(col(Notice.status).in_(("pending", "failed")))
        ).scalar_one()
        run = connection.execute(text("SELECT outcome, message FROM run ORDER BY id DESC LIMIT 1")).one()
    got = set(received(mailbox))
    assert pending > 0  # stopped before the end: the rest waits in the outbox
    assert marked <= got and len(got - marked) <= 2  # at most the message in flight per sender is unmarked
    assert run.outcome == "failed" and "bị dừng giữa chừng" in run.message

    time.sleep(KILL_LEASE_SECONDS + 0.2)  # the stopped run's claims run out; the next sweep takes them
    mailbox.slow = 0.0
    again = run_command(env, "remind", "--at", SWEEP_AT)
    assert again.returncode == 0, again.stderr[-2000:]
    keys = received(mailbox)
    twice = [key for key, times in Counter(keys).items() if times > 1]
    with engine.connect() as connection:
        waiting = select(func.count()).where(col(Notice.status).in_(("pending", "failed")))
        left = connection.execute(waiting).scalar_one()
    engine.dispose()
    assert left == 0 and len(twice) <= 2, twice  # nothing lost; only one in flight may come twice
