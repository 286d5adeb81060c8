"""The Action Month on the web pages, the use cases of a unit's activities: list them, add one in a
form, correct or delete one, upload the filled-in XLSX form, download it empty.

A form's entry is checked exactly like a row of the imported form (``rules.activity.check_activity``:
the campaign's window, its activity types, men + women = total, nothing that identifies a person in
the title and the note), and every problem is worded here in Vietnamese, by the field's heading in
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
PERSONAL_WORDS = {
    "a phone number": "số điện thoại",
    "an identity-card number": "số CMND/CCCD",
    "an e-mail address": "địa chỉ e-mail",
    "a year of birth": "năm sinh",
    "an identity document": "giấy tờ tùy thân (CMND/CCCD)",
}
SOURCE = "web"


class EntryRefused(DunghanError):
    """An activity the form cannot take: what is wrong, field by field (in Vietnamese)."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        listed = "; ".join(f"{LABELS.get(k, k)}: {v}" for k, v in self.problems.items())
        super().__init__(f"Chưa lưu, cần sửa: {listed}")


class FileRefused(DunghanError):
    """An uploaded form that cannot be imported: every reason, row by row (in Vietnamese)."""

    def __init__(self, name: str, errors: list[str]) -> None:
        self.name = name
        self.errors = errors
        super().__init__(f"Tệp {name} chưa được nhập: " + "; ".join(errors))


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
        errors["day"] = "chưa nhập ngày"
    else:
        try:
            day = read_day(text["day"])
        except ValueError:
            errors["day"] = f"«{text['day']}» không phải một ngày (dd/mm/yyyy)"
    if not text["activity_type"]:
        errors["activity_type"] = "chưa chọn loại hoạt động"
    numbers: dict[str, int] = {}
    for name in NUMBER_FIELDS:
        if name == "total" and not text[name]:
            continue
        try:
            numbers[name] = parse_count(text[name])
        except ValueError:
            errors[name] = f"«{text[name]}» không phải số nguyên, không âm (5.000.000 hoặc 5000000)"
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
    return (
        f"có vẻ chứa {PERSONAL_WORDS.get(what, what)}: chỉ ghi số lượng, "
        "không ghi gì nhận diện được một người (tên, số điện thoại, số CCCD, năm sinh, e-mail)"
    )


def _worded(name: str, entry: ActivityEntry, chosen: CampaignYear, today: date) -> str:
    """What is wrong with the field ``name`` of ``entry``, in Vietnamese (the same checks as
    ``rules.activity.check_activity``, which found it)."""
    window = chosen.window
    if name == "day":
        if not window.earliest <= entry.day <= window.end:
            span = f"{window.start:%d/%m/%Y} – {window.end:%d/%m/%Y}"
            if window.earliest < window.start:
                span += f"; hoạt động chuẩn bị được ghi từ {window.earliest:%d/%m/%Y}"
            return f"ngày {entry.day:%d/%m/%Y} nằm ngoài Tháng hành động năm {chosen.year} ({span})"
        return f"ngày {entry.day:%d/%m/%Y} sau hôm nay ({today:%d/%m/%Y}): chỉ ghi hoạt động đã diễn ra"
    if name == "activity_type":
        return "chọn một loại hoạt động trong danh sách của chiến dịch"
    if name in ("title", "note"):
        words = (entry.title if name == "title" else entry.note or "").strip()
        longest = TITLE_MAX if name == "title" else NOTE_MAX
        found = []
        if name == "title" and not words:
            found.append("chưa nhập tên hoạt động")
        if len(words) > longest:
            found.append(f"dài {len(words)} ký tự, tối đa {longest}")
        if personal := _personal(words):
            found.append(personal)
        return "; ".join(found) or "không hợp lệ"
    value = {
        "male": entry.male,
        "female": entry.female,
        "total": entry.total,
        "budget": entry.budget,
        **{f"media.{k}": v for k, v in entry.media.items()},
    }.get(name)
    if value is not None and value < 0:
        return f"{vn_number(value, 0)} không phải số nguyên, không âm"
    limit = BUDGET_MAX if name == "budget" else COUNT_MAX
    if value is not None and value > limit:
        return f"{vn_number(value, 0)} quá lớn cho một hoạt động (tối đa {vn_number(limit, 0)}): kiểm tra lỗi gõ"
    if name == "total":
        return (
            f"nam {vn_number(entry.male, 0)} + nữ {vn_number(entry.female, 0)} = "
            f"{vn_number(entry.male + entry.female, 0)}, khác tổng số {vn_number(entry.total or 0, 0)}"
        )
    return "không hợp lệ"


