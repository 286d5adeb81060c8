"""Benchmark: the reminder sweep over N open obligations, nationwide, and its sending rate.

    python -m uv run python scripts/benchmark_sweep.py --obligations 100000 [--postgres URL] [--sessions N] [--json]

The workspace: today's tree (34 provinces with 20 departments each, 3,321 communes), a focal point
and a head with an e-mail address in every unit, the two-tier pack planned for 2026 and as many
monthly variants of its yearly report as it takes to reach N obligations; the obligations beyond N
(spread evenly over the packs and units) are marked accepted, so exactly N stay open.

Then, each in a fresh process (its peak memory is the process's own):

- the first sweep (16/12/2026 07:30, empty outbox): decide and queue everything due, a catch-up for
  nearly every obligation already late;
- the busy day (17/12/2026 07:30, the day after, the yearly report's T-2): decide and queue;
- sending: a few thousand of the queued mails delivered to a local SMTP server (aiosmtpd in a
  process of its own, scripts/smtp_sink.py) with the rate limit off, over ``--sessions`` SMTP
  sessions at once (2, as shipped); the results of sessions that finish together are recorded in
  one transaction, and ``record_transactions`` says how many it took.

``--json`` prints one JSON object: obligations, notices (first sweep, busy day), busy_day_s,
first_sweep_s, peak_mib, send_per_s, sessions, record_transactions, status_ms. The machine's other
work shows in the figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, func, select, text, update
from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.benchmark_planning import current_tree, emptied_postgres, monthly

FIRST = "2026-12-16T07:30:00+07:00"
BUSY = "2026-12-17T07:30:00+07:00"


def build(url: str, obligations: int, log: Any) -> int:
    """The national workspace with ``obligations`` open obligations; returns how many there are."""
    from models.database import make_engine, migrate
    from models.planning import plan_cycle
    from models.tables import Obligation
    from rules.calendar import VIETNAM
    from rules.loader import calendar_for, shipped_packs
    from scripts.benchmark_reminders import contacts

    engine = make_engine(url)
    migrate(engine)
    start = time.perf_counter()
    current_tree(engine)
    contacts(engine)
    two_tier = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
    cal = calendar_for(two_tier)
    now = datetime(2026, 1, 5, 8, tzinfo=VIETNAM)
    packs = [two_tier]
    total = 0
    while True:
        pack = packs[-1]
        plan_cycle(engine, pack, 2026, cal, params={}, scope=[], now=now, actor="benchmark")
        total = _count(engine)
        log(f"  planned {pack.id}: {total:,} obligations ({time.perf_counter() - start:.0f} s)")
        if total >= obligations:
            break
        variant = monthly(two_tier, "bdg-nam", f"bdg-thang-{len(packs)}")
        packs.append(variant.model_copy(update={"id": f"{two_tier.id}-thang-{len(packs)}"}))
    with engine.begin() as connection:
        ids = [i for (i,) in connection.execute(select(col(Obligation.id)).order_by(col(Obligation.id)))]
        keep = {ids[(k * len(ids)) // obligations] for k in range(obligations)} if obligations < len(ids) else set(ids)
        closed = [i for i in ids if i not in keep]
        for start_at in range(0, len(closed), 5000):
            connection.execute(
                update(Obligation)
                .where(col(Obligation.id).in_(closed[start_at : start_at + 5000]))
                .values(state="accepted")
            )
    with engine.connect() as connection:
        open_now = int(
            connection.execute(
                text("SELECT count(*) FROM obligation WHERE state IN ('pending', 'returned')")
            ).scalar_one()
        )
    engine.dispose()
    return open_now


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM obligation")).scalar_one())


def _sweep(url: str, home: str, at: str) -> dict[str, Any]:
    """Decide and queue one sweep (no sending), in this process; its figures and peak memory."""
    from app.notifying import decide, queue
    from app.settings import Settings
    from models.database import make_engine

    engine = make_engine(url)
    settings = Settings(home=Path(home), delivery="send", smtp_url="mailto://127.0.0.1:1?from=a@b.vn", rate_email=0)
    when = datetime.fromisoformat(at)
    start = time.perf_counter()
    decided = decide(engine, settings, at=when)
    deciding = time.perf_counter() - start
    queued = queue(engine, decided.planned, at=when)
    took = time.perf_counter() - start
    engine.dispose()
    return {
        "seconds": took,
        "decide_s": deciding,
        "notices": len(queued),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


class _Transactions(logging.Handler):
    """How many transactions a delivering run recorded its results in (its closing debug line)."""

    def __init__(self) -> None:
        from notifications.delivery import RECORDED

        super().__init__(logging.DEBUG)
        self.count, self.line = 0, RECORDED

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == self.line:
            self.count += int(cast(tuple[int, int], record.args)[1])


def _send(url: str, home: str, at: str, count: int, sessions: int) -> dict[str, Any]:
    """Deliver ``count`` queued mails to a local SMTP server over ``sessions`` SMTP sessions at
    once, with the rate limit off."""
    from app.notifying import deliver_ready
    from app.settings import Settings
    from models.database import make_engine
    from models.tables import Notice
    from rules.clock import fixed_clock
    from scripts.benchmark_reminders import smtp_sink

    engine = make_engine(url)
    when = datetime.fromisoformat(at)
    with engine.begin() as connection:  # the rest wait until 2100: the run claims as `outbox retry` does
        first = (
            select(col(Notice.id))
            .where(col(Notice.channel) == "email", col(Notice.status) == "pending")
            .order_by(col(Notice.id))
            .limit(count)
        )
        later = datetime(2100, 1, 1, tzinfo=when.tzinfo)
        connection.execute(
            update(Notice).where(col(Notice.id).not_in(first.scalar_subquery())).values(not_before=later)
        )
    transactions = _Transactions()
    delivery_log = logging.getLogger("dunghan.delivery")
    delivery_log.addHandler(transactions)
    delivery_log.setLevel(logging.DEBUG)
    with smtp_sink() as (smtp, counts):
        settings = Settings(home=Path(home), delivery="send", smtp_url=smtp, rate_email=0, concurrency_email=sessions)
        start = time.perf_counter()
        delivered = deliver_ready(engine, settings, at=when, clock=fixed_clock(when))
        took = time.perf_counter() - start
    sent = sum(1 for d in delivered if d.status == "sent")
    engine.dispose()
    return {
        "sent": sent,
        "seconds": took,
        "per_s": sent / took if took else 0.0,
        "server_saw": counts[1],
        "transactions": transactions.count,
    }


def _status(url: str, at: str) -> float:
    """The nationwide status the `dunghan status` command asks for: median of 7, in ms."""
    from models.database import make_engine
    from models.queries import status
    from rules.scope import EVERYWHERE

    engine = make_engine(url)
    when = datetime.fromisoformat(at)
    status(engine, at=when, year=2026, under=EVERYWHERE)
    durations = []
    for _ in range(7):
        start = time.perf_counter()
        status(engine, at=when, year=2026, under=EVERYWHERE)
        durations.append(time.perf_counter() - start)
    engine.dispose()
    return statistics.median(durations) * 1000


def _mark_sent(url: str) -> None:
    """The first sweep's notices as delivered, so the busy day counts what it would send after."""
    from models.database import make_engine
    from models.tables import Notice

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(update(Notice).values(status="sent", sent_at=datetime.fromisoformat(FIRST)))
        pending = connection.execute(select(func.count()).select_from(Notice).where(col(Notice.status) != "sent"))
        assert pending.scalar_one() == 0
    engine.dispose()


