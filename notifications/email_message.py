"""An e-mail from a notice: UTF-8 subject and body, plain text with an HTML alternative.

Headers are encoded with ``email.header.Header``: the newer ``EmailMessage`` folding drops the space
between two encoded words of a long Vietnamese subject ("kết quả công" became "kết quảcông").
Header values are folded to one line first (:func:`rules.text.clean_text`: NFC, line breaks and
control characters to one space): a name typed with Alt+Enter in an Excel cell
("Nguyễn Văn⏎A") would otherwise make the message fail to build, or, in plain ASCII, inject a
header of its own.

Every message says it was sent by a program (``Auto-Submitted: auto-generated``, RFC 3834, and
Exchange's ``X-Auto-Response-Suppress``), so an absence reply or a vacation notice never answers it
and no two robots write to each other in a loop. The From name is the sending agency's name (the
setting ``DUNGHAN_SENDER_NAME``), the address the configured sender's.
"""

from __future__ import annotations

import base64
import functools
import random
import sys
from datetime import datetime
from email.charset import BASE64, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from models.tables import Notice
from rules.i18n import _
from rules.text import clean_text

# UTF-8 in base64, headers and bodies, whatever the email package's registry says of "utf-8":
# Apprise's e-mail plugin, imported with the channels, sets it to quoted-printable for the whole
# process. Base64 encoded words also spare the "shortest" measure of the quoted-printable form of
# every header, which costs more than building the rest of the message.
UTF8 = Charset("utf-8")
UTF8.header_encoding = BASE64
UTF8.body_encoding = BASE64
UTF8.output_charset = "utf-8"


def sender_address(text: str) -> tuple[str, str]:
    """'Sở Nội vụ <noreply@snv.gov.vn>' or a bare address, as (name, address)."""
    name, address = parseaddr(text)
    if "@" not in address:
        raise ValueError(_("sender {sender!r} has no e-mail address").format(sender=text))
    return name, address


def agency_sender(sender: tuple[str, str], agency: str | None) -> tuple[str, str]:
    """The sender shown as the sending agency: its name, the configured address.

    >>> agency_sender(("Hệ thống nhắc hạn", "noreply@snv.gov.vn"), "Sở Nội vụ tỉnh Bắc Ninh")
    ('Sở Nội vụ tỉnh Bắc Ninh', 'noreply@snv.gov.vn')
    >>> agency_sender(("Hệ thống nhắc hạn", "noreply@snv.gov.vn"), " ")
    ('Hệ thống nhắc hạn', 'noreply@snv.gov.vn')
    """
    name = clean_text(agency or "").strip()
    return (name, sender[1]) if name else sender


def envelope_address(text: str) -> str:
    r"""The address for RCPT TO, refused unless it is one plain address: a line break in it could
    smuggle in a command or a recipient of its own.

    >>> envelope_address("hoa@syt.bacninh.gov.vn\r\nRCPT TO:<x@example.org>")
    Traceback (most recent call last):
    ValueError: the address 'hoa@syt.bacninh.gov.vn\r\nRCPT TO:<x@example.org>' is not one e-mail address
    """
    if "@" not in text or clean_text(text) != text or " " in text or parseaddr(text)[1] != text:
        raise ValueError(_("the address {address!r} is not one e-mail address").format(address=text))
    return text


def _address(name: str, address: str) -> str:
    name, address = clean_text(name), clean_text(address)
    return formataddr((name, address), charset=UTF8) if name else address


def build(notice: Notice, *, sender: tuple[str, str], at: datetime) -> MIMEMultipart | MIMEText:
    """The message for one notice; raises for text that cannot be encoded (the channel reports it)."""
    plain = MIMEText(notice.body_text, "plain", UTF8)  # type: ignore[arg-type]  # a Charset is taken as a name is
    if notice.body_html:
        message: MIMEMultipart | MIMEText = MIMEMultipart("alternative")
        message.attach(plain)
        message.attach(MIMEText(notice.body_html, "html", UTF8))  # type: ignore[arg-type]
    else:
        message = plain
    message["Subject"] = Header(clean_text(notice.subject), UTF8)  # type: ignore[assignment]  # compat32 takes a Header
    message["From"] = _address(*sender)
    message["To"] = _address(notice.recipient_name, notice.address)
    message["Date"] = format_datetime(at)
    message["Message-ID"] = make_msgid(idstring=f"notice-{notice.id}", domain=sender[1].rsplit("@", 1)[1])
    message["X-Dunghan-Notice"] = clean_text(notice.key)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic reply to it
    message["X-Auto-Response-Suppress"] = "All"  # the same for Exchange and Outlook
    return message


