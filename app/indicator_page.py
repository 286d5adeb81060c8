"""The indicator table (Phụ lục 01) on the web pages, the use cases: the year's table with its
progress against the 2025 and 2030 targets and its files, and the form in which a responsible
unit enters its figures (ratios are computed from their two rows, never typed).

Who reads a year's table: a person whose scope (a condition in the SQL) holds a unit that answers
for it; who enters: a person of a unit that answers for rows (an officer, a reviewer or an admin
there; a supervisor only reads). The figures are stored by ``models.indicators.save_values``, the
same as ``dunghan indicators set`` and ``import``, audit trail included.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine

from app import indicators
from app.packs_in_force import packs_in_force
from app.worklist import ROLE_NAMES, NotAllowed
from models.indicators import (
    IndicatorResults,
    IndicatorTable,
    Responsible,
    SaveSummary,
    ValueRow,
    responsible_units,
    save_values,
    table_results,
    unit_figures,
    units_among,
)
from models.worklist import NotVisible, Viewer, visible_unit
from reports.indicator_rows import TARGET_YEARS, PrintedRow, printed_rows
from rules.calendar import VIETNAM
from rules.errors import DunghanError
from rules.i18n import _
from rules.indicators import indicator_tables, is_count, typed_indicators
from rules.numbers import parse_figure, vn_number
from rules.periods import period_name
from rules.schema import Indicator

READ_ONLY_ROLES = ("supervisor",)
SOURCE = "web"


class FiguresRefused(DunghanError):
    """Figures the form cannot take: what is wrong, row by row."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        listed = "; ".join(f"{k}: {v}" for k, v in self.problems.items())
        super().__init__(_("Not saved, to correct: {problems}").format(problems=listed))


@dataclass(frozen=True)
class YearTable:
    """A year's indicator table and who answers for it."""

    year: int
    table: IndicatorTable
    responsible: dict[str, Responsible]


def _table_years(at: datetime) -> list[int]:
    """The years, newest first up to this one, for which one shipped pack has an indicator table."""
    this_year = at.astimezone(VIETNAM).date().year
    packs = [p.pack for p in packs_in_force() if indicator_tables(p.pack)]
    first = min((p.valid_from.year for p in packs), default=this_year)
    return [y for y in range(this_year, first - 1, -1) if sum(1 for p in packs if p.applies_in(y)) == 1]


def _year_table(engine: Engine, year: int) -> YearTable | None:
    try:
        table = indicators.indicator_table(None, year)
        return YearTable(year, table, responsible_units(engine, table=table))
    except DunghanError:  # no table that year, or its pack's scope is not in the tree
        return None


def _readable(engine: Engine, viewer: Viewer, found: YearTable) -> bool:
    """Whether the person's scope holds a unit that answers for the table."""
    ids = [r.unit_id for r in found.responsible.values()]
    return bool(units_among(engine, ids, visible_unit(viewer)))


def _own(viewer: Viewer, found: YearTable) -> Responsible | None:
    """The person's unit, when it answers for rows of the table."""
    unit = found.responsible.get(viewer.unit.code)
    return unit if unit is not None and unit.unit_id == viewer.unit.id else None


def _visible_years(engine: Engine, viewer: Viewer, at: datetime) -> list[YearTable]:
    found = [_year_table(engine, y) for y in _table_years(at)]
    return [t for t in found if t is not None and _readable(engine, viewer, t)]


def _chosen(engine: Engine, viewer: Viewer, at: datetime, year: int | None) -> tuple[YearTable | None, list[int]]:
    tables = _visible_years(engine, viewer, at)
    years = [t.year for t in tables]
    if year is None:
        return (tables[0] if tables else None), years
    for table in tables:
        if table.year == year:
            return table, years
    raise NotVisible()


@dataclass(frozen=True)
class ShownRow:
    """A row of the table as the page shows it: printed as Phụ lục 01 does, with its standing."""

    printed: PrintedRow
    status: str  # xanh (met), cam (short of the target), xam (no figure or no target)
    is_ratio: bool