def in_child(function: Any, *args: Any) -> Any:
    """Run ``function`` in a fresh interpreter (its memory its own) and return its result."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(function, args)


def measure(url: str, obligations: int, send: int, log: Any, sessions: int = 2) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        open_count = build(url, obligations, log)
        log(f"  workspace built in {time.perf_counter() - start:.0f} s: {open_count:,} open obligations")
        first = in_child(_sweep, url, home, FIRST)
        log(f"  first sweep: {first}")
        sending = in_child(_send, url, home, FIRST, send, sessions)
        log(f"  sending: {sending}")
        in_child(_mark_sent, url)
        busy = in_child(_sweep, url, home, BUSY)
        log(f"  busy day: {busy}")
        status_ms = in_child(_status, url, BUSY)
        log(f"  status nationwide: {status_ms:.1f} ms")
    return {
        "obligations": open_count,
        "notices": {"first_sweep": first["notices"], "busy_day": busy["notices"]},
        "busy_day_s": round(busy["seconds"], 2),
        "first_sweep_s": round(first["seconds"], 2),
        "decide_s": {"first_sweep": round(first["decide_s"], 2), "busy_day": round(busy["decide_s"], 2)},
        "peak_mib": round(max(first["peak_mib"], busy["peak_mib"]), 1),
        "send_per_s": round(sending["per_s"], 1),
        "sent": sending["sent"],
        "sessions": sessions,
        "record_transactions": sending["transactions"],
        "status_ms": round(status_ms, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--obligations", type=int, default=100_000, help="open obligations (default 100,000)")
    parser.add_argument("--postgres", help="run on this PostgreSQL URL instead of SQLite (its schema is emptied)")
    parser.add_argument("--send", type=int, default=5000, help="mails sent for the sending rate (default 5,000)")
    parser.add_argument("--sessions", type=int, default=2, help="SMTP sessions at once (default 2, as shipped)")
    parser.add_argument("--json", action="store_true", help="print one JSON object, the progress on stderr")
    args = parser.parse_args()

    def log(line: str) -> None:
        print(line, file=sys.stderr if args.json else sys.stdout, flush=True)

    database = "PostgreSQL" if args.postgres else "SQLite"
    log(f"{database}, {args.obligations:,} open obligations")
    if args.postgres:
        emptied_postgres(args.postgres).dispose()
        figures = {"database": database, **measure(args.postgres, args.obligations, args.send, log, args.sessions)}
    else:
        with tempfile.TemporaryDirectory() as folder:
            figures = {
                "database": database,
                **measure(f"sqlite:///{folder}/bench.db", args.obligations, args.send, log, args.sessions),
            }
    print(json.dumps(figures, ensure_ascii=False) if args.json else json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
