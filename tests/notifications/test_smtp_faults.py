"""E-mail against a real SMTP server that misbehaves: caps, hang-ups, stalls, bad messages, no server."""

from __future__ import annotations

import socket
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from notifications.channels import SmtpChannel
from notifications.rate_limit import RateLimiter
from tests.notifications.notices import NOW, Reports, email_notice
from tests.notifications.peers import smtp_server, stalled_listener

SENDER = "Sở Nội vụ Bắc Ninh <noreply@snv.bacninh.gov.vn>"


def _channel(url: str, *, batch: int = 200) -> SmtpChannel:
    return SmtpChannel(url, sender=SENDER, clock=lambda: NOW, limiter=RateLimiter(0), batch=batch)


def test_a_server_capping_messages_per_session_gets_every_message_and_only_tried_ones_count() -> None:
    notices = [email_notice(i) for i in range(1, 24)]
    with smtp_server() as (url, mailbox):
        mailbox.per_session = 4  # the 5th MAIL of a session is answered 421 and the session closed
        first = Reports()
        _channel(url).send(notices, first)
        retried = Reports()  # the next sweep: a new run, a new channel
        _channel(url).send([n for n in notices if n.id in first.failed()], retried)
    [(number, attempt)] = first.failed().items()
    assert number == 5 and "421" in (attempt.error or "")
    assert attempt.retry and attempt.tried and not attempt.uncertain
    assert all(a.ok for a in retried.values())
    assert sorted(mailbox.notice_keys()) == sorted(n.key for n in notices)  # each exactly once
    assert first.tried() + retried.tried() == 24  # 23 messages, one of them tried twice
    assert mailbox.sessions == 6 + 1  # after the 421 the channel opens a new session every 4 messages


def test_a_dropped_connection_costs_the_message_in_flight_only() -> None:
    notices = [email_notice(i) for i in range(1, 11)]
    with smtp_server() as (url, mailbox):
        mailbox.drops = {3: "mail", 7: "data"}  # hang up at the 3rd MAIL; after the 7th message's data
        reports = Reports()
        _channel(url).send(notices, reports)
    failed = reports.failed()
    assert sorted(failed) == [3, 7]
    assert failed[3].retry and failed[3].tried and not failed[3].uncertain  # the server never had it
    assert failed[7].retry and failed[7].tried and failed[7].uncertain  # it may have kept it
    assert len(mailbox.messages) == 8 and mailbox.sessions == 3


def test_a_server_that_keeps_hanging_up_is_switched_off_for_the_run() -> None:
    notices = [email_notice(i) for i in range(1, 11)]
    with smtp_server() as (url, mailbox):
        mailbox.drops = dict.fromkeys(range(1, 100), "mail")
        channel = _channel(url)
        reports = Reports()
        channel.send(notices, reports)
        later = Reports()
        channel.send([email_notice(11)], later)
    assert mailbox.mails == 3 and mailbox.sessions == 3
    assert [n for n, a in reports.items() if a.tried] == [1, 2, 3]
    untried = [a for a in reports.values() if not a.tried] + list(later.values())
    assert len(untried) == 8 and all(a.retry and not a.ok for a in untried)
    assert channel.down is not None and "off for the rest of this run" in channel.down
    assert all(a.error == channel.down for a in untried)


@contextmanager
def _hanging_up_server() -> Iterator[tuple[int, list[int]]]:
    """A port that accepts connections and closes them at once: an SMTP service that is down."""
    accepted: list[int] = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(0.1)
        stop = threading.Event()

        def serve() -> None:
            while not stop.is_set():
                try:
                    connection, _ = server.accept()
                except TimeoutError:
                    continue
                accepted.append(1)
                connection.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            yield int(server.getsockname()[1]), accepted
        finally:
            stop.set()
            thread.join()


