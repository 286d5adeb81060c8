"""The database and data folder the CLI works on, from the settings."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import get_settings
from rules.errors import ACTION, DunghanError
from rules.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine

PRIVATE_UMASK = 0o077  # what we write (database, backups, stored files, outbox, reports): owner only


def _quiet(text: str) -> None:
    pass


# What a door says when the data folder is created (the CLI sets it to a line on stderr).
announce: Callable[[str], None] = _quiet


class NothingHere(DunghanError):
    """A read on a data folder that holds nothing yet."""


def data_folder() -> Path:
    """The data folder, created readable by its owner only; from here on every file this process
    writes is too (the umask), since the folder holds names, addresses and messages."""
    from models.database import DatabaseError, private_folder

    os.umask(PRIVATE_UMASK)
    try:
        return private_folder(get_settings().home)
    except DatabaseError as exc:
        raise DatabaseError(f"DUNGHAN_HOME: {exc}") from None


def backups_folder() -> Path:
    return get_settings().home / "backups"


def database(*, migrated: bool = True, reading: bool = False) -> Engine:
    """The configured database, created and migrated on first use (backed up first if it is
    SQLite and behind); with ``migrated=False`` as it is, for `dunghan db`. A command that only
    reads (``reading``) creates nothing: on an embedded database not made yet it says that
    nothing is there and what to run."""
    from models.database import DatabaseError, make_engine, open_database  # SQLAlchemy loads only when used

    settings = get_settings()
    home = settings.home
    blocked = any(p.exists() and not p.is_dir() for p in (home, *home.parents))  # data_folder() words it
    if reading and not settings.database_url and not blocked and not (home / "dunghan.db").exists():
        raise NothingHere(
            _(
                "no data in {home} yet: run {action} to try it with sample data, or import the unit tree "
                "to begin (dunghan org import vietnam-provinces)"
            ).format(home=settings.home, action=ACTION),
            action="demo",
        )
    new = not settings.home.exists()
    data_folder()
    try:
        engine = (
            make_engine(settings.database)
            if not migrated
            else open_database(settings.database, backups=backups_folder())
        )
    except DatabaseError as exc:
        raise DatabaseError(f"DUNGHAN_DATABASE_URL: {exc}" if settings.database_url else str(exc)) from None
    if new and not settings.database_url:  # the embedded database, made here now
        announce(_("created the data folder {home}").format(home=settings.home))
    return engine


def current_actor(given: str | None) -> str:
    """Who is acting, for the audit trail: --by, else the login name."""
    if given:
        return given
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def close_databases() -> None:
    """Close every database this process opened (a folder about to be replaced may hold one)."""
    from models.database import close_databases as close_all

    close_all()
