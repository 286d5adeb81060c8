"""Benchmark: the reminder sweep at national scale, delivered to a local SMTP server.

    python -m uv run --group dev python scripts/benchmark_reminders.py                 # SQLite
    python -m uv run --group dev python scripts/benchmark_reminders.py --postgres URL  # PostgreSQL

Today's tree (34 provinces with their departments, 3,321 communes), a focal point and a head with
an e-mail address in every unit, the two-tier pack planned for 2026, then one sweep on
17/12/2026 (T-2 of the yearly report): about 12,000 notices decided, rendered, queued and sent over
SMTP to an aiosmtpd server on 127.0.0.1, and the same sweep again (nothing to send). For scale, a
few hundred of the same messages are sent the other way, one Apprise call (one SMTP connection)
each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import apprise
from sqlalchemy import Engine, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.notifying import run_sweep
from app.settings import Settings
from models.database import make_engine, migrate
from models.org_rows import ContactRow
from models.planning import plan_cycle
from models.tables import Notice, Unit
from models.tree import import_org
from rules.calendar import VIETNAM
from rules.clock import fixed_clock
from rules.loader import calendar_for, shipped_packs
from scripts.benchmark_planning import current_tree
from tests.notifications.peers import smtp_server


def contacts(engine: Engine) -> None:
    with engine.connect() as connection:
        codes = [c for (c,) in connection.execute(select(Unit.code).where(Unit.valid_to.is_(None)))]
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


def run(label: str, engine: Engine, home: Path) -> None:
    print(f"{label}")
    migrate(engine)
    current_tree(engine)
    contacts(engine)
    pack = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
    now = datetime(2026, 1, 5, 8, tzinfo=VIETNAM)
    plan_cycle(engine, pack, 2026, calendar_for(pack), params={}, scope=[], now=now, actor="benchmark")
    with smtp_server() as (url, mailbox):
        settings = Settings(home=home, delivery="send", smtp_url=url, rate_email=0, concurrency_email=2)
        at = datetime(2026, 12, 17, 7, 30, tzinfo=VIETNAM)
        start = time.perf_counter()
        result = run_sweep(engine, settings, at=at, clock=fixed_clock(at))
        total = time.perf_counter() - start
        sent = sum(1 for d in result.delivered if d.status == "sent")
        print(f"  sweep: {len(result.queued):,} notices queued, {sent:,} sent in {total:.1f} s ({sent / total:,.0f}/s)")
        print(f"  SMTP sessions opened: {mailbox.sessions}; messages received: {len(mailbox.messages):,}")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (its schema is emptied)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", make_engine(f"sqlite:///{folder}/bench.db"), Path(folder))
    if args.postgres:
        from sqlalchemy import text

        engine = make_engine(args.postgres)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        with tempfile.TemporaryDirectory() as folder:
            run("PostgreSQL", engine, Path(folder))


if __name__ == "__main__":
    main()
