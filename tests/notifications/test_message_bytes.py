"""A notice's mail written directly is byte for byte the email package's (compat32, CRLF)."""

from __future__ import annotations

import email
import email.charset
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from models.tables import Notice
from notifications.channels import SmtpChannel, tls_context
from notifications.email_message import SMTP_LINES, boundary, build, message_bytes
from notifications.rate_limit import RateLimiter

AT = datetime(2026, 12, 17, 0, 30, 5, tzinfo=UTC)
MARK = "===============1234567890123456789=="
LONG_SUBJECT = (
    "[Nhắc hạn] Báo cáo kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2026: "
    "hạn 19/12/2026 (còn 2 ngày làm việc)"
)


def notice(**changes: object) -> Notice:
    values: dict[str, object] = {
        "id": 4321,
        "key": "o12:default:qua-han-1@2026-12-22:email:c7",
        "kind": "reminder",
        "recipient_role": "focal_point",
        "recipient_name": "Nguyễn Thị Hoa",
        "channel": "email",
        "address": "hoa@syt.bacninh.gov.vn",
        "template": "reminder",
        "subject": LONG_SUBJECT,
        "body_text": "Kính gửi đồng chí Nguyễn Thị Hoa,\n\nCòn 2 ngày làm việc đến hạn nộp báo cáo.\n" * 9,
        "body_html": "<p>Kính gửi đồng chí Nguyễn Thị Hoa,</p>\n<p>Còn <b>2 ngày làm việc</b></p>\n" * 7,
        "not_before": AT,
        "created_at": AT,
    }
    return Notice.model_validate(values | changes)


SENDERS = [
    ("Sở Nội vụ tỉnh Bắc Ninh", "noreply@snv.bacninh.gov.vn"),
    ("", "dunghan@localhost.example"),
    ("Hệ thống nhắc hạn dunghan của Văn phòng Ủy ban nhân dân tỉnh Bắc Ninh", "nhac-han@vpubnd.bacninh.gov.vn"),
]
CASES = [
    {},
    {"body_html": None},
    {"recipient_name": ""},
    {"recipient_name": "Tran Van Nam"},
    {"recipient_name": "Nguyễn Văn\nA"},  # a name typed with Alt+Enter
    {"subject": "Ngắn"},
    {"subject": "x" * 250},
    {"body_text": "", "body_html": "<p></p>"},
    {"body_text": "ồ" * 301},
    {"key": "don-doc:2026-12-22:cc97ede10e1c:email:c7" * 3},
]


@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("changes", CASES)
def test_the_bytes_are_those_the_email_package_writes(sender: tuple[str, str], changes: dict[str, object]) -> None:
    n = notice(**changes)
    message = build(n, sender=sender, at=AT)
    if n.body_html:
        message.set_boundary(MARK)
    expected = message.as_bytes(policy=SMTP_LINES)
    written, message_id = message_bytes(n, sender=sender, at=AT, separator=MARK, message_id=str(message["Message-ID"]))
    assert written.split(b"\r\n") == expected.split(b"\r\n")
    assert message_id == str(message["Message-ID"])


@pytest.fixture
def quoted_printable() -> Iterator[None]:
    """UTF-8 written quoted-printable by the email package, as Apprise's e-mail plugin sets it for
    the whole process when it is imported (with the channels)."""
    before = email.charset.CHARSETS["utf-8"]
    email.charset.add_charset("utf-8", email.charset.QP, email.charset.QP, "utf-8")
    yield
    email.charset.CHARSETS["utf-8"] = before


@pytest.mark.parametrize("changes", CASES[:3])
def test_the_message_is_base64_whatever_the_process_says_of_utf8(
    quoted_printable: None, changes: dict[str, object]
) -> None:
    n = notice(**changes)
    message = build(n, sender=SENDERS[0], at=AT)
    if n.body_html:
        message.set_boundary(MARK)
    expected = message.as_bytes(policy=SMTP_LINES)
    assert b"quoted-printable" not in expected and b"Content-Transfer-Encoding: base64" in expected
    written, _message_id = message_bytes(
        n, sender=SENDERS[0], at=AT, separator=MARK, message_id=str(message["Message-ID"])
    )
    assert written.split(b"\r\n") == expected.split(b"\r\n")


def test_the_channels_leave_the_fast_writing_in_place() -> None:
    """Building the e-mail channel imports Apprise's e-mail plugin, which sets UTF-8 to quoted-printable
    for the whole process; the messages stay base64, written directly (not through the email package)."""
    SmtpChannel(
        "mailto://127.0.0.1:1?from=noreply@snv.bacninh.gov.vn", sender=None, clock=lambda: AT, limiter=RateLimiter(0)
    )
    assert email.charset.CHARSETS["utf-8"][1] == email.charset.QP  # what Apprise did
    n = notice()
    written, _message_id = message_bytes(n, sender=SENDERS[0], at=AT, separator=MARK)
    assert b"Content-Transfer-Encoding: base64" in written and b"quoted-printable" not in written
    sent = email.message_from_bytes(written)
    plain, html = (part.get_payload(decode=True) for part in sent.walk() if not part.is_multipart())
    assert isinstance(plain, bytes) and plain.decode("utf-8") == n.body_text
    assert isinstance(html, bytes) and html.decode("utf-8") == n.body_html


def test_each_message_has_its_own_id_and_boundary() -> None:
    first, first_id = message_bytes(notice(), sender=SENDERS[0], at=AT)
    second, second_id = message_bytes(notice(), sender=SENDERS[0], at=AT)
    assert first_id != second_id and first_id.endswith("@snv.bacninh.gov.vn>") and "notice-4321" in first_id
    assert first.split(b"\r\n")[1] != second.split(b"\r\n")[1]  # the boundary line
    assert len({boundary() for _ in range(100)}) == 100
    assert all(len(b) == 15 + 19 + 2 and b.startswith("=" * 15) for b in (boundary(), boundary()))


def test_text_that_cannot_be_encoded_is_refused_as_build_refuses_it() -> None:
    broken = notice(body_text="Kính gửi \udcff")
    with pytest.raises(UnicodeEncodeError):
        build(broken, sender=SENDERS[0], at=AT).as_bytes(policy=SMTP_LINES)
    with pytest.raises(UnicodeEncodeError):
        message_bytes(broken, sender=SENDERS[0], at=AT)


def test_one_tls_context_per_process() -> None:
    assert tls_context(verify=True) is tls_context(verify=True)
    assert tls_context(verify=False) is not tls_context(verify=True)
    assert not tls_context(verify=False).check_hostname
