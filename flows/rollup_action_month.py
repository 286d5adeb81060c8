"""rollup_action_month: the Action Month's roll-up, daily from 15/11 to 16/12.

The Tháng hành động vì bình đẳng giới runs 15/11-15/12; communes, departments and organisations
log their activities as they go, and each day's run writes the roll-up from commune to ministry
to the data folder's reports/, as a workbook and as a report (the files of the day replace the
ones before). The run of 16/12 gives the campaign's final figures.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from app import rollups
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import run_name
from flows.steps import as_task
from rules.clock import run_clock
from rules.scope import under_or_everywhere


@flow(name="rollup_action_month", flow_run_name=run_name("rollup_action_month"), on_failure=[tell_admin])
def rollup_action_month(
    year: int | None = None, campaign: str = "thang-hanh-dong", under: str | None = None, at: str | None = None
) -> list[Path]:
    """Roll up ``campaign`` for ``year`` (default: the year of ``at``), everywhere or under one unit;
    write the workbook and the report to the data folder's reports/."""
    engine = database()
    result = as_task(
        "roll_up_logs",
        rollups.roll_up,
        engine,
        campaign=campaign,
        year=year or run_clock(at)[0].year,
        under=under_or_everywhere(under),
    )
    return as_task("write_rollup_reports", rollups.write_reports, engine, result, get_settings().home)


if __name__ == "__main__":
    rollup_action_month()
