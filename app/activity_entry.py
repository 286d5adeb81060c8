"""The Action Month on the web pages, the use cases of a unit's activities: list them, add one in a
form, correct or delete one, upload the filled-in XLSX form, download it empty.

A form's entry is checked exactly like a row of the imported form (``rules.activity.check_activity``:
the campaign's window, its activity types, men + women = total, nothing that identifies a person in
the title and the note), and every problem is worded here (Vietnamese by default), by the field's heading in
the XLSX form, so that the page shows it next to the field. Nothing is written while one is left.

Scope is in the SQL (``models.activity_entries``): a person reads the logs of the units whose page
they may open, and changes those of their own unit (an admin: of the units under theirs).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from app.activities import read_filled_form, record_entry, record_form, write_template
from app.campaigns import choose_campaign
from app.packs_in_force import packs_in_force
from app.worklist import ROLE_NAMES, NotAllowed
from models.activity_entries import StoredLog as StoredLog
from models.activity_entries import (
    campaign_unit,
    correct_log,
    file_imported,
    may_write,
    remove_log,
    stored_log,
    unit_logs,
    writable_unit,
)
from models.activity_logs import LogRow, Recorded, logging_unit
from models.org_rows import ImportRefused
from models.units import UnitRef
from models.worklist import NotVisible, Viewer, visible_unit
from reports.activity_form import HEADINGS
from rules import clock
from rules.activity import (
    BUDGET_MAX,
    COUNT_MAX,
    MEDIA_KINDS,
    NOTE_MAX,
    TITLE_MAX,
    ActivityEntry,
    ActivityError,
    CampaignWindow,
    PackCampaign,
    campaign_window,
    check_activity,
    parse_count,
    personal_data,
)
from rules.calendar import VIETNAM
from rules.errors import DunghanError
from rules.i18n import _
from rules.numbers import vn_number

CAMPAIGN = "thang-hanh-dong"
WRITERS = ("officer", "admin")
# The form's fields, in the order of the XLSX form; the labels are its headings.
NUMBER_FIELDS = ("male", "female", "total", *(f"media.{kind}" for kind in MEDIA_KINDS), "budget")
FIELDS = ("day", "activity_type", "title", *NUMBER_FIELDS, "note")
LABELS = {name: HEADINGS[name] for name in (*FIELDS, "unit")}
SHORT_LABELS = {
    "male": "Nam",
    "female": "Nữ",
    "total": "Tổng số",
    **{f"media.{kind}": name for kind, name in MEDIA_KINDS.items()},
}
SOURCE = "web"


class EntryRefused(DunghanError):
    """An activity the form cannot take: what is wrong, field by field."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        listed = "; ".join(f"{LABELS.get(k, k)}: {v}" for k, v in self.problems.items())
        super().__init__(_("Not saved, to correct: {problems}").format(problems=listed))


class FileRefused(DunghanError):
    """An uploaded form that cannot be imported: every reason, row by row."""

    def __init__(self, name: str, errors: list[str]) -> None:
        self.name = name
        self.errors = errors
        super().__init__(_("The file {name} was not imported: {errors}").format(name=name, errors="; ".join(errors)))


@dataclass(frozen=True)
class CampaignYear:
    """A campaign in one year: the pack stating it, its window, the day of the tree it is kept over."""

    chosen: PackCampaign
    year: int
    window: CampaignWindow

    @property
    def tree_day(self) -> date:
        return self.window.end

    @property
    def name(self) -> str:
        return self.chosen.campaign.name

    @property
    def types(self) -> dict[str, str]:
        return self.chosen.type_ids()


def _campaign(year: int) -> CampaignYear | None:
    try:
        chosen = choose_campaign(None, CAMPAIGN, year)
    except ActivityError:
        return None
    return CampaignYear(chosen, year, campaign_window(chosen.campaign, year))


def today_of(at: datetime) -> date:
    return at.astimezone(VIETNAM).date()


def current_year(at: datetime) -> int:
    """The campaign year a person means now: this year's once its first day (preparation days
    included) has come, else last year's."""
    today = today_of(at)
    found = _campaign(today.year)
    if found is not None and found.window.earliest <= today:
        return today.year
    return today.year - 1


