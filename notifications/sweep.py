"""The daily sweep's first half: ask the ladder what is due, render it, and queue it in the outbox.

For each open obligation the ladder it was planned with (or, once returned, its returned ladder)
says which steps fall today; the roles they name are looked up in the tree (the reporting unit,
the unit it reports to, the unit above it); each contact gets the step on the channel the ladder
and their preferences choose, held until morning when it is Zalo at night. A role with no active
contact is a gap: it is listed, and the admin is told once a day.

Escalations (the ``escalation`` template) and whatever goes to the receiving unit's officer are
not sent one per obligation: each person gets one message a day listing every late report in a
table (:func:`grouped_drafts`), and on Zalo one short message pointing to that list. The grouped
notice's payload names every (obligation, step) it covers, and :func:`models.reminders.outbox_history`
counts them as done, so the next sweep neither repeats nor drops any of them. Its key holds the day
and a digest of what it covers: a sweep run again the same day finds the same steps done and
queues nothing; one that finds a step newly due the same day sends only that.

Hour steps (the ladders of reports due at a clock time) fall at instants: every run decides those
that have come by its own instant, the morning sweep with the day steps, the hourly run alone
(``hours_only``), and the outbox's keys, which name each step's instant, keep them from going twice.

Every message names whom to ask (the receiving unit's officer, with phone and e-mail), the link to
the obligation's page when the web is configured, and ends with the sending agency.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Engine

from models.outbox import LazyDraft, NoticeDraft
from models.planning import also_recipient_names
from models.reminders import (
    GROUPED_KIND,
    ContactRow,
    ExtensionFacts,
    OpenObligation,
    contacts_by_unit,
    covers_payload,
    latest_extensions,
    open_cycles,
    open_obligation_keys,
    open_obligations,
    outbox_history,
    reminder_plans,
    return_reasons,
)
from models.units import UnitRef
from notifications.admin import admin_notices
from notifications.render import ZNS_TEXT_LIMIT, Rendered, render_message, weekday
from rules.calendar import VIETNAM, WorkCalendar
from rules.errors import PackNotFound
from rules.i18n import _
from rules.ladder import (
    ROLE_SOURCES,
    ZALO_CHANNELS,
    Occurrence,
    QuietHours,
    ReminderPlan,
    choose_channels,
    due_hour_steps,
    due_now,
    has_hour_steps,
    reachable_channels,
    reminder_plan,
)
from rules.loader import load_overrides, resolve_packs
from rules.periods import period_name, report_title
from rules.schema import ROLE_NAMES
from rules.scope import EVERYWHERE, Everywhere

END_OF_DAY = time(23, 59, 59)  # the due instant of a deadline with no time of day (rules.calendar.end_of_day)


@dataclass(frozen=True)
class SweepOptions:
    sender: str = "dunghan"
    sender_contact: str | None = None  # whom to ask at the sending agency, ending every message
    salutation: str = "đồng chí"  # "Kính gửi đồng chí …"
    link_base: str | None = None
    quiet: QuietHours = field(default_factory=QuietHours)
    zns_templates: Mapping[str, str] = field(default_factory=dict)  # template kind → approved ZNS template id


@dataclass(frozen=True, slots=True)
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
    warnings: list[str]
    unreached: list[ContactRow] = field(default_factory=list)  # due a message, reachable by no channel


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


def greeting(salutation: str, name: str) -> str:
    """How a message addresses a person: "đồng chí Nguyễn Văn A", or the name alone.

    >>> greeting("đồng chí", "Nguyễn Thị Hoa"), greeting("", "Nguyễn Thị Hoa")
    ('đồng chí Nguyễn Thị Hoa', 'Nguyễn Thị Hoa')
    """
    return f"{salutation.strip()} {name}".strip()


def person_facts(contact: ContactRow | None, unit_name: str | None = None) -> dict[str, str | None] | None:
    """A person as a message names them: name, unit, phone, e-mail."""
    if contact is None:
        return None
    return {"name": contact.name, "unit_name": unit_name, "phone": contact.zalo_phone, "email": contact.email}


def obligation_link(options: SweepOptions, obligation_id: int) -> str | None:
    return f"{options.link_base.rstrip('/')}/nghia-vu/{obligation_id}" if options.link_base else None


@functools.lru_cache(maxsize=4096)
def _titles(report_name: str, period: str) -> tuple[str, str]:
    """A report's period as people write it, and its title: the same for thousands of messages."""
    name = period_name(period)
    return name, report_title(report_name, name)


