"""`dunghan org …`: the administrative tree and its contacts."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.errors import report_errors
from app.workspace import database
from app.xlsx import write_sheet
from models.org_rows import CONTACT_COLUMNS, UNIT_COLUMNS, read_org_file

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
) -> None:
    """Import units and contacts. Every row is checked first; one bad row refuses the whole file
    and nothing is written. vietnam-provinces loads the official current list (34 provinces,
    3,321 communes), skipping units already stored.

    Example: dunghan org import vietnam-provinces --province 24
    """
    from models.tree import import_org, official_rows  # the database layer loads only when used

    engine = database()
    if source == "vietnam-provinces":
        summary = import_org(engine, official_rows(province), [], source="vietnam-provinces", skip_existing=True)
        typer.echo(f"imported {summary.units} unit(s) from the official list (already stored ones skipped)")
        return
    if province:
        typer.echo("dunghan: --province goes with vietnam-provinces, not with a file", err=True)
        raise typer.Exit(2)
    path = Path(source)
    if not path.exists() and (SHIPPED_TREES / source).exists():
        path = SHIPPED_TREES / source
    units, contacts = read_org_file(path)
    summary = import_org(engine, units, contacts, source=path.name[:80], label=path.name)
    typer.echo(f"imported {summary.units} unit(s) and {summary.contacts} contact(s) from {path.name}")


@org_app.command("template")
@report_errors
def template(
    kind: Annotated[TemplateKind, typer.Argument(help="units or contacts.")] = TemplateKind.units,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the CSV here.")] = None,
) -> None:
    """Write a template to fill in, with an example row: CSV (UTF-8), or XLSX when --output ends in .xlsx.

    Example: dunghan org template contacts --output lien-he.csv
    """
    if kind is TemplateKind.units:
        rows = [",".join(UNIT_COLUMNS), "24-SNV,Sở Nội vụ tỉnh Bắc Ninh,province,standing_agency,24,2025-07-01,,"]
    else:
        rows = [
            ",".join(CONTACT_COLUMNS),
            '24-SNV,Nguyễn Thị Hoa,focal_point,hoa@bacninh.gov.vn,0987654321,,"zalo,email",true',
        ]
    if output is not None and output.suffix.lower() == ".xlsx":
        import csv

        header, example = rows[0].split(","), next(csv.reader([rows[1]]))
        write_sheet(output, kind.value, [dict(zip(header, example, strict=True))], [(h, h) for h in header])
        typer.echo(f"wrote {output}")
        return
    text = "\n".join(rows) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")