def entry_problems(
    entry: ActivityEntry, chosen: CampaignYear, today: date, unreadable: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Every problem of ``entry``, field by field in the form's order, in Vietnamese; the fields
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
        raise NotAllowed(f"vai trò {ROLE_NAMES.get(viewer.role, viewer.role)} không được ghi hoạt động")
    if not may_write(engine, viewer, unit.id):
        raise NotAllowed(f"chỉ cán bộ của {unit.name} được ghi hoạt động của đơn vị này")


def _logging_unit(engine: Engine, unit: UnitRef, chosen: CampaignYear) -> None:
    try:
        logging_unit(engine, unit.code, chosen.chosen, chosen.year)
    except ActivityError:
        raise EntryRefused(
            {"unit": f"{unit.name} không ghi hoạt động trong Tháng hành động năm {chosen.year} (ngoài phạm vi của gói)"}
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
        raise NotAllowed(f"vai trò {ROLE_NAMES.get(viewer.role, viewer.role)} không được sửa hoạt động này")
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
        name: "ô này không đọc được: "
        + ("cần một ngày (dd/mm/yyyy)" if name == "day" else "cần một số nguyên, không âm")
        for name in row.unreadable
    }
    problems = entry_problems(row.entry, chosen, today, unreadable)
    return [f"dòng {row.row}, cột «{LABELS.get(name, name)}»: {why}" for name, why in problems.items()]


def _imported_sentence(engine: Engine, digest: str) -> str | None:
    earlier = file_imported(engine, digest)
    if earlier is None:
        return None
    when, count = earlier
    return (
        f"chính tệp này đã được nhập ngày {when.astimezone(VIETNAM):%d/%m/%Y} ({count} hoạt động); "
        "nhập lại sẽ tính các hoạt động đó hai lần"
    )


def import_file(
    engine: Engine, viewer: Viewer, path: Path, *, at: datetime, unit: str | None = None
) -> tuple[int, Recorded]:
    """Import a filled-in XLSX form uploaded to ``path`` (named as the person's file) for ``unit``
    (the person's own by default): every row checked first, all written or none. Returns the
    form's campaign year and what was recorded."""
    name = path.name
    if path.suffix.lower() != ".xlsx":
        raise FileRefused(name, ["chỉ nhận biểu mẫu .xlsx tải ở trang này"])
    try:
        form = read_filled_form(path)
    except DunghanError:
        raise FileRefused(
            name,
            [
                "không đọc được như biểu mẫu hoạt động (cần các trang «Thông tin» và «Hoạt động» với đủ cột): "
                "hãy tải biểu mẫu ở trang này, điền vào trang «Hoạt động» rồi tải lên"
            ],
        ) from None
    chosen = CampaignYear(form.chosen, form.year, campaign_window(form.chosen.campaign, form.year))
    try:
        found = campaign_unit(engine, viewer, unit or viewer.unit.code, chosen.tree_day)
    except NotVisible:
        if unit is not None:
            raise
        raise FileRefused(
            name, [f"biểu mẫu của năm {form.year}: {viewer.unit.name} không có trong cây đơn vị năm đó"]
        ) from None
    _require_writer(engine, viewer, found)
    if form.unit != found.code:
        raise FileRefused(
            name, [f"biểu mẫu ghi mã đơn vị {form.unit}, không phải {found.code} ({found.name}): hãy tải đúng biểu mẫu"]
        )
    if form.chosen.campaign.id != CAMPAIGN:
        raise FileRefused(name, ["biểu mẫu không phải của Tháng hành động"])
    _logging_unit(engine, found, chosen)
    today = today_of(at)
    errors = [problem for row in form.rows for problem in _read_problems(row, chosen, today)]
    unread = {row.row for row in form.rows}
    errors += [f"dòng {number}: ô không đọc được" for number, _ in form.errors if number not in unread]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if sentence := _imported_sentence(engine, digest):
        errors.append(sentence)
    if not form.rows and not errors:
        errors.append("trang «Hoạt động» chưa có hoạt động nào")
    if errors:
        raise FileRefused(name, errors)
    try:
        recorded = record_form(engine, form, path, now=at.astimezone(VIETNAM), actor=viewer.actor)
    except ImportRefused:
        # Only what changed since the checks above: the same file imported meanwhile.
        raise FileRefused(name, [_imported_sentence(engine, digest) or "không nhập được: hãy tải lên lại"]) from None
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
