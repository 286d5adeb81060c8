"""`dunghan org …`: the administrative tree and its contacts."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.errors import report_errors
from app.workspace import database
from app.xlsx import write_sheet
from models.org_rows import TEMPLATE_SAMPLES, read_org_file, template_columns, template_csv

org_app = typer.Typer(help="The administrative tree: units and contacts.", no_args_is_help=True)

SHIPPED_TREES = Path(__file__).resolve().parent.parent / "models" / "trees"


class TemplateKind(StrEnum):
    units = "units"
    contacts = "contacts"


@org_app.command("import")
@report_errors
def import_(
    source: Annotated[str, typer.Argument(help="vietnam-provinces, or a .csv/.xlsx/.yaml file of units or contacts.")],
    province: Annotated[
        str | None, typer.Option("--province", help="With vietnam-provinces: one province (GSO code).")
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
    official current list (34 provinces, 3,321 communes), skipping units already stored.

    Example: dunghan org import vietnam-provinces --province 24
    """
    from models.tree import import_org, official_rows  # the database layer loads only when used

    engine = database()
    if source == "vietnam-provinces":
        if replace:
            typer.echo("dunghan: --replace goes with a file of contacts, not with vietnam-provinces", err=True)
            raise typer.Exit(2)
        summary = import_org(engine, official_rows(province), [], source="vietnam-provinces", skip_existing=True)
        typer.echo(f"imported {summary.units_inserted} unit(s) from the official list (already stored ones skipped)")
        return
    if province:
        typer.echo("dunghan: --province goes with vietnam-provinces, not with a file", err=True)
        raise typer.Exit(2)
    path = Path(source)
    if not path.exists() and (SHIPPED_TREES / source).exists():
        path = SHIPPED_TREES / source
    units, contacts = read_org_file(path)
    done = import_org(engine, units, contacts, source=path.name[:80], label=path.name, replace=replace)
    typer.echo(
        f"imported {len(units)} unit(s) and {len(contacts)} contact(s) from {path.name} "
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
    if output is not None and output.suffix.lower() == ".xlsx":
        columns = [(c, c) for c in template_columns(kind.value)]
        write_sheet(output, kind.value, [], columns, samples=[TEMPLATE_SAMPLES[kind.value]])
        typer.echo(f"wrote {output}")
        return
    text = template_csv(kind.value)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")
