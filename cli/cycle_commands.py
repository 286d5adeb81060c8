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
from rules.i18n import _

cycle_app = typer.Typer(help=_("Reporting cycles: plan a pack's obligations for a year."), no_args_is_help=True)


@cycle_app.command(
    "plan",
    help=_(
        "Plan (or re-plan) obligations: one per unit, report, period and hop, over the tree valid\n"
        "in each period. Planning again applies only the differences and records them. The run is\n"
        "recorded (`dunghan runs`); it runs as a Prefect flow with PREFECT_API_URL or --via-prefect.\n"
        "\n"
        "Example: dunghan cycle plan hai-cap-2026 --year 2026 --under 24"
    ),
)
@report_errors
def plan(
    pack: Annotated[str, typer.Argument(help=_("A pack id or file."))],
    year: Annotated[int, typer.Option("--year", help=_("The year whose periods are planned."))],
    param: Annotated[list[str] | None, typer.Option("--param", help=_("A cycle parameter, NAME=YYYY-MM-DD."))] = None,
    under: Annotated[
        list[str] | None, typer.Option("--under", help=_("Plan only under this unit (code); repeatable."))
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help=_("Who plans (for the audit trail)."))] = None,
    at: AtOption = None,
    via_prefect: ViaPrefectOption = False,
) -> None:
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
        _(
            "cycle {cycle} ({pack} {year}): {total} obligation(s); "
            "{created} new, {updated} changed, {retired} retired, "
            "{reinstated} reinstated, {unchanged} unchanged"
        ).format(
            cycle=summary.cycle_id,
            pack=pack,
            year=year,
            total=summary.total,
            created=summary.created,
            updated=summary.updated,
            retired=summary.retired,
            reinstated=summary.reinstated,
            unchanged=summary.unchanged,
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(cycle_app, name="cycle")
