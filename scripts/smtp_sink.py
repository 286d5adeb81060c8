"""An SMTP server in a process of its own, for benchmarks: it accepts every message and counts.

    python scripts/smtp_sink.py PORT

It prints ``ready`` once listening; a line on its standard input makes it print
``sessions messages recipients`` and stop. Run in its own process, the server does not compete
with the sender for the interpreter lock, so the sender's throughput is what is measured.
"""

from __future__ import annotations

import sys
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class Counter:
    def __init__(self) -> None:
        self.sessions = self.messages = self.recipients = 0

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages += 1
        self.recipients += len(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def main(port: int) -> None:
    counter = Counter()
    controller: Any = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.readline()
    controller.stop()
    print(counter.sessions, counter.messages, counter.recipients, flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
