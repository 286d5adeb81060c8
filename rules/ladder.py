"""Which reminder or escalation steps are due now (nhắc hạn, đôn đốc): the pure half of the sweep.

A ladder's steps are placed relative to an anchor day: the due day for an open obligation, the day
it was returned for a returned one (its own short ladder). A step falls ``offset`` working days (or
calendar days) from the anchor; with ``repeat_every`` it falls again every so many days until
``repeat_until`` or ``cap``. A step marked working-days-only waits for a working day.

Catch-up: the sweep sends only the steps of the latest day that has come, so after days when no
sweep ran a unit gets one current reminder, never a burst of stale ones. Whether that latest step
was already sent is the outbox's business: every occurrence has a key, and the outbox keeps keys
unique.

>>> from rules.calendar import WorkCalendar
>>> from rules.schema import Ladder
>>> ladder = Ladder.model_validate({"steps": [
...     {"id": "t-2", "offset": -2, "to": ["focal_point"], "template": "reminder"},
...     {"id": "t0", "offset": 0, "to": ["focal_point"], "template": "due_today"},
...     {"id": "t1", "offset": 1, "to": ["focal_point", "head"], "template": "overdue"}]})
>>> cal = WorkCalendar()
>>> due = date(2026, 2, 23)     # the Monday after Tết 2026; two working days before is Thursday 12/02
>>> [o.key for o in due_now("default", ladder, due, date(2026, 2, 12), cal)]
['default:t-2@2026-02-12']
>>> [o.key for o in due_now("default", ladder, due, date(2026, 2, 25), cal)]  # missed sweeps
['default:t1@2026-02-24']
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from rules.calendar import VIETNAM, WorkCalendar
from rules.i18n import _
from rules.schema import Ladder, LadderStep, Pack

ZALO_CHANNELS = ("zalo", "zns")


@dataclass(frozen=True)
class Occurrence:
    """One sending of one ladder step, on one day."""

    ladder: str
    step: LadderStep
    number: int  # 1 for the step itself, 2… for its repeats
    day: date

    @property
    def key(self) -> str:
        """Unique per obligation: an extension or a new return gives new days, hence new keys."""
        return f"{self.ladder}:{self.step.id}@{self.day.isoformat()}"


def step_day(step: LadderStep, anchor: date, offset: int, calendar: WorkCalendar) -> date:
    """The day a step with ``offset`` falls on, counted from ``anchor``."""
    day = calendar.add_working_days(anchor, offset) if step.unit == "working_days" else anchor + timedelta(days=offset)
    if step.working_days_only:
        day = calendar.next_working_day(day)
    return day


def occurrences(
    ladder_name: str, ladder: Ladder, anchor: date, until: date, calendar: WorkCalendar
) -> Iterator[Occurrence]:
    """Every occurrence of every step that falls on or before ``until``, repeats included."""
    for step in ladder.steps:
        number, offset = 1, step.offset
        while True:
            day = step_day(step, anchor, offset, calendar)
            if day > until:
                break
            yield Occurrence(ladder_name, step, number, day)
            if step.repeat_every is None:
                break
            offset += step.repeat_every
            number += 1
            if step.repeat_until is not None and offset > step.repeat_until:
                break
            if step.cap is not None and number > step.cap:
                break


def due_now(ladder_name: str, ladder: Ladder, anchor: date, today: date, calendar: WorkCalendar) -> list[Occurrence]:
    """The occurrences to send today: those of the latest day that has come, and only that day.

    Working-days-only steps wait when today is not a working day (they are sent on the next one,
    if nothing later has come by then).
    """
    latest: list[Occurrence] = []
    for occurrence in occurrences(ladder_name, ladder, anchor, today, calendar):
        if not latest or occurrence.day > latest[0].day:
            latest = [occurrence]
        elif occurrence.day == latest[0].day:
            latest.append(occurrence)
    if calendar.is_working_day(today):
        return latest
    return [o for o in latest if not o.step.working_days_only]


@dataclass(frozen=True)
class QuietHours:
    """No Zalo at night (default 21:00–07:00 Asia/Ho_Chi_Minh): messages are held until morning."""

    start: time = time(21, 0)
    end: time = time(7, 0)

    def release_at(self, channel: str, at: datetime) -> datetime:
        """When a message on ``channel`` queued at ``at`` may go out.

        >>> QuietHours().release_at("zalo", datetime(2026, 11, 20, 22, 15, tzinfo=VIETNAM)).isoformat()
        '2026-11-21T07:00:00+07:00'
        >>> QuietHours().release_at("email", datetime(2026, 11, 20, 22, 15, tzinfo=VIETNAM)).hour
        22
        """
        if channel not in ZALO_CHANNELS or self.start == self.end:
            return at
        local = at.astimezone(VIETNAM)
        now = local.time()
        overnight = self.start > self.end
        quiet = (now >= self.start or now < self.end) if overnight else (self.start <= now < self.end)
        if not quiet:
            return at
        release_day = local.date() + timedelta(days=1) if overnight and now >= self.start else local.date()
        return datetime.combine(release_day, self.end, tzinfo=VIETNAM)


# Who a role names, as (whose contacts, which contact role). "unit" is the reporting unit, "recipient"
# the unit it reports to, "parent" the unit above it in the tree.
ROLE_SOURCES: dict[str, tuple[str, str]] = {
    "focal_point": ("unit", "focal_point"),  # cán bộ đầu mối of the reporting unit
    "head": ("unit", "head"),  # thủ trưởng of the reporting unit
    "deputy": ("unit", "deputy"),
    "recipient_officer": ("recipient", "focal_point"),  # the officer who receives the report
    "level_above": ("parent", "supervisor"),  # the supervisor of the level above
    "supervisor": ("recipient", "supervisor"),
}


def reachable_channels(*, email: str | None, zalo_user_id: str | None, zalo_phone: str | None) -> set[str]:
    """The channels a contact can be reached on: Zalo OA needs the follower id, ZNS a phone."""
    found = set()
    if email:
        found.add("email")
    if zalo_user_id:
        found.add("zalo")
    if zalo_phone:
        found.add("zns")
    return found


def choose_channels(
    step_channels: Sequence[str], *, mandatory: bool, preferred: Sequence[str], reachable: set[str]
) -> list[tuple[str, str | None]]:
    """The channels to send a step on, each with why it was chosen when it is not the obvious one.

    "zalo" in a step means Zalo by any means: an OA message when the contact follows the OA, else a
    ZNS template to the phone. A mandatory step goes out on every channel it lists; otherwise the
    contact's first preferred channel the step allows. A contact with no Zalo gets email instead.

    >>> choose_channels(["zalo", "email"], mandatory=False, preferred=["email", "zalo"], reachable={"email", "zalo"})
    [('email', None)]
    >>> choose_channels(["zalo", "email"], mandatory=False, preferred=["zalo"], reachable={"zns", "email"})
    [('zns', None)]
    >>> choose_channels(["zalo"], mandatory=False, preferred=["zalo"], reachable={"email"})
    [('email', 'no Zalo for this contact: email instead')]
    """

    def resolve(channel: str) -> str | None:
        if channel == "zalo":
            return "zalo" if "zalo" in reachable else "zns" if "zns" in reachable else None
        return channel if channel in reachable else None

    if mandatory:
        chosen = [c for c in (resolve(ch) for ch in step_channels) if c]
        chosen = list(dict.fromkeys(chosen))
    else:
        ordered = [c for c in preferred if c in step_channels] + [c for c in step_channels if c not in preferred]
        first = next((c for c in (resolve(ch) for ch in ordered) if c), None)
        chosen = [first] if first else []
    if chosen:
        return [(c, None) for c in chosen]
    if "email" in reachable:
        return [("email", _("no Zalo for this contact: email instead"))]
    return []


@dataclass(frozen=True)
class ReminderPlan:
    """What a cycle needs to remind: its pack's ladders, which ladder each report uses, the calendar.

    Kept with the cycle when it is planned, so reminders follow the pack as it was planned even if
    its file later moves or changes.
    """

    ladders: dict[str, Ladder]
    reports: dict[str, tuple[str | None, str | None]]  # report id → (ladder, returned ladder)
    overrides: tuple[str, ...] = ("vn",)
    culture_day: bool = True

    def ladder_for(self, report: str, *, returned: bool) -> tuple[str, Ladder] | None:
        """The (name, ladder) for a report; a returned report falls back to its ordinary ladder."""
        ladder, returned_ladder = self.reports.get(report, (None, None))
        if returned and returned_ladder in self.ladders:
            return returned_ladder, self.ladders[returned_ladder]
        name = ladder or ("default" if "default" in self.ladders else None)
        return (name, self.ladders[name]) if name in self.ladders else None

    def to_json(self) -> str:
        return json.dumps(
            {
                "ladders": {name: ladder.model_dump(mode="json") for name, ladder in self.ladders.items()},
                "reports": {report: list(names) for report, names in self.reports.items()},
                "calendar": {"overrides": list(self.overrides), "culture_day": self.culture_day},
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> ReminderPlan:
        raw = json.loads(text)
        return cls(
            ladders={name: Ladder.model_validate(value) for name, value in raw["ladders"].items()},
            reports={report: (names[0], names[1]) for report, names in raw["reports"].items()},
            overrides=tuple(raw["calendar"]["overrides"]),
            culture_day=bool(raw["calendar"]["culture_day"]),
        )


def reminder_plan(pack: Pack) -> ReminderPlan:
    return ReminderPlan(
        ladders=dict(pack.ladders),
        reports={r.id: (r.ladder, r.returned_ladder) for r in pack.reports},
        overrides=tuple(pack.calendar.overrides),
        culture_day=pack.calendar.culture_day,
    )