@dataclass(frozen=True)
class ProgressPage:
    year: int | None
    years: list[int]
    table: IndicatorTable | None
    results: IndicatorResults | None
    rows: list[ShownRow]
    own: Responsible | None  # the person's unit when it answers for rows
    may_enter: bool

    @property
    def title(self) -> str:
        return self.table.form.title if self.table else ""

    @property
    def period(self) -> str:
        return period_name(self.table.period.label) if self.table else ""

    @property
    def target_years(self) -> tuple[int, ...]:
        return TARGET_YEARS

    @property
    def measured(self) -> list[ShownRow]:
        return [r for r in self.rows if not r.printed.heading and r.printed.targets != ["", ""]]

    @property
    def met(self) -> int:
        return sum(1 for r in self.measured if r.status == "xanh")

    @property
    def short(self) -> int:
        return sum(1 for r in self.measured if r.status == "cam")

    @property
    def without(self) -> int:
        return sum(1 for r in self.measured if r.printed.value is None)

    @property
    def typed(self) -> int:
        return sum(u.typed for u in self.results.units) if self.results else 0

    @property
    def expected(self) -> int:
        return sum(u.expected for u in self.results.units) if self.results else 0


def _status(row_met: bool | None, value: float | None) -> str:
    if value is None or row_met is None:
        return "xam"
    return "xanh" if row_met else "cam"


def progress_page(engine: Engine, viewer: Viewer, *, at: datetime, year: int | None = None) -> ProgressPage:
    """The year's table (the newest the person may read by default) with its progress; an empty
    page when the person may read none, :class:`NotVisible` for a year they may not read."""
    found, years = _chosen(engine, viewer, at, year)
    if found is None:
        return ProgressPage(None, [], None, None, [], None, False)
    results = table_results(engine, table=found.table)
    printed = printed_rows(results)
    rows = [
        ShownRow(p, _status(r.progress.met if r.progress else None, r.value), r.indicator.is_ratio)
        for p, r in zip(printed, results.rows, strict=True)
    ]
    own = _own(viewer, found)
    return ProgressPage(
        found.year, years, found.table, results, rows, own, own is not None and viewer.role not in READ_ONLY_ROLES
    )


def report_file(
    engine: Engine, viewer: Viewer, kind: Literal["xlsx", "docx"], *, at: datetime, year: int | None = None
) -> tuple[str, bytes]:
    """The year's table (xlsx) or the compiling agency's report (docx), the files of
    ``dunghan indicators report``: (file name, content)."""
    found, _years = _chosen(engine, viewer, at, year)
    if found is None:
        raise NotVisible()
    with tempfile.TemporaryDirectory(prefix="dunghan-chi-tieu-") as folder:
        path = indicators.write_report(engine, found.table, kind, home=Path(folder))
        return path.name, path.read_bytes()


@dataclass(frozen=True)
class EntryRow:
    indicator: Indicator
    kind: Literal["percent", "count", "other"]

    @property
    def field(self) -> str:
        return f"ct:{self.indicator.code}"

    @property
    def note_field(self) -> str:
        return f"gc:{self.indicator.code}"

    @property
    def hint(self) -> str:
        if self.kind == "percent":
            return "tỷ lệ %, từ 0 đến 100"
        if self.kind == "count":
            return f"số nguyên ({self.indicator.unit})"
        return f"số ({self.indicator.unit})" if self.indicator.unit else "số"


@dataclass(frozen=True)
class RatioRow:
    """A ratio the unit's figures feed: computed, shown beside the form, never typed."""

    code: str
    name: str
    numerator: str
    denominator: str
    value: str  # as printed, or '' while it cannot be computed
    note: str


@dataclass(frozen=True)
class EntryPage:
    year: int
    table: IndicatorTable
    unit: Responsible
    rows: list[EntryRow]
    ratios: list[RatioRow]
    values: dict[str, str]  # the form's fields as stored
    due_date: date | None
    typed: int

    @property
    def period(self) -> str:
        return period_name(self.table.period.label)


def _kind(indicator: Indicator) -> Literal["percent", "count", "other"]:
    return "percent" if indicator.unit == "%" else "count" if is_count(indicator) else "other"