def campaign_years(unit: UnitRef, at: datetime) -> list[int]:
    """The campaign years, newest first, in which ``unit`` stands in the tree the year is kept over."""
    first = min(
        (p.pack.valid_from.year for p in packs_in_force() if p.pack.campaign(CAMPAIGN) is not None),
        default=current_year(at),
    )
    years = []
    for year in range(current_year(at), first - 1, -1):
        found = _campaign(year)
        if found is not None and unit.valid_on(found.tree_day):
            years.append(year)
    return years


def campaign_year(year: int) -> CampaignYear:
    """The campaign in ``year``; :class:`NotVisible` when no shipped pack states it then."""
    found = _campaign(year)
    if found is None:
        raise NotVisible()
    return found


@dataclass(frozen=True)
class Totals:
    activities: int = 0
    male: int = 0
    female: int = 0
    participants: int = 0
    media: int = 0
    budget: int = 0


def totals_of(logs: list[StoredLog]) -> Totals:
    return Totals(
        len(logs),
        sum(log.male for log in logs),
        sum(log.female for log in logs),
        sum(log.total for log in logs),
        sum(log.media_total for log in logs),
        sum(log.budget for log in logs),
    )


@dataclass(frozen=True)
class ActivityList:
    """A unit's activities in a campaign year, and whether the person may change them."""

    campaign: CampaignYear
    unit: UnitRef
    years: list[int]
    logs: list[StoredLog]
    totals: Totals
    writable: bool
    today: date

    @property
    def last_day(self) -> date:
        """The last day an activity may be dated now: the window's end, or today if sooner."""
        return min(self.campaign.window.end, self.today)


def activity_list(
    engine: Engine, viewer: Viewer, *, at: datetime, year: int | None = None, unit: str | None = None
) -> ActivityList:
    """The activities of ``unit`` (a code; the person's own unit by default) in the campaign of
    ``year`` (the current one by default); :class:`NotVisible` out of scope."""
    chosen = campaign_year(year if year is not None else current_year(at))
    found = campaign_unit(engine, viewer, unit or viewer.unit.code, chosen.tree_day)
    logs = unit_logs(engine, campaign_id=CAMPAIGN, year=chosen.year, unit_id=found.id, where=visible_unit(viewer))
    return ActivityList(
        chosen,
        found,
        campaign_years(found, at),
        logs,
        totals_of(logs),
        may_write(engine, viewer, found.id),
        today_of(at),
    )


# Reading the form and wording its problems.


def read_day(text: str) -> date:
    """A date as a date field sends it (YYYY-MM-DD) or as people type it (dd/mm/yyyy)."""
    return clock.read_day(text)


def read_entry(values: Mapping[str, str], chosen: CampaignYear) -> tuple[ActivityEntry, dict[str, str]]:
    """The entry the form's ``values`` give, and the fields that cannot be read, with why."""
    errors: dict[str, str] = {}
    text = {name: (values.get(name) or "").strip() for name in FIELDS}
    day = chosen.window.start  # a placeholder while the field cannot be read
    if not text["day"]:
        errors["day"] = _("no date entered")
    else:
        try:
            day = read_day(text["day"])
        except ValueError:
            errors["day"] = _("«{text}» is not a date (dd/mm/yyyy)").format(text=text["day"])
    if not text["activity_type"]:
        errors["activity_type"] = _("no activity type chosen")
    numbers: dict[str, int] = {}
    for name in NUMBER_FIELDS:
        if name == "total" and not text[name]:
            continue
        try:
            numbers[name] = parse_count(text[name])
        except ValueError:
            errors[name] = _("«{text}» is not a whole number, zero or more (5.000.000 or 5000000)").format(
                text=text[name]
            )
            numbers[name] = 0
    entry = ActivityEntry(
        day=day,
        activity_type=text["activity_type"],
        title=text["title"],
        male=numbers["male"],
        female=numbers["female"],
        total=numbers.get("total"),
        media={kind: numbers[f"media.{kind}"] for kind in MEDIA_KINDS},
        budget=numbers["budget"],
        note=text["note"] or None,
    )
    return entry, errors


