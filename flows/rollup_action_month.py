"""rollup_action_month: the Action Month's roll-up, daily from 15/11 to 16/12.

The Tháng hành động vì bình đẳng giới runs 15/11-15/12; communes, departments and organisations
log their activities as they go, and each day's run writes the roll-up from commune to ministry
to the data folder's reports/, as a workbook and as a report (the files of the day replace the
ones before). The run of 16/12 gives the campaign's final figures. The job is
:func:`app.runs.rollup`, the one `dunghan rollup` calls.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from app import runs
from app.settings import get_settings
from app.workspace import database
from flows.failure import tell_admin
from flows.run_names import flow_actor, run_name
from flows.steps import as_task


@flow(name="rollup_action_month", flow_run_name=run_name("rollup_action_month"), on_failure=[tell_admin])
def rollup_action_month(
    year: int | None = None,
    campaign: str = "thang-hanh-dong",
    under: str | None = None,
    at: str | None = None,
    by: str | None = None,
) -> list[Path]:
    """Roll up ``campaign`` for ``year`` (default: the year of ``at``), everywhere or under one unit;
    write the workbook and the report to the data folder's reports/."""
    _, written = runs.rollup(
        database(),
        campaign=campaign,
        year=year,
        under=under,
        at=at,
        home=get_settings().home,
        by=flow_actor("rollup_action_month", by),
        how="prefect",
        step=as_task,
    )
    return written


if __name__ == "__main__":
    rollup_action_month()
