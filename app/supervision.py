"""What supervisors ask, the use cases: what is overdue or due soon, the reporting rates, and a
report's rates period by period across the 2025 reform; and the supervisor's web pages on them
(the overdue list filtered, sorted and paged, the rates with their chart, a unit's page), each
for the acting :class:`Viewer`, scoped in SQL to what they may see."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine

from app.cycles import check_year
from app.packs_in_force import packs_in_force
from app.worklist import ROLE_NAMES, NotAllowed
from models import queries, unit_history, worklist
from models.queries import OverdueRow, StatusRow
from models.trend import TrendRow
from models.trend import trend as compute_trend
from models.unit_history import Choices, PeriodTally, SubUnit
from models.units import UnitRef, unit_at
from models.worklist import ContactRow, EventRow, NotVisible, Viewer, WorkRow
from reports import overdue_xlsx
from reports.rates_svg import percent, rates_chart
from rules.calendar import VIETNAM, WorkCalendar
from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.loader import calendar_for
from rules.periods import period_name
from rules.schema import LEVEL_NAMES, LEVEL_ORDER, UNIT_TYPE_NAMES
from rules.scope import Everywhere


def check_level(level: str | None) -> None:
    """A level among those of the tree, or a sentence naming them."""
    if level is not None and level not in LEVEL_NAMES:
        choices = ", ".join(f"{k} ({v})" for k, v in LEVEL_NAMES.items())
        raise DunghanError(
            _("{field} {level!r}: choose one of {choices}").format(field=FIELD, level=level, choices=choices),
            field="level",
        )


def overdue(
    engine: Engine,
    *,
    at: datetime,
    under: UnitRef | str | Everywhere,
    report: str | None = None,
    level: str | None = None,
    soon: int = 3,
    calendar: WorkCalendar | None = None,
    contacts: bool = True,
) -> list[OverdueRow]:
    """Open obligations past due at ``at``, then those due within ``soon`` working days, most
    late first; ``under`` is the unit holding that code on the day of ``at``; without
    ``contacts``, no focal points and heads (see :func:`queries.with_contacts`)."""
    check_level(level)
    return queries.overdue(
        engine,
        at=at,
        calendar=calendar or calendar_for(),
        under=under,
        report=report,
        level=level,
        soon=soon,
        contacts=contacts,
    )


def status(
    engine: Engine,
    *,
    at: datetime,
    year: int | None = None,
    under: UnitRef | str | Everywhere,
    under_on: date | None = None,
    report: str | None = None,
    level: str | None = None,
    with_predecessors: bool = False,
) -> list[StatusRow]:
    """Reporting rates per level, report and period; ``under`` is the unit holding that code on
    ``under_on``, else during ``year``, else on the day of ``at``."""
    check_level(level)
    if year is not None:
        check_year(year, today=at.astimezone(VIETNAM).date())
    return queries.status(
        engine,
        at=at,
        year=year,
        under=under,
        under_on=under_on,
        report=report,
        level=level,
        with_predecessors=with_predecessors,
    )


def trend_pack(report: str, pack: str | None, *, at: datetime) -> str:
    """The id of the pack whose ``report`` a trend follows: among the packs in force having it
    (only ``pack`` when given), the one in force on the day of ``at``, else the newest."""
    today = at.astimezone(VIETNAM).date()
    having = [p.pack for p in packs_in_force() if any(r.id == report for r in p.pack.reports)]
    if pack is not None:
        having = [p for p in having if p.id == pack]
    if not having:
        raise DunghanError(
            _("pack {pack} has no report {report!r}").format(pack=pack, report=report)
            if pack
            else _("no pack has a report {report!r}").format(report=report)
        )
    in_force = [p for p in having if p.valid_from <= today and (p.valid_to is None or p.valid_to >= today)]
    return max(in_force or having, key=lambda p: p.valid_from).id


def trend(engine: Engine, report: str, *, pack: str, under: str, at: datetime) -> list[TrendRow]:
    """The rates of ``report`` of ``pack`` period by period, with the reports it continues in
    earlier packs, over the unit holding ``under`` on the day of ``at`` and the units it took over."""
    today = at.astimezone(VIETNAM).date()
    packs = [p.pack for p in packs_in_force()]
    return compute_trend(engine, packs, pack, report, unit=unit_at(engine, under, today), at=at)


# The supervisor's web pages: each use case takes the acting Viewer; scope is in the SQL.

PAGE_SIZE = 100  # rows per page of the overdue list
STATUS_SLUGS = {"qua-han": "quá hạn", "sap-den-han": "sắp đến hạn"}  # the status filter, as the URL says it
SORTS = {"han": "hạn", "tre": "số ngày trễ", "don-vi": "đơn vị", "bao-cao": "báo cáo"}


def require_supervisor(viewer: Viewer) -> None:
    """Only supervisors and admins read the overdue list and the rates."""
    if not viewer.supervises:
        raise NotAllowed(
            _("the role {role} may not see this page").format(role=ROLE_NAMES.get(viewer.role, viewer.role))
        )


def folded(text: str) -> str:
    """``text`` without case or diacritics, for searching and sorting ('Xã Đại Sơn' → 'xa dai son')."""
    text = text.casefold().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class OverdueFilter:
    """What the overdue page asks: level, report, period, unit (text in its code or name), status
    (a key of STATUS_SLUGS), sort (a key of SORTS) and direction."""

    level: str | None = None
    report: str | None = None
    period: str | None = None
    unit: str | None = None
    status: str | None = None
    sort: str = "han"
    descending: bool = False


@dataclass(frozen=True)
class OverdueLine:
    """A row of the overdue list as the page shows it (read like a WorkRow by the shared macros:
    ``working_days`` below zero is late)."""

    row: OverdueRow
    unit_id: int | None

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def late(self) -> bool:
        return self.row.status == "quá hạn"

    @property
    def working_days(self) -> int:
        return -self.row.working_days if self.late else self.row.working_days

    def __getattr__(self, name: str) -> object:
        return getattr(self.row, name)

    # What a WorkRow has and an open obligation lacks.
    last_submitted_at = None
    rolled_reason = None
    return_reason = None


def _sort_key(sort: str) -> Any:
    if sort == "tre":
        return lambda r: (r.working_days if r.status == "quá hạn" else -r.working_days, r.due_at)
    if sort == "don-vi":
        return lambda r: (folded(r.unit_name), r.unit, r.due_at)
    if sort == "bao-cao":
        return lambda r: (folded(r.report_name), r.period, r.due_at)
    return lambda r: (r.due_at, r.unit, r.report)


def overdue_rows(
    engine: Engine, viewer: Viewer, *, at: datetime, wanted: OverdueFilter, contacts: bool = True
) -> list[OverdueRow]:
    """Every row of the overdue list under ``viewer``'s unit that ``wanted`` asks for, sorted."""
    require_supervisor(viewer)
    rows = overdue(
        engine,
        at=at,
        under=viewer.unit,
        report=wanted.report or None,
        level=wanted.level or None,
        contacts=contacts,
    )
    if wanted.period:
        rows = [r for r in rows if r.period == wanted.period]
    if wanted.status in STATUS_SLUGS:
        rows = [r for r in rows if r.status == STATUS_SLUGS[wanted.status]]
    if wanted.unit and wanted.unit.strip():
        needle = folded(wanted.unit.strip())
        rows = [r for r in rows if needle in folded(r.unit) or needle in folded(r.unit_name)]
    sort = wanted.sort if wanted.sort in SORTS else "han"
    return sorted(rows, key=_sort_key(sort), reverse=wanted.descending)


