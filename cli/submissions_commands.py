"""`dunghan submissions …`: bulk status updates from a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.workspace import current_actor, database
from cli.errors import report_errors
from reports.table_xlsx import write_sheet

submissions_app = typer.Typer(
    help="Bulk status updates: submitted, accepted, returned, exempted.", no_args_is_help=True
)


@submissions_app.command("import")
@report_errors
def import_(
    file: Annotated[Path, typer.Argument(help="An .xlsx with the columns of `dunghan submissions template`.")],
    by: Annotated[str | None, typer.Option("--by", help="Who acts where a row names nobody.")] = None,
) -> None:
    """Apply a spreadsheet of status updates, in time order; if any row is refused, none is kept.

    Example: dunghan submissions import tinh-hinh-nop.xlsx
    """
    from app.statuses import apply_statuses, read_statuses  # the database layer loads only when used

    rows = read_statuses(file)
    count = apply_statuses(database(), rows, actor=current_actor(by), label=file.name)
    typer.echo(f"applied {count} status update(s) from {file.name}")


@submissions_app.command("template")
@report_errors
def template(output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx to write.")]) -> None:
    """Write the spreadsheet to fill in for `submissions import`.

    Example: dunghan submissions template -o tinh-hinh-nop.xlsx
    """
    from app.statuses import template_columns

    columns = template_columns()
    example = {
        "unit": "24-SYT",
        "report": "bdg-6-thang",
        "period": "2026-H1",
        "hop": 1,
        "action": "nộp",
        "at": "2026-06-18T16:00",
        "by": "Nguyễn Văn A (ví dụ)",
        "note": "",
    }
    write_sheet(output, "Tình hình nộp", [], columns, samples=[example])
    typer.echo(f"wrote {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(submissions_app, name="submissions")
