"""The Zalo token and the SMTP password never appear in an error or a log line, even when a peer repeats them."""

from __future__ import annotations

import logging

import pytest

from notifications.channels import SmtpChannel, ZaloChannel
from notifications.rate_limit import RateLimiter
from tests.notifications.notices import NOW, Reports, email_notice, zalo_notice
from tests.notifications.peers import EXPIRED_TOKEN, free_port, smtp_server, zalo_server

PASSWORD = "Mk-snv-2026!secret"


PEER_LOGGERS = ("mail.log",)  # the SMTP server's own log: the peer's words, not ours


def _everything_said(reports: Reports, caplog: pytest.LogCaptureFixture, down: str | None) -> str:
    """Every error and result reported, the channel's reason for being off, and every log line on our side."""
    said = [a.error or "" for a in reports.values()] + [a.result or "" for a in reports.values()]
    logged = [r.getMessage() for r in caplog.records if r.name not in PEER_LOGGERS]
    return "\n".join([*said, down or "", *logged])


def test_the_smtp_password_is_not_repeated_when_the_server_refuses_it(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with smtp_server(login=("snv", "the-right-one")) as (url, mailbox):
        wrong = url.replace("mailto://", f"mailto://snv:{PASSWORD}@")  # the server answers 535 with the password
        channel = SmtpChannel(wrong, sender=None, clock=lambda: NOW, limiter=RateLimiter(0), batch=1)
        reports = Reports()
        channel.send([email_notice(i) for i in range(1, 5)], reports)
    said = _everything_said(reports, caplog, channel.down)
    assert "535" in said and "****" in said  # the refusal is shown, with the password masked
    assert PASSWORD not in said and mailbox.messages == []


def test_the_smtp_password_works_when_it_is_right() -> None:
    with smtp_server(login=("snv", PASSWORD)) as (url, mailbox):
        right = url.replace("mailto://", f"mailto://snv:{PASSWORD}@")
        channel = SmtpChannel(right, sender=None, clock=lambda: NOW, limiter=RateLimiter(0))
        reports = Reports()
        channel.send([email_notice(1)], reports)
    assert reports[1].ok and len(mailbox.messages) == 1


@pytest.mark.parametrize("fault", [None, "html", "502", "stall", "down"])
def test_the_zalo_token_is_not_repeated_in_any_failure(fault: str | None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with zalo_server() as zalo:
        zalo.echo_token, zalo.fault = True, fault  # the expired-token answer repeats the token
        base = f"http://127.0.0.1:{free_port()}" if fault == "down" else zalo.url
        channels = [
            ZaloChannel(name, token=EXPIRED_TOKEN, base_url=base, limiter=RateLimiter(0), read_timeout=0.3)
            for name in ("zalo", "zns")
        ]
        said = []
        for channel in channels:
            reports = Reports()
            channel.send([zalo_notice(i, channel.name) for i in range(1, 5)], reports)
            said.append(_everything_said(reports, caplog, channel.down))
    assert all(EXPIRED_TOKEN not in text for text in said)
    if fault is None:
        assert all("-124" in text and "****" in text for text in said)
