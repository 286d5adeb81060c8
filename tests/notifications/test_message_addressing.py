"""A message about one obligation names every recipient of the report (the "đồng gửi" ones too) and
says when its date is an estimate, in the text and the HTML part alike."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.notifying import run_sweep
from app.settings import Settings
from models.org_rows import ContactRow
from models.planning import plan_cycle
from models.tables import Notice
from models.tree import import_org
from rules.clock import fixed_clock
from rules.loader import calendar_for
from tests.models.estimate_pack import ESTIMATE_2027, NOW, estimate_pack
from tests.models.factory import at, bac_ninh_2026
from tests.models.recipient_pack import plan_recipient_pack

FOCAL_POINT = ContactRow(1, "24-SYT", "Lê Thu Hà", "focal_point", "ha@syt.bacninh.gov.vn", None, None, "email", True)


def _overdue_messages(engine: Engine, tmp_path: Path, when: datetime) -> list[Notice]:
    """The overdue messages to the Sở Y tế's focal point queued by the morning sweep at ``when``."""
    import_org(engine, [], [FOCAL_POINT], source="test")
    settings = Settings(home=tmp_path / "home", delivery="folder", admin_emails=["admin@snv.bacninh.gov.vn"])
    run_sweep(engine, settings, at=when, clock=fixed_clock(when))
    with Session(engine) as session:
        return list(session.exec(select(Notice).where(col(Notice.address) == FOCAL_POINT.email)))


def test_a_reminder_names_the_other_recipients(engine: Engine, tmp_path: Path) -> None:
    plan_recipient_pack(engine, tmp_path)
    # The departments' report goes to the Sở Nội vụ and the UBND tỉnh "trước ngày 15/12": Monday
    # 14/12/2026 is the last day, the overdue step comes the day after.
    [message] = _overdue_messages(engine, tmp_path, at("2026-12-15T07:30:00"))
    assert "- Gửi đến: Sở Nội vụ; đồng gửi: UBND tỉnh\n" in message.body_text
    assert message.body_html is not None and "<small>Đồng gửi: UBND tỉnh</small>" in message.body_html
    assert "Ghi chú về hạn" not in message.body_text


def test_a_reminder_says_its_date_is_an_estimate(engine: Engine, tmp_path: Path) -> None:
    pack = estimate_pack(tmp_path)
    bac_ninh_2026(engine)
    plan_cycle(engine, pack, 2027, calendar_for(pack), params={}, scope=["24"], now=NOW, actor="admin")
    # January 2027's report is due Friday 12/02/2027 after Tết as the lunar calendar gives it.
    messages = _overdue_messages(engine, tmp_path, at("2027-02-15T07:30:00"))
    [january] = [m for m in messages if "tháng 01/2027" in m.subject or "tháng 1/2027" in m.subject]
    assert f"- Ghi chú về hạn: {ESTIMATE_2027}\n" in january.body_text
    assert january.body_html is not None and f"<small>{ESTIMATE_2027}</small>" in january.body_html
    assert "đồng gửi" not in january.body_text
