"""`dunghan db …`: the database's revision, its upgrade and its backup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.errors import report_errors
from app.workspace import backups_folder, database

db_app = typer.Typer(help="The database: its revision, upgrade and backup.", no_args_is_help=True)


@db_app.command("status")
@report_errors
def status() -> None:
    """Say which database is used, the revision it is at and the newest this dunghan knows.

    Example: dunghan db status
    """
    from models.database import current_revision, describe, head_revision, known_revisions

    engine = database(migrated=False)
    current, head = current_revision(engine), head_revision()
    typer.echo(f"database: {describe(engine.url)}")
    if current is None:
        verdict = "empty: the first command that uses it creates the tables"
    elif current == head:
        verdict = "up to date"
    elif current in known_revisions():
        verdict = "behind: run `dunghan db upgrade` (any command would upgrade it)"
    else:
        verdict = "newer than this dunghan: install the dunghan that upgraded it"
    typer.echo(f"revision: {current or 'none'}, newest known: {head} ({verdict})")


@db_app.command("upgrade")
@report_errors
def upgrade() -> None:
    """Migrate the database to the newest revision. A SQLite database is first backed up into
    the data folder (backups/dunghan-REVISION-TIME.db); back up PostgreSQL with pg_dump first.

    Example: dunghan db upgrade
    """
    from models.database import upgrade as migrate_to_head

    done = migrate_to_head(database(migrated=False), backups_folder())
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

    from models.database import backup as copy_database
    from models.database import backup_name, check_known, current_revision

    engine = database(migrated=False)
    revision = current_revision(engine)
    check_known(engine, revision)
    target = output or backups_folder() / backup_name(revision, datetime.now(UTC))
    typer.echo(f"backed up to {copy_database(engine, target)}")
