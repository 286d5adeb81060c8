"""The channels a notice can go out on: one adapter per transport, all behind one small port.

``send(notices, report)`` delivers a batch and calls ``report(notice, attempt)`` for each message as
soon as its fate is known; it never raises for a delivery failure. Apprise is the transport for
Zalo (our plugins) and any other Apprise URL; e-mail reuses Apprise's ``mailto://`` / ``mailtos://``
settings but sends a whole batch through one SMTP session (one Apprise call per message costs
a connection each, ~20x slower).
"""

from __future__ import annotations

import contextlib
import json
import smtplib
import ssl
from collections.abc import Callable, Sequence
from datetime import datetime
from email.policy import compat32
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import apprise

from models.outbox import Attempt
from models.tables import Notice
from notifications.apprise_plugins import register
from notifications.email_message import build, sender_address
from notifications.rate_limit import RateLimiter
from rules.calendar import VIETNAM
from rules.errors import DunghanError

Report = Callable[[Notice, Attempt], None]
SMTP_LINES = compat32.clone(linesep="\r\n")  # smtplib leaves bare newlines in bytes alone


class Channel(Protocol):
    name: str

    def send(self, notices: Sequence[Notice], report: Report) -> None: ...


class FolderChannel:
    """Demo and default: write each message to the outbox folder instead of sending it.

    E-mail becomes a .eml file (open it in any mail program); Zalo and ZNS become the JSON body
    that would be posted.
    """

    def __init__(self, name: str, folder: Path, *, sender: str, clock: Callable[[], datetime]) -> None:
        self.name, self.folder, self.sender, self.clock = name, folder, sender_address(sender), clock

    def send(self, notices: Sequence[Notice], report: Report) -> None:
        for notice in notices:
            at = self.clock()
            day = self.folder / at.astimezone(VIETNAM).strftime("%Y-%m-%d")
            day.mkdir(parents=True, exist_ok=True)
            if notice.channel == "email":
                path = day / f"{notice.id:07d}-email.eml"
                path.write_bytes(build(notice, sender=self.sender, at=at).as_bytes())
            else:
                path = day / f"{notice.id:07d}-{notice.channel}.json"
                path.write_text(json.dumps(_zalo_request(notice), ensure_ascii=False, indent=2) + "\n", "utf-8")
            report(notice, Attempt(True, result=str(path)))


def _zalo_request(notice: Notice) -> dict[str, Any]:
    payload = json.loads(notice.payload or "{}")
    if notice.channel == "zalo":
        return {
            "endpoint": "/v3.0/oa/message/cs",
            "body": {"recipient": {"user_id": notice.address}, "message": {"text": payload.get("text", "")}},
        }
    if notice.channel == "zns":
        return {
            "endpoint": "/message/template",
            "body": {
                "phone": notice.address,
                "template_id": payload.get("template_id"),
                "template_data": payload.get("template_data", {}),
                "tracking_id": notice.key,
            },
        }
    return {"url": "(Apprise URL, not written)", "title": notice.subject, "body": notice.body_text}


