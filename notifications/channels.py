"""The channels a notice can go out on: one adapter per transport, all behind one small port.

``send(notices, report)`` delivers a batch and calls ``report(notice, attempt)`` once per notice as
soon as its fate is known; it never raises. Apprise is the transport for Zalo (our plugins) and any
other Apprise URL; e-mail reuses Apprise's ``mailto://`` / ``mailtos://`` settings but sends a whole
batch through one SMTP session (one Apprise call per message costs a connection each, ~20x slower).

What a fault costs (the outbox recorder acts on the attempt's ``tried``, ``retry`` and ``uncertain``):

- One bad message never stops a batch: a notice whose message cannot be built, or whose address
  cannot be written in an SMTP command, fails alone and for good (``retry=False``) with the reason.
- SMTP 421 (a server capping messages per connection), a dropped connection or a read timeout end
  the session, not the batch: the message in flight failed (``retry``), the channel reconnects and
  goes on, and after a 421 it opens a new session before it reaches the server's cap again.
  Messages never handed to the server (it cannot be reached) are reported ``tried=False``.
  ``?cto=`` (connect) and ``?rto=`` (read) in the mailto URL are the timeouts, in seconds.
- Zalo: a 5xx, a 200 that is not Zalo's JSON, a rate limit, an expired token or no answer are
  transient (``retry``); Zalo's refusal of a recipient or a template is permanent.
- Uncertain: after a read timeout (the request was sent, no answer came), or an SMTP connection
  lost after the message's final dot, the peer may have delivered it. An uncertain attempt is
  retried on its own channel only (ZNS carries tracking_id), never also by e-mail.
- A breaker per channel per run: after ``trip_after`` (3) failures of the channel itself in a row
  (expired token, server unreachable, failing or silent) the channel is not called again in this
  run; the rest are reported at once with ``tried=False``, ``retry=True`` and the reason, which
  ``channel.down`` also holds so the admin can be told once. A delivered message resets the count;
  a recipient's own refusal does not count.
- Secrets (the Zalo token, the SMTP password) are masked in every error a channel reports, even
  when a peer repeated them; URLs are only ever shown with Apprise's ``privacy=True``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import smtplib
import socket
import ssl
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import apprise

from models.outbox import Attempt
from models.tables import Notice
from notifications.apprise_plugins import register
from notifications.email_message import (
    agency_sender,
    build,
    envelope_address,
    message_bytes,
    sender_address,
)
from notifications.rate_limit import CircuitBreaker, RateLimiter
from notifications.zalo_zns import fit_parameters
from rules.calendar import VIETNAM
from rules.errors import DunghanError
from rules.i18n import _

OnResult = Callable[[Notice, Attempt], None]  # told each notice's result as it comes
TRIP_AFTER = 3  # failures of a channel in a row before it is left alone for the rest of the run
MASK = "****"


class Channel(Protocol):
    name: str

    @property
    def down(self) -> str | None:
        """None while the channel is used in this run; once its breaker tripped, why it is not."""
        ...

    def send(self, notices: Sequence[Notice], report: OnResult) -> None: ...


def _unbuildable(error: Exception) -> Attempt:
    """A message that cannot be made: it fails alone and for good, the batch goes on."""
    reason = _("the message could not be built: {kind}: {error}").format(kind=type(error).__name__, error=error)
    return Attempt(False, error=reason, retry=False, tried=False)


def _masking(report: OnResult, secrets: Sequence[str]) -> OnResult:
    """``report`` with the secrets hidden in every error and result, whatever a peer repeated."""
    hidden = [secret for secret in secrets if secret]

    def masked(notice: Notice, attempt: Attempt) -> None:
        report(notice, replace(attempt, error=_hide(attempt.error, hidden), result=_hide(attempt.result, hidden)))

    return masked if hidden else report


def _hide(text: str | None, secrets: Sequence[str]) -> str | None:
    for secret in secrets:
        if text:
            text = text.replace(secret, MASK).replace(quote(secret, safe=""), MASK)
    return text


class FolderChannel:
    """Demo and default: write each message to the outbox folder instead of sending it.

    E-mail becomes a .eml file (open it in any mail program); Zalo and ZNS become the JSON body
    that would be posted.
    """

    down: str | None = None

    def __init__(
        self,
        name: str,
        folder: Path,
        *,
        sender: str,
        clock: Callable[[], datetime],
        agency: str | None = None,
        short_names: Mapping[str, str] | None = None,
    ) -> None:
        self.name, self.folder, self.clock = name, folder, clock
        self.sender = agency_sender(sender_address(sender), agency)
        self.short_names = dict(short_names or {})

    def send(self, notices: Sequence[Notice], report: OnResult) -> None:
        for notice in notices:
            report(notice, self._write(notice))

    def _write(self, notice: Notice) -> Attempt:
        at = self.clock()
        day = self.folder / at.astimezone(VIETNAM).strftime("%Y-%m-%d")
        try:
            if notice.channel == "email":
                path, data = day / f"{notice.id:07d}-email.eml", build(notice, sender=self.sender, at=at).as_bytes()
            else:
                request = _zalo_request(notice, self.short_names)
                text = json.dumps(request, ensure_ascii=False, indent=2) + "\n"
                path, data = day / f"{notice.id:07d}-{notice.channel}.json", text.encode("utf-8")
        except Exception as error:  # one bad message never stops a batch
            return _unbuildable(error)
        try:
            day.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as error:
            return Attempt(
                False, error=_("could not write {path}: {error}").format(path=path, error=error), tried=False
            )
        return Attempt(True, result=str(path))


def _zalo_request(notice: Notice, short_names: Mapping[str, str]) -> dict[str, Any]:
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
                "template_data": fit_parameters(payload.get("template_data", {}), short_names=short_names),
                "tracking_id": notice.key,
            },
        }
    return {"url": "(Apprise URL, not written)", "title": notice.subject, "body": notice.body_text}


class _Session(smtplib.SMTP):
    """smtplib's client with a read timeout apart from the connect timeout, and one message at a time
    in steps, so that a failure can be placed: before the server had the message, or after."""

    def __init__(self, host: str, port: int, *, connect_timeout: float, read_timeout: float, **kwargs: Any) -> None:
        self.read_timeout = read_timeout
        self.stage = ""  # MAIL, RCPT, DATA, then "sent" once the final dot is out
        super().__init__(host, port, timeout=connect_timeout, **kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # connected (and for SMTPS, hands shaken) within the connect timeout; typeshed omits this hook
        sock: socket.socket = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        sock.settimeout(self.read_timeout)
        return sock

    @property
    def handed_over(self) -> bool:
        """The whole message went out: if no answer comes, only the server knows whether it kept it."""
        return self.stage == "sent"

    def transmit(self, sender: str, recipient: str, data: bytes) -> None:
        """MAIL, RCPT, DATA: smtplib's ``sendmail`` for one recipient, raising on any answer but success."""
        self.stage = "MAIL"
        _expect(self.mail(sender), 250)
        self.stage = "RCPT"
        _expect(self.rcpt(recipient), 250, 251)
        self.stage = "DATA"
        _expect(self.docmd("DATA"), 354)
        self.send(_dot_stuffed(data))
        self.stage = "sent"
        _expect(self.getreply(), 250)


