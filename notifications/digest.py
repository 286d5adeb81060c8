"""Supervisors' daily digest (bản tổng hợp hằng ngày): pending, due soon and overdue under them.

A supervisor watches the subtree of their unit; a supervisor of a unit with nothing under it (a
department, the standing agency) watches the level that unit belongs to, its parent's subtree.
Digests go out on working days, once a day per supervisor and channel.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Engine

from models.outbox import NoticeDraft
from models.queries import overdue
from models.reminders import open_count_under, supervisors, watched_subtree
from notifications.render import render_message
from notifications.sweep import SweepOptions, greeting, notice_key
from rules.calendar import VIETNAM, WorkCalendar
from rules.ladder import choose_channels, reachable_channels
from rules.periods import period_name, report_title

DIGEST_ROWS = 50


def digests(
    engine: Engine, *, at: datetime, calendar: WorkCalendar, options: SweepOptions, soon: int = 3
) -> list[NoticeDraft]:
    today = at.astimezone(VIETNAM).date()
    if not calendar.is_working_day(today):
        return []
    drafts = []
    for supervisor in supervisors(engine, on=today):
        person = supervisor.contact
        watched = watched_subtree(engine, supervisor.unit, today)
        rows = overdue(engine, at=at, calendar=calendar, under=watched, soon=soon)
        late = [r for r in rows if r.status == "quá hạn"]
        context = {
            "sender": options.sender,
            "sender_contact": options.sender_contact,
            "person": person.name,
            "greeting_name": greeting(options.salutation, person.name),
            "unit_name": watched.name,
            "today": today,
            "soon": soon,
            "pending": open_count_under(engine, watched),
            "due_soon": len(rows) - len(late),
            "overdue": len(late),
            "rows": [
                {
                    **r.__dict__,
                    "period_name": period_name(r.period),
                    "title": report_title(r.report_name, period_name(r.period)),
                }
                for r in rows[:DIGEST_ROWS]
            ],
            "more": max(len(rows) - DIGEST_ROWS, 0),
            # A code names another unit across the 2025 reform: the page resolves it on the digest's day.
            "link": (
                f"{options.link_base.rstrip('/')}/tong-hop/{watched.code}?ngay={today.isoformat()}"
                if options.link_base
                else None
            ),
        }
        message = render_message("digest", context)
        reachable = reachable_channels(email=person.email, zalo_user_id=person.zalo_user_id, zalo_phone=None)
        for channel, why in choose_channels(
            ["email", "zalo"], mandatory=False, preferred=person.channels, reachable=reachable
        ):
            address = person.email if channel == "email" else person.zalo_user_id
            drafts.append(
                NoticeDraft(
                    key=notice_key(f"digest:{today.isoformat()}", channel, person.id),
                    kind="digest",
                    obligation_id=None,
                    step=None,
                    contact_id=person.id,
                    recipient_role="supervisor",
                    recipient_name=person.name,
                    channel=channel,
                    address=address or "",
                    template="digest",
                    subject=message.subject,
                    body_text=message.text,
                    body_html=message.html,
                    payload=None if channel == "email" else json.dumps({"text": message.zalo}, ensure_ascii=False),
                    note=why,
                    not_before=options.quiet.release_at(channel, at),
                )
            )
    return drafts
