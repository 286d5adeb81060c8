"""The database: SQLite by default (WAL, busy timeout), PostgreSQL in production; migrated on open."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite the file's folder is created and WAL mode set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling breaks SAVEPOINT (a nested rollback could leave
            # the outer transaction committed); take control and emit BEGIN ourselves.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # concurrent readers with one writer
            cursor.execute("PRAGMA busy_timeout=30000")  # wait, don't fail with "database is locked"
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # A transaction that reads and then writes must hold the write lock from its start:
            # a deferred BEGIN upgrades on the first write and fails at once with "database is
            # locked" when another process committed meanwhile, whatever the busy timeout says.
            # IMMEDIATE waits for the lock instead. Readers that never write may ask for a
            # deferred BEGIN with the execution option ``read_only=True`` (see :func:`reading`).
            read_only = connection.get_execution_options().get("read_only", False)
            connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def head_revision() -> str:
    """The newest migration's id, read from the migration files without loading Alembic.

    >>> head_revision() > "0002"
    True
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        if found := re.search(r'^revision: str = "([^"]+)"', source, re.M):
            revisions.add(found[1])
        if found := re.search(r'^down_revision: str \| None = "([^"]+)"', source, re.M):
            parents.add(found[1])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        if not engine.dialect.has_table(connection, "alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic), in one transaction."""
    from alembic import command  # Alembic costs half a second to import: only when migrating
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


_OPEN: dict[str, Engine] = {}


def open_database(url: str) -> Engine:
    """The migrated engine for ``url`` (one per URL and process)."""
    if url not in _OPEN:
        engine = make_engine(url)
        if current_revision(engine) != head_revision():
            migrate(engine)
        _OPEN[url] = engine
    return _OPEN[url]


def close_databases() -> None:
    """Close every engine :func:`open_database` opened (before a database file is removed)."""
    while _OPEN:
        _OPEN.popitem()[1].dispose()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed together or not at all."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for reads only: on SQLite it does not take the write lock, so it never waits
    behind a writer (WAL lets readers and one writer run together)."""
    with Session(engine.execution_options(read_only=True), expire_on_commit=False) as session, session.begin():
        yield session


def refresh_statistics(engine: Engine, *tables: str) -> None:
    """ANALYZE after a bulk load: with stale statistics PostgreSQL can choose a plan that is
    hundreds of times slower (measured: 40 s instead of 50 ms for an overdue list)."""
    with engine.begin() as connection:
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {table}")
