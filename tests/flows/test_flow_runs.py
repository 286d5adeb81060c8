"""The flows run under Prefect (one temporary API for the session), as the CLI and workers run them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import State
from sqlalchemy import func, select
from sqlmodel import col

from app.workspace import database
from flows.plan_cycle import plan_cycle
from flows.send_reminders import send_reminders
from models.org_rows import ContactRow
from models.tables import Notice, Obligation
from models.tree import import_org
from rules.errors import PackNotFound
from tests.conftest import reread_settings
from tests.models.factory import bac_ninh_2026

pytestmark = pytest.mark.usefixtures("prefect_api")


def run_name(state: State[Any]) -> str:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(state.state_details.flow_run_id).name  # type: ignore[arg-type]


@pytest.fixture
def tree(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DUNGHAN_ADMIN_EMAILS", '["admin@snv.bacninh.gov.vn"]')
    reread_settings()
    engine = database()
    bac_ninh_2026(engine)
    contact = ContactRow(1, "24-STP", "Đỗ Minh Tư", "focal_point", "tu@stp.bacninh.gov.vn", None, None, "email", True)
    import_org(engine, [], [contact], source="test")
    return workspace


def test_plan_then_sweep_as_flows(tree: Path) -> None:
    state = plan_cycle("hai-cap-2026", 2026, under=["24"], at="2026-01-05T08:00", return_state=True)
    summary = state.result()
    assert summary.created > 0 and summary.created == summary.total
    assert (
        run_name(state)
        == "plan_cycle pack=hai-cap-2026 year=2026 under=24 at=2026-01-05 08:00 actor=prefect:plan_cycle"
    )
    with database().connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Obligation)) == summary.total

    again = plan_cycle("hai-cap-2026", 2026, under=["24"], at="2026-01-06T08:00")
    assert (again.created, again.unchanged) == (0, summary.total)

    swept = send_reminders(at="2026-06-26T07:30", return_state=True)
    result = swept.result()
    assert any(d.address == "tu@stp.bacninh.gov.vn" for d in result.queued)
    assert {d.status for d in result.delivered} == {"sent"}
    assert run_name(swept) == "send_reminders at=2026-06-26 07:30"
    assert list((tree / "outbox").rglob("*.eml"))
    assert send_reminders(at="2026-06-26T07:30").queued == []  # nothing twice


def test_a_failing_flow_raises_and_the_admin_hears_of_it(tree: Path) -> None:
    with pytest.raises(PackNotFound):
        plan_cycle("khong-co-goi-nay", 2026, under=["24"], at="2026-01-05T08:00")
    with database().connect() as connection:
        notices = connection.execute(
            select(col(Notice.address), col(Notice.subject), col(Notice.status)).where(col(Notice.kind) == "admin")
        )
        [(address, subject, status)] = notices.all()
    assert address == "admin@snv.bacninh.gov.vn"
    assert subject.startswith("[dunghan] Lỗi khi chạy plan_cycle (plan_cycle pack=khong-co-goi-nay")
    assert status == "sent"  # written to the outbox folder: the default delivery


def test_the_action_month_roll_up_writes_the_workbook_and_the_report(workspace: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    from app.demo import load_tree, record_demo_activities
    from flows.rollup_action_month import rollup_action_month
    from tests.models.factory import at

    engine = database()
    load_tree(engine)
    logged = record_demo_activities(engine, at=at("2026-12-01T17:00"))
    assert logged > 0
    state = rollup_action_month(year=2026, under="24", at="2026-12-02T06:00", return_state=True)
    workbook, report = state.result()
    assert run_name(state) == "rollup_action_month year=2026 campaign=thang-hanh-dong under=24 at=2026-12-02 06:00"
    assert (workbook.name, report.name) == ("thang-hanh-dong-2026-24.xlsx", "thang-hanh-dong-2026-24.docx")
    assert workbook.parent == workspace / "reports"
    assert len(load_workbook(workbook).sheetnames) >= 2  # a sheet per level and a summary
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in "\n".join(
        cell.text for table in Document(str(report)).tables for row in table.rows for cell in row.cells
    )
    assert "Tháng hành động" in text
