"""Benchmark: the Action Month's campaign page over 1,000,000 logs and the national dashboard,
through a real server on 127.0.0.1.

    python -m uv run --group dev python scripts/bench_campaign.py                      # SQLite
    python -m uv run --group dev python scripts/bench_campaign.py --postgres URL       # and PostgreSQL (reset)
    python -m uv run --group dev python scripts/bench_campaign.py --home DIR            # keep the SQLite workspace
    python -m uv run --group dev python scripts/bench_campaign.py --logs 100000 --requests 10  # shorter

The workspace is the web benchmark's (scripts/bench_web.py: today's tree, the two-tier pack and
its monthly variant planned for 2026 over the whole country, 60,015 obligations, which the
dashboard reads) with the roll-up benchmark's activity logs (scripts/benchmark_rollup.py:
--logs of 2026 spread over every commune and provincial agency, a tenth as many of 2025 for the
comparison with last year). The pages' clock stands at 22/11/2026 09:00, in the 2026 campaign.

One page at a time after a warm-up, p50 and p95 over --requests, through `dunghan serve` (one
worker): the campaign page (/thang-hanh-dong) of a province for its supervisor and for its
admin, the national one for the ministry's supervisor, and the dashboard (/quan-tri/tong-quan,
admin only) for the ministry's admin (national) and a province's admin. The target is a p95
under 500 ms; the pages over it are marked. Beside the times, the CPU time the server's
processes spent per request (read from /proc: less swayed than the times by other work on the
machine; PostgreSQL's own work is not in it). --profile then shows where one page's time goes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.database import make_engine, migrate
from scripts.bench_web import AT, Measured, Person, add_people, build, load, logged_in, ms, profile, server, timed_page
from scripts.benchmark_planning import emptied_postgres
from scripts.benchmark_rollup import LOGS, load_logs

TARGET_P95 = 0.500
YEAR = 2026  # the campaign the pages' clock stands in
PEOPLE = [
    Person("lanhdao.24@bench.example", "supervisor", "24"),
    Person("quantri.24@bench.example", "admin", "24"),
    Person("lanhdao.bnv@bench.example", "supervisor", "BNV"),
    Person("quantri.bnv@bench.example", "admin", "BNV"),
]


def logs_held(engine: Engine) -> tuple[int, int]:
    """The benchmark's logs of the campaign year and of the year before."""
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT year, count(*) FROM activity_log WHERE source = 'benchmark' "
                "AND campaign_id = 'thang-hanh-dong' GROUP BY year"
            )
        ).all()
    rows = {int(year): int(n) for year, n in found}
    return rows.get(YEAR, 0), rows.get(YEAR - 1, 0)