class SmtpChannel:
    """E-mail through one SMTP session per batch, configured by an Apprise mailto(s):// URL."""

    name = "email"

    def __init__(
        self, url: str, *, sender: str | None, clock: Callable[[], datetime], limiter: RateLimiter, batch: int = 200
    ) -> None:
        plugin: Any = apprise.Apprise.instantiate(url)  # Apprise's NotifyEmail: untyped
        if plugin is None or not hasattr(plugin, "smtp_host"):
            raise DunghanError("DUNGHAN_SMTP_URL must be an Apprise mailto:// or mailtos:// URL")
        self.plugin, self.clock, self.limiter, self.batch = plugin, clock, limiter, batch
        from_name, from_address = plugin.from_addr
        self.sender = sender_address(sender) if sender else (from_name or "", from_address)

    def _connect(self) -> smtplib.SMTP:
        p = self.plugin
        context = ssl.create_default_context()
        if not p.verify_certificate:
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        timeout = p.socket_connect_timeout
        if p.secure_mode == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(p.smtp_host, p.port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(p.smtp_host, p.port, timeout=timeout)
            if p.secure_mode == "starttls":
                server.starttls(context=context)
        if p.user and p.password:
            server.login(p.user, p.password)
        return server

    def send(self, notices: Sequence[Notice], report: Report) -> None:
        for start in range(0, len(notices), self.batch):
            self._session(notices[start : start + self.batch], report)

    def _session(self, notices: Sequence[Notice], report: Report) -> None:
        try:
            server = self._connect()
        except (OSError, smtplib.SMTPException) as error:
            for notice in notices:
                report(notice, Attempt(False, error=f"SMTP server {self.plugin.smtp_host}:{self.plugin.port}: {error}"))
            return
        try:
            for index, notice in enumerate(notices):
                self.limiter.acquire()
                try:
                    message = build(notice, sender=self.sender, at=self.clock())
                    server.sendmail(self.sender[1], [notice.address], message.as_bytes(policy=SMTP_LINES))
                except smtplib.SMTPRecipientsRefused as error:
                    refused = "; ".join(
                        f"{a}: {c} {m.decode(errors='replace')}" for a, (c, m) in error.recipients.items()
                    )
                    report(notice, Attempt(False, error=f"recipient refused ({refused})", retry=False))
                except smtplib.SMTPResponseException as error:
                    permanent = 500 <= error.smtp_code < 600
                    raw = error.smtp_error
                    text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
                    report(notice, Attempt(False, error=f"SMTP {error.smtp_code} {text}", retry=not permanent))
                except (OSError, smtplib.SMTPException) as error:
                    for rest in notices[index:]:  # the session is gone: the rest wait for the next try
                        report(rest, Attempt(False, error=f"SMTP session lost: {error}"))
                    return
                else:
                    report(notice, Attempt(True, result=str(message["Message-ID"])))
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                server.quit()


class ZaloChannel:
    """Zalo OA text (channel zalo) or a ZNS template (channel zns) through our Apprise plugins."""

    def __init__(self, name: str, *, token: str, base_url: str, limiter: RateLimiter, mode: str | None = None) -> None:
        register()
        self.name, self.token, self.base_url, self.limiter, self.mode = name, token, base_url, limiter, mode

    def _url(self, notice: Notice) -> str:
        base, token, target = (quote(part, safe="") for part in (self.base_url, self.token, notice.address))
        if self.name == "zalo":
            return f"zalooa://{token}/{target}?base={base}"
        template = json.loads(notice.payload or "{}").get("template_id", "")
        mode = f"&mode={self.mode}" if self.mode else ""
        return f"zns://{token}/{target}?base={base}&template={quote(template, safe='')}{mode}"

    def send(self, notices: Sequence[Notice], report: Report) -> None:
        for notice in notices:
            self.limiter.acquire()
            plugin: Any = apprise.Apprise.instantiate(self._url(notice))  # our Zalo plugins
            if plugin is None:
                report(notice, Attempt(False, error="the Zalo settings do not make a valid URL", retry=False))
                continue
            payload = json.loads(notice.payload or "{}")
            if self.name == "zalo":
                body = payload.get("text") or notice.body_text
            else:
                body = json.dumps({"template_data": payload.get("template_data", {}), "tracking_id": notice.key})
            if plugin.notify(body=body):
                answer = plugin.last_answer.data if plugin.last_answer else {}
                result = str(answer.get("message_id") or answer.get("msg_id") or "sent")
                quota = getattr(plugin, "last_quota", None)
                if quota:
                    result += f" (quota left {quota.get('remainingQuota')})"
                report(notice, Attempt(True, result=result))
            else:
                failure = plugin.last_failure
                report(
                    notice, Attempt(False, error=str(failure or "Zalo refused"), retry=bool(failure and failure.retry))
                )


class AppriseChannel:
    """Any Apprise URL (Telegram, an SMS gateway, a webhook): the notice's address is the URL."""

    name = "apprise"

    def __init__(self, limiter: RateLimiter) -> None:
        register()
        self.limiter = limiter

    def send(self, notices: Sequence[Notice], report: Report) -> None:
        for notice in notices:
            self.limiter.acquire()
            sender = apprise.Apprise()
            if not sender.add(notice.address):
                report(notice, Attempt(False, error="not an Apprise URL Apprise knows", retry=False))
                continue
            shown = str(sender[0].url(privacy=True))  # type: ignore[no-untyped-call]
            if sender.notify(body=notice.body_text, title=notice.subject):
                report(notice, Attempt(True, result=shown))
            else:
                report(notice, Attempt(False, error=f"Apprise could not deliver to {shown}"))
