"""E-mail through a real local SMTP server: one session per batch, UTF-8 headers and bodies."""

from __future__ import annotations

from models.outbox import Attempt
from models.tables import Notice
from notifications.channels import SmtpChannel
from notifications.rate_limit import RateLimiter
from tests.notifications.notices import NOW, email_notice
from tests.notifications.peers import smtp_server


def _notice(number: int, address: str) -> Notice:
    return email_notice(number, address, html="<p>Kính gửi Nguyễn Thị Hoa,</p><p>Báo cáo đã <b>quá hạn</b>.</p>")


def test_a_batch_goes_through_one_session_with_diacritics_intact() -> None:
    results: list[tuple[int | None, Attempt]] = []
    with smtp_server() as (url, mailbox):
        channel = SmtpChannel(
            url, sender="Sở Nội vụ Bắc Ninh <noreply@snv.bacninh.gov.vn>", clock=lambda: NOW, limiter=RateLimiter(0)
        )
        notices = [_notice(i, f"canbo{i}@syt.bacninh.gov.vn") for i in range(1, 4)]
        channel.send(notices, lambda n, a: results.append((n.id, a)))
    assert [(i, a.ok) for i, a in results] == [(1, True), (2, True), (3, True)]
    assert mailbox.sessions == 1
    assert len(mailbox.messages) == 3
    envelope, message = mailbox.messages[0]
    assert envelope.rcpt_tos == ["canbo1@syt.bacninh.gov.vn"]
    assert envelope.mail_from == "noreply@snv.bacninh.gov.vn"
    assert str(message["Subject"]) == "[Quá hạn 1 ngày] Báo cáo kết quả công tác bình đẳng giới năm 2026 – Sở Y tế"
    assert str(message["From"]) == "Sở Nội vụ Bắc Ninh <noreply@snv.bacninh.gov.vn>"
    assert str(message["To"]) == "Nguyễn Thị Hoa <canbo1@syt.bacninh.gov.vn>"
    assert message["X-Dunghan-Notice"] == "o1:default:qua-han-1@2026-12-22:email:c1"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and "Kính gửi Nguyễn Thị Hoa" in plain.get_content()
    assert html is not None and "<b>quá hạn</b>" in html.get_content()


def test_a_refused_recipient_fails_alone_and_is_not_retried() -> None:
    results: dict[int | None, Attempt] = {}
    with smtp_server() as (url, mailbox):
        mailbox.refuse.add("khongco@syt.bacninh.gov.vn")
        channel = SmtpChannel(url, sender=None, clock=lambda: NOW, limiter=RateLimiter(0))
        notices = [_notice(1, "khongco@syt.bacninh.gov.vn"), _notice(2, "hoa@syt.bacninh.gov.vn")]
        channel.send(notices, lambda n, a: results.__setitem__(n.id, a))
    assert not results[1].ok and not results[1].retry and "550" in (results[1].error or "")
    assert results[2].ok
    assert [e.rcpt_tos for e, _ in mailbox.messages] == [["hoa@syt.bacninh.gov.vn"]]


def test_an_unreachable_server_fails_every_message_for_a_later_retry() -> None:
    results: list[Attempt] = []
    channel = SmtpChannel("mailto://127.0.0.1:9?from=a@b.vn", sender=None, clock=lambda: NOW, limiter=RateLimiter(0))
    channel.send([_notice(1, "a@b.vn"), _notice(2, "c@d.vn")], lambda n, a: results.append(a))
    assert [a.ok for a in results] == [False, False] and all(a.retry for a in results)
    assert not any(a.tried for a in results)  # neither reached a server: no attempt is counted
    assert "127.0.0.1:9" in (results[0].error or "")


def test_the_rate_limit_spaces_messages_evenly() -> None:
    from notifications.rate_limit import RateLimiter

    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))

    limiter = RateLimiter(4, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.acquire()
    assert waits == [0.25, 0.5]  # the second waits a quarter second, the third half a second
