"""Indicator tables (Phụ lục 01), the use cases: which table a pack and year mean, one figure
entered, a unit's form written, a filled form read and stored, the year's table as a file.

The spreadsheet and document writers load only in the use cases that write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine

from app.packs_in_force import packs_in_force, resolve_pack
from models.indicators import (
    IndicatorTable,
    SaveSummary,
    ValueRow,
    responsible_units,
    save_values,
    stored_entries,
    table_for,
    table_results,
)
from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.indicators import indicator_tables


@dataclass(frozen=True)
class EntryForm:
    """A unit's form written: where, how many rows it lists, the unit's name, its due date."""

    path: Path
    rows: int
    unit_name: str
    due_date: date | None


@dataclass(frozen=True)
class FilledForm:
    """A filled form read: the table it belongs to and its figures, not yet stored."""

    table: IndicatorTable
    rows: list[ValueRow]


def indicator_table(pack: str | None, year: int, form: str | None = None) -> IndicatorTable:
    """The table of ``pack`` (an id or a file) for ``year``; without a pack, that of the one
    shipped pack with an indicator table that year. ``form`` chooses among a pack's tables."""
    if pack is not None:
        item = resolve_pack(pack)
        return table_for(item.pack, year, form)
    found = [p.pack for p in packs_in_force() if p.pack.applies_in(year) and indicator_tables(p.pack)]
    if not found:
        raise DunghanError(
            _("no shipped pack has an indicator table for {year}: name one with {field}").format(
                year=year, field=FIELD
            ),
            field="pack",
        )
    if len(found) > 1:
        raise DunghanError(
            _("several packs have indicator tables in {year} ({packs}): choose with {field}").format(
                year=year, packs=", ".join(p.id for p in found), field=FIELD
            ),
            field="pack",
        )
    return table_for(found[0], year, form)


def enter_value(
    engine: Engine,
    table: IndicatorTable,
    *,
    unit: str,
    code: str,
    value: float,
    note: str | None,
    at: datetime,
    actor: str,
    source: str,
) -> SaveSummary:
    """Store one figure of the unit ``unit`` for the row ``code``; a ratio is computed, never entered."""
    return save_values(
        engine, table=table, rows=[ValueRow(None, unit, code, value, note)], at=at, actor=actor, source=source
    )


def write_entry_form(engine: Engine, table: IndicatorTable, unit: str, path: Path) -> EntryForm:
    """Write the form of the unit ``unit``: only the rows it answers for, with the figures already
    entered; refused, naming those that do, when it answers for none."""
    from reports.indicator_form import write_entry_form as write_form

    responsible = responsible_units(engine, table=table)
    if unit not in responsible:
        raise DunghanError(
            _("unit {unit!r} answers for no indicator of {form} in {year}; those that do: {units}").format(
                unit=unit,
                form=table.form.id,
                year=table.year,
                units=", ".join(responsible) or _("none (import the tree first)"),
            )
        )
    stored = {
        code: e.value
        for code, entries in stored_entries(engine, table=table, responsible=responsible).items()
        for e in entries
        if e.unit == unit
    }
    progress = next(u for u in table_results(engine, table=table).units if u.unit.code == unit)
    count = write_form(path, table=table, unit=responsible[unit], stored=stored, due_date=progress.due_date)
    return EntryForm(path, count, responsible[unit].name, progress.due_date)


def read_filled_form(path: Path) -> FilledForm:
    """A form written by :func:`write_entry_form` and filled in, with the table it names."""
    from reports.indicator_form import read_entry_form

    entry = read_entry_form(path)
    return FilledForm(indicator_table(entry.pack_id, entry.year, entry.form_id), entry.rows)


def store_form(engine: Engine, form: FilledForm, *, name: str, at: datetime, actor: str) -> SaveSummary:
    """Store a filled form's figures (``name`` is its file's): all of them, or none with every error listed."""
    return save_values(engine, table=form.table, rows=form.rows, at=at, actor=actor, source=name[:120], label=name)


def write_report(
    engine: Engine, table: IndicatorTable, kind: Literal["xlsx", "docx"], *, home: Path, path: Path | None = None
) -> Path:
    """Write the year's table (xlsx) or the compiling agency's report (docx), by default to
    ``home``'s reports/; returns the path written."""
    results = table_results(engine, table=table)
    target = path or home / "reports" / f"ket-qua-chi-tieu-{table.pack.id}-{table.year}.{kind}"
    if kind == "xlsx":
        from reports.indicator_xlsx import write_indicator_xlsx

        write_indicator_xlsx(results, target)
    else:
        from reports.indicator_docx import write_indicator_docx

        write_indicator_docx(results, target)
    return target
