"""The failure hook: a flow that fails tells the admin, through the outbox like every message."""

from __future__ import annotations

import logging
from typing import Any

from app.settings import get_settings
from rules.clock import system_clock

log = logging.getLogger("dunghan.flows")


def tell_admin(flow: Any, flow_run: Any, state: Any) -> None:
    """``on_failure`` hook: one message per admin address, keyed by the run, so never sent twice.

    A hook that raises only adds noise to Prefect's log, so every error here is logged and
    swallowed; the failed run itself stays failed in Prefect either way.
    """
    try:
        settings = get_settings()
        if not (settings.admin_emails or settings.admin_urls):
            log.warning(
                "%s failed (%s); no admin to tell: set DUNGHAN_ADMIN_EMAILS or DUNGHAN_ADMIN_URLS",
                flow_run.name,
                state.message,
            )
            return
        from app.notifying import deliver_ready, queue
        from app.workspace import database
        from notifications.admin import admin_notices

        now = system_clock()
        drafts = admin_notices(
            "failure",
            {
                "sender": settings.sender_name,
                "flow": flow.name,
                "run": flow_run.name,
                "at": now,
                "error": state.message or state.name,
                "parameters": dict(flow_run.parameters or {}),
            },
            key=f"failure:{flow_run.id}",
            at=now,
            admin_emails=settings.admin_emails,
            admin_urls=settings.admin_urls,
        )
        engine = database()
        queue(engine, drafts, at=now)
        deliver_ready(engine, settings, at=now, clock=system_clock, keys=[d.key for d in drafts])
    except Exception:  # the hook must not hide the flow's own failure
        log.exception("could not tell the admin that %s failed", getattr(flow_run, "name", "a flow run"))
