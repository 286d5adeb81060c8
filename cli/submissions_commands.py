"""`dunghan submissions …`: bulk status updates from a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.workspace import current_actor, database
from cli.errors import report_errors
from rules.i18n import _

submissions_app = typer.Typer(
    help=_("Bulk status updates: submitted, accepted, returned, exempted."), no_args_is_help=True
)


@submissions_app.command(
    "import",
    help=_(
        "Apply a spreadsheet of status updates, in time order; if any row is refused, none is kept.\n"
        "\n"
        "Example: dunghan submissions import tinh-hinh-nop.xlsx"
    ),
)
@report_errors
def import_(
    file: Annotated[Path, typer.Argument(help=_("An .xlsx with the columns of `dunghan submissions template`."))],
    by: Annotated[str | None, typer.Option("--by", help=_("Who acts where a row names nobody."))] = None,
) -> None:
    from app.statuses import apply_statuses, read_statuses  # the database layer loads only when used

    rows = read_statuses(file)
    count = apply_statuses(database(), rows, actor=current_actor(by), label=file.name)
    typer.echo(_("applied {count} status update(s) from {file}").format(count=count, file=file.name))


@submissions_app.command(
    "template",
    help=_(
        "Write the spreadsheet to fill in for `submissions import`.\n"
        "\n"
        "Example: dunghan submissions template -o tinh-hinh-nop.xlsx"
    ),
)
@report_errors
def template(output: Annotated[Path, typer.Option("--output", "-o", help=_("The .xlsx to write."))]) -> None:
    from reports.status_file import write_status_template  # loads the database layer

    write_status_template(output)
    typer.echo(_("wrote {path}").format(path=output))


def register(app: typer.Typer) -> None:
    app.add_typer(submissions_app, name="submissions")
