"""Session-wide test harness: every database test runs on SQLite and on a real PostgreSQL server.

PostgreSQL comes from DUNGHAN_TEST_POSTGRES_URL (`bash .ci/postgres` starts a server on 127.0.0.1
and prints it). Without it the PostgreSQL half is skipped locally and fails in CI.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Protocol, cast

# Prefect reads its settings when first imported: give the test run a home of its own, quiet and
# offline, before any test module imports a flow.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="dunghan-tests-prefect-")
os.environ.pop("PREFECT_API_URL", None)
os.environ.update(
    DO_NOT_TRACK="1",
    PREFECT_SERVER_ANALYTICS_ENABLED="false",
    PREFECT_LOGGING_LEVEL="WARNING",
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
)

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from models.database import make_engine, migrate

atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)


def _database_of_this_worker() -> None:
    """Under pytest-xdist each worker process gets a PostgreSQL database of its own beside the
    given one (``<name>_gw0``, …), created if need be, so that workers never drop each other's
    schema; every test reads it from DUNGHAN_TEST_POSTGRES_URL as usual."""
    worker, given = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("DUNGHAN_TEST_POSTGRES_URL")
    if not worker or not given:
        return
    url = make_url(given)
    own = f"{url.database}_{worker}"
    server = make_engine(given)
    try:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own}).first():
                connection.execute(text(f'CREATE DATABASE "{own}"'))
    finally:
        server.dispose()
    os.environ["DUNGHAN_TEST_POSTGRES_URL"] = url.set(database=own).render_as_string(hide_password=False)


_database_of_this_worker()
POSTGRES_URL = os.environ.get("DUNGHAN_TEST_POSTGRES_URL")


def empty_engine(backend: str, tmp_path: Path, name: str = "dunghan.db") -> Engine:
    """An engine on an empty database: a new SQLite file, or PostgreSQL's schema dropped."""
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / name}")
    engine = make_engine(postgres_url())
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return engine


def fresh_engine(backend: str, tmp_path: Path) -> Engine:
    engine = empty_engine(backend, tmp_path)
    migrate(engine)
    return engine


def postgres_url() -> str:
    """DUNGHAN_TEST_POSTGRES_URL; without it a test is skipped locally and fails in CI."""
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI runs every database test on PostgreSQL: set DUNGHAN_TEST_POSTGRES_URL")
        pytest.skip("no PostgreSQL: run `bash .ci/postgres` and set DUNGHAN_TEST_POSTGRES_URL")
    return POSTGRES_URL


def postgres_database(suffix: str) -> str:
    """The URL of the database beside the test database named ``<its name>_<suffix>``."""
    url = make_url(postgres_url())
    return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)


def on_postgres_server(*statements: str) -> None:
    """Run ``statements`` (CREATE or DROP DATABASE) one by one, outside a transaction. A DROP …
    WITH (FORCE) cannot end the server's own autovacuum worker (a superuser's process) when it
    happens to be on that database: it is tried again a few times, as the worker soon leaves."""
    from sqlalchemy.exc import ProgrammingError

    engine = make_engine(postgres_url())
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for statement in statements:
                for attempt in range(10):
                    try:
                        connection.execute(text(statement))
                        break
                    except ProgrammingError as refused:
                        if "pg_signal_backend" not in str(refused) or attempt == 9:
                            raise
                        time.sleep(0.5)
    finally:
        engine.dispose()


class Templates:
    """A database built once per backend (a planned workspace, say), each test working on a copy
    of its own: SQLite copies the file, PostgreSQL creates a database with it as the template.

    A copy is the database the test would have built itself, without the building: for a module
    whose tests all start from the same data and change it (see ``templates``).
    """

    def __init__(self, folder: Path, build: Callable[[Engine], None]) -> None:
        self.folder, self.build = folder, build
        self.built: set[str] = set()

    def copy(self, backend: str, tmp_path: Path) -> Engine:
        """An engine on a new copy of the built database; the first copy builds it."""
        if backend == "sqlite":
            template = self.folder / "template.db"
            if backend not in self.built:
                engine = make_engine(f"sqlite:///{template}")
                migrate(engine)
                self.build(engine)
                engine.dispose()
                self.built.add(backend)
            engine = make_engine(f"sqlite:///{tmp_path / 'dunghan.db'}")  # creates the file, private
            with closing(sqlite3.connect(template)) as built, closing(sqlite3.connect(tmp_path / "dunghan.db")) as ours:
                built.backup(ours)
            return engine
        url = make_url(postgres_url())
        source, target = f"{url.database}_template", f"{url.database}_copy"
        if backend not in self.built:
            on_postgres_server(f'DROP DATABASE IF EXISTS "{source}" WITH (FORCE)', f'CREATE DATABASE "{source}"')
            engine = make_engine(postgres_database("template"))
            migrate(engine)
            self.build(engine)
            engine.dispose()  # a template may have no session open
            self.built.add(backend)
        on_postgres_server(
            f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)', f'CREATE DATABASE "{target}" TEMPLATE "{source}"'
        )
        return make_engine(postgres_database("copy"))

    def close(self) -> None:
        if "postgresql" in self.built:
            url = make_url(postgres_url())
            on_postgres_server(
                *(f'DROP DATABASE IF EXISTS "{url.database}_{name}" WITH (FORCE)' for name in ("copy", "template"))
            )


def templates(factory: pytest.TempPathFactory, build: Callable[[Engine], None]) -> Iterator[Templates]:
    """For a module-scoped fixture: ``yield from templates(tmp_path_factory, build)``."""
    built = Templates(factory.mktemp("template"), build)
    yield built
    built.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    engine = fresh_engine(backend, tmp_path)
    yield engine
    engine.dispose()


class _ClearableCache(Protocol):
    def cache_clear(self) -> None: ...


def reread_settings() -> None:
    """Make ``get_settings`` read the environment again: app.settings gives the function the
    ``cache_clear`` of the cache behind it, an attribute its declared type does not show."""
    from app.settings import get_settings

    cast(_ClearableCache, get_settings).cache_clear()


@pytest.fixture
def own_settings() -> Iterator[None]:
    """For a test that runs commands on its own database through the environment: the settings and
    databases an earlier test left cached are forgotten before it, and its own after it."""
    from models.database import close_databases

    reread_settings()
    close_databases()
    yield
    reread_settings()
    close_databases()


@pytest.fixture
def workspace(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder for CLI tests, its database on the backend under test."""
    from models.database import close_databases

    home = tmp_path / "home"
    monkeypatch.setenv("DUNGHAN_HOME", str(home))
    if backend == "postgresql":
        fresh_engine(backend, tmp_path).dispose()
        monkeypatch.setenv("DUNGHAN_DATABASE_URL", POSTGRES_URL or "")
    else:
        monkeypatch.delenv("DUNGHAN_DATABASE_URL", raising=False)
    reread_settings()
    close_databases()
    yield home
    reread_settings()
    close_databases()


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One temporary Prefect API for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=None):  # PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS
        yield


@pytest.fixture(scope="session")
def prefect_api_url(prefect_api: None) -> str:
    """The session's temporary Prefect API, for the commands a test starts (their PREFECT_API_URL):
    they run their flows there instead of each starting a temporary API of its own."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the session's Prefect API has no URL"
    return str(url)
