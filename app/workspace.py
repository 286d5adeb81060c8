"""The database and data folder the CLI works on, from the settings."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

PRIVATE_UMASK = 0o077  # what we write (database, backups, stored files, outbox, reports): owner only


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


def database(*, migrated: bool = True) -> Engine:
    """The configured database, created and migrated on first use (backed up first if it is
    SQLite and behind); with ``migrated=False`` as it is, for `dunghan db`."""
    from models.database import DatabaseError, make_engine, open_database  # SQLAlchemy loads only when used

    data_folder()
    settings = get_settings()
    try:
        if not migrated:
            return make_engine(settings.database)
        return open_database(settings.database, backups=backups_folder())
    except DatabaseError as exc:
        raise DatabaseError(f"DUNGHAN_DATABASE_URL: {exc}" if settings.database_url else str(exc)) from None


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
