"""`dunghan db`: status, upgrade with a backup first, backup; and a database that cannot be used
said in one line (a bad URL, PostgreSQL unreachable, newer than the code, a file for a folder)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cli.main import app
from models.database import close_databases, head_revision, make_engine, migrate
from tests.conftest import empty_engine
from tests.models.test_upgrade import fill, upgrade_to

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def old_database(backend: str, tmp_path: Path, home: Path, revision: str) -> dict[str, int]:
    """Put a database at ``revision``, full of rows, where the workspace looks; its row counts."""
    if backend == "sqlite":
        close_databases()
        (home / "dunghan.db").unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{home / 'dunghan.db'}")
    else:
        engine = empty_engine(backend, tmp_path)
    upgrade_to(engine, revision)
    written = fill(engine)
    engine.dispose()
    return written


def rows_in(path: Path) -> tuple[str, int]:
    """(revision, submissions) of a SQLite file, read with the standard library."""
    with sqlite3.connect(path) as copy:
        revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return revision, copy.execute("SELECT count(*) FROM submission").fetchone()[0]


def test_status_upgrade_backup(workspace: Path, backend: str, tmp_path: Path) -> None:
    old_database(backend, tmp_path, workspace, "0004")
    status = run("db", "status")
    assert status.exit_code == 0, status.output
    assert f"revision: 0004, newest known: {head_revision()} (behind: run `dunghan db upgrade`" in status.stdout
    assert "dunghan:dunghan@" not in status.stdout  # the password is masked

    upgraded = run("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"upgraded from revision 0004 to {head_revision()}" in upgraded.stdout
    backups = sorted((workspace / "backups").glob("*.db")) if backend == "sqlite" else []
    if backend == "sqlite":
        assert [b.name[:13] for b in backups] == ["dunghan-0004-"]
        assert f"backed up to {backups[0]}" in upgraded.stdout
        assert rows_in(backups[0]) == ("0004", 1)  # the database as it was before
        assert backups[0].stat().st_mode & 0o777 == 0o600
    else:
        assert "backed up" not in upgraded.stdout
    assert "(up to date)" in run("db", "status").stdout
    again = run("db", "upgrade")
    assert again.exit_code == 0 and f"already at the newest revision {head_revision()}" in again.stdout

    chosen = tmp_path / "usb" / "copy.db"
    copied = run("db", "backup", "-o", str(chosen))
    if backend == "postgresql":
        assert copied.exit_code == 1
        assert copied.stderr.count("\n") == 1 and "back up PostgreSQL with pg_dump" in copied.stderr
        return
    assert copied.exit_code == 0, copied.output
    assert rows_in(chosen) == (head_revision(), 1) and chosen.stat().st_mode & 0o777 == 0o600
    twice = run("db", "backup", "-o", str(chosen))
    assert twice.exit_code == 1 and "copy.db: already exists; choose another file" in twice.stderr
    named = run("db", "backup")
    assert named.exit_code == 0 and f"/backups/dunghan-{head_revision()}-" in named.stdout


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL is backed up with pg_dump
def test_opening_a_database_that_is_behind_backs_it_up_first(workspace: Path, tmp_path: Path) -> None:
    old_database("sqlite", tmp_path, workspace, "0001")
    listed = run("overdue", "--at", "2026-06-24T09:00", "--format", "json")
    assert listed.exit_code == 0, listed.output
    backups = list((workspace / "backups").glob("dunghan-0001-*.db"))
    assert len(backups) == 1 and rows_in(backups[0]) == ("0001", 1)
    assert "(up to date)" in run("db", "status").stdout


def dunghan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, so that what it prints and its umask are its own."""
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUNGHAN_") or k == "DUNGHAN_LANG"}
    return env | {"DUNGHAN_HOME": str(tmp_path / "home")} | {f"DUNGHAN_{k.upper()}": v for k, v in settings.items()}


def newer_database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    return url


def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "not-a-folder"
    path.write_text("", encoding="utf-8")
    return path


