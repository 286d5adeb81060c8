"""Benchmark: the web pages at national scale, through a real server on 127.0.0.1.

    python -m uv run --group dev python scripts/bench_web.py                   # SQLite
    python -m uv run --group dev python scripts/bench_web.py --postgres URL    # and PostgreSQL (its schema is reset)
    python -m uv run --group dev python scripts/bench_web.py --seconds 10 --sessions 10 --requests 20  # shorter

The workspace is the planning benchmark's (scripts/benchmark_planning.py): today's tree (34
provinces with 20 agencies each, 3,321 communes), the two-tier pack and its monthly variant
planned for 2026 over the whole country (60,015 obligations), nothing sent yet; the
pages' clock stands at 22/11/2026 09:00, when each province has about 1,400 obligations overdue.
People log in through the form, each with an account of their own.

1. One page at a time (after a warm-up), p50 and p95 over --requests: the overdue list of one
   province (100 rows a page) for its supervisor, the national rates for a supervisor at the
   ministry (BNV), and for scale an officer's and a reviewer's lists and the ministry's calendar
   feed (2,000 events).
2. --sessions people at once for --seconds, each in a thread with its own client and log-in,
   each going round the pages of their role; p50, p95, the slowest, errors (anything but 200).

`dunghan serve` runs in a process of its own (one worker unless --workers), as it would be
deployed; the load comes from this process, on the same machine.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import users
from models.database import make_engine, migrate
from models.planning import plan_cycle
from rules.calendar import VIETNAM
from rules.loader import calendar_for, shipped_packs
from scripts.benchmark_planning import current_tree, emptied_postgres, monthly

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-11-22T09:00"  # the pages' clock (a Sunday morning: the monthly reports of October are late)
PLANNED_AT = datetime(2026, 1, 5, 8, tzinfo=VIETNAM)
PASSWORD = "mat-khau-do-tai-trang-web"
PROVINCES = ["24", "01", "79", "48", "31", "92", "46", "38", "56", "75"]  # the sessions' provinces, in turn
ID = re.compile(r"/\d+")  # /don-vi/17 and /don-vi/21 are one page to the figures
TARGET_PAGE_P95 = 0.200
TARGET_LOAD_P95 = 0.500


@dataclass(frozen=True)
class Person:
    email: str
    role: str
    unit: str


def people(sessions: int, communes: dict[str, list[str]]) -> list[Person]:
    """The measured pages' four people, then one account per session: of ten, four officers of
    communes, two reviewers at a Sở Nội vụ, three supervisors of a province, one at the ministry."""
    found = [
        Person("lanhdao.24@bench.example", "supervisor", "24"),
        Person("lanhdao.bnv@bench.example", "supervisor", "BNV"),
        Person("tiepnhan.24@bench.example", "reviewer", "24-SNV"),
        Person("canbo.24@bench.example", "officer", communes["24"][0]),
    ]
    for n in range(sessions):
        province = PROVINCES[n % len(PROVINCES)]
        kind = n % 10
        if kind < 4:
            unit = communes[province][n % len(communes[province])]
            found.append(Person(f"s{n}.canbo@bench.example", "officer", unit))
        elif kind < 6:
            found.append(Person(f"s{n}.tiepnhan@bench.example", "reviewer", f"{province}-SNV"))
        elif kind < 9:
            found.append(Person(f"s{n}.lanhdao@bench.example", "supervisor", province))
        else:
            found.append(Person(f"s{n}.bonoivu@bench.example", "supervisor", "BNV"))
    return found


def communes_by_province(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT p.code, c.code FROM unit c JOIN unit p ON p.id = c.parent_id "
                "WHERE c.level = 'commune' AND c.valid_to IS NULL ORDER BY p.code, c.code"
            )
        ).all()
    found: dict[str, list[str]] = defaultdict(list)
    for province, commune in rows:
        found[province].append(commune)
    return found


def build(engine: Engine) -> None:
    """The planning benchmark's national workspace, 2026: today's tree, the two-tier pack and its
    monthly variant."""
    packs = {p.pack.id: p.pack for p in shipped_packs()}
    cal = calendar_for()
    started = time.perf_counter()
    current_tree(engine)
    two_tier = packs["hai-cap-2026"]
    for pack in (two_tier, monthly(two_tier, "bdg-nam", "bdg-thang")):
        plan_cycle(engine, pack, 2026, cal, params={}, scope=[], now=PLANNED_AT, actor="bench")
    with engine.connect() as connection:
        total = connection.execute(text("SELECT count(*) FROM obligation")).scalar_one()
    print(f"  built the national workspace: {total:,} obligations in {time.perf_counter() - started:.0f} s", flush=True)


def add_people(engine: Engine, found: list[Person]) -> None:
    with engine.connect() as connection:
        known = set(connection.execute(text("SELECT email FROM app_user")).scalars())
    for person in found:
        if person.email in known:
            continue
        users.add_user(
            engine,
            email=person.email,
            name=f"Người đo {person.unit}",
            role=person.role,
            unit=person.unit,
            at=PLANNED_AT,
            actor="bench",
            password=PASSWORD,
            link_base=None,
        )


def prepared(url: str, *, fresh: bool, sessions: int) -> list[Person]:
    """The workspace at ``url`` with the accounts (built when new or when ``fresh``)."""
    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            planned = connection.execute(text("SELECT count(*) FROM obligation")).scalar_one()
        if fresh or not planned:
            build(engine)
        found = people(sessions, communes_by_province(engine))
        add_people(engine, found)
        return found
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(
    home: Path, database_url: str | None, workers: int, started: list[subprocess.Popen[bytes]] | None = None
) -> Iterator[str]:
    """`dunghan serve` in a process of its own; its base URL once it answers (and the process
    appended to ``started``, for a caller that reads its CPU time)."""
    port = free_port()
    env = dict(os.environ, DUNGHAN_HOME=str(home))
    env.pop("DUNGHAN_LINK_BASE", None)
    if database_url:
        env["DUNGHAN_DATABASE_URL"] = database_url
    else:
        env.pop("DUNGHAN_DATABASE_URL", None)
    command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--at", AT, "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    if started is not None:
        started.append(process)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/dang-nhap", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("dunghan serve did not start")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def logged_in(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    form = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, form.text
    done = client.post("/dang-nhap", data={"email": email, "password": PASSWORD, "csrf": token[1], "tiep": "/"})
    assert done.status_code == 303, (email, done.status_code, done.text[:300])
    return client


def feed_path(client: httpx.Client) -> str:
    page = client.get("/lich")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    made = client.post("/lich/tao", data={"csrf": csrf[1]})
    found = re.search(r">https?://[^/]+(/lich/[A-Za-z0-9_-]+\.ics)</textarea>", made.text)
    assert found, made.text[:500]
    return found[1]


def pages_of(client: httpx.Client, person: Person) -> list[str]:
    """The pages a person goes round: their lists, one obligation or unit page, their calendar page."""
    if person.role == "officer":
        todo = client.get("/viec-can-lam")
        first = re.search(r'href="(/nghia-vu/\d+)"', todo.text)
        return ["/viec-can-lam", first[1] if first else "/viec-can-lam", "/lich"]
    if person.role == "reviewer":
        return ["/cho-tiep-nhan", "/viec-can-lam", "/lich"]
    home = client.get("/qua-han")
    unit = re.search(r'href="(/don-vi/\d+)"', home.text)
    pages = ["/qua-han", "/qua-han?trang=2", "/ty-le", unit[1] if unit else "/ty-le"]
    return pages if person.unit != "BNV" else ["/ty-le", "/qua-han", unit[1] if unit else "/ty-le"]


def kind_of(person: Person) -> str:
    return "ministry" if person.unit == "BNV" else person.role


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


@dataclass(frozen=True)
class Measured:
    label: str
    p50: float
    p95: float
    slowest: float
    size: int


def timed_page(
    label: str, client: httpx.Client, path: str, times: int, *, warm: int, target: float = TARGET_PAGE_P95
) -> Measured:
    """``path`` asked ``warm`` times, then ``times`` times one after another: its line of figures,
    printed, flagged when its p95 is over ``target`` seconds."""
    for _ in range(warm):
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    durations = []
    for _ in range(times):
        start = time.perf_counter()
        answer = client.get(path)
        durations.append(time.perf_counter() - start)
        assert answer.status_code == 200, (path, answer.status_code)
    measured = Measured(
        label, statistics.median(durations), quantile(durations, 0.95), max(durations), len(answer.content)
    )
    flag = "" if measured.p95 <= target else f"  > target by {ms(measured.p95 - target).strip()}"
    print(
        f"  {label:<44} {times:3d}× p50 {ms(measured.p50)}  p95 {ms(measured.p95)}  max {ms(measured.slowest)}"
        f"  {measured.size / 1024:7.0f} KB{flag}",
        flush=True,
    )
    return measured


def one_at_a_time(base: str, found: list[Person], requests: int) -> list[Measured]:
    supervisor, national, reviewer, officer = (logged_in(base, p.email) for p in found[:4])
    province_unit = re.search(r'href="(/don-vi/\d+)"', supervisor.get("/ty-le").text)
    national_unit = re.search(r'href="(/don-vi/\d+)"', national.get("/ty-le").text)
    first = re.search(r'href="(/nghia-vu/\d+)"', officer.get("/viec-can-lam").text)
    assert province_unit and national_unit and first
    few = min(requests, 10)  # the pages that take seconds
    cases = [
        ("/qua-han, supervisor of 24 (page 1 of 15)", supervisor, "/qua-han", requests),
        ("/qua-han?trang=8, supervisor of 24", supervisor, "/qua-han?trang=8", requests),
        ("/ty-le, supervisor at the ministry (BNV)", national, "/ty-le", requests),
        ("/ty-le, supervisor of 24", supervisor, "/ty-le", requests),
        ("/don-vi/{24}, supervisor of 24", supervisor, province_unit[1], requests),
        ("/viec-can-lam, officer of a commune of 24", officer, "/viec-can-lam", requests),
        ("/nghia-vu/{id}, officer of a commune of 24", officer, first[1], requests),
        ("/cho-tiep-nhan, reviewer at 24-SNV", reviewer, "/cho-tiep-nhan", requests),
        ("/viec-can-lam, reviewer at 24-SNV", reviewer, "/viec-can-lam", requests),
        ("/lich, officer of a commune of 24", officer, "/lich", requests),
        ("/lich/….ics, ministry (2,000 events)", national, feed_path(national), requests),
        ("/qua-han, ministry (48,000 rows)", national, "/qua-han", few),
        ("/don-vi/{BNV}, ministry", national, national_unit[1], few),
    ]
    results = [
        timed_page(label, client, path, times, warm=3 if times == requests else 1)
        for label, client, path, times in cases
    ]
    for client in (supervisor, national, reviewer, officer):
        client.close()
    return results


@dataclass
class Tally:
    durations: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def under_load(
    base: str, found: list[Person], sessions: int, seconds: float, think: float, leave_out: list[str]
) -> Tally:
    """``sessions`` people at once for ``seconds``, each logged in as themself, round their pages,
    reading each page for ``think`` seconds on average (0: the next request at once)."""
    tally = Tally()
    mine = found[4 : 4 + sessions]
    clients = [logged_in(base, p.email) for p in mine]
    rounds = [
        [page for page in pages_of(c, p) if f"{kind_of(p)}:{page}" not in leave_out] or ["/lich"]
        for c, p in zip(clients, mine, strict=True)
    ]
    start_together = threading.Barrier(len(clients) + 1)
    stop: list[float] = []

    def session(client: httpx.Client, pages: list[str], offset: int, kind: str) -> None:
        pause = random.Random(offset)
        start_together.wait()
        n = offset
        while time.perf_counter() < stop[0]:
            if think and n > offset:
                time.sleep(pause.uniform(0.5 * think, 1.5 * think))
            path = pages[n % len(pages)]
            n += 1
            started = time.perf_counter()
            try:
                answer = client.get(path)
                ok = answer.status_code == 200
                problem = f"{path}: {answer.status_code}"
            except httpx.HTTPError as exc:
                ok, problem = False, f"{path}: {type(exc).__name__}"
            took = time.perf_counter() - started
            with tally.lock:
                tally.durations[f"{kind:<10} {ID.sub('/{id}', path.split('?')[0])}"].append(took)
                if not ok:
                    tally.errors.append(problem)

    threads = [
        threading.Thread(target=session, args=(c, r, i, kind_of(p)), daemon=True)
        for i, (c, r, p) in enumerate(zip(clients, rounds, mine, strict=True))
    ]
    for thread in threads:
        thread.start()
    stop.append(time.perf_counter() + seconds)
    start_together.wait()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    for client in clients:
        client.close()
    every = [d for ds in tally.durations.values() for d in ds]
    reading = f", reading each page {think:g} s on average" if think else ", no pause between requests"
    print(
        f"  {sessions} sessions{reading}, {seconds:.0f} s: {len(every)} requests ({len(every) / seconds:.1f}/s), "
        f"p50 {ms(statistics.median(every)).strip()}, p95 {ms(quantile(every, 0.95)).strip()}, "
        f"max {ms(max(every)).strip()}, errors {len(tally.errors)}",
        flush=True,
    )
    for path, durations in sorted(tally.durations.items()):
        print(
            f"    {path:<30} {len(durations):6d} requests  p50 {ms(statistics.median(durations))}"
            f"  p95 {ms(quantile(durations, 0.95))}  max {ms(max(durations))}"
        )
    for problem in sorted(set(tally.errors))[:10]:
        print(f"    error: {problem} ×{tally.errors.count(problem)}")
    return tally


def profile(url: str, email: str, path: str, requests: int) -> None:
    """Where one page's time goes: the app in this process on a test client, its routes and
    dependencies run in the event loop's thread (not a thread pool) so that one profiler sees it all."""
    import fastapi.dependencies.utils
    import fastapi.routing
    from fastapi import Request
    from fastapi.testclient import TestClient

    from rules.clock import fixed_clock, parse_at
    from web.main import create_app

    async def inline(func: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    for module in (fastapi.routing, fastapi.dependencies.utils):
        module.__dict__["run_in_threadpool"] = inline
    profiler = cProfile.Profile()
    engine = make_engine(url)
    app = create_app(engine, clock=fixed_clock(parse_at(AT)))
    measuring: list[bool] = []

    @app.middleware("http")
    async def profiled(request: Request, call_next: Any) -> Any:
        if not measuring:
            return await call_next(request)
        profiler.enable()
        try:
            return await call_next(request)
        finally:
            profiler.disable()

    client = TestClient(app)
    form = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token
    client.post("/dang-nhap", data={"email": email, "password": PASSWORD, "csrf": token[1], "tiep": "/"})
    assert client.get(path).status_code == 200
    measuring.append(True)
    for _ in range(requests):
        client.get(path)
    print(f"\n  profile of {path} for {email} ({requests} requests), by time of its own:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
    print("  by cumulative time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats("dunghan|/app/|/models/|/web/", 25)
    client.close()
    engine.dispose()


def load() -> str:
    """The machine's load averages (1, 5, 15 min): other work skews the figures."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(label: str, url: str, home: Path, args: argparse.Namespace, *, fresh: bool) -> None:
    print(f"\n{label}; {os.cpu_count()} cores, load average {load()}", flush=True)
    found = prepared(url, fresh=fresh, sessions=args.sessions)
    with server(home, url if url.startswith("postgresql") else None, args.workers) as base:
        print(f"  dunghan serve --workers {args.workers} at {base}, clock {AT}")
        if not args.load_only:
            print(f"  one page at a time, {args.requests} requests each:")
            one_at_a_time(base, found, args.requests)
        print(f"  load average before the sessions: {load()}", flush=True)
        if args.leave_out:
            print(f"  left out of the sessions' rounds: {', '.join(args.leave_out)}")
        for think in args.think:
            under_load(base, found, args.sessions, args.seconds, think, args.leave_out)
        print(f"  load average after: {load()}", flush=True)
    if args.profile:
        email, path = args.profile.split(" ", 1)
        profile(url, email, path, args.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (its public schema is reset)")
    parser.add_argument("--requests", type=int, default=50, help="requests per page, one at a time (default 50)")
    parser.add_argument("--sessions", type=int, default=50, help="people at once (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="how long the people at once go on (default 60)")
    parser.add_argument(
        "--think",
        type=float,
        nargs="*",
        default=[0.0, 2.0],
        help="seconds each person reads a page, on average; one run per value (default: 0 then 2; none: no run)",
    )
    parser.add_argument(
        "--leave-out",
        nargs="*",
        default=[],
        metavar="KIND:PAGE",
        help="pages the sessions skip, e.g. ministry:/qua-han (kinds: officer, reviewer, supervisor, ministry)",
    )
    parser.add_argument("--load-only", action="store_true", help="skip the one-page-at-a-time figures")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    parser.add_argument("--home", type=Path, help="keep the SQLite workspace here and reuse it the next time")
    parser.add_argument("--reuse-postgres", action="store_true", help="keep what the PostgreSQL database holds")
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL (with --postgres)")
    parser.add_argument(
        "--profile",
        metavar="'EMAIL PATH'",
        help="then profile one page in this process, e.g. 'lanhdao.bnv@bench.example /ty-le'",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dunghan-bench-web-") as folder:
        home = args.home.resolve() if args.home else Path(folder) / "home"
        home.mkdir(parents=True, exist_ok=True)
        if not args.skip_sqlite:
            run("SQLite (file, WAL)", f"sqlite:///{home / 'dunghan.db'}", home, args, fresh=False)
        if args.postgres:
            if not args.reuse_postgres:
                emptied_postgres(args.postgres).dispose()
            pg_home = Path(folder) / "pg-home"
            pg_home.mkdir()
            run("PostgreSQL (127.0.0.1)", args.postgres, pg_home, args, fresh=False)
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
