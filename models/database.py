"""The database: SQLite by default (WAL, busy timeout), PostgreSQL in production; migrated on open.

What it stores is personal (names, e-mail addresses, message bodies): SQL parameters never
appear in error messages (``hide_parameters``), the SQLite file and its backups are readable by
their owner only, and a database is backed up before a migration changes it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlmodel import Session

from rules.errors import DunghanError
from rules.i18n import _

MIGRATIONS = Path(__file__).parent / "migrations"
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
MIGRATION_LOCK = 4_810_162_342  # PostgreSQL advisory lock held while migrating: one migrator at a time


class DatabaseError(DunghanError):
    """The database cannot be used as configured: a bad URL, unreachable, newer than this code."""


def describe(url: str | URL) -> str:
    """The URL as it may be shown to a person: the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return _("(not a URL)")


def parse_url(url: str) -> URL:
    """The parsed URL of a database we can open, or a sentence saying what is wrong with it."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            _("the database URL is not a URL; write sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/NAME")
        ) from None
    try:
        parsed.get_dialect()
    except (NoSuchModuleError, ImportError):
        raise DatabaseError(
            _("the database URL {url}: unknown database driver {driver!r}; use sqlite or postgresql+psycopg").format(
                url=describe(parsed), driver=parsed.drivername
            )
        ) from None
    return parsed


def private_folder(path: Path) -> Path:
    """Create ``path`` (and its parents) readable by its owner only; a sentence if it cannot be a folder."""
    if path.is_dir():
        return path
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise DatabaseError(
            _("{blocker}: is a file, not a folder; dunghan keeps its data in the folder {path}").format(
                blocker=blocker, path=path
            )
        )
    try:
        path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            _("{path}: cannot create the folder: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    path.chmod(PRIVATE_FOLDER)  # mkdir's mode passes through the umask; say it outright
    return path


def _private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist; make an existing one 0600.

    SQLite gives its -wal and -shm files the mode of the database file, so they follow.
    """
    if path.is_dir():
        raise DatabaseError(_("{path}: is a folder, not a database file").format(path=path))
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(PRIVATE_FILE)
    except OSError as exc:
        raise DatabaseError(
            _("{path}: cannot open the database file: {reason}").format(path=path, reason=exc.strerror)
        ) from None


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite database; None for PostgreSQL or an in-memory database."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite the file's folder is created and WAL mode set.

    ``hide_parameters``: an error's text shows the SQL but never the values bound to it (e-mail
    addresses, message bodies), since errors travel to logs and to Prefect's run database.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_folder(Path(parsed.database).parent)
            _private_file(Path(parsed.database))
        engine = create_engine(parsed, connect_args={"timeout": 30}, hide_parameters=True)

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
    return create_engine(parsed, pool_pre_ping=True, hide_parameters=True)


