"""Benchmark: the reminder sweep at national scale, delivered to a local SMTP server.

    python -m uv run --group dev python scripts/benchmark_reminders.py                 # SQLite
    python -m uv run --group dev python scripts/benchmark_reminders.py --postgres URL  # PostgreSQL

Today's tree (34 provinces with their departments, 3,321 communes), a focal point and a head with
an e-mail address in every unit, the two-tier pack planned for 2026, then one sweep on
17/12/2026 (T-2 of the yearly report): about 12,000 notices decided, rendered, queued and sent over
SMTP to an aiosmtpd server on 127.0.0.1 running in a process of its own (scripts/smtp_sink.py), and
the same sweep again (nothing to send). For scale, a few hundred of the same messages are sent the
other way, one Apprise call (one SMTP connection) each.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import apprise
from sqlalchemy import Engine, func, select
from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.notifying import decide, deliver_ready, queue, run_sweep
from app.settings import Settings
from models.database import make_engine, migrate
from models.org_rows import ContactRow
from models.planning import plan_cycle
from models.tables import Notice, Unit
from models.tree import import_org
from rules.calendar import VIETNAM
from rules.clock import fixed_clock
from rules.loader import calendar_for, shipped_packs
from scripts.benchmark_planning import current_tree, emptied_postgres
from tests.notifications.peers import free_port


def contacts(engine: Engine) -> None:
    with engine.connect() as connection:
        codes = [c for (c,) in connection.execute(select(col(Unit.code)).where(col(Unit.valid_to).is_(None)))]
    rows = []
    for number, code in enumerate(codes, start=1):
        rows.append(
            ContactRow(
                number,
                code,
                f"Cán bộ đầu mối {code}",
                "focal_point",
                f"dm{number}@example.vn",
                None,
                None,
                "email",
                True,
            )
        )
        rows.append(
            ContactRow(number, code, f"Thủ trưởng {code}", "head", f"tt{number}@example.vn", None, None, "email", True)
        )
    import_org(engine, [], rows, source="benchmark")


@contextmanager
def smtp_sink() -> Iterator[tuple[str, list[int]]]:
    """(Apprise mailto URL, [sessions, messages, recipients] filled in when the server stops)."""
    port = free_port()
    sink = Path(__file__).with_name("smtp_sink.py")
    server = subprocess.Popen(
        [sys.executable, str(sink), str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None and server.stdin is not None
    assert server.stdout.readline().strip() == "ready"
    counts: list[int] = []
    try:
        yield f"mailto://127.0.0.1:{port}?from=noreply@snv.bacninh.gov.vn", counts
    finally:
        server.stdin.write("stop\n")
        server.stdin.flush()
        counts.extend(int(n) for n in server.stdout.readline().split())
        server.wait(timeout=30)


def run(label: str, engine: Engine, home: Path) -> None:
    print(f"{label}")
    migrate(engine)
    current_tree(engine)
    contacts(engine)
    pack = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
    now = datetime(2026, 1, 5, 8, tzinfo=VIETNAM)
    plan_cycle(engine, pack, 2026, calendar_for(pack), params={}, scope=[], now=now, actor="benchmark")
    with smtp_sink() as (url, counts):
        settings = Settings(home=home, delivery="send", smtp_url=url, rate_email=0, concurrency_email=2)
        at = datetime(2026, 12, 17, 7, 30, tzinfo=VIETNAM)
        start = time.perf_counter()
        decided = decide(engine, settings, at=at)
        deciding = time.perf_counter() - start
        queued = queue(engine, decided.planned, at=at)
        queueing = time.perf_counter() - start - deciding
        delivered = deliver_ready(engine, settings, at=at, clock=fixed_clock(at))
        total = time.perf_counter() - start
        sent = sum(1 for d in delivered if d.status == "sent")
        print(f"  sweep: {len(queued):,} notices queued, {sent:,} sent in {total:.1f} s ({sent / total:,.0f}/s)")
        print(
            f"    decide and render {deciding:.1f} s, queue {queueing:.1f} s, "
            f"deliver {total - deciding - queueing:.1f} s"
        )
        start = time.perf_counter()
        again = run_sweep(engine, settings, at=at, clock=fixed_clock(at))
        took = time.perf_counter() - start
        print(f"  same sweep again: {len(again.queued)} queued, {len(again.delivered)} sent in {took:.1f} s")
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(Notice)).scalar_one()
        print(f"  outbox rows: {stored:,}")
        plugin = apprise.Apprise()
        plugin.add(f"{url}&to=dm1@example.vn")
        plugin[0].request_rate_per_sec = 0  # Apprise waits between calls by default: measure the connection only
        count = 200
        start = time.perf_counter()
        for _ in range(count):
            plugin.notify(body="Kính gửi", title="[Nhắc hạn] thử")
        each = (time.perf_counter() - start) / count
        print(f"  one Apprise call per message: {each * 1000:.1f} ms each ({1 / each:,.0f}/s)")
    sessions, messages, _ = counts
    print(f"  the SMTP server saw {sessions} sessions and {messages:,} messages (Apprise's included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (its schema is emptied)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", make_engine(f"sqlite:///{folder}/bench.db"), Path(folder))
    if args.postgres:
        engine = emptied_postgres(args.postgres)
        with tempfile.TemporaryDirectory() as folder:
            run("PostgreSQL", engine, Path(folder))


if __name__ == "__main__":
    main()