def test_a_server_that_is_down_is_tried_three_times_in_a_run_not_once_per_batch() -> None:
    with _hanging_up_server() as (port, accepted):
        channel = _channel(f"mailto://127.0.0.1:{port}?from=noreply@snv.bacninh.gov.vn", batch=2)
        reports = Reports()
        channel.send([email_notice(i) for i in range(1, 11)], reports)
    assert len(accepted) == 3  # five batches, three connections, then e-mail is off for the run
    assert sorted(reports) == list(range(1, 11))
    assert all(not a.ok and a.retry and not a.tried for a in reports.values())  # none reached the server
    assert channel.down is not None and f"127.0.0.1:{port}" in channel.down


def test_the_read_timeout_in_the_url_is_honoured() -> None:
    notices = [email_notice(1), email_notice(2, "cham@syt.bacninh.gov.vn"), email_notice(3)]
    with smtp_server() as (url, mailbox):
        mailbox.stall = {"cham@syt.bacninh.gov.vn": 3.0}
        reports = Reports()
        started = time.monotonic()
        _channel(url + "&rto=0.5").send(notices, reports)
        elapsed = time.monotonic() - started
    assert reports[1].ok and reports[3].ok
    assert not reports[2].ok and reports[2].uncertain and reports[2].retry  # sent; the answer never came
    assert elapsed < 2.5  # not the 15 s connect timeout, nor the server's 3 s


def test_the_connect_timeout_in_the_url_is_honoured() -> None:
    with stalled_listener() as port:
        channel = _channel(f"mailto://127.0.0.1:{port}?from=noreply@snv.bacninh.gov.vn&cto=0.5")
        reports = Reports()
        started = time.monotonic()
        channel.send([email_notice(1), email_notice(2)], reports)
        elapsed = time.monotonic() - started
    assert elapsed < 5  # Apprise's e-mail default would wait 15 s
    assert sorted(reports) == [1, 2]
    assert all(not a.tried and a.retry and "timed out" in (a.error or "") for a in reports.values())


def test_a_message_that_cannot_be_built_fails_alone_and_the_batch_goes_on() -> None:
    notices = [
        email_notice(1),
        email_notice(2, body="Kính gửi \udcff"),  # a lone surrogate: text decoded badly on import
        email_notice(3, "hoa@syt.bacninh.gov.vn\r\nRCPT TO:<x@example.org>"),  # an address with a line break
        email_notice(4),
    ]
    with smtp_server() as (url, mailbox):
        reports = Reports()
        _channel(url).send(notices, reports)
    assert reports[1].ok and reports[4].ok
    assert not reports[2].ok and not reports[2].retry and "could not be built" in (reports[2].error or "")
    assert not reports[3].ok and not reports[3].retry and "address" in (reports[3].error or "")
    assert [e.rcpt_tos for e, _ in mailbox.messages] == [["canbo1@syt.bacninh.gov.vn"], ["canbo4@syt.bacninh.gov.vn"]]


def test_a_name_with_a_line_break_is_sent_on_one_line() -> None:
    names = {
        1: "Nguyễn Văn\nA",  # Alt+Enter in an Excel cell
        2: unicodedata.normalize("NFD", "Trần Thị\r\n Bình"),  # decomposed accents, a Windows line break
        3: "Nguyen Van\nBcc: ke-xau@example.org",  # plain ASCII: would become a header of its own
    }
    notices = [email_notice(number, name=name) for number, name in names.items()]
    with smtp_server() as (url, mailbox):
        reports = Reports()
        _channel(url).send(notices, reports)
    assert all(a.ok for a in reports.values())
    received = {str(m["X-Dunghan-Notice"]): m for _, m in mailbox.messages}
    to = [str(received[n.key]["To"]) for n in notices]
    assert to == [
        "Nguyễn Văn A <canbo1@syt.bacninh.gov.vn>",
        "Trần Thị Bình <canbo2@syt.bacninh.gov.vn>",
        '"Nguyen Van Bcc: ke-xau@example.org" <canbo3@syt.bacninh.gov.vn>',
    ]
    assert all(m["Bcc"] is None for m in received.values())
