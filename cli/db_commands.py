"""`dunghan db …`: the database's revision, its upgrade and its backup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.workspace import backups_folder, database
from cli.errors import report_errors

db_app = typer.Typer(help="The database: its revision, upgrade and backup.", no_args_is_help=True)

VERDICTS = {
    "empty": "empty: the first command that uses it creates the tables",
    "current": "up to date",
    "behind": "behind: run `dunghan db upgrade` (any command would upgrade it)",
    "newer": "newer than this dunghan: install the dunghan that upgraded it",
}


@db_app.command("status")
@report_errors
def status() -> None:
    """Say which database is used, the revision it is at and the newest this dunghan knows.

    Example: dunghan db status
    """
    from app import database_admin

    found = database_admin.status(database(migrated=False))
    typer.echo(f"database: {found.database}")
    typer.echo(f"revision: {found.revision or 'none'}, newest known: {found.head} ({VERDICTS[found.standing]})")


@db_app.command("upgrade")
@report_errors
def upgrade() -> None:
    """Migrate the database to the newest revision. A SQLite database is first backed up into
    the data folder (backups/dunghan-REVISION-TIME.db); back up PostgreSQL with pg_dump first.

    Example: dunghan db upgrade
    """
    from app import database_admin

    done = database_admin.upgrade(database(migrated=False), backups_folder())
    if done.before == done.after:
        typer.echo(f"already at the newest revision {done.after}; nothing to do")
        return
    if done.backup is not None:
        typer.echo(f"backed up to {done.backup}")
    typer.echo(f"upgraded from revision {done.before or 'none (empty)'} to {done.after}")


@db_app.command("backup")
@report_errors
def backup(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The file to write (default: backups/dunghan-REVISION-TIME.db)."),
    ] = None,
) -> None:
    """Copy the SQLite database while it is in use (SQLite's online backup), readable by its
    owner only. PostgreSQL is backed up with pg_dump.

    Example: dunghan db backup -o /mnt/usb/dunghan-2026-12-01.db
    """
    from datetime import UTC, datetime

    from app import database_admin

    copied = database_admin.backup(
        database(migrated=False), at=datetime.now(UTC), backups=backups_folder(), output=output
    )
    typer.echo(f"backed up to {copied}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
