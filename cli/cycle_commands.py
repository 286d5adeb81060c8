"""`dunghan cycle …`: planning a pack's obligations for a year."""

from __future__ import annotations

from typing import Annotated

import typer

from app.orchestration import run_job
from app.workspace import current_actor
from cli.errors import report_errors
from cli.options import AtOption, parse_params
from cli.runs_command import ViaPrefectOption
from rules.calendar import VIETNAM
from rules.clock import clock_for

cycle_app = typer.Typer(help="Reporting cycles: plan a pack's obligations for a year.", no_args_is_help=True)


@cycle_app.command("plan")
@report_errors
def plan(
    pack: Annotated[str, typer.Argument(help="A pack id or file.")],
    year: Annotated[int, typer.Option("--year", help="The year whose periods are planned.")],
    param: Annotated[list[str] | None, typer.Option("--param", help="A cycle parameter, NAME=YYYY-MM-DD.")] = None,
    under: Annotated[
        list[str] | None, typer.Option("--under", help="Plan only under this unit (code); repeatable.")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who plans (for the audit trail).")] = None,
    at: AtOption = None,
    via_prefect: ViaPrefectOption = False,
) -> None:
    """Plan (or re-plan) obligations: one per unit, report, period and hop, over the tree valid
    in each period. Planning again applies only the differences and records them. The run is
    recorded (`dunghan runs`); it runs as a Prefect flow with PREFECT_API_URL or --via-prefect.

    Example: dunghan cycle plan hai-cap-2026 --year 2026 --under 24
    """
    from app.cycles import check_request

    params = parse_params(param)
    check_request(pack, year, params, today=clock_for(at)().astimezone(VIETNAM).date())  # before any work
    summary = run_job(  # directly, or as a Prefect flow (on the server, or with --via-prefect)
        "plan_cycle",
        forced=via_prefect,
        pack=pack,
        year=year,
        params=params,
        under=list(under or []),
        at=at,
        actor=current_actor(by),
    )
    typer.echo(
        f"cycle {summary.cycle_id} ({pack} {year}): {summary.total} obligation(s); "
        f"{summary.created} new, {summary.updated} changed, {summary.retired} retired, "
        f"{summary.reinstated} reinstated, {summary.unchanged} unchanged"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(cycle_app, name="cycle")