def _revisions() -> tuple[set[str], set[str]]:
    """(every revision, every revision that has a child), read from the migration files."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        if found := re.search(r'^revision: str = "([^"]+)"', source, re.M):
            revisions.add(found[1])
        if found := re.search(r'^down_revision: str \| None = "([^"]+)"', source, re.M):
            parents.add(found[1])
    return revisions, parents


def known_revisions() -> set[str]:
    """Every revision this code has a migration for."""
    return _revisions()[0]


def head_revision() -> str:
    """The newest migration's id, read from the migration files without loading Alembic.

    >>> head_revision() > "0002"
    True
    """
    revisions, parents = _revisions()
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def unreachable(engine: Engine, exc: OperationalError) -> DatabaseError:
    """The sentence for a database that does not answer (PostgreSQL down, a file it cannot open)."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
    return DatabaseError(_("cannot reach the database {url}: {reason}").format(url=describe(engine.url), reason=reason))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    try:
        with engine.connect() as connection:
            if not engine.dialect.has_table(connection, "alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        raise unreachable(engine, exc) from None


def check_known(engine: Engine, revision: str | None) -> None:
    """Refuse a database migrated by newer code: this code would misread what it does not know."""
    if revision is not None and revision not in known_revisions():
        raise DatabaseError(
            _(
                "the database {url} is at revision {revision}, newer than this dunghan "
                "knows (its newest is {head}): install the dunghan that upgraded it, "
                "or restore a backup made before"
            ).format(url=describe(engine.url), revision=revision, head=head_revision())
        )


def backup_name(revision: str | None, at: datetime) -> str:
    """A backup's file name: the revision it holds and the UTC time it was taken.

    >>> backup_name("0005", datetime(2026, 11, 30, 19, 57, 3, tzinfo=UTC))
    'dunghan-0005-20261130T195703Z.db'
    """
    return f"dunghan-{revision or 'empty'}-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}.db"


def backup(engine: Engine, target: Path) -> Path:
    """Copy a SQLite database to ``target`` (mode 0600) with SQLite's online backup API, which
    takes a consistent copy while other processes keep reading and writing."""
    source = sqlite_path(engine)
    if source is None:
        raise DatabaseError(
            _(
                "{url}: dunghan backs up SQLite only; back up PostgreSQL with pg_dump, "
                "e.g. pg_dump --format=custom --file=dunghan.dump DBNAME"
            ).format(url=describe(engine.url))
        )
    if not source.exists():
        raise DatabaseError(_("{path}: no such database file").format(path=source))
    private_folder(target.parent)
    if target.exists():
        raise DatabaseError(_("{path}: already exists; choose another file").format(path=target))
    _private_file(target)
    try:
        with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
            origin.execute("PRAGMA busy_timeout=30000")
            origin.backup(copy)
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(
            _("cannot back up {source} to {target}: {reason}").format(source=source, target=target, reason=exc)
        ) from None
    return target


def backup_before_migrating(engine: Engine, folder: Path | None, revision: str | None) -> Path | None:
    """The backup taken before migrating a SQLite database that holds data; None when there is
    nothing to keep (a new database) or nothing we can copy (PostgreSQL: pg_dump is the tool)."""
    path = sqlite_path(engine)
    if revision is None or path is None:
        return None
    return backup(engine, (folder or path.parent / "backups") / backup_name(revision, datetime.now(UTC)))


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic), in one transaction.

    On SQLite a migration rebuilds tables (Alembic's batch mode: copy, drop, rename): with foreign
    keys enforced, dropping a table that submissions or extensions point to fails, so they are
    switched off for the migration (a pragma that works only outside a transaction) and every
    reference is checked before the transaction commits.
    """
    from alembic import command  # Alembic costs half a second to import: only when migrating
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with connection.begin():
                    if not sqlite:
                        connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                        raise DatabaseError(
                            _(
                                "migrating {url} would break {count} reference(s), "
                                "the first in table {table} row {row}; nothing was changed"
                            ).format(url=describe(engine.url), count=len(broken), table=broken[0][0], row=broken[0][1])
                        )
            finally:
                if sqlite:
                    connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    except OperationalError as exc:
        raise unreachable(engine, exc) from None


@dataclass(frozen=True)
class Upgrade:
    """What :func:`upgrade` did: from and to which revision, and the backup it took first."""

    before: str | None
    after: str
    backup: Path | None


def upgrade(engine: Engine, backups: Path | None = None) -> Upgrade:
    """Migrate ``engine`` to the head, a SQLite database backed up into ``backups`` first."""
    before = current_revision(engine)
    check_known(engine, before)
    if before == head_revision():
        return Upgrade(before, before, None)
    saved = backup_before_migrating(engine, backups, before)
    migrate(engine)
    return Upgrade(before, head_revision(), saved)


_OPEN: dict[str, Engine] = {}


def open_database(url: str, backups: Path | None = None) -> Engine:
    """The migrated engine for ``url`` (one per URL and process); a database that is behind is
    backed up (SQLite) and migrated, one migrated by newer code refused."""
    if url not in _OPEN:
        engine = make_engine(url)
        upgrade(engine, backups)
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


def read_connection(engine: Engine) -> Connection:
    """A connection for reads only (``with read_connection(engine) as connection:``): on SQLite its
    transactions begin DEFERRED and never wait behind a writer."""
    return engine.execution_options(read_only=True).connect()


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
