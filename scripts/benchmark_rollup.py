"""Benchmark: roll up 1,000,000 activity logs of the Action Month across the national tree.

    python -m uv run python scripts/benchmark_rollup.py                  # SQLite in a temp folder
    python -m uv run python scripts/benchmark_rollup.py --postgres URL   # and PostgreSQL

The tree is today's (34 provinces with 20 agencies each, 3,321 communes, the ministry), built as
in benchmark_planning.py. Logs are spread over every commune and agency, 2026 and (a tenth as
many) 2025 for the comparison, inserted with SQLAlchemy Core in batches. Then the roll-up
nationwide and under one province (median of 5), the XLSX of each, the chart and the DOCX report
of each (the chart drawn inside; the first chart of a process also imports matplotlib). DUNGHAN_TEST_POSTGRES_URL
is used when --postgres is not given. The database's public schema is reset.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlmodel import col

from models.database import make_engine, migrate, refresh_statistics
from models.rollup import rollup
from models.tables import ActivityLog, Unit
from reports.rollup_addressing import rollup_addressing
from reports.rollup_chart import participation_chart
from reports.rollup_docx import write_rollup_docx
from reports.rollup_xlsx import write_rollup_xlsx
from rules.activity import MEDIA_KINDS, find_campaign
from rules.calendar import VIETNAM
from rules.loader import shipped_packs
from rules.scope import EVERYWHERE
from scripts.benchmark_planning import current_tree, emptied_postgres, timed

LOGS = 1_000_000
BATCH = 20_000


def _write_docx(engine: Engine, path: Path, result: Any, pack: Any) -> None:
    write_rollup_docx(path, result, rollup_addressing(engine, result, pack))


def load_logs(engine: Engine, count: int, year: int, seed: int) -> None:
    """``count`` logs of ``year`` over every commune and provincial agency, inserted with Core."""
    chosen = find_campaign([p.pack for p in shipped_packs()], "thang-hanh-dong", year)
    types = list(chosen.type_ids())
    with engine.connect() as connection:
        units = (
            connection.execute(
                select(col(Unit.id)).where(
                    col(Unit.level).in_(("commune", "province")), col(Unit.valid_from) <= date(year, 12, 15)
                )
            )
            .scalars()
            .all()
        )
    rng = random.Random(seed)
    first = date(year, 11, 1)
    now = datetime(year, 12, 20, 9, tzinfo=VIETNAM)
    with engine.begin() as connection:
        for start in range(0, count, BATCH):
            rows = []
            for _ in range(min(BATCH, count - start)):
                male, female = rng.randint(0, 150), rng.randint(0, 200)
                rows.append(
                    {
                        "campaign_id": "thang-hanh-dong",
                        "pack_id": chosen.pack.id,
                        "year": year,
                        "unit_id": rng.choice(units),
                        "activity_date": first + timedelta(days=rng.randint(0, 44)),
                        "activity_type": rng.choice(types),
                        "title": "Hoạt động hưởng ứng Tháng hành động",
                        "participants_male": male,
                        "participants_female": female,
                        "participants_total": male + female,
                        **{f"media_{kind}": rng.randint(0, 3) for kind in MEDIA_KINDS},
                        "budget_vnd": rng.randint(0, 50) * 100_000,
                        "note": None,
                        "source": "benchmark",
                        "source_sha256": None,
                        "recorded_by": "benchmark",
                        "recorded_at": now,
                    }
                )
            connection.execute(insert(ActivityLog), rows)
    refresh_statistics(engine, "activity_log")


def run(label: str, engine: Engine, folder: Path) -> None:
    print(label, flush=True)
    packs = [p.pack for p in shipped_packs()]  # read once: 0.3-0.8 s a process, whatever the data
    timed("import today's tree (3,321 communes + 680 agencies)", lambda: current_tree(engine))
    timed(f"insert {LOGS:,} logs of 2026 (Core, {BATCH:,} a batch)", lambda: load_logs(engine, LOGS, 2026, 1))
    timed(f"insert {LOGS // 10:,} logs of 2025", lambda: load_logs(engine, LOGS // 10, 2025, 2))
    nationwide = timed(
        "roll-up 2026, nationwide",
        lambda: rollup(engine, campaign="thang-hanh-dong", year=2026, packs=packs, under=EVERYWHERE),
        repeat=5,
    )
    previous = nationwide.previous
    print(
        f"  {'':<48} {nationwide.total.activities:8d} logs, {len(nationwide.units)} units, "
        f"coverage {nationwide.coverage}%, previous year {previous.figures.activities if previous else 0}"
    )
    province = timed(
        "roll-up 2026 under one province (24)",
        lambda: rollup(engine, campaign="thang-hanh-dong", year=2026, under="24", packs=packs),
        repeat=5,
    )
    print(f"  {'':<48} {province.total.activities:8d} logs, {len(province.units)} units")
    timed("XLSX of the nationwide roll-up", lambda: write_rollup_xlsx(folder / "national.xlsx", nationwide), repeat=3)
    timed("XLSX under one province", lambda: write_rollup_xlsx(folder / "province.xlsx", province), repeat=3)
    print(f"  {'':<48} {(folder / 'national.xlsx').stat().st_size // 1024:8d} KiB (nationwide)")
    pack = next(p for p in packs if p.id == nationwide.pack_id)
    timed("first chart of the process (imports matplotlib)", lambda: participation_chart(province))
    timed("chart (PNG) of the nationwide roll-up", lambda: participation_chart(nationwide), repeat=3)
    for label, result, name in (("nationwide", nationwide, "national"), ("under one province", province, "province")):
        path = folder / f"{name}.docx"
        timed(
            f"DOCX {label} (with the chart)",
            functools.partial(_write_docx, engine, path, result, pack),
            repeat=3,
        )
        print(f"  {'':<48} {path.stat().st_size // 1024:8d} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("DUNGHAN_TEST_POSTGRES_URL"),
        help="also run on this PostgreSQL URL (its public schema is reset)",
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if not args.skip_sqlite:
            engine = make_engine(f"sqlite:///{folder}/bench.db")
            migrate(engine)
            run("SQLite (file, WAL)", engine, folder)
            engine.dispose()
        if args.postgres:
            engine = emptied_postgres(args.postgres)
            migrate(engine)
            run("PostgreSQL (127.0.0.1)", engine, folder)
            engine.dispose()


if __name__ == "__main__":
    main()