def _shown_value(value: float) -> str:
    return vn_number(value, 6)


def _entry_table(engine: Engine, viewer: Viewer, at: datetime, year: int | None) -> tuple[YearTable, Responsible]:
    found, _years = _chosen(engine, viewer, at, year)
    if found is None:
        raise NotVisible()
    own = _own(viewer, found)
    if own is None:
        raise NotAllowed(
            _("{unit} answers for no indicator of the table of {year}").format(unit=viewer.unit.name, year=found.year)
        )
    if viewer.role in READ_ONLY_ROLES:
        raise NotAllowed(
            _("the role {role} may only read the figures").format(role=ROLE_NAMES.get(viewer.role, viewer.role))
        )
    return found, own


def entry_page(engine: Engine, viewer: Viewer, *, at: datetime, year: int | None = None) -> EntryPage:
    """The form of the rows the person's unit answers for, with what it has entered."""
    found, own = _entry_table(engine, viewer, at, year)
    typed = typed_indicators(found.table.form, own.agencies)
    stored = unit_figures(engine, table=found.table, unit_id=own.unit_id)
    values: dict[str, str] = {}
    rows = [EntryRow(i, _kind(i)) for i in typed]
    for row in rows:
        if row.indicator.code in stored:
            value, note = stored[row.indicator.code]
            values[row.field] = _shown_value(value)
            values[row.note_field] = note or ""
    codes = {i.code for i in typed}
    results = table_results(engine, table=found.table)
    progress = next((u for u in results.units if u.unit.unit_id == own.unit_id), None)
    ratios = [
        RatioRow(
            r.indicator.code,
            r.indicator.name,
            r.indicator.numerator or "",
            r.indicator.denominator or "",
            "" if r.value is None else f"{vn_number(r.value)}%",
            r.note or "",
        )
        for r in results.rows
        if r.indicator.is_ratio and {r.indicator.numerator, r.indicator.denominator} & codes
    ]
    return EntryPage(
        found.year,
        found.table,
        own,
        rows,
        ratios,
        values,
        progress.due_date if progress else None,
        progress.typed if progress else 0,
    )


def _problem(row: EntryRow, value: float) -> str | None:
    """What is wrong with a figure (the checks of ``rules.indicators.value_problem``)."""
    if value < 0:
        return _("{value} is negative").format(value=vn_number(value))
    if row.kind == "percent" and value > 100:
        return _("{value} is not a percentage from 0 to 100").format(value=vn_number(value))
    if row.kind == "count" and not float(value).is_integer():
        return _("{value} is not a whole number ({unit})").format(value=vn_number(value), unit=row.indicator.unit)
    return None


@dataclass(frozen=True)
class Saved:
    year: int
    summary: SaveSummary


def save_figures(
    engine: Engine, viewer: Viewer, values: Mapping[str, str], *, at: datetime, year: int | None = None
) -> Saved:
    """Store the figures typed in the form (a blank one is left as it is): all of them, or none
    with every problem named by its row."""
    found, own = _entry_table(engine, viewer, at, year)
    rows = [EntryRow(i, _kind(i)) for i in typed_indicators(found.table.form, own.agencies)]
    problems: dict[str, str] = {}
    figures: list[ValueRow] = []
    for row in rows:
        text = (values.get(row.field) or "").strip()
        if not text:
            continue
        try:
            value = parse_figure(text)
        except ValueError:
            problems[row.indicator.code] = _(
                "«{text}» is not a number (write 48,5 or 48.5; 12.000 is twelve thousand)"
            ).format(text=text)
            continue
        if why := _problem(row, value):
            problems[row.indicator.code] = why
            continue
        note = (values.get(row.note_field) or "").strip()[:1000] or None
        figures.append(ValueRow(None, own.code, row.indicator.code, value, note))
    if problems:
        raise FiguresRefused(problems)
    summary = save_values(engine, table=found.table, rows=figures, at=at, actor=viewer.actor, source=SOURCE)
    return Saved(found.year, summary)