class _SslSession(_Session, smtplib.SMTP_SSL):
    """The same over SMTPS (port 465)."""


def _expect(reply: tuple[int, bytes], *codes: int) -> None:
    if reply[0] not in codes:
        raise smtplib.SMTPResponseException(*reply)


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA payload: a line that begins with a dot gets another, and a lone dot ends it (RFC 5321 §4.5.2)."""
    body = re.sub(rb"(?m)^\.", b"..", data)
    return body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def _read_timeout(plugin: Any) -> float:
    """``?rto=`` when the URL gives it; otherwise the connect timeout, as Apprise's own e-mail plugin
    does: Apprise's general 4 s read default is too short for a server that scans mail before answering."""
    given = vars(plugin).get("socket_read_timeout")
    return float(given if given is not None else plugin.socket_connect_timeout)


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


@functools.cache
def tls_context(*, verify: bool) -> ssl.SSLContext:
    """One TLS context per process (loading the system's certificates costs more than a session's
    handshake); with ``verify=False``, one that checks neither the certificate nor the name."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context


class SmtpChannel:
    """E-mail through one SMTP session per batch, configured by an Apprise mailto(s):// URL.

    ``sender`` is the From address (else the URL's); ``agency``, when given, the From name.
    """

    name = "email"

    def __init__(
        self,
        url: str,
        *,
        sender: str | None,
        clock: Callable[[], datetime],
        limiter: RateLimiter,
        batch: int = 200,
        trip_after: int = TRIP_AFTER,
        agency: str | None = None,
    ) -> None:
        plugin: Any = apprise.Apprise.instantiate(url)  # Apprise's NotifyEmail: untyped
        if plugin is None or not hasattr(plugin, "smtp_host"):
            raise DunghanError(_("DUNGHAN_SMTP_URL must be an Apprise mailto:// or mailtos:// URL"))
        self.plugin, self.clock, self.limiter, self.batch = plugin, clock, limiter, batch
        from_name, from_address = plugin.from_addr
        self.sender = agency_sender(sender_address(sender) if sender else (from_name or "", from_address), agency)
        self.breaker = CircuitBreaker("e-mail", trip_after)
        self.per_session: int | None = None  # learnt from a 421: the most messages the server takes per session
        self._secrets = [s for s in (plugin.password,) if s]
        self._lock = threading.Lock()

    @property
    def down(self) -> str | None:
        return self.breaker.down

    @property
    def server(self) -> str:
        return f"{self.plugin.smtp_host}:{self.plugin.port}"

    def send(self, notices: Sequence[Notice], report: OnResult) -> None:
        report = _masking(report, self._secrets)
        for start in range(0, len(notices), self.batch):
            self._batch(notices[start : start + self.batch], report)

    def _batch(self, notices: Sequence[Notice], report: OnResult) -> None:
        """One session for the batch; a new one after each 421 or drop, until the breaker says stop."""
        queue = deque(notices)
        session: _Session | None = None
        taken = 0  # messages the current session took
        try:
            while queue:
                if self.breaker.down:
                    for notice in queue:
                        report(notice, Attempt(False, error=self.breaker.down, tried=False))
                    return
                if session is not None and self.per_session and taken >= self.per_session:
                    _quit(session)  # before the server's cap, not at it
                    session = None
                if session is None:
                    session, taken = self._open(queue, report), 0
                    if session is None:
                        return
                notice = queue.popleft()
                self.limiter.acquire()
                attempt, usable = self._hand_over(session, notice, taken)
                report(notice, attempt)
                taken += 1 if attempt.ok else 0
                if not usable:
                    _quit(session)
                    session = None
        finally:
            if session is not None:
                _quit(session)

    def _open(self, queue: deque[Notice], report: OnResult) -> _Session | None:
        """A new session; if the server cannot be reached, the rest of the batch waits (not tried)."""
        try:
            return self._connect()
        except (OSError, smtplib.SMTPException) as error:
            reason = (
                _hide(_("SMTP server {server}: {error}").format(server=self.server, error=error), self._secrets) or ""
            )
            self.breaker.failure(reason)
            for notice in queue:
                report(
                    notice,
                    Attempt(
                        False, error=self.breaker.down or _("{reason}; not sent").format(reason=reason), tried=False
                    ),
                )
            return None

    def _connect(self) -> _Session:
        p = self.plugin
        timeouts = {"connect_timeout": float(p.socket_connect_timeout), "read_timeout": _read_timeout(p)}
        context = tls_context(verify=bool(p.verify_certificate))
        if p.secure_mode == "ssl":
            session: _Session = _SslSession(p.smtp_host, p.port, context=context, **timeouts)
        else:
            session = _Session(p.smtp_host, p.port, **timeouts)
        try:
            if p.secure_mode == "starttls":
                session.starttls(context=context)
            session.ehlo_or_helo_if_needed()
            if p.user and p.password:
                session.login(p.user, p.password)
        except BaseException:
            session.close()
            raise
        return session

    def _hand_over(self, session: _Session, notice: Notice, taken: int) -> tuple[Attempt, bool]:
        """Send one message; its attempt, and whether the session can carry the next one."""
        try:
            recipient = envelope_address(notice.address)
            data, message_id = message_bytes(notice, sender=self.sender, at=self.clock())
        except Exception as error:  # one bad message never stops a batch
            return _unbuildable(error), True
        try:
            session.transmit(self.sender[1], recipient, data)
        except smtplib.SMTPResponseException as error:
            return self._refused(session, notice, error, taken)
        except ValueError as error:  # a line break or a non-ASCII letter in an address: refused before it left
            reason = _("the address {address!r} cannot be sent to: {error}").format(address=notice.address, error=error)
            return Attempt(False, error=reason, retry=False, tried=False), _reset(session)
        except (OSError, smtplib.SMTPException) as error:
            return self._lost(session, error), False
        self.breaker.success()
        return Attempt(True, result=message_id), True

    def _refused(
        self, session: _Session, notice: Notice, error: smtplib.SMTPResponseException, taken: int
    ) -> tuple[Attempt, bool]:
        code, text = error.smtp_code, _text(error.smtp_error)
        if code == 421:  # the server closes the session: this message failed, the rest go on in a new one
            if session.stage == "MAIL" and taken:
                with self._lock:
                    self.per_session = min(self.per_session or taken, taken)
            reason = _("SMTP server {server}: {error}").format(server=self.server, error=f"421 {text}")
            self.breaker.failure(reason)
            return Attempt(False, error=_("{reason}; will retry in a new session").format(reason=reason)), False
        permanent = 500 <= code < 600
        if session.stage == "RCPT":
            refused = _("recipient refused ({address}: {code} {text})").format(
                address=notice.address, code=code, text=text
            )
            return Attempt(False, error=refused, retry=not permanent), _reset(session)
        return Attempt(False, error=f"SMTP {code} {text}", retry=not permanent), _reset(session)

    def _lost(self, session: _Session, error: Exception) -> Attempt:
        if session.handed_over:
            reason = _(
                "SMTP connection to {server} lost after the message was sent, before the server answered "
                "({error}); it may have been delivered"
            ).format(server=self.server, error=error)
        else:
            reason = _("SMTP connection to {server} lost ({error})").format(server=self.server, error=error)
        self.breaker.failure(reason)
        return Attempt(False, error=reason, uncertain=session.handed_over)


def _reset(session: _Session) -> bool:
    """RSET after a refused message; False when the session did not survive it."""
    try:
        return bool(200 <= session.rset()[0] < 300)
    except (OSError, smtplib.SMTPException):
        return False


def _quit(session: _Session) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        session.quit()
    session.close()


class ZaloChannel:
    """Zalo OA text (channel zalo) or a ZNS template (channel zns) through our Apprise plugins.

    A ZNS template's parameters are fitted to Zalo's limit at the wire: ``short_names`` (a report's
    full name → its short name from the pack) first, then shortening by rule
    (:func:`notifications.zalo_zns.fit_parameters`).
    """

    def __init__(
        self,
        name: str,
        *,
        token: str,
        base_url: str,
        limiter: RateLimiter,
        mode: str | None = None,
        read_timeout: float | None = None,
        trip_after: int = TRIP_AFTER,
        short_names: Mapping[str, str] | None = None,
    ) -> None:
        register()
        self.name, self.token, self.base_url, self.limiter, self.mode = name, token, base_url, limiter, mode
        self.short_names = dict(short_names or {})
        self.read_timeout = read_timeout
        self.breaker = CircuitBreaker("Zalo OA" if name == "zalo" else "ZNS", trip_after)

    @property
    def down(self) -> str | None:
        return self.breaker.down

    def _url(self, notice: Notice) -> str:
        base, token, target = (quote(part, safe="") for part in (self.base_url, self.token, notice.address))
        timeout = f"&rto={self.read_timeout}" if self.read_timeout else ""
        if self.name == "zalo":
            return f"zalooa://{token}/{target}?base={base}{timeout}"
        template = json.loads(notice.payload or "{}").get("template_id", "")
        mode = f"&mode={self.mode}" if self.mode else ""
        return f"zns://{token}/{target}?base={base}&template={quote(template, safe='')}{mode}{timeout}"

    def send(self, notices: Sequence[Notice], report: OnResult) -> None:
        report = _masking(report, [self.token])
        for notice in notices:
            if self.breaker.down:
                report(notice, Attempt(False, error=self.breaker.down, tried=False))
                continue
            self.limiter.acquire()
            report(notice, self._send_one(notice))

    def _prepare(self, notice: Notice) -> tuple[Any, str]:
        """The plugin (None when the settings make no valid URL) and the body for one notice."""
        plugin: Any = apprise.Apprise.instantiate(self._url(notice))  # our Zalo plugins
        payload = json.loads(notice.payload or "{}")
        if self.name == "zalo":
            return plugin, payload.get("text") or notice.body_text
        if plugin is not None:
            plugin.short_names = self.short_names
        return plugin, json.dumps({"template_data": payload.get("template_data", {}), "tracking_id": notice.key})

    def _send_one(self, notice: Notice) -> Attempt:
        try:
            plugin, body = self._prepare(notice)
            if plugin is None:
                return Attempt(False, error=_("the Zalo settings do not make a valid URL"), retry=False, tried=False)
            delivered = plugin.notify(body=body)
        except Exception as error:  # one bad message never stops a batch
            return _unbuildable(error)
        if delivered:
            self.breaker.success()
            return Attempt(True, result=_zalo_result(plugin))
        failure = plugin.last_failure
        if failure is None:  # refused before any request (no target, a body that is not a template's data)
            return Attempt(False, error=_("Zalo refused the message before sending it"), retry=False, tried=False)
        if failure.channel_fault:
            self.breaker.failure(_hide(str(failure), [self.token]) or "")
        else:
            self.breaker.success()  # Zalo answered: the channel works, this recipient does not
        return Attempt(
            False, error=str(failure), retry=failure.retry, tried=failure.reached, uncertain=failure.uncertain
        )


def _zalo_result(plugin: Any) -> str:
    answer = plugin.last_answer.data if plugin.last_answer else {}
    result = str(answer.get("message_id") or answer.get("msg_id") or "sent")
    quota = getattr(plugin, "last_quota", None)
    if not quota:
        return result
    return _("{result} (quota left {quota})").format(result=result, quota=quota.get("remainingQuota"))


class AppriseChannel:
    """Any Apprise URL (Telegram, an SMS gateway, a webhook): the notice's address is the URL.

    No breaker: each notice may name another service.
    """

    name = "apprise"
    down: str | None = None

    def __init__(self, limiter: RateLimiter) -> None:
        register()
        self.limiter = limiter

    def send(self, notices: Sequence[Notice], report: OnResult) -> None:
        for notice in notices:
            self.limiter.acquire()
            report(notice, self._send_one(notice))

    def _send_one(self, notice: Notice) -> Attempt:
        sender = apprise.Apprise()
        try:
            if not sender.add(notice.address):
                return Attempt(False, error=_("not an Apprise URL Apprise knows"), retry=False, tried=False)
            shown = str(sender[0].url(privacy=True))  # type: ignore[no-untyped-call]
            delivered = sender.notify(body=notice.body_text, title=notice.subject)
        except Exception as error:  # one bad message never stops a batch
            return _unbuildable(error)
        if delivered:
            return Attempt(True, result=shown)
        return Attempt(False, error=_("Apprise could not deliver to {url}").format(url=shown))


@dataclass(frozen=True)
class Reach:
    """The channels the settings make usable: e-mail (always: it is written to the outbox folder,
    or sent, which needs an SMTP server), Zalo OA with its token, ZNS with its token and, for each
    kind of message, an approved template. In the outbox-folder mode every channel counts as
    configured except a ZNS template that was never approved."""

    zalo_oa: bool
    zns: bool
    zns_templates: frozenset[str] = frozenset()  # the kinds of message with an approved ZNS template

    def channels(self, *, email: str | None, zalo_user_id: str | None, zalo_phone: str | None) -> set[str]:
        """The channels that can carry a message to a contact with these addresses."""
        found = set()
        if email:
            found.add("email")
        if zalo_user_id and self.zalo_oa:
            found.add("zalo")
        if zalo_phone and self.zns and self.zns_templates:
            found.add("zns")
        return found

    def why_not(self, *, email: str | None, zalo_user_id: str | None, zalo_phone: str | None) -> str | None:
        """None when some configured channel reaches the contact; else why none does, as the
        admin reads it."""
        if self.channels(email=email, zalo_user_id=zalo_user_id, zalo_phone=zalo_phone):
            return None
        reasons = []
        if zalo_user_id and not self.zalo_oa:
            reasons.append(_("has a Zalo OA follower id but Zalo OA is not configured (DUNGHAN_ZALO_OA_TOKEN)"))
        if zalo_phone and not self.zns:
            reasons.append(_("has a Zalo phone but ZNS is not configured (DUNGHAN_ZNS_TOKEN)"))
        elif zalo_phone:
            reasons.append(_("has a Zalo phone but no ZNS template is configured (DUNGHAN_ZNS_TEMPLATES)"))
        if not reasons:
            reasons.append(_("has no e-mail address, Zalo phone or Zalo OA follower id"))
        return "; ".join(reasons) + "; " + _("add an e-mail address")
