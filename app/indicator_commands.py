"""`dunghan indicators …`: the figures of an indicator table (Phụ lục 01), typed by the agencies
that answer for them, and the table of a year with its ratios and progress against the targets."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.errors import report_errors
from app.options import AtOption
from app.settings import get_settings
from app.workspace import current_actor, database
from rules.clock import clock_for
from rules.errors import DunghanError
from rules.loader import resolve_packs, shipped_packs

if TYPE_CHECKING:
    from models.indicators import IndicatorTable

indicators_app = typer.Typer(
    help="Indicator tables (Phụ lục 01): enter figures, fill in forms, report progress against targets.",
    no_args_is_help=True,
)

YearOption = Annotated[int, typer.Option("--year", help="The year of the figures (the report's period).")]
PackOption = Annotated[
    str | None, typer.Option("--pack", help="The pack (id or file); default: the shipped one with a table that year.")
]
FormOption = Annotated[str | None, typer.Option("--form", help="The table's form id, when a pack has several.")]
ByOption = Annotated[str | None, typer.Option("--by", help="Who enters the figures (for the audit trail).")]


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    docx = "docx"


def _table(pack: str | None, year: int, form: str | None) -> IndicatorTable:
    from models.indicators import table_for
    from rules.indicators import indicator_tables

    if pack is not None:
        [item] = resolve_packs([pack])
        return table_for(item.pack, year, form)
    found = [p.pack for p in shipped_packs() if p.pack.applies_in(year) and indicator_tables(p.pack)]
    if not found:
        raise DunghanError(f"no shipped pack has an indicator table for {year}: name one with --pack")
    if len(found) > 1:
        raise DunghanError(
            f"several packs have indicator tables in {year} ({', '.join(p.id for p in found)}): choose with --pack"
        )
    return table_for(found[0], year, form)


@indicators_app.command("set")
@report_errors
def set_(
    unit: Annotated[str, typer.Argument(help="The code of the unit that answers for the indicator.")],
    code: Annotated[str, typer.Argument(help="The indicator's code in the table (TT), e.g. III.3.1.")],
    value: Annotated[
        str, typer.Argument(help="The figure: 48,5 or 48.5; dots between thousands: 12.000 is twelve thousand.")
    ],
    year: YearOption,
    pack: PackOption = None,
    form: FormOption = None,
    note: Annotated[str | None, typer.Option("--note", help="Where the figure comes from.")] = None,
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    """Enter one figure. Ratios (tỷ lệ with a numerator and a denominator) are computed from their
    two rows and refused here.

    Example: dunghan indicators set 27-SLDTBXH III.3.1 12 --year 2024
    """
    from models.indicators import ValueRow, save_values
    from rules.numbers import parse_figure, vn_number

    try:
        figure = parse_figure(value)
    except ValueError:
        raise DunghanError(f"value {value!r} is not a number (write 48.5 or 48,5)") from None
    table = _table(pack, year, form)
    summary = save_values(
        database(),
        table=table,
        rows=[ValueRow(None, unit, code, figure, note)],
        at=clock_for(at)(),
        actor=current_actor(by),
        source="cli",
    )
    what = "unchanged" if summary.unchanged else "corrected" if summary.changed else "entered"
    typer.echo(f"{unit} {code} {year}: {vn_number(figure, 6)} ({what})")


@indicators_app.command("template")
@report_errors
def template(
    unit: Annotated[str, typer.Argument(help="The unit whose indicators the form lists.")],
    year: YearOption,
    pack: PackOption = None,
    form: FormOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The .xlsx to write; default chi-tieu-UNIT-YEAR.xlsx here.")
    ] = None,
) -> None:
    """Write the form a unit fills in: only the rows it answers for, never a ratio, with the figures
    already entered; the Kết quả cells refuse what is not a valid figure.

    Example: dunghan indicators template 27-SYT --year 2024 -o chi-tieu-syt.xlsx
    """
    from models.indicator_form import write_entry_form
    from models.indicators import responsible_units, stored_entries, table_results

    engine = database()
    table = _table(pack, year, form)
    responsible = responsible_units(engine, table=table)
    if unit not in responsible:
        raise DunghanError(
            f"unit {unit!r} answers for no indicator of {table.form.id} in {year}; "
            f"those that do: {', '.join(responsible) or 'none (import the tree first)'}"
        )
    stored = {
        code: e.value
        for code, entries in stored_entries(engine, table=table, responsible=responsible).items()
        for e in entries
        if e.unit == unit
    }
    progress = next(u for u in table_results(engine, table=table).units if u.unit.code == unit)
    path = output or Path(f"chi-tieu-{unit}-{year}.xlsx")
    count = write_entry_form(path, table=table, unit=responsible[unit], stored=stored, due_date=progress.due_date)
    due = f"; due {progress.due_date:%d/%m/%Y}" if progress.due_date else ""
    typer.echo(f"wrote {path} ({count} indicator(s) of {responsible[unit].name}{due})")


@indicators_app.command("import")
@report_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A form written by `dunghan indicators template`, filled in.")],
    by: ByOption = None,
    at: AtOption = None,
) -> None:
    """Store the figures of a filled form; if any row is wrong, every error is listed and none is kept.

    Example: dunghan indicators import chi-tieu-syt.xlsx
    """
    from models.indicator_form import read_entry_form
    from models.indicators import save_values

    entry = read_entry_form(file)
    table = _table(entry.pack_id, entry.year, entry.form_id)
    summary = save_values(
        database(),
        table=table,
        rows=entry.rows,
        at=clock_for(at)(),
        actor=current_actor(by),
        source=file.name[:120],
        label=file.name,
    )
    typer.echo(f"{file.name}: {summary.created} entered, {summary.changed} corrected, {summary.unchanged} unchanged")


@indicators_app.command("report")
@report_errors
def report(
    year: YearOption,
    format_: Annotated[ReportFormat, typer.Option("--format", "-f", help="xlsx (the table) or docx (the report).")],
    pack: PackOption = None,
    form: FormOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write; default the data folder's reports/.")
    ] = None,
) -> None:
    """The table of a year in the layout of Phụ lục 01: every row, ratios computed, progress against
    the 2025 and 2030 targets, and who has not entered yet. DOCX is the compiling agency's report in
    the administrative layout (Nghị định 30/2020/NĐ-CP); the path written is printed.

    Example: dunghan indicators report --year 2024 --format docx
    """
    from models.indicators import table_results

    table = _table(pack, year, form)
    results = table_results(database(), table=table)
    name = f"ket-qua-chi-tieu-{table.pack.id}-{year}.{format_.value}"
    path = output or get_settings().home / "reports" / name
    if format_ is ReportFormat.xlsx:
        from reports.indicator_xlsx import write_indicator_xlsx

        write_indicator_xlsx(results, path)
    else:
        from reports.indicator_docx import write_indicator_docx

        write_indicator_docx(results, path)
    typer.echo(str(path))
