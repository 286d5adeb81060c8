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

from datetime import datetime
from email.charset import BASE64, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from models.tables import Notice
from rules.i18n import _
from rules.text import clean_text

# Base64 encoded words: UTF-8's default ("shortest") measures the quoted-printable form of every
# header too, which costs more than building the rest of the message.
UTF8 = Charset("utf-8")
UTF8.header_encoding = BASE64


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
    return formataddr((str(Header(name, UTF8)), address)) if name else address


def build(notice: Notice, *, sender: tuple[str, str], at: datetime) -> MIMEMultipart | MIMEText:
    """The message for one notice; raises for text that cannot be encoded (the channel reports it)."""
    plain = MIMEText(notice.body_text, "plain", "utf-8")
    if notice.body_html:
        message: MIMEMultipart | MIMEText = MIMEMultipart("alternative")
        message.attach(plain)
        message.attach(MIMEText(notice.body_html, "html", "utf-8"))
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
