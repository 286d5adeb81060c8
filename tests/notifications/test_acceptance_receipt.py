"""Receipts to the unit's officers when a submission is recorded and when it is accepted, queued in
the same transaction and delivered through a real SMTP server, parsed back with the standard library."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from app import obligations
from app.notifying import deliver_ready
from app.settings import Settings, using
from models.lifecycle import IllegalTransition
from models.obligations import ObligationKey
from models.org_rows import ContactRow
from models.planning import plan_cycle
from models.tables import Notice
from models.tree import import_org
from rules.clock import fixed_clock
from rules.loader import calendar_for, shipped_packs
from tests.conftest import Templates, templates
from tests.models.factory import at, bac_ninh_2026
from tests.notifications.peers import Mailbox, smtp_server

PACK = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
YEARLY = ObligationKey("24-SYT", "bdg-nam", "2026")
OTHER = ObligationKey("24-SYT", "bdg-6-thang", "2026-H1")
SUBMITTED = at("2026-12-18T09:30:00")
ACCEPTED = at("2026-12-21T14:05:00")


def build_world(engine: Engine) -> None:
    """Bắc Ninh 2026: Sở Y tế's officer Nguyễn Thị Hoa (and a former one, inactive), the receiving
    Sở Nội vụ's officer; the 2026 cycle planned."""
    bac_ninh_2026(engine)
    receiving = ContactRow(
        9, "24-SNV", "Hoàng Thu Nhận", "focal_point", "nhan@snv.bacninh.gov.vn", "0222 3822 123", None, "email", True
    )
    import_org(engine, [], [receiving], source="test")
    plan_cycle(
        engine, PACK, 2026, calendar_for(), params={}, scope=["24"], now=at("2026-01-05T08:00:00"), actor="admin"
    )


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    yield from templates(tmp_path_factory, build_world)


@pytest.fixture
def world(backend: str, planned: Templates, tmp_path: Path) -> Iterator[tuple[Engine, Settings, Mailbox]]:
    engine = planned.copy(backend, tmp_path)
    with smtp_server() as (url, mailbox):
        settings = Settings(
            home=tmp_path / "home",
            delivery="send",
            smtp_url=url,
            email_from="Hệ thống nhắc hạn <noreply@snv.bacninh.gov.vn>",
            sender_name="Sở Nội vụ tỉnh Bắc Ninh",
            link_base="https://baocao.bacninh.gov.vn",
            rate_email=0,
        )
        with using(settings):
            yield engine, settings, mailbox
    engine.dispose()


def _receipts(engine: Engine) -> list[Notice]:
    with engine.connect() as connection:
        rows = connection.execute(select(Notice).where(col(Notice.kind) == "receipt").order_by(col(Notice.id)))
        return [Notice(**row._mapping) for row in rows]


def _plain(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def test_the_officer_gets_a_receipt_when_the_submission_is_recorded_and_when_it_is_accepted(
    world: tuple[Engine, Settings, Mailbox],
) -> None:
    engine, settings, mailbox = world
    submitted = obligations.submit(engine, YEARLY, at=SUBMITTED, actor="cli:van-thu", note="Bản ký số")
    assert submitted.receipt is not None
    [receipt] = _receipts(engine)
    assert (receipt.address, receipt.recipient_role) == ("hoa@syt.bacninh.gov.vn", "submitter")
    obligations.review(engine, YEARLY, "accept", at=ACCEPTED, actor="cli:snv", reason=None)
    receipts = _receipts(engine)
    assert [n.address for n in receipts] == ["hoa@syt.bacninh.gov.vn"] * 2  # never the inactive officer
    assert len({n.key for n in receipts}) == 2

    deliver_ready(engine, settings, at=ACCEPTED, clock=fixed_clock(ACCEPTED))
    assert len(mailbox.messages) == 2
    by_subject = {str(message["Subject"]): message for _envelope, message in mailbox.messages}
    title = "Báo cáo kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2026 – Sở Y tế tỉnh Bắc Ninh"
    assert set(by_subject) == {
        f"[Biên nhận {submitted.receipt}] {title}",
        f"[Đã tiếp nhận {submitted.receipt}] {title}",
    }
    accepted = by_subject[f"[Đã tiếp nhận {submitted.receipt}] {title}"]
    assert accepted["Auto-Submitted"] == "auto-generated"
    text = _plain(accepted)
    assert text.startswith("Kính gửi đồng chí Nguyễn Thị Hoa,")
    assert "Sở Nội vụ đã tiếp nhận" in text and "ngày 21/12/2026 lúc 14:05" in text
    assert f"Số biên nhận: {submitted.receipt}" in text and "Thời điểm nộp: 18/12/2026 lúc 09:30" in text
    assert "https://baocao.bacninh.gov.vn/nghia-vu/" in text
    assert "Hoàng Thu Nhận (Sở Nội vụ), điện thoại 0222 3822 123, thư điện tử nhan@snv.bacninh.gov.vn" in text
    assert text.rstrip().endswith("Trân trọng,\nSở Nội vụ tỉnh Bắc Ninh")
    recorded = _plain(by_subject[f"[Biên nhận {submitted.receipt}] {title}"])
    assert "Ghi chú: Bản ký số" in recorded and "Báo cáo đang chờ Sở Nội vụ tiếp nhận." in recorded


def test_a_return_sends_no_acceptance_receipt(world: tuple[Engine, Settings, Mailbox]) -> None:
    engine, _settings, _mailbox = world
    obligations.submit(engine, YEARLY, at=SUBMITTED, actor="cli:van-thu")
    obligations.review(engine, YEARLY, "return", at=ACCEPTED, actor="cli:snv", reason="Thiếu biểu số 2")
    assert [n.key.split(":")[0] for n in _receipts(engine)] == ["receipt"]


def test_a_refused_acceptance_queues_nothing(world: tuple[Engine, Settings, Mailbox]) -> None:
    engine, _settings, _mailbox = world
    with pytest.raises(IllegalTransition):
        obligations.review(engine, OTHER, "accept", at=ACCEPTED, actor="cli:snv", reason=None)  # never submitted
    assert _receipts(engine) == []


def test_an_acceptance_undone_and_given_again_is_told_again(world: tuple[Engine, Settings, Mailbox]) -> None:
    engine, _settings, _mailbox = world
    obligations.submit(engine, YEARLY, at=SUBMITTED, actor="cli:van-thu")
    obligations.review(engine, YEARLY, "accept", at=ACCEPTED, actor="cli:snv", reason=None)
    obligations.reopen(engine, YEARLY, at=at("2026-12-22T08:00:00"), actor="cli:snv", reason="Nhầm kỳ")
    obligations.review(engine, YEARLY, "accept", at=at("2026-12-22T09:00:00"), actor="cli:snv", reason=None)
    assert [n.key.split(":")[0] for n in _receipts(engine)] == ["receipt", "accepted", "accepted"]
