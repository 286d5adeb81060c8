"""`dunghan demo`: the whole daily job on a generated Bắc Ninh workspace, run twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app import users
from app.demo import DEMO_USERS, demo_contacts, demo_units, prepare_home
from app.settings import get_settings
from cli.main import app
from models.database import make_engine
from rules.calendar import VIETNAM

pytestmark = pytest.mark.usefixtures("prefect_api")


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The variables the demo sets, registered here so that they are put back after the test."""
    monkeypatch.setenv("DUNGHAN_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("DUNGHAN_DELIVERY", "folder")
    monkeypatch.setenv("DUNGHAN_ADMIN_EMAILS", "[]")
    monkeypatch.setenv("DUNGHAN_SENDER_NAME", "dunghan")
    monkeypatch.delenv("DUNGHAN_DATABASE_URL", raising=False)
    get_settings.cache_clear()  # type: ignore[attr-defined]
    yield tmp_path / "data" / "demo"
    get_settings.cache_clear()  # type: ignore[attr-defined]


def test_the_demo_runs_the_day_and_runs_again(demo_env: Path) -> None:
    first = CliRunner().invoke(app, ["demo", "--at", "2026-11-25T07:30"])
    assert first.exit_code == 0, first.output
    assert f"workspace {demo_env}: new" in first.output
    assert "Overdue and due soon" in first.output
    assert "Reporting rates by level" in first.output
    assert "default:cap-tren" in first.output  # laggards of the half-year report are escalated
    mails = list((demo_env / "outbox").rglob("*.eml"))
    assert mails
    assert f"{len(mails)} email .eml" in first.output
    assert (demo_env / "dunghan.db").exists()
    assert "Action Month 2026:" in first.output  # logs since 15/11, rolled up per level
    assert (demo_env / "reports" / "thang-hanh-dong-2026-24.xlsx").exists()

    people = _logins(first.output)
    assert [(email, role) for email, role, _ in people] == [
        ("canbo.daison@bacninh.example", "reporting officer"),
        ("tiep-nhan.snv@bacninh.example", "receiving officer"),
        ("lanh-dao.tinh@bacninh.example", "supervising leader"),
        ("quan-tri@bacninh.example", "administrator"),
    ]
    assert "Xã Đại Sơn (07627)" in first.output and "Sở Nội vụ" in first.output
    assert first.output.rstrip().endswith(
        f"Open the web pages: DUNGHAN_HOME={demo_env} dunghan serve --at 2026-11-25T07:30 then open http://127.0.0.1:8000/"
    )
    _can_log_in(demo_env, people)

    again = CliRunner().invoke(app, ["demo", "--at", "2026-11-25T07:30"])
    assert again.exit_code == 0, again.output
    assert "rebuilt from scratch" in again.output
    assert len(list((demo_env / "outbox").rglob("*.eml"))) == len(mails)  # the same day, the same messages
    assert _logins(again.output) == people  # seeded: the same instant, the same passwords
    _can_log_in(demo_env, people)


def _logins(output: str) -> list[tuple[str, str, str]]:
    """(e-mail, role, password) of each row of the demo's table of web accounts."""
    table = output.split("Web accounts", 1)[1].split("Open the web pages:", 1)[0]
    rows = [line for line in table.splitlines() if "@" in line]
    found = []
    for line in rows:
        words = line.split()
        role = next(
            name
            for name in ("reporting officer", "receiving officer", "supervising leader", "administrator")
            if name in line
        )
        found.append((words[0], role, words[-1]))
    assert len(found) == len(DEMO_USERS)
    return found


def _can_log_in(home: Path, people: list[tuple[str, str, str]]) -> None:
    """Each demo person logs in with the password the demo printed, and with no other."""
    engine = make_engine(f"sqlite:///{home / 'dunghan.db'}")
    when = datetime(2026, 11, 25, 8, tzinfo=VIETNAM)
    try:
        ids = {users.authenticate(engine, email=e, password=p, address="test", at=when) for e, _, p in people}
        assert len(ids) == len(people)
        with pytest.raises(users.LoginRefused):
            users.authenticate(engine, email=people[0][0], password="mat-khau-khac", address="test", at=when)
    finally:
        engine.dispose()


def test_the_demo_never_touches_a_folder_it_did_not_make(demo_env: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "bao-cao.xlsx").write_bytes(b"keep me")
    result = CliRunner().invoke(app, ["demo", "--home", str(mine)])
    assert result.exit_code == 1
    assert "already holds files that the demo did not make" in result.output
    assert (mine / "bao-cao.xlsx").read_bytes() == b"keep me"


def test_generated_contacts_cover_every_unit_with_a_focal_point(tmp_path: Path) -> None:
    units = demo_units()
    contacts = demo_contacts(units)
    assert {c.unit for c in contacts if c.role == "focal_point"} == {u.code for u in units if u.level != "ministry"}
    assert all(c.email and c.email.endswith("@bacninh.example") for c in contacts)
    assert any(c.zalo_user_id for c in contacts) and any(not c.zalo_user_id for c in contacts)
    assert contacts == demo_contacts(units)  # seeded: the same every time
    assert prepare_home(tmp_path / "new") is False
    assert prepare_home(tmp_path / "new") is True


def test_on_a_day_off_the_demo_says_when_the_steps_go_out(demo_env: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--at", "2026-11-24T07:30"])  # Ngày Văn hóa Việt Nam
    assert result.exit_code == 0, result.output
    assert "Sent today: 0 notices" in result.output
    assert "today is not a working day (Ngày Văn hóa Việt Nam)" in result.output
    assert "dunghan demo --at 2026-11-25T07:30" in result.output
