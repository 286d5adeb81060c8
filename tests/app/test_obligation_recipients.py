"""`dunghan obligation show` names whom the report goes to: the principal recipient, and those
also sent it (đồng gửi); a body above the ministries by its name."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cli.main import app as cli
from tests.models.recipient_pack import plan_recipient_pack

pytestmark = pytest.mark.usefixtures("own_settings")  # the command reads this test's database


def _show(engine: Engine, tmp_path: Path, *key: str) -> list[str]:
    env = {"DUNGHAN_HOME": str(tmp_path / "home"), "DUNGHAN_DATABASE_URL": engine.url.render_as_string(False)}
    shown = CliRunner().invoke(cli, ["obligation", "show", *key, "--at", "2026-12-10T09:00"], env=env)
    assert shown.exit_code == 0, shown.output
    return shown.stdout.splitlines()


def test_obligation_show_names_the_recipient_and_the_others(engine: Engine, tmp_path: Path) -> None:
    plan_recipient_pack(engine, tmp_path)
    lines = _show(engine, tmp_path, "24-SYT", "bdg-nam", "2026", "--hop", "1")
    assert "  recipient:   Sở Nội vụ" in lines
    assert "  also sent to: UBND tỉnh" in lines
    alone = _show(engine, tmp_path, "24-SNV", "bdg-nam", "2026", "--hop", "2")
    assert "  recipient:   Bộ Nội vụ" in alone and not any("also sent to" in line for line in alone)


def test_obligation_show_names_a_body_above_the_ministries(engine: Engine, tmp_path: Path) -> None:
    plan_recipient_pack(engine, tmp_path)
    lines = _show(engine, tmp_path, "BNV", "bdg-nam", "2026", "--hop", "3")
    assert "  recipient:   Chính phủ" in lines
    assert "  also sent to: Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam" in lines
