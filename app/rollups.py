"""Rolling up a campaign and writing its files, the use case, once for every door.

The files of a roll-up are named ``CAMPAIGN-YEAR[-UNDER]`` and go to the data folder's
``reports/`` unless the caller gives a path: the workbook (a sheet per level and a summary) and
the report of the body that compiles it (DOCX, with its chart).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from app.campaigns import choose_campaign
from models.rollup import Rollup, rollup
from reports.rollup_addressing import Addressing, rollup_addressing
from rules.scope import Everywhere


def roll_up(engine: Engine, *, campaign: str, year: int, under: str | Everywhere, pack: str | None = None) -> Rollup:
    """The campaign's logs summed per unit, level and activity type over the tree of ``year``."""
    return rollup(engine, campaign=choose_campaign(pack, campaign, year), year=year, under=under)


def file_stem(result: Rollup) -> str:
    """'thang-hanh-dong-2026', 'thang-hanh-dong-2026-24'."""
    return f"{result.campaign_id}-{result.year}" + (f"-{result.under}" if result.under else "")


def addressing(engine: Engine, result: Rollup, pack: str | None = None) -> Addressing:
    """Who issues the roll-up's report, and to whom."""
    chosen = choose_campaign(pack, result.campaign_id, result.year) if pack else None
    return rollup_addressing(engine, result, chosen.pack if chosen else None)


def write_workbook(result: Rollup, home: Path, path: Path | None = None) -> Path:
    from reports.rollup_xlsx import write_rollup_xlsx

    target = path or home / "reports" / f"{file_stem(result)}.xlsx"
    write_rollup_xlsx(target, result)
    return target


def write_document(
    engine: Engine,
    result: Rollup,
    home: Path,
    path: Path | None = None,
    pack: str | None = None,
    today: date | None = None,
) -> Path:
    """The report, as written on ``today`` (default: today): before the campaign ends it says
    "tính đến ngày …"."""
    from reports.rollup_docx import write_rollup_docx

    target = path or home / "reports" / f"{file_stem(result)}.docx"
    return write_rollup_docx(target, result, addressing(engine, result, pack), today=today)


def write_reports(engine: Engine, result: Rollup, home: Path) -> list[Path]:
    """The workbook and the document side by side in ``home``'s reports/."""
    return [write_workbook(result, home), write_document(engine, result, home)]
