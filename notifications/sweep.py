"""The daily sweep's first half: ask the ladder what is due, render it, and queue it in the outbox.

For each open obligation the ladder it was planned with (or, once returned, its returned ladder)
says which steps fall today; the roles they name are looked up in the tree (the reporting unit,
the unit it reports to, the unit above it); each contact gets the step on the channel the ladder
and their preferences choose, held until morning when it is Zalo at night. A role with no active
contact is a gap: it is listed, and the admin is told once a day.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine

from models.outbox import NoticeDraft
from models.reminders import (
    ContactRow,
    OpenObligation,
    contacts_by_unit,
    open_obligations,
    reminder_plans,
    reminders_sent,
    return_reasons,
    sent_steps,
)
from models.units import UnitRef
from notifications.admin import admin_notices
from notifications.render import ZNS_TEXT_LIMIT, render_message, weekday
from rules.calendar import VIETNAM, WorkCalendar
from rules.errors import PackNotFound
from rules.i18n import _
from rules.ladder import (
    ROLE_SOURCES,
    Occurrence,
    QuietHours,
    ReminderPlan,
    choose_channels,
    due_now,
    reachable_channels,
    reminder_plan,
)
from rules.loader import load_overrides, resolve_packs
from rules.periods import period_name
from rules.schema import ROLE_NAMES
from rules.scope import Everywhere


@dataclass(frozen=True)
class SweepOptions:
    sender: str = "dunghan"
    link_base: str | None = None
    quiet: QuietHours = field(default_factory=QuietHours)
    zns_templates: Mapping[str, str] = field(default_factory=dict)  # template kind → approved ZNS template id


@dataclass(frozen=True)
class Gap:
    obligation_id: int
    unit: str
    unit_name: str
    role: str
    report_name: str
    period: str
    step: str


@dataclass(frozen=True)
class DueNotices:
    drafts: list[NoticeDraft]
    gaps: list[Gap]
    obligations: dict[int, OpenObligation]
    warnings: list[str]


def notice_key(prefix: str, channel: str, contact_id: int) -> str:
    return f"{prefix}:{channel}:c{contact_id}"


@functools.cache
def _calendar(overrides: tuple[str, ...], culture_day: bool) -> WorkCalendar:
    return WorkCalendar(load_overrides(overrides), culture_day=culture_day)


def _plans(engine: Engine, cycle_ids: set[int], warnings: list[str]) -> dict[int, ReminderPlan]:
    plans: dict[int, ReminderPlan] = {}
    for cycle_id, found in reminder_plans(engine, cycle_ids).items():
        if isinstance(found, ReminderPlan):
            plans[cycle_id] = found
            continue
        try:  # a cycle planned before ladders were kept with it: read the shipped pack
            [item] = resolve_packs([found])
            plans[cycle_id] = reminder_plan(item.pack)
        except PackNotFound:
            warnings.append(
                _("cycle {cycle}: pack {pack!r} is not available, so its ladders are unknown; plan it again").format(
                    cycle=cycle_id, pack=found
                )
            )
    return plans


def _context(o: OpenObligation, options: SweepOptions, today: date, calendar: WorkCalendar) -> dict[str, object]:
    late = today > o.due_date
    days = calendar.days_late(o.due_date, today) if late else calendar.days_left(today, o.due_date)
    return {
        "sender": options.sender,
        "unit_name": o.unit_name,
        "unit_code": o.unit_code,
        "report_name": o.report_name,
        "period_name": period_name(o.period),
        "recipient_name": o.recipient_name,
        "wording": o.wording,
        "due_date": o.due_date,
        "due_weekday": weekday(o.due_date),
        "rolled_reason": o.rolled_reason,
        "days": days,
        "link": f"{options.link_base.rstrip('/')}/nghia-vu/{o.id}" if options.link_base else None,
        "returned_date": o.returned_at.astimezone(VIETNAM).date() if o.returned_at else None,
    }


def _zns_data(context: Mapping[str, object]) -> dict[str, str]:
    """The parameters of a ZNS template: short strings, dates dd/mm/yyyy."""
    due = context["due_date"]
    data = {
        "ten_don_vi": str(context["unit_name"]),
        "ten_bao_cao": str(context["report_name"])[:100],
        "ky_bao_cao": str(context["period_name"]),
        "han_nop": f"{due:%d/%m/%Y}" if isinstance(due, date) else "",
        "so_ngay": str(context["days"]),
    }
    text = json.dumps(data, ensure_ascii=False)
    if len(text) > ZNS_TEXT_LIMIT:
        data["ten_bao_cao"] = data["ten_bao_cao"][:40] + "…"
    return data


def due_notices(engine: Engine, *, at: datetime, options: SweepOptions, under: UnitRef | Everywhere) -> DueNotices:
    """Decide and render today's reminders. Nothing is written."""
    today = at.astimezone(VIETNAM).date()
    warnings: list[str] = []
    obligations = open_obligations(engine, under=under)
    plans = _plans(engine, {o.cycle_id for o in obligations}, warnings)
    already = sent_steps(engine)

    @functools.cache
    def decide(cycle_id: int, report: str, returned: bool, anchor: date) -> tuple[Occurrence, ...]:
        reminder = plans[cycle_id]
        chosen = reminder.ladder_for(report, returned=returned)
        if chosen is None:
            return ()
        name, ladder = chosen
        return tuple(due_now(name, ladder, anchor, today, _calendar(reminder.overrides, reminder.culture_day)))

    todo: list[tuple[OpenObligation, Occurrence]] = []
    for o in obligations:
        if o.cycle_id not in plans:
            continue
        returned = o.state == "returned" and o.returned_at is not None
        anchor = o.returned_at.astimezone(VIETNAM).date() if returned and o.returned_at else o.due_date
        for occurrence in decide(o.cycle_id, o.report_id, returned, anchor):
            if (o.id, occurrence.key) not in already:
                todo.append((o, occurrence))
    if not todo:
        return DueNotices([], [], {o.id: o for o in obligations}, warnings)

    involved = {o.unit_id for o, _occurrence in todo} | {
        o.recipient_unit_id for o, _occurrence in todo if o.recipient_unit_id
    }
    involved |= {o.parent_id for o, _occurrence in todo if o.parent_id}
    contacts = contacts_by_unit(engine, involved)
    reasons = return_reasons(engine, {o.id for o, _occurrence in todo if o.state == "returned"})
    counts = reminders_sent(engine)
    drafts: list[NoticeDraft] = []
    gaps: list[Gap] = []
    for o, occurrence in todo:
        reminder = plans[o.cycle_id]
        calendar = _calendar(reminder.overrides, reminder.culture_day)
        base = _context(o, options, today, calendar)
        base["return_reason"] = reasons.get(o.id)
        base["reminders_sent"] = counts.get(o.id, 0)
        step = occurrence.step
        seen_contacts: set[int] = set()
        for role in step.to:
            where, contact_role = ROLE_SOURCES[role]
            unit_id = {"unit": o.unit_id, "recipient": o.recipient_unit_id, "parent": o.parent_id}[where]
            people = [c for c in contacts.get(unit_id or -1, []) if c.role == contact_role and c.active]
            if not people:
                gaps.append(Gap(o.id, o.unit_code, o.unit_name, role, o.report_name, o.period, occurrence.key))
                continue
            for person in people:
                if person.id in seen_contacts:
                    continue  # one person named by two roles gets one message
                seen_contacts.add(person.id)
                drafts.extend(_drafts_for(o, occurrence, role, person, base, options, at))
    return DueNotices(drafts, gaps, {o.id: o for o in obligations}, warnings)


