"""The database and data folder the CLI works on, from the settings."""

from __future__ import annotations

import getpass

from sqlalchemy import Engine

from app.settings import get_settings
from models.database import open_database


def database() -> Engine:
    """The configured database, created and migrated on first use."""
    return open_database(get_settings().database)


def current_actor(given: str | None) -> str:
    """Who is acting, for the audit trail: --by, else the login name."""
    if given:
        return given
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
