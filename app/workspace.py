"""The database and data folder the CLI works on, from the settings."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from app.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def database() -> Engine:
    """The configured database, created and migrated on first use."""
    from models.database import open_database  # SQLAlchemy loads only for commands that use it

    return open_database(get_settings().database)


def current_actor(given: str | None) -> str:
    """Who is acting, for the audit trail: --by, else the login name."""
    if given:
        return given
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
