"""The daily sweep end to end, on SQLite and PostgreSQL, with a real SMTP server and a Zalo server."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, func, select
from sqlmodel import col

from app.notifying import deliver_ready, run_digests, run_sweep, sweep_options
from app.settings import Settings
from models.obligations import ObligationKey, review, submit
from models.org_rows import ContactRow
from models.outbox import enqueue
from models.planning import plan_cycle
from models.reminders import GROUPED_KIND, open_obligation_keys, outbox_history
from models.tables import OPEN_OBLIGATION, Notice, Obligation, Unit
from models.tree import import_org
from notifications import sweep as sweep_module
from notifications.delivery import fallback_key
from notifications.sweep import due_notices
from rules.clock import fixed_clock
from rules.loader import calendar_for, shipped_packs
from rules.schema import ROLE_NAMES
from rules.scope import EVERYWHERE
from tests.conftest import Templates, templates
from tests.models.factory import at, bac_ninh_2026
from tests.notifications.peers import EXPIRED_TOKEN, GOOD_TOKEN, Mailbox, ZaloServer, smtp_server, zalo_server

PACK = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
CAL = calendar_for()
YEARLY = ObligationKey("24-SYT", "bdg-nam", "2026")


@pytest.fixture
def peers() -> Iterator[tuple[str, Mailbox, ZaloServer]]:
    with smtp_server() as (url, mailbox), zalo_server() as zalo:
        yield url, mailbox, zalo


def build_world(engine: Engine) -> None:
    """Bắc Ninh 2026 with focal points at four departments (two on Zalo) and the province's
    supervisor; the 2026 cycle planned."""
    bac_ninh_2026(engine)
    contacts = [
        ContactRow(
            1, "24-STP", "Đỗ Minh Tư", "focal_point", "tu@stp.bacninh.gov.vn", None, "4815162342", "zalo,email", True
        ),
        ContactRow(
            2,
            "24-STC",
            "Vũ Thị Tài",
            "focal_point",
            "tai@stc.bacninh.gov.vn",
            None,
            "not-follower-9",
            "zalo,email",
            True,
        ),
        ContactRow(3, "24", "Phạm Văn Giám", "supervisor", "giam@bacninh.gov.vn", None, None, "email", True),
        ContactRow(4, "24-SNV", "Hoàng Thu Nhận", "focal_point", "nhan@snv.bacninh.gov.vn", None, None, "email", True),
    ]
    import_org(engine, [], contacts, source="test")
    plan_cycle(engine, PACK, 2026, CAL, params={}, scope=["24"], now=at("2026-01-05T08:00:00"), actor="admin")


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """The world built once per backend; every test sweeps a copy of its own."""
    yield from templates(tmp_path_factory, build_world)


@pytest.fixture
def world(
    backend: str, planned: Templates, tmp_path: Path, peers: tuple[str, Mailbox, ZaloServer]
) -> Iterator[tuple[Engine, Settings]]:
    engine = planned.copy(backend, tmp_path)
    url, _, zalo = peers
    settings = Settings(
        home=tmp_path / "home",
        delivery="send",
        smtp_url=url,
        email_from="Sở Nội vụ Bắc Ninh <noreply@snv.bacninh.gov.vn>",
        zalo_oa_token=SecretStr(GOOD_TOKEN),
        zalo_oa_url=zalo.url,
        admin_emails=["admin@snv.bacninh.gov.vn"],
        rate_email=0,
        rate_zalo=0,
    )
    yield engine, settings
    engine.dispose()


def sweep(world: tuple[Engine, Settings], when: str):  # type: ignore[no-untyped-def]
    engine, settings = world
    instant = at(when)
    return run_sweep(engine, settings, at=instant, clock=fixed_clock(instant))


def obligation_id(engine: Engine, key: ObligationKey) -> int:
    with engine.connect() as c:
        found = c.execute(
            select(col(Obligation.id))
            .join(Unit, col(Unit.id) == col(Obligation.unit_id))
            .where(
                col(Unit.code) == key.unit,
                col(Obligation.report_id) == key.report,
                col(Obligation.period) == key.period,
            )
        ).scalar_one()
    assert found is not None
    return found


def reporting_units(engine: Engine) -> set[str]:
    """The units that send a report themselves (hop 1) in the planned cycle."""
    with engine.connect() as c:
        return set(
            c.execute(
                select(col(Unit.code))
                .join(Obligation, col(Obligation.unit_id) == col(Unit.id))
                .where(col(Obligation.hop) == 1)
            )
            .scalars()
            .all()
        )


def notices_of(engine: Engine, obligation: int) -> list[Any]:
    """The obligation's notices as rows (id, channel, status, …), oldest first."""
    with engine.connect() as c:
        return list(c.execute(select(Notice).where(col(Notice.obligation_id) == obligation).order_by(col(Notice.id))))


