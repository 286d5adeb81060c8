"""`dunghan org …`: the administrative tree and its contacts."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.workspace import database
from cli.errors import report_errors
from cli.options import FormatOption
from cli.output import Format
from reports.table_xlsx import write_sheet
from rules.clock import clock_for

if TYPE_CHECKING:
    from app.shipped_trees import Step

org_app = typer.Typer(help="The administrative tree: units and contacts.", no_args_is_help=True)


class TemplateKind(StrEnum):
    units = "units"
    contacts = "contacts"


@org_app.command("import")
@report_errors
def import_(
    source: Annotated[
        str,
        typer.Argument(
            help="shipped (every tree the shipped packs need, and the lineage), vietnam-provinces, "
            "or a .csv/.xlsx/.yaml file of units, contacts or lineage."
        ),
    ],
    province: Annotated[
        str | None,
        typer.Option("--province", help="With shipped or vietnam-provinces: one province of today (GSO code)."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Contacts attach to the unit holding their code on this day (YYYY-MM-DD; default: today).",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="The file lists all the contacts of its units: deactivate their contacts not in it.",
        ),
    ] = False,
) -> None:
    """Import units and contacts. Every row is checked first; one bad row refuses the whole file
    and nothing is written. Importing a file again changes nothing: a unit already stored (same
    code and valid_from) is updated if its fields changed, and a contact already stored (same
    unit, role and e-mail or Zalo) is updated instead of added twice. vietnam-provinces loads the
    official current list (34 provinces, 3,321 communes), skipping units already stored. shipped
    imports, in order, today's list, the departments the packs name, the 2024–2025 three-tier
    list and the lineage of the 2025 reform (which unit took over which).

    A GSO code names another unit after 01/07/2025: contacts attach to the unit holding their
    code on --at (default today), or to the unit of that code in the same file.

    Example: dunghan org import shipped --province 24
    Example: dunghan org import lien-he-2024.csv --at 2024-12-31
    """
    from app import org  # the database layer loads only when used

    engine = database()
    if source == "shipped":
        if replace or at:
            typer.echo("dunghan: --replace and --at go with a file of contacts, not with shipped", err=True)
            raise typer.Exit(2)

        def said(step: Step) -> None:
            if step.units is not None:
                u = step.units
                typer.echo(
                    f"{step.name}: {u.units_inserted} unit(s) inserted, {u.units_updated} updated, "
                    f"{u.units_unchanged} unchanged, {u.lineage_inserted} lineage link(s) added"
                )
            elif step.lineage is not None:
                typer.echo(
                    f"{step.name}: {step.lineage.inserted} lineage link(s) added, {step.lineage.unchanged} unchanged"
                )

        org.import_shipped(engine, province=province, progress=said)
        return
    if source == "vietnam-provinces":
        if replace:
            typer.echo("dunghan: --replace goes with a file of contacts, not with vietnam-provinces", err=True)
            raise typer.Exit(2)
        summary = org.import_official(engine, province)
        typer.echo(f"imported {summary.units_inserted} unit(s) from the official list (already stored ones skipped)")
        return
    if province:
        typer.echo("dunghan: --province goes with vietnam-provinces, not with a file", err=True)
        raise typer.Exit(2)
    imported = org.import_file(engine, source, today=lambda: clock_for(at)().date(), replace=replace)
    if isinstance(imported, org.LineageImported):
        linked = imported.summary
        typer.echo(
            f"imported {imported.rows} lineage row(s) from {imported.name} "
            f"({linked.inserted} added, {linked.unchanged} already stored)"
        )
        return
    done = imported.summary
    typer.echo(
        f"imported {imported.units} unit(s) and {imported.contacts} contact(s) from {imported.name} "
        f"(units: {done.units_inserted} inserted, {done.units_updated} updated, {done.units_unchanged} unchanged; "
        f"contacts: {done.contacts_inserted} inserted, {done.contacts_updated} updated, "
        f"{done.contacts_unchanged} unchanged, {done.contacts_deactivated} deactivated)"
    )


@org_app.command("template")
@report_errors
def template(
    kind: Annotated[TemplateKind, typer.Argument(help="units or contacts.")] = TemplateKind.units,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the CSV here.")] = None,
) -> None:
    """Write a template to fill in, with an example row marked # (never imported): CSV (UTF-8),
    or XLSX when --output ends in .xlsx.

    Example: dunghan org template contacts --output lien-he.csv
    """
    from app import org

    if output is not None and output.suffix.lower() == ".xlsx":
        columns = [(c, c) for c in org.template_columns(kind.value)]
        write_sheet(output, kind.value, [], columns, samples=[org.template_sample(kind.value)])
        typer.echo(f"wrote {output}")
        return
    text = org.template_text(kind.value)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")


@org_app.command("show")
@report_errors
def show(
    code: Annotated[str, typer.Argument(help="A unit's code (GSO code, or our own such as 24-SNV).")],
    at: Annotated[
        str | None, typer.Option("--at", help="The unit holding the code on this day (default: today).")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Show a unit: its parent on that day, its validity, the units it took over and those that
    took it over, and the other units that held the same code.

    Example: dunghan org show 07375 --at 2024-12-31
    """
    from app.org import unit_card

    card = unit_card(database(), code, clock_for(at)().date())
    if fmt is Format.json:
        typer.echo(json.dumps(card.as_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(card.as_text())


def register(app: typer.Typer) -> None:
    app.add_typer(org_app, name="org")
