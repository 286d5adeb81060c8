"""An obligation's history names every message that told someone of it: the reminders addressed
to it, and the day's grouped escalation (one message per recipient listing every late unit,
addressed to no obligation, its payload's ``covers`` naming them): on `dunghan obligation show`
and on the obligation's page alike, for each obligation the grouped message covers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col
from typer.testing import CliRunner

from app.notifying import run_sweep
from app.obligation_history import obligation_messages
from app.settings import Settings, using
from cli.main import app as cli
from models.reminders import GROUPED_KIND
from models.tables import Notice, Obligation, Unit
from rules.clock import fixed_clock
from tests.conftest import Templates, templates
from tests.models.factory import at
from tests.notifications.test_sweep import build_world

SWEPT = "2026-12-17T07:30:00"  # the yearly reports are late: the day's escalations go out


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    yield from templates(tmp_path_factory, build_world)


@pytest.fixture
def swept(backend: str, planned: Templates, tmp_path: Path) -> Iterator[tuple[Engine, Settings]]:
    engine = planned.copy(backend, tmp_path)
    settings = Settings(
        home=tmp_path / "home",
        database_url=engine.url.render_as_string(hide_password=False),
        delivery="folder",
        sender_name="Sở Nội vụ tỉnh Bắc Ninh",
        admin_emails=["admin@snv.bacninh.gov.vn"],
    )
    with using(settings):
        run_sweep(engine, settings, at=at(SWEPT), clock=fixed_clock(at(SWEPT)))
        yield engine, settings
    engine.dispose()


def _grouped(engine: Engine) -> tuple[str, str, list[int]]:
    """The subject and recipient of a grouped escalation that covers several obligations, and them."""
    with engine.connect() as c:
        rows = c.execute(
            select(col(Notice.subject), col(Notice.recipient_name), col(Notice.payload)).where(
                col(Notice.kind) == GROUPED_KIND, col(Notice.obligation_id).is_(None), col(Notice.channel) == "email"
            )
        ).all()
    subject, name, payload = max(rows, key=lambda r: len(json.loads(r[2])["covers"]))
    covered = sorted({int(o) for o, _step in json.loads(payload)["covers"]})
    assert len(covered) > 2
    return subject, name, covered


def test_each_covered_obligation_names_the_grouped_escalation(swept: tuple[Engine, Settings]) -> None:
    engine, _settings = swept
    subject, name, covered = _grouped(engine)
    for obligation in (covered[0], covered[1], covered[-1]):
        shown = [m for m in obligation_messages(engine, obligation) if m.subject == subject]
        assert len(shown) == 1, obligation
        [message] = shown
        assert message.name == "đôn đốc" and message.covers == len(covered)
        assert message.shared == f"thư chung cho {len(covered)} báo cáo"
        assert message.recipient.startswith(f"{name}, ") and message.channel == "thư điện tử"
    with engine.connect() as c:
        found = c.execute(select(col(Obligation.id)).where(col(Obligation.id).not_in(covered))).scalars()
        others = [i for i in found if i is not None]
    assert others
    for other in others[:20]:  # an obligation the message does not list never names it
        assert all(m.subject != subject for m in obligation_messages(engine, other))


@pytest.mark.usefixtures("own_settings")  # the command reads this test's database
def test_obligation_show_lists_the_grouped_escalation(swept: tuple[Engine, Settings]) -> None:
    engine, settings = swept
    subject, name, covered = _grouped(engine)
    with engine.connect() as c:
        code, report, period, hop = c.execute(
            select(col(Unit.code), col(Obligation.report_id), col(Obligation.period), col(Obligation.hop))
            .join(Unit, col(Unit.id) == col(Obligation.unit_id))
            .where(col(Obligation.id) == covered[1])
        ).one()
    runner = CliRunner()
    env = {"DUNGHAN_HOME": str(settings.home), "DUNGHAN_DATABASE_URL": settings.database_url or ""}
    args = ["obligation", "show", code, report, period, "--hop", str(hop), "--at", "2026-12-17T09:00"]
    shown = runner.invoke(cli, args, env=env)
    assert shown.exit_code == 0, shown.output
    [line] = [line for line in shown.stdout.splitlines() if subject in line]
    assert line.startswith("  - 17/12/2026 ") and f"đôn đốc (thư chung cho {len(covered)} báo cáo)" in line
    assert f"to {name}, " in line and "via thư điện tử" in line
    listed = runner.invoke(cli, [*args, "--format", "json"], env=env)
    messages = json.loads(listed.stdout)["messages"]
    assert [m["covers"] for m in messages if m["subject"] == subject] == [len(covered)]