def _drafts_for(
    o: OpenObligation,
    occurrence: Occurrence,
    role: str,
    person: ContactRow,
    base: Mapping[str, object],
    options: SweepOptions,
    at: datetime,
) -> list[NoticeDraft]:
    step = occurrence.step
    template_id = options.zns_templates.get(step.template)
    reachable = reachable_channels(
        email=person.email, zalo_user_id=person.zalo_user_id, zalo_phone=person.zalo_phone if template_id else None
    )
    chosen = choose_channels(step.channels, mandatory=step.mandatory, preferred=person.channels, reachable=reachable)
    if not chosen:
        return []
    context = {**base, "person": person.name, "role_name": ROLE_NAMES[role]}
    message = render_message(step.template, context)
    drafts = []
    for channel, why in chosen:
        address = {"email": person.email, "zalo": person.zalo_user_id, "zns": person.zalo_phone}[channel] or ""
        payload = None
        if channel == "zalo":
            payload = json.dumps({"text": message.zalo}, ensure_ascii=False)
        elif channel == "zns":
            payload = json.dumps({"template_id": template_id, "template_data": _zns_data(context)}, ensure_ascii=False)
        drafts.append(
            NoticeDraft(
                key=notice_key(f"o{o.id}:{occurrence.key}", channel, person.id),
                kind="reminder",
                obligation_id=o.id,
                step=occurrence.key,
                contact_id=person.id,
                recipient_role=role,
                recipient_name=person.name,
                channel=channel,
                address=address,
                template=step.template,
                subject=message.subject,
                body_text=message.text,
                body_html=message.html,
                payload=payload,
                note=why,
                not_before=options.quiet.release_at(channel, at),
            )
        )
    return drafts


def gap_notices(
    gaps: list[Gap], *, at: datetime, admin_emails: list[str], admin_urls: list[str], options: SweepOptions
) -> list[NoticeDraft]:
    """One message a day to the admin listing the roles nobody can receive for."""
    if not gaps:
        return []
    today = at.astimezone(VIETNAM).date()
    rows = [
        {
            "unit": g.unit,
            "unit_name": g.unit_name,
            "role_name": ROLE_NAMES.get(g.role, g.role),
            "report_name": g.report_name,
            "period_name": period_name(g.period),
        }
        for g in gaps
    ]
    unique = list({tuple(sorted(r.items())): r for r in rows}.values())
    return admin_notices(
        "gaps",
        {"sender": options.sender, "today": today, "gaps": unique},
        key=f"gaps:{today.isoformat()}",
        at=at,
        admin_emails=admin_emails,
        admin_urls=admin_urls,
    )
