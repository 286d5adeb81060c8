"""Running flows from the CLI: where Prefect keeps its files, and a server that cannot be reached."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.orchestration import orchestration, prefect_environment
from rules.errors import DunghanError


def test_without_a_server_prefect_lives_in_the_data_folder_quietly() -> None:
    added = prefect_environment(Path("/srv/dunghan"), {})
    assert added["PREFECT_HOME"] == str(Path("/srv/dunghan") / "prefect")
    assert added["DO_NOT_TRACK"] == "1"
    assert added["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert added["PREFECT_LOGGING_LEVEL"] == "WARNING"


def test_the_operators_own_settings_win() -> None:
    given = {"PREFECT_API_URL": "http://prefect:4200/api", "PREFECT_LOGGING_LEVEL": "DEBUG", "DO_NOT_TRACK": "0"}
    added = prefect_environment(Path("/srv/dunghan"), given)
    assert "PREFECT_HOME" not in added  # the server's clients keep their own profile
    assert not {"PREFECT_LOGGING_LEVEL", "DO_NOT_TRACK"} & set(added)


def test_an_unreachable_server_becomes_a_sentence() -> None:
    with pytest.raises(DunghanError, match="unset PREFECT_API_URL"), orchestration():
        raise RuntimeError("Failed to reach API at http://127.0.0.1:9/api/")


def test_other_errors_pass_through_unchanged() -> None:
    with pytest.raises(RuntimeError, match="something else"), orchestration():
        raise RuntimeError("something else")
