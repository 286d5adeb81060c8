"""Which reminder or escalation steps are due now (nhắc hạn, đôn đốc): the pure half of the sweep.

A ladder's steps are placed relative to an anchor day: the due day for an open obligation, the day
it was returned for a returned one (its own short ladder). A step falls ``offset`` working days (or
calendar days) from the anchor; with ``repeat_every`` it falls again every so many days until
``repeat_until`` or ``cap``. A step marked working-days-only waits for a working day.

A report due at a clock time ("trước 16 giờ 30 hằng ngày") may also have hour steps
(``unit: hours``): they fall ``offset`` hours from the due instant itself, repeats counted in hours
too, and each occurrence carries its instant, which its key names to the minute.

Catch-up: the sweep sends only the steps of the latest day that has come, so after days when no
sweep ran a unit gets one current reminder, never a burst of stale ones. Hour steps catch up the
same way by instant: only those of the latest instant that has come, and none once a day step of
a later day has come. Whether that latest step was already sent is the outbox's business: every
occurrence has a key, and the outbox keeps keys unique.

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

An hour ladder for a report due "trước 16 giờ 30 hằng ngày":

>>> hourly = Ladder.model_validate({"steps": [
...     {"id": "t-2h", "offset": -2, "unit": "hours", "to": ["focal_point"], "template": "due_today"},
...     {"id": "qua-han-1h", "offset": 1, "unit": "hours", "to": ["focal_point"], "template": "overdue"}]})
>>> due_at = datetime(2026, 9, 3, 16, 30, tzinfo=VIETNAM)
>>> [o.key for o in due_hour_steps("daily", hourly, due_at, datetime(2026, 9, 3, 15, 0, tzinfo=VIETNAM), cal)]
['daily:t-2h@2026-09-03T14:30']
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
HOURS = "hours"  # the unit of a step counted in hours from the due instant


@dataclass(frozen=True)
class Occurrence:
    """One sending of one ladder step, on one day; an hour step's also at one instant."""

    ladder: str
    step: LadderStep
    number: int  # 1 for the step itself, 2… for its repeats
    day: date
    at: datetime | None = None  # an hour step's instant (Vietnam time); ``day`` is its date

    @property
    def key(self) -> str:
        """Unique per obligation: an extension or a new return gives new days, hence new keys.
        An hour step's names its instant to the minute: ``daily:t-2h@2026-09-03T14:30``."""
        if self.at is not None:
            return f"{self.ladder}:{self.step.id}@{self.at.astimezone(VIETNAM):%Y-%m-%dT%H:%M}"
        return f"{self.ladder}:{self.step.id}@{self.day.isoformat()}"


def step_day(step: LadderStep, anchor: date, offset: int, calendar: WorkCalendar) -> date:
    """The day a step with ``offset`` falls on, counted from ``anchor``."""
    day = calendar.add_working_days(anchor, offset) if step.unit == "working_days" else anchor + timedelta(days=offset)
    if step.working_days_only:
        day = calendar.next_working_day(day)
    return day


def step_instant(step: LadderStep, anchor: datetime, offset: int, calendar: WorkCalendar) -> datetime:
    """The instant an hour step with ``offset`` falls at, counted from the instant ``anchor``; a
    working-days-only step that falls on a day off waits for the next working day, same time.

    >>> step = LadderStep.model_validate(
    ...     {"id": "s", "offset": 24, "unit": "hours", "to": ["head"], "template": "overdue"})
    >>> friday = datetime(2026, 9, 4, 10, 0, tzinfo=VIETNAM)
    >>> step_instant(step, friday, 24, WorkCalendar()).isoformat()  # Saturday 10:00 → Monday 10:00
    '2026-09-07T10:00:00+07:00'
    """
    at = anchor.astimezone(VIETNAM) + timedelta(hours=offset)  # Vietnam keeps no summer time
    if step.working_days_only and not calendar.is_working_day(at.date()):
        at = datetime.combine(calendar.next_working_day(at.date()), at.timetz())
    return at


def _repeats(step: LadderStep) -> Iterator[tuple[int, int]]:
    """(number, offset) of the step and each repeat, in order, until ``repeat_until`` or ``cap``."""
    number, offset = 1, step.offset
    while True:
        yield number, offset
        if step.repeat_every is None:
            return
        offset += step.repeat_every
        number += 1
        if step.repeat_until is not None and offset > step.repeat_until:
            return
        if step.cap is not None and number > step.cap:
            return


def occurrences(
    ladder_name: str, ladder: Ladder, anchor: date, until: date, calendar: WorkCalendar
) -> Iterator[Occurrence]:
    """Every occurrence of every day step that falls on or before ``until``, repeats included."""
    for step in ladder.steps:
        if step.unit == HOURS:
            continue
        for number, offset in _repeats(step):
            day = step_day(step, anchor, offset, calendar)
            if day > until:
                break
            yield Occurrence(ladder_name, step, number, day)


def hour_occurrences(
    ladder_name: str, ladder: Ladder, anchor: datetime, until: datetime, calendar: WorkCalendar
) -> Iterator[Occurrence]:
    """Every occurrence of every hour step that falls at or before ``until``, repeats included."""
    for step in ladder.steps:
        if step.unit != HOURS:
            continue
        for number, offset in _repeats(step):
            at = step_instant(step, anchor, offset, calendar)
            if at > until:
                break
            yield Occurrence(ladder_name, step, number, at.date(), at)


def has_hour_steps(ladder: Ladder) -> bool:
    return any(step.unit == HOURS for step in ladder.steps)


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


def due_hour_steps(
    ladder_name: str, ladder: Ladder, anchor: datetime, now: datetime, calendar: WorkCalendar
) -> list[Occurrence]:
    """The hour steps to send at ``now``: those of the latest instant that has come, counted from
    the instant ``anchor`` (the due instant, or the return's), and only that instant.

    Nothing once a day step of a later day has come (the day's reminder is the current one), and
    working-days-only steps wait when ``now`` is on a day off, as :func:`due_now` does.
    """
    if not has_hour_steps(ladder):
        return []
    now = now.astimezone(VIETNAM)
    latest: list[Occurrence] = []
    latest_at: datetime | None = None
    for occurrence in hour_occurrences(ladder_name, ladder, anchor, now, calendar):
        at = occurrence.at
        assert at is not None, "an hour step's occurrence has its instant"
        if latest_at is None or at > latest_at:
            latest, latest_at = [occurrence], at
        elif at == latest_at:
            latest.append(occurrence)
    if not latest:
        return []
    today = now.date()
    last_day = max(
        (o.day for o in occurrences(ladder_name, ladder, anchor.astimezone(VIETNAM).date(), today, calendar)),
        default=None,
    )
    if last_day is not None and last_day > latest[0].day:
        return []
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