FAULTS: dict[str, tuple[Callable[[Path], dict[str, str]], str]] = {
    "newer database": (
        lambda tmp: {"database_url": newer_database(tmp)},
        "is at revision 9999, newer than this dunghan knows (its newest is {head}): install the dunghan that "
        "upgraded it, or restore a backup made before",
    ),
    "unparsable URL": (
        lambda tmp: {"database_url": "dunghan.db"},
        "DUNGHAN_DATABASE_URL: the database URL is not a URL; write sqlite:///PATH or postgresql+psycopg://",
    ),
    "unknown driver": (
        lambda tmp: {"database_url": "mysql+nosuchdriver://admin:s3cret@db.example/dunghan"},
        "DUNGHAN_DATABASE_URL: the database URL mysql+nosuchdriver://admin:***@db.example/dunghan: unknown "
        "database driver 'mysql+nosuchdriver'; use sqlite or postgresql+psycopg",
    ),
    "PostgreSQL unreachable": (
        lambda tmp: {"database_url": "postgresql+psycopg://dunghan:s3cret@127.0.0.1:1/dunghan"},
        "cannot reach the database postgresql+psycopg://dunghan:***@127.0.0.1:1/dunghan: connection failed",
    ),
    "data folder is a file": (
        lambda tmp: {"home": str(a_file(tmp))},
        "DUNGHAN_HOME: {tmp}/not-a-folder: is a file, not a folder",
    ),
    "database folder under a file": (
        lambda tmp: {"database_url": f"sqlite:///{a_file(tmp)}/dunghan.db"},
        "DUNGHAN_DATABASE_URL: {tmp}/not-a-folder: is a file, not a folder",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("command", [("overdue", "--at", "2026-12-23"), ("db", "status")])
def test_a_database_that_cannot_be_used_is_one_line(tmp_path: Path, fault: str, command: tuple[str, ...]) -> None:
    settings, expected = FAULTS[fault]
    if command[0] == "db" and fault == "newer database":  # status says so and is not refused
        done = dunghan(*command, env=environment(tmp_path, **settings(tmp_path)))
        assert done.returncode == 0 and "revision: 9999, newest known:" in done.stdout
        assert "(newer than this dunghan: install the dunghan that upgraded it)" in done.stdout
        return
    done = dunghan(*command, env=environment(tmp_path, **settings(tmp_path)))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("dunghan: ")
    assert expected.format(head=head_revision(), tmp=tmp_path) in done.stderr
    assert "s3cret" not in done.stderr + done.stdout


def test_a_database_failing_under_a_command_is_one_sentence() -> None:
    from sqlalchemy.exc import OperationalError

    from cli.errors import database_failure

    engine = make_engine("postgresql+psycopg://dunghan:s3cret@127.0.0.1:1/dunghan")
    with pytest.raises(OperationalError) as failed:
        engine.connect()
    sentence = database_failure(failed.value)
    assert sentence is not None and sentence.startswith("the database stopped answering: connection failed")
    assert "\n" not in sentence and "s3cret" not in sentence
    assert database_failure(ValueError("not ours")) is None


def test_the_data_folder_and_its_files_are_private(tmp_path: Path) -> None:
    env = environment(tmp_path)
    home = tmp_path / "home"
    wide_open = "umask 022 && exec " + " ".join([sys.executable, "-m", "cli.main"])
    for args in (
        "org import vietnam-provinces --province 24",
        "rollup thang-hanh-dong --year 2026 --under 24 --format xlsx",
        "db backup",
    ):
        done = subprocess.run(["sh", "-c", f"{wide_open} {args}"], capture_output=True, text=True, env=env, check=False)
        assert done.returncode == 0, done.stderr
    assert home.stat().st_mode & 0o777 == 0o700
    written = [home / "dunghan.db", *home.glob("reports/*.xlsx"), *home.glob("backups/*.db")]
    assert len(written) == 3
    assert {p.name: p.stat().st_mode & 0o777 for p in written} == {p.name: 0o600 for p in written}
    with sqlite3.connect(home / "dunghan.db") as reader:  # a reader makes SQLite open -wal and -shm
        reader.execute("SELECT count(*) FROM unit").fetchone()
        companions = [home / "dunghan.db-wal", home / "dunghan.db-shm"]
        assert [p.stat().st_mode & 0o777 for p in companions] == [0o600, 0o600]


def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_read_on_an_empty_data_folder_creates_nothing_and_says_what_to_run(tmp_path: Path) -> None:
    env = environment(tmp_path)
    home = tmp_path / "home"
    for command in (("overdue",), ("status",), ("outbox", "list"), ("runs",), ("org", "list")):
        done = dunghan(*command, env=env)
        assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
        assert f"no data in {home} yet: run dunghan demo" in done.stderr
        assert not home.exists()
    written = dunghan("org", "import", "vietnam-provinces", "--province", "24", env=env)
    assert written.returncode == 0, written.stderr
    assert written.stderr.startswith(f"dunghan: created the data folder {home}\n")
    assert (home / "dunghan.db").exists()
    assert dunghan("overdue", env=env).returncode == 0


def test_an_error_is_one_line_and_its_traceback_only_when_asked(tmp_path: Path) -> None:
    env = environment(tmp_path)
    plain = dunghan("cycle", "plan", "khong-co", "--year", "2026", env=env)
    assert plain.returncode == 1 and plain.stderr.count("\n") == 1 and "Traceback" not in plain.stderr
    assert plain.stderr.startswith("dunghan: no pack 'khong-co': give a file path")
    for debug in (("--debug",), ()):
        asked = dunghan(
            *debug,
            "cycle",
            "plan",
            "khong-co",
            "--year",
            "2026",
            env=env | {"DUNGHAN_DEBUG": "1"} if not debug else env,
        )
        assert asked.returncode == 1 and "Traceback (most recent call last)" in asked.stderr
        assert asked.stderr.splitlines()[-1] == plain.stderr.strip()