# What ``build(…).as_bytes(policy=SMTP_LINES)`` writes, written directly: every header of a notice
# but the subject and the two addresses is short plain ASCII, which the compat32 policy would fold
# through ``Header.encode`` only to give it back unchanged; and the bodies are base64, in which a
# boundary of fifteen "=" can never occur, so the boundary needs no search through the text.
CRLF = "\r\n"
SMTP_LINES = compat32.clone(linesep=CRLF)  # smtplib leaves bare newlines in bytes alone
_FOLD_AT = 78  # compat32's line length, as RFC 5322 recommends
_BOUNDARY_WIDTH = len(repr(sys.maxsize - 1))


def _header(name: str, value: str | Header) -> str:
    """``Name: value`` and its line end, folded as the compat32 policy folds it."""
    if isinstance(value, str) and value.isascii() and "\n" not in value and "\r" not in value:
        if len(name) + 2 + len(value) <= _FOLD_AT:
            return f"{name}: {value}{CRLF}"
        value = Header(value, header_name=name)
    elif isinstance(value, str):
        value = Header(value, header_name=name)
    return f"{name}: {value.encode(linesep=CRLF, maxlinelen=_FOLD_AT)}{CRLF}"


@functools.lru_cache(maxsize=4096)
def _subject_header(subject: str) -> str:
    """The Subject line (a morning's notices share a few hundred subjects: one report, one due
    date, one count of days)."""
    return _header("Subject", Header(clean_text(subject), UTF8))


@functools.lru_cache(maxsize=64)
def _from_header(sender: tuple[str, str]) -> str:
    return _header("From", _address(*sender))


@functools.lru_cache(maxsize=4096)
def _address_header(name: str, person: str, address: str) -> str:
    return _header(name, _address(person, address))


def _base64_lines(text: str) -> str:
    """The body as MIMEText writes it in UTF-8: base64 in lines of 76, each ended by CRLF."""
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return "".join(encoded[i : i + 76] + CRLF for i in range(0, len(encoded), 76))


def _part(subtype: str, text: str) -> str:
    return (
        _header("Content-Type", f'text/{subtype}; charset="utf-8"')
        + "MIME-Version: 1.0"
        + CRLF
        + "Content-Transfer-Encoding: base64"
        + CRLF
        + CRLF
        + _base64_lines(text)
    )


def boundary() -> str:
    """A MIME boundary as the email package makes one: fifteen "=", 19 random digits, "=="."""
    return "=" * 15 + f"{random.randrange(sys.maxsize):0{_BOUNDARY_WIDTH}d}" + "=="


def message_bytes(
    notice: Notice,
    *,
    sender: tuple[str, str],
    at: datetime,
    separator: str | None = None,
    message_id: str | None = None,
) -> tuple[bytes, str]:
    """The bytes of :func:`build`'s message with CRLF line ends, and its Message-ID; raises for
    text that cannot be encoded, as :func:`build` does."""
    if message_id is None:
        message_id = make_msgid(idstring=f"notice-{notice.id}", domain=sender[1].rsplit("@", 1)[1])
    headers = (
        _subject_header(notice.subject)
        + _from_header(sender)
        + _address_header("To", notice.recipient_name, notice.address)
        + _header("Date", format_datetime(at))
        + _header("Message-ID", message_id)
        + _header("X-Dunghan-Notice", clean_text(notice.key))
        + "Auto-Submitted: auto-generated"
        + CRLF
        + "X-Auto-Response-Suppress: All"
        + CRLF
    )
    if not notice.body_html:
        text = _part("plain", notice.body_text)
        head, _blank, body = text.partition(CRLF + CRLF)
        return (head + CRLF + headers + CRLF + body).encode("ascii"), message_id
    mark = separator or boundary()
    return (
        _header("Content-Type", f'multipart/alternative; boundary="{mark}"')
        + "MIME-Version: 1.0"
        + CRLF
        + headers
        + CRLF
        + f"--{mark}{CRLF}"
        + _part("plain", notice.body_text)
        + f"{CRLF}--{mark}{CRLF}"
        + _part("html", notice.body_html)
        + f"{CRLF}--{mark}--{CRLF}"
    ).encode("ascii"), message_id
