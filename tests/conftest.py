"""Session-wide test harness: every database test runs on SQLite and on a real PostgreSQL server.

PostgreSQL comes from DUNGHAN_TEST_POSTGRES_URL (`bash .ci/postgres` starts a server on 127.0.0.1
and prints it). Without it the PostgreSQL half is skipped locally and fails in CI.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

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

from models.database import make_engine, migrate

atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)

POSTGRES_URL = os.environ.get("DUNGHAN_TEST_POSTGRES_URL")


def empty_engine(backend: str, tmp_path: Path, name: str = "dunghan.db") -> Engine:
    """An engine on an empty database: a new SQLite file, or PostgreSQL's schema dropped."""
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / name}")
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI runs every database test on PostgreSQL: set DUNGHAN_TEST_POSTGRES_URL")
        pytest.skip("no PostgreSQL: run `bash .ci/postgres` and set DUNGHAN_TEST_POSTGRES_URL")
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return engine


def fresh_engine(backend: str, tmp_path: Path) -> Engine:
    engine = empty_engine(backend, tmp_path)
    migrate(engine)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    engine = fresh_engine(backend, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def workspace(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder for CLI tests, its database on the backend under test."""
    from app.settings import get_settings
    from models.database import close_databases

    home = tmp_path / "home"
    monkeypatch.setenv("DUNGHAN_HOME", str(home))
    if backend == "postgresql":
        fresh_engine(backend, tmp_path).dispose()
        monkeypatch.setenv("DUNGHAN_DATABASE_URL", POSTGRES_URL or "")
    else:
        monkeypatch.delenv("DUNGHAN_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    close_databases()
    yield home
    get_settings.cache_clear()
    close_databases()


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One temporary Prefect API for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=None):  # PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS
        yield
