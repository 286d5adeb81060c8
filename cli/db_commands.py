"""`dunghan db …`: the database's revision, its upgrade and its backup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.workspace import backups_folder, database
from cli.errors import report_errors
from rules.i18n import _

db_app = typer.Typer(help=_("The database: its revision, upgrade and backup."), no_args_is_help=True)

VERDICTS = {
    "empty": _("empty: the first command that uses it creates the tables"),
    "current": _("up to date"),
    "behind": _("behind: run `dunghan db upgrade` (any command would upgrade it)"),
    "newer": _("newer than this dunghan: install the dunghan that upgraded it"),
}


@db_app.command(
    "status",
    help=_(
        "Say which database is used, the revision it is at and the newest this dunghan knows.\n"
        "\n"
        "Example: dunghan db status"
    ),
)
@report_errors
def status() -> None:
    from app import database_admin

    found = database_admin.status(database(migrated=False))
    typer.echo(_("database: {database}").format(database=found.database))
    typer.echo(
        _("revision: {revision}, newest known: {head} ({verdict})").format(
            revision=found.revision or _("none"), head=found.head, verdict=VERDICTS[found.standing]
        )
    )


@db_app.command(
    "upgrade",
    help=_(
        "Migrate the database to the newest revision. A SQLite database is first backed up into\n"
        "the data folder (backups/dunghan-REVISION-TIME.db); back up PostgreSQL with pg_dump first.\n"
        "\n"
        "Example: dunghan db upgrade"
    ),
)
@report_errors
def upgrade() -> None:
    from app import database_admin

    done = database_admin.upgrade(database(migrated=False), backups_folder())
    if done.before == done.after:
        typer.echo(_("already at the newest revision {revision}; nothing to do").format(revision=done.after))
        return
    if done.backup is not None:
        typer.echo(_("backed up to {path}").format(path=done.backup))
    typer.echo(
        _("upgraded from revision {before} to {after}").format(
            before=done.before or _("none (empty)"), after=done.after
        )
    )


@db_app.command(
    "backup",
    help=_(
        "Copy the SQLite database while it is in use (SQLite's online backup), readable by its\n"
        "owner only. PostgreSQL is backed up with pg_dump.\n"
        "\n"
        "Example: dunghan db backup -o /mnt/usb/dunghan-2026-12-01.db"
    ),
)
@report_errors
def backup(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=_("The file to write (default: backups/dunghan-REVISION-TIME.db).")),
    ] = None,
) -> None:
    from datetime import UTC, datetime

    from app import database_admin

    copied = database_admin.backup(
        database(migrated=False), at=datetime.now(UTC), backups=backups_folder(), output=output
    )
    typer.echo(_("backed up to {path}").format(path=copied))


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
