"""Looking after the database, the use cases: its revision against the newest known, its
upgrade (a SQLite database backed up first) and its backup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine

from models.database import (
    Upgrade,
    backup_name,
    check_known,
    current_revision,
    describe,
    head_revision,
    known_revisions,
)
from models.database import backup as copy_database
from models.database import upgrade as migrate_to_head

Standing = Literal["empty", "current", "behind", "newer"]


@dataclass(frozen=True)
class DatabaseStatus:
    """Which database (its URL, password hidden), the revision it is at and the newest known."""

    database: str
    revision: str | None
    head: str
    standing: Standing  # empty, up to date, behind the newest, or newer than this code knows


def status(engine: Engine) -> DatabaseStatus:
    """The database's revision and how it stands against the newest this code knows."""
    current, head = current_revision(engine), head_revision()
    standing: Standing
    if current is None:
        standing = "empty"
    elif current == head:
        standing = "current"
    elif current in known_revisions():
        standing = "behind"
    else:
        standing = "newer"
    return DatabaseStatus(describe(engine.url), current, head, standing)


def upgrade(engine: Engine, backups: Path) -> Upgrade:
    """Migrate to the newest revision; a SQLite database that holds data is first backed up into ``backups``."""
    return migrate_to_head(engine, backups)


def backup(engine: Engine, *, at: datetime, backups: Path, output: Path | None = None) -> Path:
    """Copy the SQLite database while it is in use to ``output``, by default into ``backups``
    named by its revision and ``at``; a database newer than this code knows is refused."""
    revision = current_revision(engine)
    check_known(engine, revision)
    return copy_database(engine, output or backups / backup_name(revision, at))
