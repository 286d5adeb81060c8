"""Real local peers: an SMTP server (aiosmtpd) and an HTTP server speaking Zalo's OA and ZNS APIs.

Both can misbehave on demand, as real servers do: the SMTP server caps messages per session (421),
drops the connection, stalls before answering or leaks a password in its refusal; the Zalo server
answers a maintenance page, a 502, nothing for a while, or echoes the token. ``stalled_listener``
is a port whose connections never complete.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received: messages and how many sessions brought them; and its faults."""

    messages: list[tuple[Envelope, EmailMessage]] = field(default_factory=list)
    sessions: int = 0
    refuse: set[str] = field(default_factory=set)  # addresses answered 550
    lock: threading.Lock = field(default_factory=threading.Lock)
    per_session: int | None = None  # answer 421 and close at the MAIL after this many messages in a session
    drops: dict[int, str] = field(default_factory=dict)  # n-th MAIL overall → "mail" or "data": hang up there
    stall: dict[str, float] = field(default_factory=dict)  # recipient → seconds before answering its DATA
    slow: float = 0.0  # seconds before answering every DATA (a slow server)
    mails: int = 0  # MAIL commands received, over all sessions

    def notice_keys(self) -> list[str]:
        """The X-Dunghan-Notice header of every message received, in order."""
        return [str(message["X-Dunghan-Notice"]) for _, message in self.messages]

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self.lock:
            self.mails += 1
            ordinal = self.mails
        taken = getattr(session, "taken", 0)
        if self.per_session is not None and taken >= self.per_session:
            transport = server.transport
            assert transport is not None
            asyncio.get_running_loop().call_soon(transport.close)  # after the answer is written
            return "421 4.7.0 Too many messages in this connection, try again in a new one"
        if self.drops.get(ordinal) == "mail":
            return _hang_up(server)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        session.ordinal = ordinal  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.drops.get(getattr(session, "ordinal", 0)) == "data":
            return _hang_up(server)  # the message arrived whole; no answer, not kept
        await asyncio.sleep(self.slow)
        for address in envelope.rcpt_tos:
            await asyncio.sleep(self.stall.get(address, 0))  # the client may give up; the message is kept
        parsed = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        with self.lock:
            self.messages.append((envelope, parsed))
        session.taken = getattr(session, "taken", 0) + 1  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"


def _hang_up(server: SMTP) -> str:
    """Close the connection without a word, as a crashing server or a cut cable does."""
    transport = server.transport
    assert isinstance(transport, asyncio.Transport)
    transport.abort()
    return "250 never sent"


class Authenticator:
    """Accepts one user and password; a refusal repeats the password tried, as careless servers do."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def __call__(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user.encode(),
            self.password.encode(),
        ):
            return AuthResult(success=True)
        tried = data.password.decode(errors="replace") if isinstance(data, LoginPassword) else "?"
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 password {tried} is not valid")


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[tuple[str, Mailbox]]:
    """Yields (Apprise mailto URL, mailbox) of a running local SMTP server; ``login`` asks for AUTH."""
    mailbox = Mailbox()
    port = free_port()
    auth: dict[str, Any] = {}
    if login is not None:
        auth = {"authenticator": Authenticator(*login), "auth_required": True, "auth_require_tls": False}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **auth)
    controller.start()
    try:
        yield f"mailto://127.0.0.1:{port}?from=noreply@snv.bacninh.gov.vn", mailbox
    finally:
        controller.stop()


@contextmanager
def stalled_listener() -> Iterator[int]:
    """A port that listens but never accepts: its queue is full, so a new connection never completes."""
    with socket.socket() as server, socket.socket() as queued:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = int(server.getsockname()[1])
        queued.connect(("127.0.0.1", port))  # fills the queue of one
        yield port


GOOD_TOKEN = "tok-good"
EXPIRED_TOKEN = "tok-expired"
MAINTENANCE_PAGE = "<html><body><h1>Hệ thống đang bảo trì</h1></body></html>"


@dataclass
class ZaloServer:
    """A local stand-in for openapi.zalo.me and business.openapi.zalo.me (DOMAIN.md §5 shapes).

    ``fault`` makes the next ``faults`` requests (all, when None) go wrong: "html" answers HTTP 200
    with a maintenance page, "502" a gateway error, "stall" waits ``stall_seconds`` before answering
    (the message is delivered all the same, as Zalo does when the answer is lost).
    """

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    quota: int = 500
    throttle_after: int | None = None  # answer -32 (rate limit) once this many calls were served
    fault: str | None = None
    faults: int | None = None
    stall_seconds: float = 5.0
    echo_token: bool = False  # repeat the token in error messages, as a careless gateway might
    released: threading.Event = field(default_factory=threading.Event)  # ends every stall at shutdown
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self) -> str | None:
        """The fault for this request, counting it down."""
        with self.lock:
            if self.fault is None or self.faults == 0:
                return None
            if self.faults is not None:
                self.faults -= 1
            return self.fault

    def answer(self, path: str, headers: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append({"path": path, "token": headers.get("access_token"), "body": body})
        if self.throttle_after is not None and len(self.requests) > self.throttle_after:
            return 200, {"error": -32, "message": "The request exceeds the rate limit"}
        token = headers.get("access_token")
        if token == EXPIRED_TOKEN:
            said = f"Access token {token} is invalid" if self.echo_token else "Access token is invalid"
            return 200, {"error": -124, "message": said}
        if token != GOOD_TOKEN:
            return 200, {"error": -216, "message": "Access token is invalid"}
        if path == "/v3.0/oa/message/cs":
            user = body.get("recipient", {}).get("user_id")
            text = body.get("message", {}).get("text")
            if not user or not text:
                return 200, {"error": -201, "message": "Parameters are invalid"}
            if str(user).startswith("not-follower"):
                return 200, {"error": -213, "message": "User has not followed OA"}
            return 200, {
                "error": 0,
                "message": "Success",
                "data": {"message_id": f"m{len(self.requests)}", "user_id": user},
            }
        if path == "/message/template":
            phone = str(body.get("phone", ""))
            if not phone.startswith("84") or not body.get("template_id"):
                return 200, {"error": -108, "message": "Phone number is invalid"}
            self.quota -= 1
            return 200, {
                "error": 0,
                "message": "Success",
                "data": {
                    "msg_id": f"z{len(self.requests)}",
                    "sent_time": "1766000000000",
                    "quota": {"dailyQuota": "500", "remainingQuota": str(self.quota)},
                },
            }
        if path.startswith("/hook"):  # any other Apprise service, e.g. json://127.0.0.1:PORT/hook
            return 200, {"ok": True}
        return 404, {"error": -1, "message": "not found"}


@contextmanager
def zalo_server() -> Iterator[ZaloServer]:
    state = ZaloServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            try:
                body = json.loads(self.rfile.read(length).decode("utf-8"))
            except ValueError:
                body = {}
            fault = state.take_fault()
            status, answer = state.answer(self.path, self.headers, body)
            if fault == "stall":
                state.released.wait(state.stall_seconds)
            if fault == "html":
                self._write(200, "text/html; charset=utf-8", MAINTENANCE_PAGE.encode())
            elif fault == "502":
                self._write(502, "text/html", b"<html><body>502 Bad Gateway</body></html>")
            else:
                self._write(status, "application/json", json.dumps(answer).encode())

        def _write(self, status: int, content_type: str, data: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up waiting (a stall)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    # It checks for shutdown every poll_interval: the default 0.5 s would be spent at every test's end.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.released.set()
        server.shutdown()
        server.server_close()
