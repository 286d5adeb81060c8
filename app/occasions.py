"""Reports due when something happens: record an event, or a request for a report.

``record_event`` finds the pack in force that declares the event kind, dates every report that
counts from it and stores the event with their obligations; ``request_report`` does the same for a
report asked of some units, dated by the request (its working days) or by the pack's wording. The
reminders of the daily sweep then follow these obligations like any other.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from app.admin import require_admin
from app.packs_in_force import packs_in_force, packs_named
from app.worklist import Viewer
from models.occasions import (
    OccasionRefused,
    OccasionRow,
    UnitObligation,
    codes_seen,
    occasions_under,
    record_occasions,
)
from models.occasions import Recorded as Recorded
from models.planning import in_vietnamese
from rules.calendar import VIETNAM
from rules.clock import read_day
from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.loader import LoadedPack, calendar_for
from rules.occasions import MAX_REQUEST_DAYS, kind_of, occasion_dues
from rules.schema import Pack
from rules.wording import Undated

MAX_UNITS_PER_REQUEST = 5000


class OccasionNotFound(DunghanError):
    """No pack in force declares the event kind or the report asked for."""


@dataclass(frozen=True)
class Requested:
    report_id: str
    report_name: str
    received: date
    units: tuple[Recorded, ...]


def _check_day(day: date, now: datetime, what: str) -> None:
    today = now.astimezone(VIETNAM).date()
    if day > today:
        raise DunghanError(
            _("{what} on {day} is after today ({today}): {field}").format(
                what=what, day=f"{day:%d/%m/%Y}", today=f"{today:%d/%m/%Y}", field=FIELD
            ),
            field="date",
        )


def _one_pack(found: list[LoadedPack], what: str, known: list[str], day: date, field: str) -> Pack:
    applying = [item.pack for item in found if item.pack.valid_from <= day and item.pack.applies_in(day.year)]
    if not applying:
        close = difflib.get_close_matches(what, known, n=1, cutoff=0.6)
        hint = _("did you mean {name}? ").format(name=close[0]) if close else ""
        raise OccasionNotFound(
            _("no pack in force on {day} has {what}: {hint}known: {known}").format(
                day=f"{day:%d/%m/%Y}", what=what, hint=hint, known=", ".join(sorted(set(known))) or "—"
            ),
            field=field,  # the door's input that named it (no {field} in the sentence)
        )
    if len(applying) > 1:
        raise OccasionNotFound(
            _("{what} is in several packs ({packs}): choose with {field}").format(
                what=what, packs=", ".join(p.id for p in applying), field=FIELD
            ),
            field="pack",
        )
    return applying[0]


def record_event(
    engine: Engine,
    kind: str,
    *,
    unit: str,
    day: date,
    now: datetime,
    actor: str,
    pack: str | None = None,
    note: str | None = None,
) -> Recorded:
    """Record that ``kind`` happened at the unit holding ``unit`` on ``day``, with the
    obligations of every report of the pack that counts from it."""
    _check_day(day, now, _("an event"))
    loaded = packs_named(pack)
    found = [item for item in loaded if item.pack.event(kind) is not None]
    known = [e.id for item in loaded for e in item.pack.events]
    chosen = _one_pack(found, _("the event kind {kind}").format(kind=kind), known, day, "kind")
    calendar, labour = calendar_for(chosen), calendar_for(chosen, state=False)
    # The dues' notes are stored with the obligations: in Vietnamese, as people read them.
    reports = in_vietnamese(
        lambda: [(r, occasion_dues(chosen, r, day, calendar)) for r in chosen.reports if r.event == kind]
    )
    labour_reports = in_vietnamese(
        lambda: [(r, occasion_dues(chosen, r, day, labour)) for r in chosen.reports if r.event == kind]
    )
    if not reports:
        raise OccasionNotFound(
            _("no report of pack {pack} counts from the event {kind}").format(pack=chosen.id, kind=kind),
            field="kind",
        )
    [recorded] = record_occasions(
        engine,
        pack=chosen,
        kind="event",
        name=kind,
        units=[unit],
        day=day,
        reports=reports,
        now=now,
        actor=actor,
        note=note,
        labour_reports=labour_reports,
    )
    return recorded


def request_report(
    engine: Engine,
    report: str,
    *,
    to: Sequence[str],
    received: date,
    now: datetime,
    actor: str,
    days: int | None = None,
    pack: str | None = None,
    reference: str | None = None,
    note: str | None = None,
) -> Requested:
    """Ask the units holding the codes ``to`` for ``report`` by a request received on
    ``received``: each gets its obligations, due ``days`` working days later or as the pack words
    it. All units or none: one unknown code refuses the whole request."""
    if not to:
        raise DunghanError(_("name at least one unit with {field}").format(field=FIELD), field="to")
    if len(to) > MAX_UNITS_PER_REQUEST:
        raise DunghanError(
            _("at most {most} units in one request ({field})").format(most=MAX_UNITS_PER_REQUEST, field=FIELD),
            field="to",
        )
    _check_day(received, now, _("a request received"))
    loaded = packs_named(pack)
    found = [item for item in loaded if any(r.id == report and kind_of(r) == "request" for r in item.pack.reports)]
    known = [r.id for item in loaded for r in item.pack.reports if kind_of(r) == "request"]
    chosen = _one_pack(found, _("the on-request report {report}").format(report=report), known, received, "report")
    asked = next(r for r in chosen.reports if r.id == report)
    dues = in_vietnamese(lambda: occasion_dues(chosen, asked, received, calendar_for(chosen), days=days))
    labour_dues = in_vietnamese(
        lambda: occasion_dues(chosen, asked, received, calendar_for(chosen, state=False), days=days)
    )
    codes = list(dict.fromkeys(code.strip() for code in to if code.strip()))
    try:
        recorded = record_occasions(
            engine,
            pack=chosen,
            kind="request",
            name=report,
            units=codes,
            day=received,
            reports=[(asked, dues)],
            now=now,
            actor=actor,
            reference=reference,
            note=note,
            labour_reports=[(asked, labour_dues)],
        )
    except OccasionRefused as refused:
        if refused.field == "unit":
            refused.field = "to"  # the units a request names
        raise
    return Requested(asked.id, asked.name, received, recorded)


# The web door's forms: what they offer, what they take, what they list. Only admins, and only
# for the units under their own (a ministry admin: the country).

EVENT_FIELDS = ("kind", "unit", "date")
REQUEST_FIELDS = ("report", "to", "received", "days", "reference")
PAGE = 50
LAST_PAGE = 100_000  # a page number past any list; larger ones are read as this
MAX_REFERENCE = 255  # as the occasion keeps it


@dataclass(frozen=True)
class Choice:
    """An event kind, or an on-request report, that a form offers."""

    id: str
    name: str
    hint: str  # the event's description, or the report's deadline as the pack words it
    packs: tuple[str, ...]
    needs_days: bool = False  # a report due "khi có yêu cầu": the request must say how many days


def event_choices() -> list[Choice]:
    """The event kinds the packs in force declare, by name."""
    found: dict[str, Choice] = {}
    for item in packs_in_force():
        for event in item.pack.events:
            if not any(r.event == event.id for r in item.pack.reports):
                continue  # starts nothing
            seen = found.get(event.id)
            packs = (seen.packs if seen else ()) + (item.pack.id,)
            found[event.id] = Choice(event.id, event.name, event.description or "", packs)
    return sorted(found.values(), key=lambda c: c.name)


def request_choices() -> list[Choice]:
    """The on-request reports of the packs in force, by name."""
    found: dict[str, Choice] = {}
    for item in packs_in_force():
        for report in item.pack.reports:
            if kind_of(report) != "request":
                continue
            rule = report.chain[0].rule()
            seen = found.get(report.id)
            packs = (seen.packs if seen else ()) + (item.pack.id,)
            found[report.id] = Choice(report.id, report.name, rule.wording, packs, isinstance(rule, Undated))
    return sorted(found.values(), key=lambda c: c.name)


class FormRefused(DunghanError):
    """A form the use case cannot take: each problem under the field it is about (a sentence
    that may name the field with ``{field}``), every one found at once."""

    def __init__(self, problems: Mapping[str, DunghanError]) -> None:
        self.problems = dict(problems)
        first = next(iter(self.problems.values()))
        super().__init__(first.template, field=first.field)


def _day_in(text: str, field: str) -> date | DunghanError:
    if not text.strip():
        return DunghanError(_("write the date, e.g. 28/08/2026"), field=field)
    try:
        return read_day(text)
    except ValueError:
        return DunghanError(
            _("{text!r} is not a date: write it dd/mm/yyyy, e.g. 28/08/2026").format(text=text.strip()[:40]),
            field=field,
        )


def _codes(text: str) -> list[str]:
    """Unit codes as typed: separated by commas, semicolons, spaces or lines; each once."""
    return list(dict.fromkeys(code for code in re.split(r"[\s,;]+", text) if code))


def _scope_problem(engine: Engine, viewer: Viewer, codes: Sequence[str], day: date, field: str) -> DunghanError | None:
    seen = codes_seen(engine, viewer.unit, codes, day=day)
    sentences = []
    if seen.unknown:
        sentences.append(
            _("no unit has the code {codes} on {day}").format(codes=", ".join(seen.unknown), day=f"{day:%d/%m/%Y}")
        )
    if seen.outside:
        sentences.append(
            _("{units} is not under {unit}: you may name only units under it").format(
                units=", ".join(f"{name} ({code})" for code, name in seen.outside), unit=viewer.unit.name
            )
        )
    if not sentences:
        return None
    return DunghanError("; ".join(sentences), field=field)


def _refused_as(error: DunghanError, fields: Mapping[str | None, str]) -> FormRefused:
    """A use case's refusal under the form's field it is about."""
    field = fields.get(error.field, fields[None])
    return FormRefused({field: DunghanError(error.template, field=field, action=error.action)})


def record_event_as(engine: Engine, viewer: Viewer, *, kind: str, unit: str, day: str, now: datetime) -> Recorded:
    """The event form: an admin records ``kind`` at the unit holding the code ``unit`` (under
    theirs) on ``day`` as typed (dd/mm/yyyy or ISO). Every problem of the form is found before
    anything is written; then :func:`record_event`, all or nothing."""
    require_admin(viewer)
    problems: dict[str, DunghanError] = {}
    if kind.strip() not in {c.id for c in event_choices()}:
        problems["kind"] = DunghanError(_("choose the kind of event from the list"), field="kind")
    when = _day_in(day, "date")
    code = unit.strip()
    on = when if isinstance(when, date) else now.astimezone(VIETNAM).date()
    if not code:
        problems["unit"] = DunghanError(_("write the code of the unit where it happened"), field="unit")
    elif problem := _scope_problem(engine, viewer, [code], on, "unit"):
        problems["unit"] = problem
    if isinstance(when, DunghanError):
        problems["date"] = when
    if problems or not isinstance(when, date):
        raise FormRefused({f: problems[f] for f in EVENT_FIELDS if f in problems})
    try:
        return record_event(engine, kind.strip(), unit=code, day=when, now=now, actor=viewer.actor)
    except DunghanError as refused:
        raise _refused_as(refused, {"date": "date", "unit": "unit", None: "kind"}) from None


def request_report_as(
    engine: Engine,
    viewer: Viewer,
    *,
    report: str,
    to: str,
    received: str,
    days: str,
    reference: str,
    now: datetime,
) -> Requested:
    """The request form: an admin asks the units holding the codes in ``to`` (under theirs) for
    ``report``, received on ``received``, due in ``days`` working days (blank: as the pack words
    it), by the document ``reference``. Every problem is found before anything is written; then
    :func:`request_report`, all units or none."""
    require_admin(viewer)
    problems: dict[str, DunghanError] = {}
    if report.strip() not in {c.id for c in request_choices()}:
        problems["report"] = DunghanError(_("choose the report asked for from the list"), field="report")
    codes = _codes(to)
    when = _day_in(received, "received")
    on = when if isinstance(when, date) else now.astimezone(VIETNAM).date()
    if not codes:
        problems["to"] = DunghanError(_("write the code of at least one unit asked"), field="to")
    elif len(codes) > MAX_UNITS_PER_REQUEST:
        problems["to"] = DunghanError(
            _("at most {most} units in one request ({field})").format(most=MAX_UNITS_PER_REQUEST, field=FIELD),
            field="to",
        )
    elif problem := _scope_problem(engine, viewer, codes, on, "to"):
        problems["to"] = problem
    if isinstance(when, DunghanError):
        problems["received"] = when
    allowed: int | None = None
    if days.strip():
        if days.strip().isdigit() and 1 <= int(days.strip()) <= MAX_REQUEST_DAYS:
            allowed = int(days.strip())
        else:
            problems["days"] = DunghanError(
                _("write a whole number of working days from 1 to {most}").format(most=MAX_REQUEST_DAYS),
                field="days",
            )
    if len(reference.strip()) > MAX_REFERENCE:
        problems["reference"] = DunghanError(
            _("at most {most} characters").format(most=MAX_REFERENCE), field="reference"
        )
    if problems or not isinstance(when, date):
        raise FormRefused({f: problems[f] for f in REQUEST_FIELDS if f in problems})
    try:
        return request_report(
            engine,
            report.strip(),
            to=codes,
            received=when,
            now=now,
            actor=viewer.actor,
            days=allowed,
            reference=reference.strip() or None,
        )
    except DunghanError as refused:
        fields = {"to": "to", "unit": "to", "date": "received", "days": "days", None: "report"}
        raise _refused_as(refused, fields) from None


@dataclass(frozen=True)
class OccasionLine:
    """An occasion as the list shows it: what (by name), where, when, and the obligations it gave the unit."""

    row: OccasionRow
    title: str
    obligations: tuple[UnitObligation, ...]


def occasion_list(engine: Engine, viewer: Viewer, *, page: int = 1) -> tuple[list[OccasionLine], int]:
    """'Sự việc và yêu cầu báo cáo': those recorded under the admin's unit, the latest first (a
    page of them), and how many there are."""
    require_admin(viewer)
    names: dict[tuple[str, str, str], str] = {}
    starts: dict[tuple[str, str, str], set[str]] = {}
    for item in packs_in_force():
        pack = item.pack
        for event in pack.events:
            names[(pack.id, "event", event.id)] = event.name
            starts[(pack.id, "event", event.id)] = {r.id for r in pack.reports if r.event == event.id}
        for report in pack.reports:
            names[(pack.id, "request", report.id)] = report.name
            starts[(pack.id, "request", report.id)] = {report.id}
    rows, total = occasions_under(engine, viewer.unit, limit=PAGE, offset=(min(max(page, 1), LAST_PAGE) - 1) * PAGE)
    lines = []
    for row in rows:
        key = (row.pack_id, row.kind, row.name)
        reports = starts.get(key)  # None: a pack no longer in force; its obligations are all shown
        kept = tuple(o for o in row.obligations if reports is None or o.report_id in reports)
        lines.append(OccasionLine(row, names.get(key, row.name), kept))
    return lines, total