def test_a_second_sweep_at_the_same_instant_sends_nothing(world, peers) -> None:  # type: ignore[no-untyped-def]
    _, mailbox, zalo = peers
    first = sweep(world, "2026-12-17T07:30:00")
    assert first.queued and all(d.status == "sent" for d in first.delivered if d.notice.channel == "email")
    received, posted = len(mailbox.messages), len(zalo.requests)
    assert received > 0 and posted > 0
    second = sweep(world, "2026-12-17T07:30:00")
    assert second.queued == [] and second.delivered == []
    assert (len(mailbox.messages), len(zalo.requests)) == (received, posted)


def test_the_reminder_reaches_the_focal_point_with_the_wording_and_the_date(world, peers) -> None:  # type: ignore[no-untyped-def]
    _, mailbox, zalo = peers
    sweep(world, "2026-12-17T07:30:00")  # two working days before Monday 21/12
    mails = [m for e, m in mailbox.messages if e.rcpt_tos == ["hoa@syt.bacninh.gov.vn"]]
    subjects = [str(m["Subject"]) for m in mails]
    assert any(
        s.startswith("[Nhắc hạn] Báo cáo kết quả công tác bình đẳng giới") and "21/12/2026" in s for s in subjects
    )
    body = next(m for m in mails if "21/12/2026" in str(m["Subject"])).get_body(("plain",)).get_content()
    assert "trước ngày 20/12" in body and "Thứ Hai, ngày 21/12/2026" in body and "Thứ Bảy" in body
    oa = [r for r in zalo.requests if r["body"]["recipient"]["user_id"] == "4815162342"]
    assert oa and all("Sở Tư pháp" in r["body"]["message"]["text"] for r in oa)


def test_after_five_missed_days_each_obligation_gets_one_catch_up(world) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    sweep(world, "2026-12-15T07:30:00")
    later = sweep(world, "2026-12-22T07:30:00")  # 16/12 to 21/12 missed: T-2, due day and +1 for bdg-nam
    steps: dict[int, set[str]] = {}
    for draft in later.queued:
        if draft.obligation_id is not None:
            steps.setdefault(draft.obligation_id, set()).add(draft.step or "")
    assert steps and all(len(s) == 1 for s in steps.values())
    assert steps[obligation_id(engine, YEARLY)] == {"default:qua-han-1@2026-12-22"}


def test_a_submission_between_two_sweeps_stops_the_ladder(world) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    yearly = obligation_id(engine, YEARLY)
    sweep(world, "2026-12-17T07:30:00")
    before = len(notices_of(engine, yearly))
    assert before > 0
    submit(engine, YEARLY, at=at("2026-12-18T10:00:00"), actor="hoa", calendar=CAL)
    sweep(world, "2026-12-21T07:30:00")
    sweep(world, "2026-12-22T07:30:00")
    assert len(notices_of(engine, yearly)) == before