def prepared(url: str, logs: int) -> None:
    """The workspace at ``url``: the national plan (built when missing), ``logs`` logs of the
    campaign year and a tenth as many of the year before (loaded anew when the count differs),
    the four accounts."""
    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            planned = connection.execute(text("SELECT count(*) FROM obligation")).scalar_one()
        if not planned:
            build(engine)
        if logs_held(engine) != (logs, logs // 10):
            started = time.perf_counter()
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM activity_log WHERE source = 'benchmark'"))
            load_logs(engine, logs, YEAR, 1)
            load_logs(engine, logs // 10, YEAR - 1, 2)
            print(
                f"  loaded {logs:,} logs of {YEAR} and {logs // 10:,} of {YEAR - 1} "
                f"in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
            if engine.dialect.name == "postgresql":
                # What autovacuum does soon after a bulk load, done before measuring rather than
                # during it: the visibility map that lets the roll-up read its index alone.
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql("VACUUM (ANALYZE) activity_log")
                    connection.exec_driver_sql("VACUUM (ANALYZE) obligation")
        add_people(engine, PEOPLE)
    finally:
        engine.dispose()


def tree_cpu(pid: int) -> float:
    """CPU seconds (user and system) spent so far by the process ``pid`` and its descendants
    still running (`dunghan serve` runs the pages in a child process)."""
    parents: dict[int, int] = {}
    spent: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        spent[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, grown = {pid}, True
    while grown:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(spent.get(p, 0.0) for p in tree)


@dataclass(frozen=True)
class Line:
    measured: Measured
    cpu: float  # the server's CPU seconds per request


def one_at_a_time(base: str, process: subprocess.Popen[bytes], requests: int, only: str | None = None) -> list[Line]:
    supervisor, admin, national, national_admin = (logged_in(base, p.email) for p in PEOPLE)
    cases = [
        ("/thang-hanh-dong, supervisor of 24", supervisor, "/thang-hanh-dong"),
        ("/thang-hanh-dong, admin of 24", admin, "/thang-hanh-dong"),
        ("/thang-hanh-dong, supervisor at BNV (national)", national, "/thang-hanh-dong"),
        ("/thang-hanh-dong?don_vi=24, supervisor at BNV", national, "/thang-hanh-dong?don_vi=24"),
        ("/quan-tri/tong-quan, admin at BNV (national)", national_admin, "/quan-tri/tong-quan"),
        ("/quan-tri/tong-quan, admin of 24", admin, "/quan-tri/tong-quan"),
    ]
    results = []
    for label, client, path in cases:
        if only is not None and only not in label:
            continue
        before = tree_cpu(process.pid)
        measured = timed_page(label, client, path, requests, warm=3, target=TARGET_P95)
        cpu = (tree_cpu(process.pid) - before) / (requests + 3)
        print(f"  {'':<44} server CPU {ms(cpu).strip()} a request", flush=True)
        results.append(Line(measured, cpu))
    for client in (supervisor, admin, national, national_admin):
        client.close()
    return results


def table(label: str, results: list[Line]) -> None:
    """The figures as a Markdown table, the pages over the target in bold."""
    print(f"\n  {label}\n\n  | page, person | p50 | p95 | slowest | server CPU | size |")
    print("  |---|---:|---:|---:|---:|---:|")
    for line in results:
        m = line.measured
        p95 = ms(m.p95).strip()
        shown = f"**{p95}**" if m.p95 > TARGET_P95 else p95
        page, person = m.label.split(", ", 1)
        print(
            f"  | `{page}`, {person} | {ms(m.p50).strip()} | {shown} | {ms(m.slowest).strip()} | "
            f"{ms(line.cpu).strip()} | {m.size / 1024:,.0f} KB |"
        )
    print()


def run(label: str, url: str, home: Path, args: argparse.Namespace) -> None:
    print(f"\n{label}; {os.cpu_count()} cores, load average {load()}", flush=True)
    prepared(url, args.logs)
    started: list[subprocess.Popen[bytes]] = []
    with server(home, url if url.startswith("postgresql") else None, 1, started) as base:
        print(f"  dunghan serve at {base}, clock {AT}; load average {load()}", flush=True)
        print(f"  one page at a time, {args.requests} requests each after 3 to warm up (target p95 {ms(TARGET_P95)}):")
        results = one_at_a_time(base, started[0], args.requests, args.only)
        print(f"  load average after: {load()}", flush=True)
    table(label, results)
    if args.profile:
        email, path = args.profile.split(" ", 1)
        profile(url, email, path, args.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (its public schema is reset)")
    parser.add_argument("--logs", type=int, default=LOGS, help=f"activity logs of {YEAR} (default {LOGS:,})")
    parser.add_argument("--requests", type=int, default=30, help="requests per page, one at a time (default 30)")
    parser.add_argument("--only", metavar="TEXT", help="measure only the pages whose line holds TEXT, e.g. tong-quan")
    parser.add_argument("--home", type=Path, help="keep the SQLite workspace here and reuse it the next time")
    parser.add_argument("--reuse-postgres", action="store_true", help="keep what the PostgreSQL database holds")
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL (with --postgres)")
    parser.add_argument(
        "--profile",
        metavar="'EMAIL PATH'",
        help="then profile one page in this process, e.g. 'lanhdao.bnv@bench.example /thang-hanh-dong'",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dunghan-bench-campaign-") as folder:
        home = args.home.resolve() if args.home else Path(folder) / "home"
        home.mkdir(parents=True, exist_ok=True)
        if not args.skip_sqlite:
            run("SQLite (file, WAL)", f"sqlite:///{home / 'dunghan.db'}", home, args)
        if args.postgres:
            if not args.reuse_postgres:
                emptied_postgres(args.postgres).dispose()
            pg_home = Path(folder) / "pg-home"
            pg_home.mkdir()
            run("PostgreSQL (127.0.0.1)", args.postgres, pg_home, args)
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
