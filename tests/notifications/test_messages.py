"""The messages as their readers get them: each e-mail parsed back from the bytes the SMTP server
received, with the standard library, as a mail client would read it."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select
from sqlmodel import col

from app.notifying import SweepResult, run_sweep
from app.settings import Settings
from models.obligations import extend, review, submit
from models.reminders import GROUPED_KIND, outbox_history
from models.tables import Notice
from rules.clock import fixed_clock
from rules.periods import period_name
from tests.conftest import Templates, templates
from tests.models.factory import at
from tests.notifications.peers import GOOD_TOKEN, Mailbox, ZaloServer, smtp_server, zalo_server
from tests.notifications.test_sweep import CAL, YEARLY, build_world

SENDER = "Sở Nội vụ tỉnh Bắc Ninh"
LINK = "https://baocao.bacninh.example"
SENDER_CONTACT = "Phòng Gia đình và Bình đẳng giới, điện thoại 0222 3822 123, bdg@snv.bacninh.gov.vn"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


def read(mailbox: Mailbox) -> list[Mail]:
    """Every message received, parsed from its bytes on the wire."""
    mails = []
    for envelope, _message in mailbox.messages:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        plain, html = message.get_body(("plain",)), message.get_body(("html",))
        assert plain is not None and html is not None
        text = plain.get_content().replace("\r\n", "\n")
        mails.append(Mail(envelope.rcpt_tos[0], str(message["Subject"]), text, html.get_content()))
    return mails


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    yield from templates(tmp_path_factory, build_world)


@pytest.fixture
def servers() -> Iterator[tuple[str, Mailbox, ZaloServer]]:
    with smtp_server() as (url, mailbox), zalo_server() as zalo:
        yield url, mailbox, zalo


@pytest.fixture
def peers(servers: tuple[str, Mailbox, ZaloServer]) -> tuple[Mailbox, ZaloServer]:
    return servers[1], servers[2]


@pytest.fixture
def world(
    backend: str, planned: Templates, tmp_path: Path, servers: tuple[str, Mailbox, ZaloServer]
) -> Iterator[tuple[Engine, Settings]]:
    engine = planned.copy(backend, tmp_path)
    url, _mailbox, zalo = servers
    settings = Settings(
        home=tmp_path / "home",
        delivery="send",
        smtp_url=url,
        email_from=f"{SENDER} <noreply@snv.bacninh.gov.vn>",
        sender_name=SENDER,
        sender_contact=SENDER_CONTACT,
        link_base=LINK,
        zalo_oa_token=SecretStr(GOOD_TOKEN),
        zalo_oa_url=zalo.url,
        admin_emails=["admin@snv.bacninh.gov.vn"],
        rate_email=0,
        rate_zalo=0,
    )
    yield engine, settings
    engine.dispose()


def sweep(world: tuple[Engine, Settings], when: str) -> SweepResult:
    engine, settings = world
    instant = at(when)
    return run_sweep(engine, settings, at=instant, clock=fixed_clock(instant))


def escalations(mails: list[Mail]) -> list[Mail]:
    return [m for m in mails if m.subject.startswith("[Đôn đốc")]


def test_each_person_gets_one_escalation_a_day_listing_every_late_unit(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    mailbox, _ = peers
    first = sweep(world, "2026-12-17T07:30:00")
    mails = read(mailbox)
    per_person = Counter(m.to for m in escalations(mails))
    assert per_person and set(per_person.values()) == {1}
    # The province's supervisor is the level above of every late unit of the six-month report.
    [listing] = [m for m in escalations(mails) if m.to == "giam@bacninh.gov.vn"]
    rows = re.findall(r"^\d+\. (.+) \((\S+)\) – ", listing.text, flags=re.MULTILINE)
    assert len(rows) > 50 and len(set(rows)) == len(rows)
    assert listing.subject == f"[Đôn đốc ngày 17/12/2026] {len(rows)} báo cáo chưa gửi của {len(rows)} đơn vị"
    assert listing.html.count("<tr>") == len(rows) + 1  # the heading row and one per report
    assert f"{LINK}/qua-han" in listing.text and f"{LINK}/nghia-vu/" in listing.html
    # Every obligation in the list counts its step as done: the next sweep neither repeats nor drops it.
    with engine.connect() as c:
        grouped = c.execute(select(col(Notice.key), col(Notice.payload)).where(col(Notice.kind) == GROUPED_KIND)).all()
    covered = {(o, s) for _key, payload in grouped for o, s in json.loads(payload)["covers"]}
    assert len(covered) >= len(rows) and covered <= outbox_history(engine).queued
    assert {d.key for d in first.queued} >= {key for key, _payload in grouped}
    again = sweep(world, "2026-12-17T11:00:00")
    assert [d for d in again.queued if d.kind != "admin"] == []
    sweep(world, "2026-12-18T07:30:00")
    later = escalations(read(mailbox)[len(mails) :])
    assert "giam@bacninh.gov.vn" not in {m.to for m in later}  # its steps were all done yesterday


def test_zalo_gets_one_short_message_pointing_to_the_list(world, peers) -> None:  # type: ignore[no-untyped-def]
    mailbox, zalo = peers
    sweep(world, "2026-12-24T07:30:00")  # three working days after the yearly report's due day: escalations
    texts = [r["body"]["message"]["text"] for r in zalo.requests if r["body"]["recipient"]["user_id"] == "4815162342"]
    escalated = [t for t in texts if t.startswith("[Đôn đốc")]
    assert len(escalated) == 1 and len(escalated[0]) < 400
    assert "Danh sách đã gửi vào thư điện tử tu@stp.bacninh.gov.vn" in escalated[0] or "Sở Tư pháp" in escalated[0]
    assert f"{LINK}/" in escalated[0]
    # The e-mail holds what the Zalo message points to.
    assert [m.to for m in escalations(read(mailbox))].count("tu@stp.bacninh.gov.vn") == 1


def test_no_subject_repeats_the_period_and_late_days_are_working_days(world, peers) -> None:  # type: ignore[no-untyped-def]
    mailbox, _ = peers
    for day in ("2026-12-14", "2026-12-17", "2026-12-21", "2026-12-22", "2026-12-23"):
        sweep(world, f"{day}T07:30:00")
    mails = [m for m in read(mailbox) if not m.subject.startswith("[dunghan]")]
    assert len(mails) > 10
    kinds = ("2026", "2026-H1", "2026-H2", "2026-Q4", "2026-09")
    tails = {period_name(p).removesuffix(" 2026").rsplit(" ", 1)[0] for p in kinds} | {"năm"}
    for mail in mails:
        assert " kỳ năm" not in mail.subject, mail.subject
        for tail in tails:
            assert f"{tail} {tail}" not in mail.subject and f"{tail} kỳ {tail}" not in mail.subject, mail.subject
        if "quá hạn" in mail.subject.casefold():
            assert re.search(r"quá hạn \d+ ngày làm việc", mail.subject, flags=re.IGNORECASE), mail.subject


def test_every_mail_names_whom_to_ask_and_who_sends_it(world, peers) -> None:  # type: ignore[no-untyped-def]
    mailbox, _ = peers
    for day in ("2026-12-17", "2026-12-21", "2026-12-22"):
        sweep(world, f"{day}T07:30:00")
    mails = [m for m in read(mailbox) if m.to != "admin@snv.bacninh.gov.vn"]
    assert len(mails) > 5
    for mail in mails:
        assert mail.text.startswith("Kính gửi đồng chí "), mail.text[:80]
        asked = re.findall(r"(?:liên hệ|Đầu mối[^:]*):? (.+)", mail.text, flags=re.IGNORECASE)
        assert any(re.search(r"@|điện thoại \d", line) for line in asked), mail.subject
        assert f"Đầu mối của {SENDER}: {SENDER_CONTACT}." in mail.text
        assert mail.text.rstrip().endswith(f"Trân trọng,\n{SENDER}"), mail.text[-120:]
        assert "Vui lòng không trả lời" not in mail.html
    reminder = next(
        m
        for m in mails
        if m.to == "hoa@syt.bacninh.gov.vn" and m.subject.startswith("[Nhắc hạn] Báo cáo kết quả công tác")
    )
    # The Sở Y tế reports to the Sở Nội vụ: its officer is named, with her e-mail.
    assert "Hoàng Thu Nhận (Sở Nội vụ" in reminder.text and "nhan@snv.bacninh.gov.vn" in reminder.text
    assert f"{LINK}/nghia-vu/" in reminder.text


def test_the_first_escalation_does_not_claim_earlier_reminders(world, peers) -> None:  # type: ignore[no-untyped-def]
    mailbox, _ = peers
    sweep(world, "2026-12-17T07:30:00")  # the first sweep ever: nothing was sent before
    listing = escalations(read(mailbox))
    assert listing and not any("đã được nhắc" in m.text or "đã nhắc" in m.text for m in listing)


def test_a_returned_report_is_escalated_as_returned_with_its_reason(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    mailbox, _ = peers
    submit(engine, YEARLY, at=at("2026-12-15T10:00:00"), actor="hoa", calendar=CAL)
    review(engine, YEARLY, "return", at=at("2026-12-16T09:00:00"), actor="nhan", reason="Thiếu số liệu Phụ lục 01")
    for day in ("2026-12-16", "2026-12-18", "2026-12-23"):  # returned, +2, +5 working days: the escalation
        sweep(world, f"{day}T07:30:00")
    head = [m for m in escalations(read(mailbox)) if m.to == "nam@syt.bacninh.gov.vn" and "gửi lại" in m.subject]
    assert head, "the head is told"
    [mail] = head
    assert "chưa gửi lại" in mail.subject and "Sở Y tế" in mail.subject
    assert "đã bị trả lại ngày 16/12/2026" in mail.text and "Lý do trả lại: Thiếu số liệu Phụ lục 01" in mail.text


def test_an_extended_deadline_is_told_as_an_extension_with_its_reason(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    mailbox, _ = peers
    extend(
        engine,
        YEARLY,
        new_due=at("2026-12-28T23:59:59"),
        at=at("2026-12-18T09:00:00"),
        actor="nhan",
        reason="Chờ số liệu thống kê quý IV",
    )
    sweep(world, "2026-12-24T07:30:00")  # two working days before Monday 28/12
    [mail] = [m for m in read(mailbox) if m.to == "hoa@syt.bacninh.gov.vn" and m.subject.startswith("[Nhắc hạn]")]
    assert "28/12/2026" in mail.subject
    assert "đã gia hạn đến Thứ Hai, ngày 28/12/2026" in mail.text
    assert "hạn ban đầu 21/12/2026" in mail.text and "lý do gia hạn: Chờ số liệu thống kê quý IV" in mail.text
    assert "rơi vào" not in mail.text  # not explained as a weekend roll
