"""Real local peers: an SMTP server (aiosmtpd) and an HTTP server speaking Zalo's OA and ZNS APIs."""

from __future__ import annotations

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
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received: messages and how many sessions brought them."""

    messages: list[tuple[Envelope, EmailMessage]] = field(default_factory=list)
    sessions: int = 0
    refuse: set[str] = field(default_factory=set)  # addresses answered 550
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        parsed = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        with self.lock:
            self.messages.append((envelope, parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[str, Mailbox]]:
    """Yields (Apprise mailto URL, mailbox) of a running local SMTP server."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"mailto://127.0.0.1:{port}?from=noreply@snv.bacninh.gov.vn", mailbox
    finally:
        controller.stop()


GOOD_TOKEN = "tok-good"
EXPIRED_TOKEN = "tok-expired"


@dataclass
class ZaloServer:
    """A local stand-in for openapi.zalo.me and business.openapi.zalo.me (DOMAIN.md §5 shapes)."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    quota: int = 500
    throttle_after: int | None = None  # answer -32 (rate limit) once this many calls were served

    def answer(self, path: str, headers: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append({"path": path, "token": headers.get("access_token"), "body": body})
        if self.throttle_after is not None and len(self.requests) > self.throttle_after:
            return 200, {"error": -32, "message": "The request exceeds the rate limit"}
        token = headers.get("access_token")
        if token == EXPIRED_TOKEN:
            return 200, {"error": -124, "message": "Access token is invalid"}
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
            status, answer = state.answer(self.path, self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