def _personal(text: str) -> str | None:
    what = personal_data(text)
    if what is None:
        return None
    return _(
        "seems to hold {what}: write counts only, nothing that identifies a person "
        "(name, phone number, identity-card number, year of birth, e-mail)"
    ).format(what=what)


def _worded(name: str, entry: ActivityEntry, chosen: CampaignYear, today: date) -> str:
    """What is wrong with the field ``name`` of ``entry`` (the same checks as
    ``rules.activity.check_activity``, which found it)."""
    window = chosen.window
    if name == "day":
        if not window.earliest <= entry.day <= window.end:
            span = f"{window.start:%d/%m/%Y} – {window.end:%d/%m/%Y}"
            if window.earliest < window.start:
                span += _("; preparatory activities are logged from {day:%d/%m/%Y}").format(day=window.earliest)
            return _("the date {day:%d/%m/%Y} is outside the Action Month of {year} ({span})").format(
                day=entry.day, year=chosen.year, span=span
            )
        return _(
            "the date {day:%d/%m/%Y} is after today ({today:%d/%m/%Y}): log only activities that took place"
        ).format(day=entry.day, today=today)
    if name == "activity_type":
        return _("choose an activity type from the campaign's list")
    if name in ("title", "note"):
        words = (entry.title if name == "title" else entry.note or "").strip()
        longest = TITLE_MAX if name == "title" else NOTE_MAX
        found = []
        if name == "title" and not words:
            found.append(_("the title is empty"))
        if len(words) > longest:
            found.append(_("{length} characters long, at most {limit}").format(length=len(words), limit=longest))
        if personal := _personal(words):
            found.append(personal)
        return "; ".join(found) or _("not valid")
    value = {
        "male": entry.male,
        "female": entry.female,
        "total": entry.total,
        "budget": entry.budget,
        **{f"media.{k}": v for k, v in entry.media.items()},
    }.get(name)
    if value is not None and value < 0:
        return _("{value} is not a whole number, zero or more").format(value=vn_number(value, 0))
    limit = BUDGET_MAX if name == "budget" else COUNT_MAX
    if value is not None and value > limit:
        return _("{value} is too large for one activity (at most {limit}): check for a typing mistake").format(
            value=vn_number(value, 0), limit=vn_number(limit, 0)
        )
    if name == "total":
        return _("men {men} + women {women} = {sum}, not the total {total}").format(
            men=vn_number(entry.male, 0),
            women=vn_number(entry.female, 0),
            sum=vn_number(entry.male + entry.female, 0),
            total=vn_number(entry.total or 0, 0),
        )
    return _("not valid")


