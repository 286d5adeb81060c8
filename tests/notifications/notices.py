"""Outbox notices as the sweep writes them, for the channel tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from models.outbox import Attempt
from models.tables import Notice

NOW = datetime(2026, 12, 22, 0, 30, tzinfo=UTC)
SUBJECT = "[Quá hạn 1 ngày] Báo cáo kết quả công tác bình đẳng giới năm 2026 – Sở Y tế"


def email_notice(
    number: int, address: str | None = None, *, name: str = "Nguyễn Thị Hoa", body: str = "", html: str | None = None
) -> Notice:
    return Notice(
        id=number,
        key=f"o{number}:default:qua-han-1@2026-12-22:email:c{number}",
        kind="reminder",
        recipient_role="focal_point",
        recipient_name=name,
        channel="email",
        address=address or f"canbo{number}@syt.bacninh.gov.vn",
        template="overdue",
        subject=SUBJECT,
        body_text=body or f"Kính gửi {name},\n\nBáo cáo đã quá hạn 1 ngày làm việc.\n",
        body_html=html,
        status="pending",
        attempts=0,
        created_at=NOW,
        not_before=NOW,
    )


def zalo_notice(number: int, channel: str = "zalo", *, user: str | None = None) -> Notice:
    """An OA text (channel zalo, to a follower's user id) or a ZNS template (channel zns, to a phone)."""
    payload: dict[str, object]
    if channel == "zalo":
        address = user or f"48151623{number:02d}"
        payload = {"text": "Nhắc hạn: báo cáo năm 2026 hạn 21/12/2026"}
    else:
        address = f"09876543{number:02d}"
        payload = {"template_id": "2101", "template_data": {"ten_don_vi": "Sở Y tế", "han_nop": "21/12/2026"}}
    return Notice(
        id=number,
        key=f"o{number}:default:nhac-han@2026-12-22:{channel}:c{number}",
        kind="reminder",
        recipient_role="focal_point",
        recipient_name="Nguyễn Thị Hoa",
        channel=channel,
        address=address,
        template="reminder",
        subject=SUBJECT,
        body_text="Nhắc hạn",
        body_html=None,
        payload=json.dumps(payload, ensure_ascii=False),
        status="pending",
        attempts=0,
        created_at=NOW,
        not_before=NOW,
    )


class Reports(dict[int, Attempt]):
    """What a channel reported, by notice id; a notice reported twice is a bug the test should see."""

    def __call__(self, notice: Notice, attempt: Attempt) -> None:
        assert notice.id not in self, f"notice {notice.id} reported twice"
        assert notice.id is not None
        self[notice.id] = attempt

    def failed(self) -> dict[int, Attempt]:
        return {number: attempt for number, attempt in self.items() if not attempt.ok}

    def tried(self) -> int:
        """Attempts the outbox counts: every report that reached the peer."""
        return sum(1 for attempt in self.values() if attempt.tried)
