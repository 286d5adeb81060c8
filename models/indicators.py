"""Indicator figures (Phụ lục 01) in the database: who answers for which row, typing figures (one
from the command line, many from a spreadsheet, all or nothing), and a year's table with its ratios
and progress against the targets.

Who answers for a row comes from the pack: the row's 'đơn vị chủ trì' names agencies, and the
form's ``agencies`` says which units of the tree each one is. Those units are reporters of the
report that owns the form, so their obligation to send it is their obligation to enter the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlmodel import col

from models.database import read_connection, transaction
from models.org_rows import ImportRefused
from models.planning import scope_paths
from models.tables import AuditEvent, Cycle, IndicatorValue, Obligation, Unit
from models.units import valid_on
from rules.deadlines import report_periods
from rules.errors import ACTION
from rules.i18n import _
from rules.indicators import (
    Entry,
    IndicatorError,
    ResultRow,
    indicator_table,
    refusal,
    results,
    typed_indicators,
    value_problem,
)
from rules.numbers import vn_number
from rules.periods import Period
from rules.schema import Form, Pack, Report


@dataclass(frozen=True)
class IndicatorTable:
    """A pack's indicator table for one year: the report that carries it and that report's period."""

    pack: Pack
    report: Report
    form: Form
    year: int
    period: Period


@dataclass(frozen=True)
class Responsible:
    """A unit that answers for rows of the table, as the agencies it stands for."""

    unit_id: int
    code: str
    name: str
    agencies: tuple[str, ...]


@dataclass(frozen=True)
class ValueRow:
    """A figure to store; ``row`` is the spreadsheet row (None from the command line), ``sheet`` its
    sheet when the workbook has several."""

    row: int | None
    unit: str
    code: str
    value: float
    note: str | None = None
    sheet: str | None = None

    @property
    def place(self) -> str:
        """Where the row is, for an error: ``row 4`` or ``sheet Bổ sung, row 4``."""
        if self.sheet:
            return _("sheet {sheet}, row {row}").format(sheet=self.sheet, row=self.row)
        return _("row {row}").format(row=self.row)


@dataclass(frozen=True)
class SaveSummary:
    created: int
    changed: int
    unchanged: int


@dataclass(frozen=True)
class UnitProgress:
    """How far one responsible unit has got: rows typed of rows expected, and its obligation."""

    unit: Responsible
    typed: int
    expected: int
    due_date: date | None
    state: str | None


@dataclass(frozen=True)
class IndicatorResults:
    table: IndicatorTable
    rows: list[ResultRow]
    units: list[UnitProgress]


def table_for(pack: Pack, year: int, form_id: str | None = None) -> IndicatorTable:
    """The pack's indicator table for ``year``; refused when the pack's report has no period then."""
    report, form = indicator_table(pack, form_id)
    periods = report_periods(pack, report, year)
    if not periods:
        raise IndicatorError(
            _("pack {pack} does not ask for report {report} in {year}").format(
                pack=pack.id, report=report.id, year=year
            )
        )
    return IndicatorTable(pack, report, form, year, periods[-1])


def responsible_units(engine: Engine, *, table: IndicatorTable) -> dict[str, Responsible]:
    """The units valid at the end of the period that answer for rows of the table, by code."""
    day = table.period.end
    paths = tuple(scope_paths(engine, table.pack.scope, day))
    query = select(
        col(Unit.id), col(Unit.code), col(Unit.name), col(Unit.level), col(Unit.unit_type), col(Unit.path)
    ).where(valid_on(day))
    with read_connection(engine) as connection:
        units = [u for u in connection.execute(query) if not paths or u.path.startswith(paths)]
    found: dict[str, Responsible] = {}
    for unit in sorted(units, key=lambda u: u.code):
        agencies = tuple(
            agency.name
            for agency in table.form.agencies
            if any(s.matches(unit.level, unit.unit_type, unit.code) for s in agency.units)
        )
        if agencies:
            found[unit.code] = Responsible(unit.id, unit.code, unit.name, agencies)
    return found


def expected_units(table: IndicatorTable, responsible: dict[str, Responsible]) -> dict[str, list[str]]:
    """For each typed row, the units that should type it."""
    expected: dict[str, list[str]] = {}
    for unit in responsible.values():
        for indicator in typed_indicators(table.form, unit.agencies):
            expected.setdefault(indicator.code, []).append(unit.code)
    return expected


def _problem(table: IndicatorTable, responsible: dict[str, Responsible], row: ValueRow) -> str | None:
    indicator = table.form.indicator(row.code)
    if indicator is None:
        return _("{form} of pack {pack} has no indicator {code!r}").format(
            form=table.form.id, pack=table.pack.id, code=row.code
        )
    if (why := refusal(indicator)) is not None:
        return why
    unit = responsible.get(row.unit)
    if unit is None:
        return _("unit {unit!r} answers for no indicator of {form} in {year} ({action} lists a unit's rows)").format(
            unit=row.unit, form=table.form.id, year=table.year, action=ACTION
        )
    if not set(unit.agencies).intersection(indicator.agencies()):
        return _("{unit} does not answer for {code}: its agency is {agency}").format(
            unit=row.unit, code=row.code, agency=indicator.agency
        )
    return value_problem(indicator, row.value)


def save_values(
    engine: Engine,
    *,
    table: IndicatorTable,
    rows: Sequence[ValueRow],
    at: datetime,
    actor: str,
    source: str,
    label: str | None = None,
) -> SaveSummary:
    """Store every figure in one transaction, or none: each refused row is listed as
    ``label: row N, column Kết quả (UNIT CODE): why``. A figure typed again replaces the old one,
    and the change is written to the audit trail."""
    responsible = responsible_units(engine, table=table)
    errors: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        problem = _problem(table, responsible, row)
        if problem is None and (row.unit, row.code) in seen:
            problem = _("{unit} {code} is also on {place}").format(
                unit=row.unit, code=row.code, place=seen[(row.unit, row.code)]
            )
        seen.setdefault((row.unit, row.code), row.place)
        if problem is None:
            continue
        if label is None:
            raise IndicatorError(problem, action="indicators template")
        errors.append(
            _("{file}: {place}, column Kết quả ({unit} {code}): {problem}").format(
                file=label, place=row.place, unit=row.unit, code=row.code, problem=problem
            )
        )
    if errors:
        raise ImportRefused(errors, action="indicators template")
    key = (col(IndicatorValue.pack_id) == table.pack.id, col(IndicatorValue.form_id) == table.form.id)
    created = changed = unchanged = 0
    with transaction(engine) as session:
        stored = {
            (r.unit_id, r.indicator_code): r
            for r in session.execute(
                select(
                    col(IndicatorValue.id),
                    col(IndicatorValue.unit_id),
                    col(IndicatorValue.indicator_code),
                    col(IndicatorValue.value),
                )
                .where(*key, col(IndicatorValue.year) == table.year)
                .with_for_update()
            )
        }
        events = []
        for row in rows:
            unit = responsible[row.unit]
            old = stored.get((unit.unit_id, row.code))
            values = {"value": row.value, "note": row.note, "source": source, "entered_by": actor, "entered_at": at}
            if old is None:
                new_id = session.execute(
                    insert(IndicatorValue)
                    .values(
                        pack_id=table.pack.id,
                        form_id=table.form.id,
                        year=table.year,
                        indicator_code=row.code,
                        unit_id=unit.unit_id,
                        **values,
                    )
                    .returning(col(IndicatorValue.id))
                ).scalar_one()
                created += 1
                note = f"{row.unit} {row.code} {table.year}: {vn_number(row.value)}"
            elif old.value == row.value:
                unchanged += 1
                continue
            else:
                new_id = old.id
                session.execute(update(IndicatorValue).where(col(IndicatorValue.id) == old.id).values(**values))
                changed += 1
                note = f"{row.unit} {row.code} {table.year}: {vn_number(old.value)} → {vn_number(row.value)}"
            events.append(
                {
                    "at": at,
                    "actor": actor,
                    "entity": "indicator_value",
                    "entity_id": new_id,
                    "action": "entered" if old is None else "corrected",
                    "note": f"{note} ({source})",
                }
            )
        if events:
            session.execute(insert(AuditEvent), events)
    return SaveSummary(created, changed, unchanged)


def stored_entries(
    engine: Engine, *, table: IndicatorTable, responsible: dict[str, Responsible]
) -> dict[str, list[Entry]]:
    """The figures typed for the table's year, by indicator code, each with the agency it counts for."""
    query = (
        select(col(IndicatorValue.indicator_code), col(Unit.code), col(IndicatorValue.value))
        .join(Unit, col(Unit.id) == col(IndicatorValue.unit_id))
        .where(
            col(IndicatorValue.pack_id) == table.pack.id,
            col(IndicatorValue.form_id) == table.form.id,
            col(IndicatorValue.year) == table.year,
        )
        .order_by(col(IndicatorValue.indicator_code), col(Unit.code))
    )
    entries: dict[str, list[Entry]] = {}
    with read_connection(engine) as connection:
        for code, unit_code, value in connection.execute(query):
            indicator = table.form.indicator(code)
            unit = responsible.get(unit_code)
            names = indicator.agencies() if indicator else []
            agency = next((n for n in names if unit and n in unit.agencies), "")
            entries.setdefault(code, []).append(Entry(unit_code, agency, value))
    return entries