@dataclass(frozen=True)
class OverduePage:
    lines: list[OverdueLine]
    total: int
    late: int
    soon: int
    page: int
    pages: int
    choices: Choices

    @property
    def first(self) -> int:
        """The number of the page's first row (1-based; 0 when none)."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def _overdue_in_sql(
    engine: Engine, viewer: Viewer, *, at: datetime, wanted: OverdueFilter, page: int
) -> tuple[list[OverdueRow], int, int, int]:
    """A page of the list sorted by due day, read by the database alone (a national list has
    48,000 rows): the rows, the count, how many are late, the page number kept within range."""
    narrowed: dict[str, Any] = {
        "at": at,
        "calendar": calendar_for(),
        "under": viewer.unit,
        "report": wanted.report or None,
        "level": wanted.level or None,
        "period": wanted.period or None,
        "late": {"qua-han": True, "sap-den-han": False}.get(wanted.status or ""),
    }
    total, late = queries.overdue_counts(engine, **narrowed)
    page = min(max(1, page), max(1, -(-total // PAGE_SIZE)))
    rows = queries.overdue(engine, **narrowed, page=((page - 1) * PAGE_SIZE, PAGE_SIZE), descending=wanted.descending)
    return rows, total, late, page


def overdue_page(engine: Engine, viewer: Viewer, *, at: datetime, wanted: OverdueFilter, page: int = 1) -> OverduePage:
    """'Quá hạn': a page of the overdue list, with its counts and the choices of its filters.
    Sorted by due day with no unit text to match, the database pages it; a search by unit name or
    a sort by name (compared without diacritics) goes through every row here."""
    require_supervisor(viewer)
    if (wanted.sort == "han" or wanted.sort not in SORTS) and not (wanted.unit or "").strip():
        paged, total, late, page = _overdue_in_sql(engine, viewer, at=at, wanted=wanted, page=page)
    else:
        rows = overdue_rows(engine, viewer, at=at, wanted=wanted, contacts=False)
        total, late = len(rows), sum(1 for r in rows if r.status == "quá hạn")
        page = min(max(1, page), max(1, -(-total // PAGE_SIZE)))
        paged = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    shown = queries.with_contacts(engine, paged)
    units = unit_history.obligation_units(engine, viewer, [r.id for r in shown])
    return OverduePage(
        [OverdueLine(r, units.get(r.id)) for r in shown],
        total,
        late,
        total - late,
        page,
        max(1, -(-total // PAGE_SIZE)),
        unit_history.choices(engine, viewer, open_only=True),
    )


def overdue_workbook(engine: Engine, viewer: Viewer, *, at: datetime, wanted: OverdueFilter) -> bytes:
    """The overdue list ``wanted`` asks for, every row, as an XLSX."""
    rows = overdue_rows(engine, viewer, at=at, wanted=wanted)
    return overdue_xlsx.overdue_workbook(rows, at=at, scope=f"{viewer.unit.name} ({viewer.unit.code})")


@dataclass(frozen=True)
class RateLine:
    """A row of the rates, named for people."""

    row: StatusRow
    report_name: str

    def __getattr__(self, name: str) -> object:
        return getattr(self.row, name)

    @property
    def expected(self) -> int:
        return self.row.expected

    @property
    def submitted(self) -> int:
        return self.row.submitted

    @property
    def on_time(self) -> int:
        return self.row.on_time

    @property
    def reporting_rate(self) -> float:
        return self.row.reporting_rate

    @property
    def timeliness_rate(self) -> float:
        return self.row.timeliness_rate

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.row.level, self.row.level)

    @property
    def label(self) -> str:
        """'Cấp xã · 6 tháng đầu năm 2026 · Báo cáo kết quả …' (the chart's)."""
        level = self.level_name[:1].upper() + self.level_name[1:]
        return f"{level} · {period_name(self.row.period)} · {self.report_name}"

    @property
    def reporting_text(self) -> str:
        return percent(self.row.reporting_rate)

    @property
    def timeliness_text(self) -> str:
        return percent(self.row.timeliness_rate)


@dataclass(frozen=True)
class RatesPage:
    lines: list[RateLine]
    year: int
    years: list[int]
    choices: Choices
    chart: str  # an SVG to set inline


def rates_page(
    engine: Engine,
    viewer: Viewer,
    *,
    at: datetime,
    year: int | None = None,
    report: str | None = None,
    level: str | None = None,
) -> RatesPage:
    """'Tỷ lệ báo cáo': the rates of a year (this year by default) under ``viewer``'s unit, with a chart."""
    require_supervisor(viewer)
    year = year or at.astimezone(VIETNAM).year
    groups = queries.named_status(engine, at=at, year=year, under=viewer.unit)  # the filters' choices too
    offered = _choices_of(groups)
    names = dict(offered.reports)
    lines = [
        RateLine(g.row, names.get(g.row.report, g.row.report))
        for g in groups
        if (not report or g.row.report == report) and (not level or g.row.level == level)
    ]
    years = sorted({year, *unit_history.cycle_years(engine, viewer)}, reverse=True)
    title = f"Tỷ lệ nộp và tỷ lệ đúng hạn năm {year}, {viewer.unit.name}"
    return RatesPage(lines, year, years, offered, rates_chart(lines, title=title))


def _choices_of(groups: list[queries.NamedStatus]) -> Choices:
    """What the rates page's filters offer: the reports (id, name), levels and periods of the
    rows, the newest period first (as :func:`unit_history.choices`)."""
    reports: dict[str, str] = {}
    first_due: dict[str, datetime] = {}
    for g in groups:
        reports[g.row.report] = min(reports.get(g.row.report, g.report_name), g.report_name)
        first_due[g.row.period] = min(first_due.get(g.row.period, g.first_due), g.first_due)
    periods = sorted(first_due, key=lambda p: (-first_due[p].timestamp(), p))
    return Choices(sorted(reports.items()), sorted({g.row.level for g in groups}), periods)


@dataclass(frozen=True)
class PeriodLine:
    """A unit's timeliness in one period, with the share sent on time (of those expected)."""

    tally: PeriodTally

    def __getattr__(self, name: str) -> object:
        return getattr(self.tally, name)

    @property
    def period_name(self) -> str:
        return period_name(self.tally.period)

    @property
    def on_time_text(self) -> str:
        t = self.tally
        return percent(round(100 * t.on_time / t.expected, 1)) if t.expected else "—"


@dataclass(frozen=True)
class UnitPage:
    """A unit's page: its obligations over the periods, its timeliness period by period, its
    contacts, its audit trail, the units under it a supervisor may open."""

    unit: UnitRef
    parent: UnitRef | None  # when the viewer may open it
    obligations: list[WorkRow]
    history: list[PeriodLine]
    contacts: list[ContactRow]
    events: list[tuple[EventRow, str, str]]
    children: list[SubUnit]

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.unit.level, self.unit.level)

    @property
    def type_name(self) -> str:
        return UNIT_TYPE_NAMES.get(self.unit.unit_type, self.unit.unit_type)

    @property
    def child_groups(self) -> list[ChildGroup]:
        """The units under it by kind (departments, communes…), the higher level first, each kind
        in the order of its names."""
        groups: dict[tuple[int, str], list[SubUnit]] = {}
        for child in self.children:
            groups.setdefault((-LEVEL_ORDER.get(child.level, 9), child.unit_type), []).append(child)
        named = []
        for (_order, unit_type), members in sorted(groups.items()):
            level = LEVEL_NAMES.get(members[0].level, members[0].level)
            kind = UNIT_TYPE_NAMES.get(unit_type, unit_type)
            members.sort(key=lambda c: (folded(c.name), c.code))
            named.append(ChildGroup(f"{kind[:1].upper()}{kind[1:]} ({level})", members))
        return named


