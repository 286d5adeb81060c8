"""Deliver what the outbox holds: claimed a chunk at a time, by channel, in batches, with a rate
limit and a few threads each.

Every result is recorded the moment it is known, by the process that claimed the notice, before
its sender's next message; the results of senders that finish together share one transaction. A Zalo
or ZNS message that fails for a contact who has an e-mail address is sent by e-mail instead, and
both attempts stay in the outbox; an uncertain one (no answer after the request went out) is not:
it is tried again on its own channel only. A channel that a run switches off (expired token,
service down) is told to the admin once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from models.lookups import active_emails
from models.outbox import Attempt, Connections, NoticeDraft, Recorder, RetryPolicy, claim
from models.tables import Notice
from notifications.channels import Channel
from rules.clock import system_clock
from rules.errors import Interrupted
from rules.i18n import _
from rules.ladder import ZALO_CHANNELS

log = logging.getLogger("dunghan.delivery")
# A run's closing debug line (the benchmark counts the transactions from it).
RECORDED = "%d results recorded in %d transactions"


@dataclass(frozen=True)
class Delivered:
    notice: Notice
    status: str  # sent, failed (will retry), dead
    detail: str | None


def fallback_key(key: str, contact_id: int) -> str:
    """The e-mail twin of a Zalo notice's key (keys end in ``:channel:cCONTACT``).

    >>> fallback_key("o12:default:qua-han-1@2026-12-22:zalo:c7", 7)
    'o12:default:qua-han-1@2026-12-22:email:c7'
    """
    return f"{key.rsplit(':', 2)[0]}:email:c{contact_id}"


def _fallback(notice: Notice, emails: Mapping[int, str]) -> NoticeDraft | None:
    """The e-mail twin of a failed Zalo notice, to its contact's address (``emails``: by contact)."""
    if notice.channel not in ZALO_CHANNELS or notice.contact_id is None:
        return None
    email = emails.get(notice.contact_id)
    if not email:
        return None
    return NoticeDraft(
        key=fallback_key(notice.key, notice.contact_id),
        kind=notice.kind,
        obligation_id=notice.obligation_id,
        step=notice.step,
        contact_id=notice.contact_id,
        recipient_role=notice.recipient_role,
        recipient_name=notice.recipient_name,
        channel="email",
        address=email,
        template=notice.template,
        subject=notice.subject,
        body_text=notice.body_text,
        body_html=notice.body_html,
        payload=None,
        note=_("fallback for {channel} notice {id}").format(channel=notice.channel, id=notice.id),
        not_before=notice.not_before,
    )


def owner_name() -> str:
    """Who is delivering: host, process and a run tag, so that two runs in one process differ."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def deliver(
    engine: Engine,
    channels: Mapping[str, Channel],
    *,
    at: datetime,
    clock: Callable[[], datetime],
    policy: RetryPolicy,
    concurrency: Mapping[str, int] | None = None,
    ids: Sequence[int] | None = None,
    keys: Sequence[str] | None = None,
    lease: timedelta = timedelta(minutes=30),
    chunk: int = 200,
    alert: Callable[[str, str], None] | None = None,
    lease_clock: Callable[[], datetime] = system_clock,
) -> list[Delivered]:
    """Deliver every notice ready at ``at``, claiming ``chunk`` at a time under a ``lease``.

    A lease says whether its holder is still at work, which only the machine's clock can tell
    (``lease_clock``): a run replaying another instant (``--at``, its ``clock``) never takes for
    dead a sender working now, nor holds its own claims past their time.

    Fallbacks created on the way are claimed in a later chunk of the same run. ``alert(channel,
    reason)`` is called once for each channel that switched itself off during the run.
    """
    delivered: list[Delivered] = []
    lock = threading.Lock()
    owner = owner_name()
    alerted: set[str] = set()

    emails: dict[int, str] = {}  # the active e-mail of each Zalo notice's contact, per chunk

    stopping = threading.Event()  # set when the run is interrupted: the senders stop after their notice
    connections = Connections(engine)  # each sender records through a connection of its own
    recorder = Recorder(engine, policy=policy, connections=connections)  # senders' results written together

    def report(notice: Notice, attempt: Attempt) -> None:
        fallback = None if attempt.ok or attempt.uncertain else _fallback(notice, emails)
        status = recorder.record(notice, attempt, at=clock(), fallback=fallback)
        if not attempt.ok:
            log.warning(
                "notice %s (%s, %s) %s: %s", notice.id, notice.channel, notice.recipient_role, status, attempt.error
            )
        with lock:
            delivered.append(Delivered(notice, status, attempt.result if attempt.ok else attempt.error))
        if stopping.is_set():
            raise Interrupted  # ends this sender's loop; its other claimed notices wait out their lease

    try:
        while batch := claim(
            engine, owner=owner, at=at, now=lease_clock(), lease=lease, limit=chunk, ids=ids, keys=keys
        ):
            emails.update(
                active_emails(engine, {n.contact_id for n in batch if n.channel in ZALO_CHANNELS and n.contact_id})
            )
            by_channel: dict[str, list[Notice]] = defaultdict(list)
            for notice in batch:
                by_channel[notice.channel].append(notice)
            jobs: list[tuple[Channel, list[Notice]]] = []
            for name, notices in by_channel.items():
                channel = channels.get(name)
                if channel is None:
                    for notice in notices:
                        missing = _("no {channel} channel is configured").format(channel=name)
                        report(notice, Attempt(False, error=missing, tried=False))
                    continue
                workers = max(1, (concurrency or {}).get(name, 1))
                slices = [notices[i::workers] for i in range(workers) if notices[i::workers]]
                jobs.extend((channel, part) for part in slices)
            if len(jobs) == 1:
                jobs[0][0].send(jobs[0][1], report)
            elif jobs:
                pool = ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="deliver")
                try:
                    for future in [pool.submit(channel.send, part, report) for channel, part in jobs]:
                        future.result()
                except BaseException:  # interrupted: each sender stops after the notice it is sending
                    stopping.set()
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
                pool.shutdown()
            connections.close()  # the chunk's sending threads have ended
            for name, channel in channels.items():
                reason = getattr(channel, "down", None)
                if reason and name not in alerted:
                    alerted.add(name)
                    log.warning("channel %s switched off for this run: %s", name, reason)
                    if alert is not None:
                        alert(name, reason)
    finally:
        connections.close()
    log.debug(RECORDED, len(delivered), recorder.batches)
    return delivered