def table_results(engine: Engine, *, table: IndicatorTable) -> IndicatorResults:
    """The year's table as Phụ lục 01 shows it, and how far each responsible unit has got."""
    responsible = responsible_units(engine, table=table)
    entries = stored_entries(engine, table=table, responsible=responsible)
    expected = expected_units(table, responsible)
    rows = results(table.form, entries, table.year, expected)
    obligations: dict[int, tuple[date, str]] = {}
    query = (
        select(col(Obligation.unit_id), col(Obligation.due_date), col(Obligation.state))
        .join(Cycle, col(Cycle.id) == col(Obligation.cycle_id))
        .where(
            col(Cycle.pack_id) == table.pack.id,
            col(Obligation.report_id) == table.report.id,
            col(Obligation.period) == table.period.label,
            col(Obligation.retired).is_(False),
        )
        .order_by(col(Obligation.hop).desc())
    )
    with read_connection(engine) as connection:
        for unit_id, due_date, state in connection.execute(query):
            obligations[unit_id] = (due_date, state)  # the lowest hop wins: the unit's own report
    units = []
    for unit in responsible.values():
        wanted = [i.code for i in typed_indicators(table.form, unit.agencies)]
        typed = sum(1 for code in wanted if any(e.unit == unit.code for e in entries.get(code, ())))
        due, state = obligations.get(unit.unit_id, (None, None))
        units.append(UnitProgress(unit, typed, len(wanted), due, state))
    return IndicatorResults(table, rows, units)


def units_among(engine: Engine, unit_ids: Sequence[int], where: Any) -> set[int]:
    """Which of ``unit_ids`` the condition ``where`` on units allows (a person's scope)."""
    if not unit_ids:
        return set()
    query = select(col(Unit.id)).where(col(Unit.id).in_(sorted(set(unit_ids))), where)
    with read_connection(engine) as connection:
        return {row[0] for row in connection.execute(query)}


def unit_figures(engine: Engine, *, table: IndicatorTable, unit_id: int) -> dict[str, tuple[float, str | None]]:
    """The figures one unit has entered for the table's year, by indicator code: (value, note)."""
    query = select(col(IndicatorValue.indicator_code), col(IndicatorValue.value), col(IndicatorValue.note)).where(
        col(IndicatorValue.pack_id) == table.pack.id,
        col(IndicatorValue.form_id) == table.form.id,
        col(IndicatorValue.year) == table.year,
        col(IndicatorValue.unit_id) == unit_id,
    )
    with read_connection(engine) as connection:
        return {code: (value, note) for code, value, note in connection.execute(query)}
