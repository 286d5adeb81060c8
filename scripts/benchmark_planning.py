"""Benchmark: plan a year at national scale, re-plan it, and ask overdue and status.

    python -m uv run python scripts/benchmark_planning.py                  # SQLite in a temp folder
    python -m uv run python scripts/benchmark_planning.py --postgres URL   # and PostgreSQL

Trees: today's (34 provinces, ~20 departments each, 3,321 communes) and the pre-2025 one
(63 provinces, 696 districts, 10,051 communes, from models/trees/vn-three-tier.csv). Packs: the
shipped two-tier pack over the whole country, and a monthly variant of its yearly report (12
periods) to reach about 100,000 obligations; on the old tree the Lạng Giang pack's two reports for
every commune and district, and the same monthly variant.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from models.database import make_engine, migrate
from models.org_rows import UnitRow
from models.planning import plan_cycle
from models.queries import overdue, status
from models.tree import import_org, official_rows
from reports.org_files import read_org_file
from rules.calendar import VIETNAM
from rules.loader import calendar_for, shipped_packs
from rules.schema import Pack
from rules.scope import EVERYWHERE

DEPARTMENTS = [
    "SNV",
    "STP",
    "STC",
    "SYT",
    "SGDDT",
    "SVHTTDL",
    "CA",
    "SKHCN",
    "SXD",
    "SNNMT",
    "SCT",
    "SDTT",
    "TKT",
    "BTT",
    "MTTQ",
    "HLHPN",
    "TDTN",
    "HND",
    "HCCB",
    "LDLD",
]


def timed(label: str, action: Callable[[], Any], repeat: int = 1) -> Any:
    """Run ``action`` ``repeat`` times and print the median duration."""
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        durations.append(time.perf_counter() - start)
    note = f"  (median of {repeat})" if repeat > 1 else ""
    print(f"  {label:<48} {statistics.median(durations):8.3f} s{note}", flush=True)
    return result


def monthly(pack: Pack, report_id: str, new_id: str) -> Pack:
    """The pack with one report turned monthly (Decree 09 windows), due 'chậm nhất ngày 20 hằng tháng'."""
    report = next(r for r in pack.reports if r.id == report_id)
    chain = [
        report.chain[0].model_copy(update={"deadline": "chậm nhất ngày 20 hằng tháng"}),
        report.chain[1].model_copy(update={"deadline": "trong 05 ngày làm việc kể từ hạn của cấp dưới"}),
    ]
    variant = report.model_copy(update={"id": new_id, "frequency": "monthly", "chain": chain})
    return pack.model_copy(update={"id": f"{pack.id}-monthly", "reports": [variant]})


def current_tree(engine: Engine) -> None:
    rows = official_rows()
    for province in [r for r in rows if r.level == "province"]:
        for index, dept in enumerate(DEPARTMENTS):
            rows.append(
                UnitRow(
                    0,
                    f"{province.code}-{dept}",
                    f"{dept} {province.name}",
                    "province",
                    "standing_agency" if index == 0 else "mass_organisation" if index >= 14 else "department",
                    province.code,
                    date(2025, 7, 1),
                    None,
                    None,
                )
            )
    import_org(engine, rows, [], source="benchmark")


def old_tree(engine: Engine) -> None:
    units, _ = read_org_file(Path("models/trees/vn-three-tier.csv"))
    for province in [u for u in units if u.level == "province"]:
        units.append(
            UnitRow(
                0,
                f"{province.code}-SLDTBXH",
                "Sở LĐTBXH",
                "province",
                "standing_agency",
                province.code,
                date(2024, 1, 1),
                date(2025, 6, 30),
                None,
            )
        )
    import_org(engine, units, [], source="benchmark")


def count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM obligation")).scalar_one())


def run(label: str, engine: Engine) -> None:
    packs = {p.pack.id: p.pack for p in shipped_packs()}
    cal = calendar_for()
    now = datetime(2026, 1, 5, 8, tzinfo=VIETNAM)
    print(f"{label}")
    timed("import today's tree (3,321 communes + 680 agencies)", lambda: current_tree(engine))
    timed("import the pre-2025 tree (10,051 communes)", lambda: old_tree(engine))
    two_tier = packs["hai-cap-2026"]
    two_tier_monthly = monthly(two_tier, "bdg-nam", "bdg-thang")
    lang_giang = packs["lang-giang-2024"]
    lg_monthly = monthly(lang_giang, "tong-ket-nam", "tong-ket-thang")
    plans: list[tuple[str, Pack, int]] = [
        ("hai-cap-2026, 2026, nationwide", two_tier, 2026),
        ("hai-cap-2026 monthly variant, 2026", two_tier_monthly, 2026),
        ("lang-giang-2024 rules, 2024, nationwide", lang_giang, 2024),
        ("lang-giang-2024 monthly variant, 2024", lg_monthly, 2024),
    ]
    for name, pack, year in plans:
        before = count(engine)
        timed(
            f"plan {name}",
            functools.partial(plan_cycle, engine, pack, year, cal, params={}, scope=[], now=now, actor="bench"),
        )
        print(f"  {'':<44} {count(engine) - before:8d} obligations")
    total = count(engine)
    print(f"  {'total obligations':<44} {total:8d}")
    timed(
        "re-plan hai-cap-2026 monthly (no change)",
        lambda: plan_cycle(engine, two_tier_monthly, 2026, cal, params={}, scope=[], now=now, actor="bench"),
    )
    at = datetime(2026, 11, 22, 9, tzinfo=VIETNAM)
    rows = timed(
        "overdue, nationwide, first 200",
        lambda: overdue(engine, at=at, calendar=cal, limit=200, under=EVERYWHERE),
        repeat=5,
    )
    timed("overdue under one province (24)", lambda: overdue(engine, at=at, calendar=cal, under="24"), repeat=5)
    timed(
        "overdue, one report, communes, first 200",
        lambda: overdue(engine, at=at, calendar=cal, report="bdg-thang", level="commune", limit=200, under=EVERYWHERE),
        repeat=5,
    )
    print(f"  {'':<44} {len(rows):8d} rows")
    timed("status, 2026, nationwide", lambda: status(engine, at=at, year=2026, under=EVERYWHERE), repeat=5)
    timed("status under one province (24)", lambda: status(engine, at=at, year=2026, under="24"), repeat=5)


def emptied_postgres(url: str) -> Engine:
    """An engine on ``url`` whose public schema has been dropped and made anew (a benchmark's own database)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (its public schema is reset)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        run("SQLite (file, WAL)", engine)
        engine.dispose()
    if args.postgres:
        engine = emptied_postgres(args.postgres)
        migrate(engine)
        run("PostgreSQL (127.0.0.1)", engine)
        engine.dispose()


if __name__ == "__main__":
    main()
