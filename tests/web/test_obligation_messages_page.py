"""The obligation page names the messages that told someone of it: a grouped escalation, addressed
to no obligation and listing several, shows on the page of each obligation it lists, and on no
other; never with the recipient's address."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from models.outbox import NoticeDraft, enqueue
from models.reminders import GROUPED_KIND, covers_payload
from tests.web.conftest import NOW, obligation_id

Client = Callable[..., TestClient]
SUBJECT = "[Đôn đốc ngày 22/06/2026] 2 báo cáo chưa gửi của 2 đơn vị"


def _grouped(covers: list[int]) -> NoticeDraft:
    steps = [(o, "default:don-doc@2026-06-22") for o in covers]
    return NoticeDraft(
        key="don-doc:2026-06-22:test:email:c1",
        kind=GROUPED_KIND,
        obligation_id=None,
        step="don-doc@2026-06-22",
        contact_id=None,
        recipient_role="level_above",
        recipient_name="Phạm Văn Giám",
        channel="email",
        address="giam@tinh.example",
        template="escalation_list",
        subject=SUBJECT,
        body_text="…",
        body_html=None,
        payload=covers_payload(steps),
        note=None,
        not_before=NOW,
    )


def test_a_grouped_escalation_shows_on_each_page_it_lists(web_engine: Engine, client_for: Client) -> None:
    listed = [obligation_id(web_engine, "07627"), obligation_id(web_engine, "07615")]
    other = obligation_id(web_engine, "24-STP")
    enqueue(web_engine, [_grouped(listed)], at=NOW - timedelta(hours=1))
    for officer, oid in zip(("canbo.07627@xa.example", "canbo.07615@xa.example"), listed, strict=True):
        page = client_for(officer).get(f"/nghia-vu/{oid}")
        assert page.status_code == 200
        section = page.text.split('id="thong-bao"', 1)[1].split("</section>", 1)[0]
        assert SUBJECT in section and "thư chung cho 2 báo cáo" in section
        assert "Phạm Văn Giám, lãnh đạo cấp trên" in section and "thư điện tử" in section
        assert "giam@tinh.example" not in page.text  # the recipient's address stays in the outbox
    page = client_for("canbo.24-STP@so.example").get(f"/nghia-vu/{other}")
    assert page.status_code == 200
    assert SUBJECT not in page.text and "Chưa có thông báo nào về báo cáo này." in page.text