@functools.lru_cache(maxsize=4096)
def _also(stored: str | None) -> tuple[str, ...]:
    return tuple(also_recipient_names(stored))


def _context(
    o: OpenObligation,
    options: SweepOptions,
    today: date,
    calendar: WorkCalendar,
    *,
    extension: ExtensionFacts | None = None,
    contact: dict[str, str | None] | None = None,
    at: datetime | None = None,
) -> dict[str, object]:
    due_local = o.due_at.astimezone(VIETNAM)
    timed = due_local.time() != END_OF_DAY  # "trước 16 giờ 30": the report is late from that instant
    late = today > o.due_date or (timed and at is not None and at >= o.due_at)
    days = calendar.days_late(o.due_date, today) if late else calendar.days_left(today, o.due_date)
    returned = o.state == "returned" and o.returned_at is not None
    return {
        "sender": options.sender,
        "sender_contact": options.sender_contact,
        "unit_name": o.unit_name,
        "unit_code": o.unit_code,
        "report_name": o.report_name,
        "period_name": (titles := _titles(o.report_name, o.period))[0],
        "title": titles[1],
        "recipient_name": o.recipient_name,
        "also_recipients": _also(o.also_recipients),
        "assumed": None if extension else o.assumed,  # an extension set a date of its own
        "wording": o.wording,
        "due_date": o.due_date,
        "due_weekday": weekday(o.due_date),
        "due_time": f"{due_local:%H:%M}" if timed else None,
        "rolled_reason": None if extension else o.rolled_reason,  # an extension replaced the rolled date
        "extension": (
            {"old_due_date": extension.old_due_at.astimezone(VIETNAM).date(), "reason": extension.reason}
            if extension
            else None
        ),
        "late": late,
        "days": days,
        "link": obligation_link(options, o.id),
        "returned": returned,
        "returned_date": o.returned_at.astimezone(VIETNAM).date() if o.returned_at else None,
        "return_reason": None,
        "reminders_sent": 0,
        "contact": contact,
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


def grouped(template: str, role: str) -> bool:
    """Whether a step's message joins the recipient's one list of the day instead of going alone:
    escalations, and whatever the receiving unit's officer is sent."""
    return template == "escalation" or role == "recipient_officer"


@dataclass(frozen=True, slots=True)
class _Facts:
    """What one obligation's messages of the day say, made into a template context only when a
    message is rendered (see :class:`models.outbox.LazyDraft`)."""

    obligation: OpenObligation
    options: SweepOptions
    today: date
    calendar: WorkCalendar
    extension: ExtensionFacts | None
    officer: ContactRow | None  # the receiving unit's focal point: whom to ask
    focal: ContactRow | None  # the late unit's own focal point: whom the receiving side asks
    reason: str | None
    count: int
    at: datetime | None = None  # the sweep's instant: a report due at a clock time is late from it

    def context(self) -> dict[str, object]:
        o = self.obligation
        base = _context(
            o,
            self.options,
            self.today,
            self.calendar,
            extension=self.extension,
            contact=person_facts(self.officer, o.recipient_name),
            at=self.at,
        )
        base["return_reason"] = self.reason
        base["reminders_sent"] = self.count
        return base


@dataclass(frozen=True, slots=True)
class _Listed:
    """One late report waiting to be listed in a person's grouped message."""

    obligation: OpenObligation
    occurrence: Occurrence
    role: str
    facts: _Facts
    own_unit: bool  # the role is the late unit's own: whom to ask is the receiving officer
    channels: tuple[tuple[str, str | None], ...]

    def context(self) -> dict[str, object]:
        base = self.facts.context()
        # In a list sent to the receiving side, whom to ask is the late unit's own focal point.
        ask = base["contact"] if self.own_unit else (person_facts(self.facts.focal, None) or base["contact"])
        return {**base, "ask": ask}


def due_notices(
    engine: Engine,
    *,
    at: datetime,
    options: SweepOptions,
    under: UnitRef | Everywhere,
    only: Collection[int] | None = None,
    hours_only: bool = False,
) -> DueNotices:
    """Decide today's reminders (of the obligations ``only`` names, when given); their messages
    are rendered when the outbox writes them (:class:`models.outbox.LazyDraft`). Nothing is written.

    The steps due are the day steps of today and the hour steps whose instant has come by ``at``;
    ``hours_only``: the hour steps alone (the hourly run, which leaves the day steps to the
    morning sweep).

    The garbage collector waits while it runs: deciding makes a few objects per open obligation
    and no cycles, and a collection would scan them all again and again as they pile up.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _due_notices(engine, at=at, options=options, under=under, only=only, hours_only=hours_only)
    finally:
        if was_enabled:
            gc.enable()


def _due_notices(
    engine: Engine,
    *,
    at: datetime,
    options: SweepOptions,
    under: UnitRef | Everywhere,
    only: Collection[int] | None,
    hours_only: bool = False,
) -> DueNotices:
    today = at.astimezone(VIETNAM).date()
    warnings: list[str] = []
    if hours_only:  # every hour: only the cycles whose ladders have hour steps, most often none
        plans = _plans(engine, open_cycles(engine), warnings)
        hourly_cycles = {c for c, plan in plans.items() if any(map(has_hour_steps, plan.ladders.values()))}
        if not hourly_cycles:
            return DueNotices([], [], warnings)
        cycles: set[int] | None = hourly_cycles
    else:
        cycles = None
    keys = open_obligation_keys(engine, under=under, only=only, cycles=cycles)
    if not hours_only:
        plans = _plans(engine, {k.cycle_id for k in keys}, warnings)
    history = outbox_history(engine, {k.id for k in keys})
    already = history.queued

    @functools.cache
    def decide(cycle_id: int, report: str, returned: bool, anchor: date) -> tuple[Occurrence, ...]:
        reminder = plans[cycle_id]
        chosen = reminder.ladder_for(report, returned=returned)
        if chosen is None:
            return ()
        name, ladder = chosen
        return tuple(due_now(name, ladder, anchor, today, _calendar(reminder.overrides, reminder.culture_day)))

    @functools.cache
    def hourly(cycle_id: int, report: str, returned: bool) -> bool:
        chosen = plans[cycle_id].ladder_for(report, returned=returned)
        return chosen is not None and has_hour_steps(chosen[1])

    @functools.cache
    def decide_hours(cycle_id: int, report: str, returned: bool, anchor: datetime) -> tuple[Occurrence, ...]:
        reminder = plans[cycle_id]
        chosen = reminder.ladder_for(report, returned=returned)
        if chosen is None:
            return ()
        name, ladder = chosen
        calendar = _calendar(reminder.overrides, reminder.culture_day)
        return tuple(due_hour_steps(name, ladder, anchor, at, calendar))

    steps_due: list[tuple[int, Occurrence]] = []
    for k in keys:
        if k.cycle_id not in plans:
            continue
        returned = k.state == "returned" and k.returned_at is not None
        if not hours_only:
            anchor = k.returned_at.astimezone(VIETNAM).date() if returned and k.returned_at else k.due_date
            for occurrence in decide(k.cycle_id, k.report_id, returned, anchor):
                if (k.id, occurrence.key) not in already:
                    steps_due.append((k.id, occurrence))
        if hourly(k.cycle_id, k.report_id, returned):  # counted from the due instant, or the return's
            instant = k.returned_at if returned and k.returned_at else k.due_at
            for occurrence in decide_hours(k.cycle_id, k.report_id, returned, instant):
                if (k.id, occurrence.key) not in already:
                    steps_due.append((k.id, occurrence))
    if not steps_due:
        return DueNotices([], [], warnings)
    # The full rows (names, unit, recipients) of those with a step due, by their ids, or all of
    # them on a day (a first sweep) when most have one: one closed meanwhile (submitted while the
    # sweep decided) is no longer read, and told nothing.
    wanted = {i for i, _occurrence in steps_due}
    if 2 * len(wanted) < len(keys):
        full = {o.id: o for o in open_obligations(engine, under=EVERYWHERE, only=wanted)}
    else:
        full = {o.id: o for o in open_obligations(engine, under=under, only=only, cycles=cycles) if o.id in wanted}
    del keys
    todo = [(full[i], occurrence) for i, occurrence in steps_due if i in full]
    del steps_due
    involved = {o.unit_id for o, _occurrence in todo} | {
        o.recipient_unit_id for o, _occurrence in todo if o.recipient_unit_id
    }
    involved |= {o.parent_id for o, _occurrence in todo if o.parent_id}
    contacts = contacts_by_unit(engine, involved)
    todo_ids = {o.id for o, _occurrence in todo}
    reasons = return_reasons(engine, {o.id for o, _occurrence in todo if o.state == "returned"})
    extensions = latest_extensions(engine, todo_ids)
    counts = history.sent
    drafts: list[NoticeDraft] = []
    gaps: list[Gap] = []
    listed: dict[int, list[_Listed]] = {}
    people: dict[int, ContactRow] = {}
    unreached: dict[int, ContactRow] = {}
    # Each unit's active contacts by role, in the contacts' order; each (step, person)'s channels.
    active: dict[tuple[int, str], list[ContactRow]] = {}
    for unit_contacts in contacts.values():
        for c in unit_contacts:
            if c.active:
                active.setdefault((c.unit_id, c.role), []).append(c)
    channels_of: dict[tuple[int, int], tuple[tuple[str, str | None], ...]] = {}
    step_keys: dict[int, str] = {}  # each occurrence's key, made once (the ladder's occurrences are shared)
    nobody: list[ContactRow] = []
    for o, occurrence in todo:
        reminder = plans[o.cycle_id]
        facts = _Facts(
            o,
            options,
            today,
            _calendar(reminder.overrides, reminder.culture_day),
            extensions.get(o.id),
            next(iter(active.get((o.recipient_unit_id or -1, "focal_point"), ())), None),
            next(iter(active.get((o.unit_id, "focal_point"), ())), None),
            reasons.get(o.id),
            counts.get(o.id, 0),
            at,
        )
        step = occurrence.step
        step_key = step_keys.get(id(occurrence))
        if step_key is None:
            step_key = step_keys[id(occurrence)] = occurrence.key
        seen_contacts: set[int] = set()
        for role in step.to:
            where, contact_role = ROLE_SOURCES[role]
            if where == "recipient" and o.recipient_unit_id is None:
                continue  # a body above the ministries receives it: nobody in dunghan to tell, no gap
            unit_id = o.unit_id if where == "unit" else o.recipient_unit_id if where == "recipient" else o.parent_id
            found = active.get((unit_id or -1, contact_role), nobody)
            if not found:
                gaps.append(Gap(o.id, o.unit_code, o.unit_name, role, o.report_name, o.period, step_key))
                continue
            for person in found:
                if person.id in seen_contacts:
                    continue  # one person named by two roles gets one message
                seen_contacts.add(person.id)
                chosen = channels_of.get((id(step), person.id))
                if chosen is None:
                    chosen = channels_of[id(step), person.id] = tuple(
                        _chosen_channels(step.channels, step.mandatory, person, options, step.template)
                    )
                if not chosen:
                    unreached[person.id] = person  # told to the admin with the gaps
                    continue
                if grouped(step.template, role):
                    people[person.id] = person
                    listed.setdefault(person.id, []).append(
                        _Listed(o, occurrence, role, facts, where == "unit", chosen)
                    )
                    continue
                drafts.extend(_drafts_for(o, occurrence, role, person, facts, chosen, at))
    for person_id, items in listed.items():
        drafts.extend(grouped_drafts(people[person_id], items, options, at))
    return DueNotices(drafts, gaps, warnings, list(unreached.values()))


def _chosen_channels(
    channels: list[str], mandatory: bool, person: ContactRow, options: SweepOptions, template: str
) -> list[tuple[str, str | None]]:
    template_id = options.zns_templates.get(template)
    reachable = reachable_channels(
        email=person.email, zalo_user_id=person.zalo_user_id, zalo_phone=person.zalo_phone if template_id else None
    )
    return choose_channels(channels, mandatory=mandatory, preferred=person.channels, reachable=reachable)


class _Reminder:
    """One person's message about one obligation, rendered when the outbox writes it: once for
    all the channels it goes by (the chunk's ``memo``), its Zalo text only when one carries it.
    (A plain class, not a dataclass: Prefect does not walk into it.)"""

    __slots__ = ("facts", "person", "role", "template", "zalo")

    def __init__(self, template: str, facts: _Facts, person: ContactRow, role: str, zalo: bool) -> None:
        self.template, self.facts, self.person, self.role, self.zalo = template, facts, person, role, zalo

    def _rendered(self, memo: dict[int, Any]) -> tuple[Rendered, dict[str, object]]:
        found: tuple[Rendered, dict[str, object]] | None = memo.get(id(self))
        if found is None:
            context = {
                **self.facts.context(),
                "person": self.person.name,
                "greeting_name": greeting(self.facts.options.salutation, self.person.name),
                "role_name": ROLE_NAMES[self.role],
            }
            found = memo[id(self)] = (render_message(self.template, context, zalo=self.zalo), context)
        return found

    def parts(self, channel: str, memo: dict[int, Any]) -> tuple[str, str, str | None, str | None]:
        message, context = self._rendered(memo)
        payload = None
        if channel == "zalo":
            payload = json.dumps({"text": message.zalo}, ensure_ascii=False)
        elif channel == "zns":
            template_id = self.facts.options.zns_templates.get(self.template)
            payload = json.dumps({"template_id": template_id, "template_data": _zns_data(context)}, ensure_ascii=False)
        return message.subject, message.text, message.html, payload


def _drafts_for(
    o: OpenObligation,
    occurrence: Occurrence,
    role: str,
    person: ContactRow,
    facts: _Facts,
    chosen: Sequence[tuple[str, str | None]],
    at: datetime,
) -> list[NoticeDraft]:
    step = occurrence.step
    options = facts.options
    source = _Reminder(step.template, facts, person, role, any(channel == "zalo" for channel, _why in chosen))
    drafts: list[NoticeDraft] = []
    for channel, why in chosen:
        address = {"email": person.email, "zalo": person.zalo_user_id, "zns": person.zalo_phone}[channel] or ""
        drafts.append(
            LazyDraft(
                source,
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
                note=why,
                not_before=options.quiet.release_at(channel, at),
            )
        )
    return drafts


def grouped_key(day: date, covers: list[tuple[int, str]], channel: str, contact_id: int) -> str:
    """One person's grouped message of ``day`` on ``channel``, named by what it covers.

    >>> grouped_key(date(2026, 12, 22), [(12, "default:doc-thuc-3@2026-12-22")], "email", 7)
    'don-doc:2026-12-22:cc97ede10e1c:email:c7'
    """
    digest = hashlib.sha256(json.dumps(sorted(covers)).encode("utf-8")).hexdigest()[:12]
    return notice_key(f"don-doc:{day.isoformat()}:{digest}", channel, contact_id)


def grouped_drafts(person: ContactRow, items: list[_Listed], options: SweepOptions, at: datetime) -> list[NoticeDraft]:
    """One person's escalations of the day as one message per channel: a table by e-mail, one short
    message on Zalo pointing to it (the e-mail, or the overdue list on the web).

    Every channel any of the items chose carries the whole list; a person who gets it on Zalo and
    has an e-mail address gets the table by e-mail too, since a Zalo message cannot hold it.
    """
    today = at.astimezone(VIETNAM).date()
    items = sorted(items, key=lambda i: (i.obligation.unit_name, i.obligation.due_date, i.obligation.id))
    covers = sorted({(i.obligation.id, i.occurrence.key) for i in items})
    channels: dict[str, str | None] = {}
    for item in items:
        for channel, why in item.channels:
            channels.setdefault(channel, why)
    if person.email and "email" not in channels and set(channels) & set(ZALO_CHANNELS):
        channels["email"] = None  # the table the Zalo message points to
    single = len(items) == 1
    first = items[0]
    source = _Grouped(person, tuple(items), options, today, tuple(channels), "zalo" in channels)
    drafts: list[NoticeDraft] = []
    for channel, why in channels.items():
        address = {"email": person.email, "zalo": person.zalo_user_id, "zns": person.zalo_phone}[channel] or ""
        drafts.append(
            LazyDraft(
                source,
                key=grouped_key(today, covers, channel, person.id),
                kind=GROUPED_KIND,
                obligation_id=first.obligation.id if single else None,
                step=first.occurrence.key if single else f"don-doc@{today.isoformat()}",
                contact_id=person.id,
                recipient_role=first.role,
                recipient_name=person.name,
                channel=channel,
                address=address,
                template="escalation" if single else "escalation_list",
                note=why,
                not_before=options.quiet.release_at(channel, at),
            )
        )
    return drafts


class _Grouped:
    """One person's grouped message of the day, rendered when the outbox writes it (a plain
    class, as :class:`_Reminder`)."""

    __slots__ = ("channels", "items", "options", "person", "today", "zalo")

    def __init__(
        self,
        person: ContactRow,
        items: tuple[_Listed, ...],  # sorted by unit, due date, obligation
        options: SweepOptions,
        today: date,
        channels: tuple[str, ...],
        zalo: bool,
    ) -> None:
        self.person, self.items, self.options, self.today = person, items, options, today
        self.channels, self.zalo = channels, zalo

    def _rendered(self, memo: dict[int, Any]) -> tuple[Rendered, dict[str, object]]:
        found: tuple[Rendered, dict[str, object]] | None = memo.get(id(self))
        if found is None:
            template, context, first = self._context()
            found = memo[id(self)] = (render_message(template, context, zalo=self.zalo), first)
        return found

    def _context(self) -> tuple[str, dict[str, object], dict[str, object]]:
        """The template, its context, and the first item's context (for ZNS's parameters)."""
        person, items, options = self.person, self.items, self.options
        rows = [i.context() for i in items]
        first, own = items[0], all(i.obligation.unit_id == person.unit_id for i in items)
        units = {i.obligation.unit_id for i in items}
        if len(items) == 1:
            context = {
                **rows[0],
                "person": person.name,
                "greeting_name": greeting(options.salutation, person.name),
                "role_name": ROLE_NAMES[first.role],
            }
            if not own and rows[0]["ask"] is not None:  # the receiving side asks the late unit
                context |= {"contact": rows[0]["ask"], "unit_contact": True}
            return "escalation", context, rows[0]
        roles = list(dict.fromkeys(i.role for i in items))
        # Whom to ask about the list as a whole: the receiving officer the rows share, if one.
        asked = {json.dumps(r["contact"], sort_keys=True, ensure_ascii=False) for r in rows}
        context = {
            "sender": options.sender,
            "sender_contact": options.sender_contact,
            "person": person.name,
            "greeting_name": greeting(options.salutation, person.name),
            "role_name": ", ".join(ROLE_NAMES[r] for r in roles),
            "today": self.today,
            "rows": rows,
            "unit_count": len(units),
            "own_unit": str(rows[0]["unit_name"]) if own and len(units) == 1 else None,
            "list_link": f"{options.link_base.rstrip('/')}/qua-han" if options.link_base else None,
            "contact": rows[0]["contact"] if len(asked) == 1 else None,
            "recipient_name": first.obligation.recipient_name if own else None,
            "emailed": person.email if "email" in self.channels else None,
        }
        return "escalation_list", context, rows[0]

    def parts(self, channel: str, memo: dict[int, Any]) -> tuple[str, str, str | None, str | None]:
        message, first = self._rendered(memo)
        covers = [(i.obligation.id, i.occurrence.key) for i in self.items]
        extra: dict[str, object] = {}
        if channel == "zalo":
            extra["text"] = message.zalo
        elif channel == "zns":
            data = _zns_data(first)
            if len(self.items) > 1:
                units = {i.obligation.unit_id for i in self.items}
                data["ten_bao_cao"] = f"{len(self.items)} báo cáo chưa gửi"
                data["ten_don_vi"] = data["ten_don_vi"] if len(units) == 1 else f"{len(units)} đơn vị"
            extra = {"template_id": self.options.zns_templates.get("escalation"), "template_data": data}
        return message.subject, message.text, message.html, covers_payload(covers, **extra)


def gap_notices(
    gaps: list[Gap],
    *,
    at: datetime,
    admin_emails: list[str],
    admin_urls: list[str],
    options: SweepOptions,
    unreachable: list[dict[str, str]] | None = None,
) -> list[NoticeDraft]:
    """One message a day to the admin listing the roles nobody can receive for, and the contacts
    due a message whom no configured channel reaches (rows of :func:`admin.unreachable_rows`)."""
    if not gaps and not unreachable:
        return []
    if not admin_emails and not admin_urls:
        return []  # nobody to tell
    today = at.astimezone(VIETNAM).date()
    # One row for each unit, role, report and period as the message names them (a national first
    # sweep finds the same missing role for every period of every report).
    periods: dict[str, str] = {}
    unique: dict[tuple[str, ...], dict[str, str]] = {}
    for g in gaps:
        named = periods.get(g.period)
        if named is None:
            named = periods[g.period] = period_name(g.period)
        role_name = ROLE_NAMES.get(g.role, g.role)
        key = (g.unit, g.unit_name, role_name, g.report_name, named)
        if key not in unique:
            unique[key] = {
                "unit": g.unit,
                "unit_name": g.unit_name,
                "role_name": role_name,
                "report_name": g.report_name,
                "period_name": named,
            }
    return admin_notices(
        "gaps",
        {"sender": options.sender, "today": today, "gaps": list(unique.values()), "unreachable": unreachable or []},
        key=f"gaps:{today.isoformat()}",
        at=at,
        admin_emails=admin_emails,
        admin_urls=admin_urls,
    )