def entry_problems(
    entry: ActivityEntry, chosen: CampaignYear, today: date, unreadable: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Every problem of ``entry``, field by field in the form's order; the fields
    in ``unreadable`` (with why) are reported as they are and not checked further."""
    found = dict(unreadable or {})
    skip = set(found) | ({"total"} if set(found) & {"male", "female"} else set())
    for problem in check_activity(entry, chosen.chosen, chosen.year, today=today):
        if problem.field in skip or problem.field in found:
            continue
        found[problem.field] = _worded(problem.field, entry, chosen, today)
    order = {name: index for index, name in enumerate((*FIELDS, "unit"))}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))


def checked_entry(values: Mapping[str, str], chosen: CampaignYear, at: datetime) -> ActivityEntry:
    """The entry of the form's ``values``, or :class:`EntryRefused` naming every field to correct."""
    entry, unreadable = read_entry(values, chosen)
    if problems := entry_problems(entry, chosen, today_of(at), unreadable):
        raise EntryRefused(problems)
    return entry


def _require_writer(engine: Engine, viewer: Viewer, unit: UnitRef) -> None:
    if viewer.role not in WRITERS:
        raise NotAllowed(
            _("the role {role} may not log activities").format(role=ROLE_NAMES.get(viewer.role, viewer.role))
        )
    if not may_write(engine, viewer, unit.id):
        raise NotAllowed(_("only the staff of {unit} may log this unit's activities").format(unit=unit.name))


def _logging_unit(engine: Engine, unit: UnitRef, chosen: CampaignYear) -> None:
    try:
        logging_unit(engine, unit.code, chosen.chosen, chosen.year)
    except ActivityError:
        raise EntryRefused(
            {
                "unit": _("{unit} logs no activities in the Action Month of {year} (outside the pack's scope)").format(
                    unit=unit.name, year=chosen.year
                )
            }
        ) from None


def add_activity(
    engine: Engine, viewer: Viewer, values: Mapping[str, str], *, at: datetime, year: int, unit: str | None = None
) -> ActivityEntry:
    """Log one activity of ``unit`` (the person's own by default) from the form's ``values``."""
    chosen = campaign_year(year)
    found = campaign_unit(engine, viewer, unit or viewer.unit.code, chosen.tree_day)
    _require_writer(engine, viewer, found)
    _logging_unit(engine, found, chosen)
    entry = checked_entry(values, chosen, at)
    record_entry(
        engine,
        found.code,
        entry,
        chosen=chosen.chosen,
        year=chosen.year,
        now=at.astimezone(VIETNAM),  # "after today" is today in Vietnam
        actor=viewer.actor,
        source=SOURCE,
        columns=LABELS,
    )
    return entry


@dataclass(frozen=True)
class OpenedLog:
    log: StoredLog
    campaign: CampaignYear
    today: date

    @property
    def last_day(self) -> date:
        return min(self.campaign.window.end, self.today)


def log_to_change(engine: Engine, viewer: Viewer, log_id: int, *, at: datetime) -> OpenedLog:
    """A log the person may correct or delete: :class:`NotVisible` when they may not see it,
    :class:`NotAllowed` when they see it but may not change it."""
    log = stored_log(engine, log_id, where=visible_unit(viewer))
    if viewer.role not in WRITERS or not may_write(engine, viewer, log.unit_id):
        raise NotAllowed(
            _("the role {role} may not change this activity").format(role=ROLE_NAMES.get(viewer.role, viewer.role))
        )
    return OpenedLog(log, campaign_year(log.year), today_of(at))


def correct_activity(
    engine: Engine, viewer: Viewer, log_id: int, values: Mapping[str, str], *, at: datetime
) -> tuple[StoredLog, list[str]]:
    """Correct a log from the form's ``values``; the audit trail says what changed. Returns the
    log as it was and the changes."""
    opened = log_to_change(engine, viewer, log_id, at=at)
    entry = checked_entry(values, opened.campaign, at)
    return correct_log(engine, log_id, entry, at=at, actor=viewer.actor, where=writable_unit(viewer))


def delete_activity(engine: Engine, viewer: Viewer, log_id: int, *, at: datetime) -> StoredLog:
    """Delete a log; the audit trail keeps what it said."""
    log_to_change(engine, viewer, log_id, at=at)
    return remove_log(engine, log_id, at=at, actor=viewer.actor, where=writable_unit(viewer))


# The XLSX form: written for the unit, uploaded filled in.


def template_file(engine: Engine, viewer: Viewer, *, year: int, unit: str | None = None) -> tuple[str, bytes]:
    """The XLSX form of ``unit`` (the person's own by default) for the campaign of ``year``:
    (file name, content), the same file as ``dunghan activity template``."""
    chosen = campaign_year(year)
    found = campaign_unit(engine, viewer, unit or viewer.unit.code, chosen.tree_day)
    _require_writer(engine, viewer, found)
    _logging_unit(engine, found, chosen)
    name = f"hoat-dong-{found.code}-{chosen.year}.xlsx"
    with tempfile.TemporaryDirectory(prefix="dunghan-form-") as folder:
        path = write_template(engine, Path(folder) / name, chosen=chosen.chosen, year=chosen.year, unit=found.code)
        return name, path.read_bytes()


def _read_problems(row: LogRow, chosen: CampaignYear, today: date) -> list[str]:
    """A row of an uploaded form, checked like the form's fields, each problem with its place."""
    unreadable = {
        name: _("this cell cannot be read: a date is expected (dd/mm/yyyy)")
        if name == "day"
        else _("this cell cannot be read: a whole number, zero or more, is expected")
        for name in row.unreadable
    }
    problems = entry_problems(row.entry, chosen, today, unreadable)
    return [
        _("row {row}, column «{column}»: {why}").format(row=row.row, column=LABELS.get(name, name), why=why)
        for name, why in problems.items()
    ]


def _imported_sentence(engine: Engine, digest: str) -> str | None:
    earlier = file_imported(engine, digest)
    if earlier is None:
        return None
    when, count = earlier
    return _(
        "this very file was imported on {day:%d/%m/%Y} ({count} activities); "
        "importing it again would count those activities twice"
    ).format(day=when.astimezone(VIETNAM), count=count)


def import_file(
    engine: Engine, viewer: Viewer, path: Path, *, at: datetime, unit: str | None = None
) -> tuple[int, Recorded]:
    """Import a filled-in XLSX form uploaded to ``path`` (named as the person's file) for ``unit``
    (the person's own by default): every row checked first, all written or none. Returns the
    form's campaign year and what was recorded."""
    name = path.name
    if path.suffix.lower() != ".xlsx":
        raise FileRefused(name, [_("only the .xlsx form downloaded on this page is taken")])
    try:
        form = read_filled_form(path)
    except DunghanError:
        raise FileRefused(
            name,
            [
                _(
                    "cannot be read as the activity form (the sheets «Thông tin» and «Hoạt động» with all their "
                    "columns are needed): download the form on this page, fill in the sheet «Hoạt động», then upload it"
                )
            ],
        ) from None
    chosen = CampaignYear(form.chosen, form.year, campaign_window(form.chosen.campaign, form.year))
    try:
        found = campaign_unit(engine, viewer, unit or viewer.unit.code, chosen.tree_day)
    except NotVisible:
        if unit is not None:
            raise
        raise FileRefused(
            name,
            [
                _("a form of {year}: {unit} is not in the unit tree of that year").format(
                    year=form.year, unit=viewer.unit.name
                )
            ],
        ) from None
    _require_writer(engine, viewer, found)
    if form.unit != found.code:
        raise FileRefused(
            name,
            [
                _("the form gives the unit code {given}, not {code} ({name}): download the right form").format(
                    given=form.unit, code=found.code, name=found.name
                )
            ],
        )
    if form.chosen.campaign.id != CAMPAIGN:
        raise FileRefused(name, [_("the form is not one of the Action Month")])
    _logging_unit(engine, found, chosen)
    today = today_of(at)
    errors = [problem for row in form.rows for problem in _read_problems(row, chosen, today)]
    unread = {row.row for row in form.rows}
    errors += [
        _("row {row}: a cell cannot be read").format(row=number) for number, _why in form.errors if number not in unread
    ]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if sentence := _imported_sentence(engine, digest):
        errors.append(sentence)
    if not form.rows and not errors:
        errors.append(_("the sheet «Hoạt động» has no activities yet"))
    if errors:
        raise FileRefused(name, errors)
    try:
        recorded = record_form(engine, form, path, now=at.astimezone(VIETNAM), actor=viewer.actor)
    except ImportRefused:
        # Only what changed since the checks above: the same file imported meanwhile.
        raise FileRefused(
            name, [_imported_sentence(engine, digest) or _("could not be imported: upload it again")]
        ) from None
    return form.year, recorded


@dataclass
class FormState:
    """What a form shows again after a refusal: the values typed and the problems by field."""

    values: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def form_values(log: StoredLog) -> dict[str, str]:
    """A stored log as the form's fields."""
    values = {
        "day": log.day.isoformat(),
        "activity_type": log.activity_type,
        "title": log.title,
        "male": vn_number(log.male, 0),
        "female": vn_number(log.female, 0),
        "total": vn_number(log.total, 0),
        "budget": vn_number(log.budget, 0),
        "note": log.note or "",
    }
    values.update({f"media.{kind}": vn_number(count, 0) if count else "" for kind, count in log.media.items()})
    return values
