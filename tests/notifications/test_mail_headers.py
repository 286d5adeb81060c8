"""Every e-mail says it was sent by a program, and comes from the sending agency by name: parsed
back with the standard library from a real local SMTP server and from the outbox folder."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from notifications.channels import FolderChannel, SmtpChannel
from notifications.rate_limit import RateLimiter
from tests.notifications.notices import NOW, Reports, email_notice
from tests.notifications.peers import smtp_server

AGENCY = "Sở Nội vụ tỉnh Bắc Ninh"
CONFIGURED = "Hệ thống nhắc hạn dunghan <noreply@snv.bacninh.gov.vn>"


def _through_smtp(agency: str | None) -> tuple[str, EmailMessage]:
    with smtp_server() as (url, mailbox):
        channel = SmtpChannel(url, sender=CONFIGURED, clock=lambda: NOW, limiter=RateLimiter(0), agency=agency)
        reports = Reports()
        channel.send([email_notice(1), email_notice(2)], reports)
    assert [a.ok for a in reports.values()] == [True, True]
    assert len(mailbox.messages) == 2
    envelope, message = mailbox.messages[0]
    return str(envelope.mail_from), message


def test_every_mail_is_marked_auto_generated_so_absence_replies_do_not_loop() -> None:
    with smtp_server() as (url, mailbox):
        channel = SmtpChannel(url, sender=None, clock=lambda: NOW, limiter=RateLimiter(0))
        channel.send([email_notice(i) for i in range(1, 4)], Reports())
    assert len(mailbox.messages) == 3
    for _envelope, message in mailbox.messages:
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["X-Auto-Response-Suppress"] == "All"


def test_the_from_name_is_the_sending_agency_and_the_address_the_configured_one() -> None:
    mail_from, message = _through_smtp(AGENCY)
    name, address = parseaddr(str(message["From"]))
    assert name == AGENCY
    assert address == "noreply@snv.bacninh.gov.vn"
    assert mail_from == "noreply@snv.bacninh.gov.vn"  # the envelope keeps the configured address


def test_without_an_agency_the_configured_sender_stands() -> None:
    _mail_from, message = _through_smtp(None)
    assert str(message["From"]) == CONFIGURED


def test_a_blank_agency_name_keeps_the_configured_name() -> None:
    _mail_from, message = _through_smtp("  ")
    assert parseaddr(str(message["From"]))[0] == "Hệ thống nhắc hạn dunghan"


def test_the_outbox_folder_writes_the_same_headers(tmp_path: Path) -> None:
    channel = FolderChannel("email", tmp_path, sender=CONFIGURED, clock=lambda: NOW, agency=AGENCY)
    reports = Reports()
    channel.send([email_notice(7)], reports)
    assert reports[7].ok and reports[7].result
    written = Path(reports[7].result)
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Auto-Submitted"] == "auto-generated"
    assert parseaddr(str(message["From"])) == (AGENCY, "noreply@snv.bacninh.gov.vn")