@dataclass(frozen=True)
class ChildGroup:
    name: str
    members: list[SubUnit]

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.members)


def unit_page(engine: Engine, viewer: Viewer, unit_id: int, *, at: datetime) -> UnitPage:
    """A unit's page; :class:`NotVisible` when ``viewer`` may not open it (or it does not exist)."""
    unit = worklist.unit_for(engine, viewer, unit_id)
    parent = None
    if unit.parent_id is not None:
        try:
            parent = worklist.unit_for(engine, viewer, unit.parent_id)
        except NotVisible:
            parent = None
    calendar = calendar_for()
    return UnitPage(
        unit,
        parent,
        worklist.unit_obligations(engine, viewer, unit.id, at=at, calendar=calendar),
        [PeriodLine(t) for t in unit_history.timeliness_history(engine, viewer, unit.id, at=at)],
        worklist.contacts_of(engine, unit.id),
        worklist.unit_events(engine, viewer, unit.id),
        unit_history.sub_units(engine, viewer, unit.id, at=at, day=at.astimezone(VIETNAM).date()),
    )


def unit_holding(engine: Engine, viewer: Viewer, code: str, *, at: datetime) -> UnitRef:
    """The unit holding ``code`` on the day of ``at``, if ``viewer`` may open its page;
    :class:`NotVisible` otherwise (unknown and out of scope alike)."""
    try:
        unit = unit_at(engine, code.strip(), at.astimezone(VIETNAM).date())
    except DunghanError:
        raise NotVisible() from None
    return worklist.unit_for(engine, viewer, unit.id)
