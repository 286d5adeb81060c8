"""Commands that need no orchestration start fast: they never load Prefect, and the heavy
libraries load only in the commands that use them (checked by what a fresh process imported)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ["prefect", "sqlalchemy", "alembic", "openpyxl", "apprise", "jinja2", "icalendar", "docx", "matplotlib"]

PROBE = """
import json, sys
from typer.testing import CliRunner
from cli.main import app
args = json.loads(sys.argv[1])
if args:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)))
"""


def loaded_by(args: list[str], env: dict[str, str] | None = None) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.replace("{heavy}", repr(HEAVY)), json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_starting_the_cli_loads_none_of_the_heavy_libraries() -> None:
    assert loaded_by([]) == []


@pytest.mark.parametrize(
    "args", [["rules", "check"], ["rules", "deadlines", "hai-cap-2026", "--year", "2026"], ["--help"]]
)
def test_commands_without_a_database_load_none_of_them(args: list[str]) -> None:
    assert loaded_by(args) == []


def test_supervisor_queries_load_the_database_layer_but_not_prefect_or_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.database import make_engine, migrate

    monkeypatch.setenv("DUNGHAN_HOME", str(tmp_path))
    monkeypatch.delenv("DUNGHAN_DATABASE_URL", raising=False)
    migrate(make_engine(f"sqlite:///{tmp_path / 'dunghan.db'}"))  # current, so the probe need not migrate
    loaded = loaded_by(["overdue", "--at", "2026-12-23"], env=dict(os.environ))
    assert "sqlalchemy" in loaded
    assert not {"prefect", "alembic", "apprise", "openpyxl"} & set(loaded)