def test_a_report_submitted_while_the_sweep_decides_is_told_nothing(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The sweep reads what deciding needs of every open obligation, then the full rows of those with
    a step due: one submitted in between is read no more, and gets no reminder."""
    engine, settings = world
    yearly = obligation_id(engine, YEARLY)
    read_keys = open_obligation_keys

    def then_submitted(*args: Any, **kwargs: Any) -> Any:
        keys = read_keys(*args, **kwargs)
        submit(engine, YEARLY, at=at("2026-12-17T07:29:00"), actor="hoa", calendar=CAL)
        return keys

    monkeypatch.setattr(sweep_module, "open_obligation_keys", then_submitted)
    instant = at("2026-12-17T07:30:00")
    decided = due_notices(engine, at=instant, options=sweep_options(settings), under=EVERYWHERE)
    assert decided.drafts, "the other departments are reminded"
    assert yearly not in {d.obligation_id for d in decided.drafts}


def test_the_outbox_history_read_with_the_open_obligations_is_the_databases(world) -> None:  # type: ignore[no-untyped-def]
    """What the sweep already sent, worked out from the open obligations it read, equals what the
    database says of every open obligation: single reminders and grouped escalations, sent or not."""
    engine, _ = world
    sweep(world, "2026-12-17T07:30:00")
    sweep(world, "2026-12-23T07:30:00")  # escalations: grouped notices listing late reports
    with engine.connect() as c:
        grouped = c.execute(select(func.count()).select_from(Notice).where(col(Notice.kind) == GROUPED_KIND))
        assert grouped.scalar_one() > 0
        open_ids = set(c.execute(select(col(Obligation.id)).where(OPEN_OBLIGATION)).scalars())
    from_memory, from_database = outbox_history(engine, open_ids), outbox_history(engine)
    assert from_memory.queued == from_database.queued and from_memory.sent == from_database.sent
    assert from_database.sent and all(count >= 1 for count in from_database.sent.values())
    assert {o for o, _step in from_database.queued} <= open_ids


def test_a_sweep_killed_after_enqueueing_delivers_next_time_exactly_once(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, settings = world
    _, mailbox, _ = peers
    instant = at("2026-12-17T07:30:00")
    decided = due_notices(engine, at=instant, options=sweep_options(settings), under=EVERYWHERE)
    queued = enqueue(engine, decided.drafts, at=instant)  # … and the process dies here
    assert queued and mailbox.messages == []
    again = sweep(world, "2026-12-17T07:35:00")
    assert [d for d in again.queued if d.kind != "admin"] == []  # the admin's daily gap list was never queued
    emails = {d.key for d in decided.drafts if d.channel == "email"}
    delivered = [d for d in again.delivered if d.notice.key in emails]
    assert {d.notice.key for d in delivered} == emails and all(d.status == "sent" for d in delivered)
    sent_by_email = [d for d in again.delivered if d.notice.channel == "email" and d.status == "sent"]
    assert len(mailbox.messages) == len(sent_by_email)  # each once: these, the admin's list, Zalo fallbacks


def test_zalo_at_night_is_held_until_seven(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, settings = world
    _, mailbox, zalo = peers
    night = sweep(world, "2026-12-16T22:00:00")
    held = {d.key: d for d in night.queued if d.channel == "zalo"}
    # The focal points of the Sở Tư pháp (a follower) and the Sở Tài chính (not one), for two reports each.
    assert sorted(d.address for d in held.values()) == ["4815162342", "4815162342", "not-follower-9", "not-follower-9"]
    assert {d.not_before for d in held.values()} == {at("2026-12-17T07:00:00")}
    assert {d.notice.channel for d in night.delivered} == {"email"} and zalo.requests == []
    mailed = len(mailbox.messages)
    early = at("2026-12-17T06:59:59")
    assert deliver_ready(engine, settings, at=early, clock=fixed_clock(early)) == []
    morning = at("2026-12-17T07:00:00")
    delivered = deliver_ready(engine, settings, at=morning, clock=fixed_clock(morning))
    # Each held message goes at 07:00; the one Zalo refuses (-213, not a follower) goes by e-mail instead.
    expected = {key: "sent" if d.address == "4815162342" else "dead" for key, d in held.items()}
    expected |= {
        fallback_key(key, d.contact_id or 0): "sent" for key, d in held.items() if d.address == "not-follower-9"
    }
    assert {d.notice.key: d.status for d in delivered} == expected
    assert sorted(r["body"]["recipient"]["user_id"] for r in zalo.requests) == sorted(d.address for d in held.values())
    assert [e.rcpt_tos for e, _ in mailbox.messages[mailed:]] == [["tai@stc.bacninh.gov.vn"]] * 2


def test_a_failed_zalo_message_goes_by_email_and_both_attempts_are_kept(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    _, mailbox, _ = peers
    sweep(world, "2026-12-17T07:30:00")
    stc = obligation_id(engine, ObligationKey("24-STC", "bdg-nam", "2026"))
    kept = notices_of(engine, stc)
    zalo = [n for n in kept if n.channel == "zalo"]
    email = [n for n in kept if n.channel == "email" and n.fallback_of is not None]
    assert zalo and zalo[0].status == "dead" and "-213" in (zalo[0].last_error or "")
    assert email and email[0].status == "sent" and email[0].fallback_of == zalo[0].id
    assert any(e.rcpt_tos == ["tai@stc.bacninh.gov.vn"] for e, _ in mailbox.messages)


def test_a_returned_report_starts_its_own_ladder(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    _, mailbox, _ = peers
    submit(engine, YEARLY, at=at("2026-12-15T10:00:00"), actor="hoa", calendar=CAL)
    review(engine, YEARLY, "return", at=at("2026-12-16T09:00:00"), actor="nhan", reason="Thiếu số liệu Phụ lục 01")
    result = sweep(world, "2026-12-16T10:00:00")
    yearly = obligation_id(engine, YEARLY)
    mine = [d for d in result.queued if d.obligation_id == yearly]
    assert [d.step for d in mine] == ["tra-lai:tra-lai@2026-12-16"]
    mail = next(m for e, m in mailbox.messages if str(m["Subject"]).startswith("[Trả lại]"))
    assert "Thiếu số liệu Phụ lục 01" in mail.get_body(("plain",)).get_content()


def test_roles_without_a_contact_are_reported_to_the_admin(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, _ = world
    _, mailbox, _ = peers
    result = sweep(world, "2026-12-17T07:30:00")
    reporters = reporting_units(engine)
    assert len(reporters) == 99 + 10  # communes, departments and organisations
    expected: Counter[tuple[str, str]] = Counter()
    for code in reporters - {"24-SYT", "24-STP", "24-STC"}:  # no focal point: bdg-nam's T-2, the Action Month's T-7
        expected[code, "focal_point"] += 2
    for code in reporters - {"24-SYT"}:  # no head: the six-month report's escalation, overdue since June
        expected[code, "head"] += 1
    expected["24-SNV", "head"] += 1  # the Sở Nội vụ compiles that report (hop 2): it has a focal point, no head
    assert Counter((g.unit, g.role) for g in result.gaps) == expected
    admin = [m for e, m in mailbox.messages if e.rcpt_tos == ["admin@snv.bacninh.gov.vn"]]
    assert len(admin) == 1
    assert (
        str(admin[0]["Subject"]) == f"[dunghan] {sum(expected.values())} lời nhắc không có người nhận ngày 17/12/2026"
    )
    body = admin[0].get_body(("plain",)).get_content()
    listed = Counter(re.findall(r"^- .*\(([^()]+)\): thiếu (.+?) – ", body, flags=re.MULTILINE))
    assert listed == Counter({(code, ROLE_NAMES[role]): times for (code, role), times in expected.items()})


def test_the_supervisor_gets_a_digest_once_a_day(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, settings = world
    _, mailbox, _ = peers
    instant = at("2026-12-22T08:00:00")
    first = run_digests(engine, settings, at=instant, clock=fixed_clock(instant))
    again = run_digests(engine, settings, at=instant, clock=fixed_clock(instant))
    assert len(first.queued) == 1 and again.queued == []
    [mail] = [m for e, m in mailbox.messages if e.rcpt_tos == ["giam@bacninh.gov.vn"]]
    assert "quá hạn" in str(mail["Subject"])
    body = mail.get_body(("plain",)).get_content()
    assert "các đơn vị thuộc Tỉnh Bắc Ninh ngày 22/12/2026" in body
    assert "1. [quá hạn]" in body and "báo cáo khác" in body  # the list, cut at 50 lines
    weekend = at("2026-12-26T08:00:00")
    assert run_digests(engine, settings, at=weekend, clock=fixed_clock(weekend)).queued == []


def test_a_dry_run_writes_nothing(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, settings = world
    _, mailbox, _ = peers
    instant = at("2026-12-17T07:30:00")
    result = run_sweep(engine, settings, at=instant, clock=fixed_clock(instant), dry_run=True)
    assert result.planned and not result.queued
    with engine.connect() as c:
        assert c.execute(select(col(Notice.id))).first() is None
    assert mailbox.messages == []


def test_a_channel_switched_off_is_told_to_the_admin_once_and_its_notices_go_by_email(world, peers) -> None:  # type: ignore[no-untyped-def]
    engine, settings = world
    _, mailbox, zalo = peers
    expired = settings.model_copy(
        update={"zalo_oa_token": SecretStr(EXPIRED_TOKEN), "channel_trip_after": 1, "concurrency_zalo": 1}
    )
    for when in ("2026-12-17T07:30:00", "2026-12-17T11:00:00"):
        instant = at(when)
        run_sweep(engine, expired, at=instant, clock=fixed_clock(instant))
    told = [m for _, m in mailbox.messages if "tạm ngừng" in str(m["Subject"])]
    assert len(told) == 1 and "Zalo OA" in str(told[0]["Subject"])
    assert "mã truy cập" in told[0].get_body(("plain",)).get_content()
    assert len(zalo.requests) == 1  # the first refusal switched Zalo off for the run
    with engine.connect() as c:
        fallbacks = c.execute(select(col(Notice.status)).where(col(Notice.fallback_of).is_not(None))).scalars().all()
        zalo_left = c.execute(select(col(Notice.status)).where(col(Notice.channel) == "zalo")).scalars().all()
    assert fallbacks and set(fallbacks) == {"sent"}
    assert set(zalo_left) == {"dead"}  # each one sent by e-mail instead


def test_a_contact_no_channel_reaches_is_told_to_the_admin_with_the_gaps(world, peers) -> None:  # type: ignore[no-untyped-def]
    """Only a Zalo phone and no ZNS template: the sweep cannot remind them, and says so."""
    engine, _ = world
    _, mailbox, _ = peers
    only_phone = ContactRow(5, "24-SYT", "Lê Văn Xa", "focal_point", None, "0912345678", None, "zalo", True)
    import_org(engine, [], [only_phone], source="test-phone")
    result = sweep(world, "2026-12-17T07:30:00")
    assert [(d.channel, d.kind) for d in result.queued if d.address == "0912345678"] == []
    admin = [m for e, m in mailbox.messages if e.rcpt_tos == ["admin@snv.bacninh.gov.vn"]]
    assert len(admin) == 1
    assert "1 đầu mối không nhận được tin nhắn" in str(admin[0]["Subject"])
    body = admin[0].get_body(("plain",)).get_content()
    assert re.search(r"^- .*\(24-SYT\): Lê Văn Xa, .+ – ", body, flags=re.MULTILINE), body
