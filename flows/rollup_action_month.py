"""rollup_action_month: the Action Month's roll-up, daily from 15/11 to 16/12.

The Tháng hành động vì bình đẳng giới runs 15/11-15/12; communes, departments and organisations
log their activities as they go, and each day's run writes the roll-up from commune to ministry
to the data folder's reports/, as a workbook and as a report (the files of the day replace the
ones before). The run of 16/12 gives the campaign's final figures.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import run_name
from models.rollup import Rollup, rollup
from rules.clock import run_clock


@task(name="roll_up_logs", cache_policy=NO_CACHE)
def roll_up_logs(campaign: str, year: int, under: str | None) -> Rollup:
    """Sum the logs per unit, level and activity type, in SQL over the tree valid that year."""
    return rollup(database(), campaign=campaign, year=year, under=under)


@task(name="write_rollup_reports", cache_policy=NO_CACHE)
def write_rollup_reports(result: Rollup) -> list[Path]:
    """The roll-up as a workbook (a sheet per level and a summary) and as the report of the body
    that compiles it (DOCX, with its chart), side by side in the data folder's reports/."""
    from reports.rollup_addressing import rollup_addressing
    from reports.rollup_docx import write_rollup_docx
    from reports.rollup_xlsx import write_rollup_xlsx

    name = f"{result.campaign_id}-{result.year}" + (f"-{result.under}" if result.under else "")
    workbook = get_settings().home / "reports" / f"{name}.xlsx"
    write_rollup_xlsx(workbook, result)
    document = write_rollup_docx(workbook.with_suffix(".docx"), result, rollup_addressing(database(), result))
    return [workbook, document]


@flow(name="rollup_action_month", flow_run_name=run_name("rollup_action_month"), on_failure=[tell_admin])
def rollup_action_month(
    year: int | None = None, campaign: str = "thang-hanh-dong", under: str | None = None, at: str | None = None
) -> list[Path]:
    """Roll up ``campaign`` for ``year`` (default: the year of ``at``), everywhere or under one unit."""
    result = roll_up_logs(campaign, year or run_clock(at)[0].year, under)
    return write_rollup_reports(result)


if __name__ == "__main__":
    rollup_action_month()
