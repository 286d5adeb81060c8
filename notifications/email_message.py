"""An e-mail from a notice: UTF-8 subject and body, plain text with an HTML alternative.

Headers are encoded with ``email.header.Header``: the newer ``EmailMessage`` folding drops the space
between two encoded words of a long Vietnamese subject ("kết quả công" became "kết quảcông").
"""

from __future__ import annotations

from datetime import datetime
from email.charset import BASE64, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from models.tables import Notice

# Base64 encoded words: UTF-8's default ("shortest") measures the quoted-printable form of every
# header too, which costs more than building the rest of the message.
UTF8 = Charset("utf-8")
UTF8.header_encoding = BASE64


def sender_address(text: str) -> tuple[str, str]:
    """'Sở Nội vụ <noreply@snv.gov.vn>' or a bare address, as (name, address)."""
    name, address = parseaddr(text)
    if "@" not in address:
        raise ValueError(f"sender {text!r} has no e-mail address")
    return name, address


def _address(name: str, address: str) -> str:
    return formataddr((str(Header(name, UTF8)), address)) if name else address


def build(notice: Notice, *, sender: tuple[str, str], at: datetime) -> MIMEMultipart | MIMEText:
    plain = MIMEText(notice.body_text, "plain", "utf-8")
    if notice.body_html:
        message: MIMEMultipart | MIMEText = MIMEMultipart("alternative")
        message.attach(plain)
        message.attach(MIMEText(notice.body_html, "html", "utf-8"))
    else:
        message = plain
    message["Subject"] = Header(notice.subject, UTF8)  # type: ignore[assignment]  # compat32 takes a Header
    message["From"] = _address(*sender)
    message["To"] = _address(notice.recipient_name, notice.address)
    message["Date"] = format_datetime(at)
    message["Message-ID"] = make_msgid(idstring=f"notice-{notice.id}", domain=sender[1].rsplit("@", 1)[1])
    message["X-Dunghan-Notice"] = notice.key
    return message
