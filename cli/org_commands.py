"""`dunghan org …`: the administrative tree and its contacts."""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.workspace import database
from cli.errors import report_errors
from cli.labels import level_label, role_label, unit_type_label
from cli.options import FormatOption
from cli.output import Format, format_rows, to_json
from rules.clock import clock_for
from rules.i18n import _

if TYPE_CHECKING:
    from app.shipped_trees import Step
    from models.unit_card import UnitCard

org_app = typer.Typer(help=_("The administrative tree: units and contacts."), no_args_is_help=True)


class TemplateKind(StrEnum):
    units = "units"
    contacts = "contacts"


@org_app.command(
    "import",
    help=_(
        "Import units and contacts. Every row is checked first; one bad row refuses the whole file\n"
        "and nothing is written. Importing a file again changes nothing: a unit already stored (same\n"
        "code and valid_from) is updated if its fields changed, and a contact already stored (same\n"
        "unit, role and e-mail or Zalo) is updated instead of added twice. vietnam-provinces loads the\n"
        "official current list (34 provinces, 3,321 communes), skipping units already stored, then\n"
        "the standard specialised agencies of each province (Văn phòng UBND, Sở Nội vụ, the other\n"
        "sở and Thanh tra tỉnh; models/trees/standard-agencies-2025.yaml) that it does not have yet:\n"
        "the Sở Nội vụ receives the two-tier regime's reports. shipped imports, in order, today's\n"
        "list, the departments the packs name, the standard agencies, the 2024–2025 three-tier list\n"
        "and the lineage of the 2025 reform (which unit took over which).\n"
        "\n"
        "A GSO code names another unit after 01/07/2025: contacts attach to the unit holding their\n"
        "code on --at (default today), or to the unit of that code in the same file.\n"
        "\n"
        "Example: dunghan org import shipped --province 24\n"
        "Example: dunghan org import lien-he-2024.csv --at 2024-12-31"
    ),
)
@report_errors
def import_(
    source: Annotated[
        str,
        typer.Argument(
            help=_(
                "shipped (every tree the shipped packs need, and the lineage), vietnam-provinces, "
                "or a .csv/.xlsx/.yaml file of units, contacts or lineage."
            )
        ),
    ],
    province: Annotated[
        str | None,
        typer.Option("--province", help=_("With shipped or vietnam-provinces: one province of today (GSO code).")),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help=_("Contacts attach to the unit holding their code on this day (YYYY-MM-DD; default: today)."),
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help=_("The file lists all the contacts of its units: deactivate their contacts not in it."),
        ),
    ] = False,
    standard_agencies: Annotated[
        bool,
        typer.Option(
            "--standard-agencies/--no-standard-agencies",
            help=_(
                "With vietnam-provinces: create the standard specialised agencies (Nghị định 150/2025/NĐ-CP) "
                "of each province or city that does not have them yet (default: yes)."
            ),
        ),
    ] = True,
) -> None:
    from app import org  # the database layer loads only when used

    engine = database()
    if not standard_agencies and source != "vietnam-provinces":
        typer.echo("dunghan: " + _("--no-standard-agencies goes only with vietnam-provinces"), err=True)
        raise typer.Exit(2)
    if source == "shipped":
        if replace or at:
            typer.echo("dunghan: " + _("--replace and --at go with a file of contacts, not with shipped"), err=True)
            raise typer.Exit(2)

        def said(step: Step) -> None:
            if step.units is not None:
                u = step.units
                typer.echo(
                    _(
                        "{step}: {inserted} unit(s) inserted, {updated} updated, "
                        "{unchanged} unchanged, {linked} lineage link(s) added"
                    ).format(
                        step=step.name,
                        inserted=u.units_inserted,
                        updated=u.units_updated,
                        unchanged=u.units_unchanged,
                        linked=u.lineage_inserted,
                    )
                )
            elif step.lineage is not None:
                typer.echo(
                    _("{step}: {linked} lineage link(s) added, {unchanged} unchanged").format(
                        step=step.name, linked=step.lineage.inserted, unchanged=step.lineage.unchanged
                    )
                )

        org.import_shipped(engine, province=province, progress=said)
        return
    if source == "vietnam-provinces":
        if replace:
            typer.echo("dunghan: " + _("--replace goes with a file of contacts, not with vietnam-provinces"), err=True)
            raise typer.Exit(2)
        official = org.import_official(engine, province, standard_agencies=standard_agencies)
        typer.echo(
            _("imported {inserted} unit(s) from the official list ({unchanged} unit(s) already stored, kept)").format(
                inserted=official.official.units_inserted, unchanged=official.official.units_unchanged
            )
        )
        if official.agencies is not None:
            typer.echo(
                _(
                    "created {inserted} specialised agencies from the standard list "
                    "({unchanged} provincial agencies already stored, kept)"
                ).format(inserted=official.agencies.units_inserted, unchanged=official.agencies.units_unchanged)
            )
        return
    if province:
        typer.echo("dunghan: " + _("--province goes with vietnam-provinces, not with a file"), err=True)
        raise typer.Exit(2)
    imported = org.import_file(engine, source, today=lambda: clock_for(at)().date(), replace=replace)
    if isinstance(imported, org.LineageImported):
        linked = imported.summary
        typer.echo(
            _("imported {rows} lineage row(s) from {file} ({added} added, {unchanged} already stored)").format(
                rows=imported.rows, file=imported.name, added=linked.inserted, unchanged=linked.unchanged
            )
        )
        return
    done = imported.summary
    typer.echo(
        _(
            "imported {units} unit(s) and {contacts} contact(s) from {file} "
            "(units: {units_inserted} inserted, {units_updated} updated, {units_unchanged} unchanged; "
            "contacts: {contacts_inserted} inserted, {contacts_updated} updated, "
            "{contacts_unchanged} unchanged, {contacts_deactivated} deactivated)"
        ).format(
            units=imported.units,
            contacts=imported.contacts,
            file=imported.name,
            units_inserted=done.units_inserted,
            units_updated=done.units_updated,
            units_unchanged=done.units_unchanged,
            contacts_inserted=done.contacts_inserted,
            contacts_updated=done.contacts_updated,
            contacts_unchanged=done.contacts_unchanged,
            contacts_deactivated=done.contacts_deactivated,
        )
    )
    for line in imported.unreachable:  # kept, but never told: the admin should add an address
        typer.echo(_("warning: {warning}").format(warning=line), err=True)


@org_app.command(
    "template",
    help=_(
        "Write a template to fill in, with an example row marked # (never imported): CSV (UTF-8)\n"
        "with the column names, or XLSX when --output ends in .xlsx: Vietnamese headings, drop-downs\n"
        "for level, type, role, channels and active, dates shown as dd/mm/yyyy. The import reads both,\n"
        "and dates written dd/mm/yyyy, YYYY-MM-DD or as date cells.\n"
        "\n"
        "Example: dunghan org template contacts --output lien-he.xlsx"
    ),
)
@report_errors
def template(
    kind: Annotated[TemplateKind, typer.Argument(help=_("units or contacts."))] = TemplateKind.units,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Write the template here (.csv or .xlsx)."))
    ] = None,
) -> None:
    from app import org

    if output is not None and output.suffix.lower() == ".xlsx":
        org.write_template(kind.value, output)
        typer.echo(_("wrote {path}").format(path=output))
        return
    text = org.template_text(kind.value)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(_("wrote {path}").format(path=output))


@org_app.command(
    "list",
    help=_(
        "List the units valid on a day, in tree order: under a unit (and itself), of a level, a\n"
        "type or a source, with each one's parent, how many units are directly under it and how many\n"
        "active contacts it has.\n"
        "\n"
        "Example: dunghan org list --level province\n"
        "Example: dunghan org list --under 24 --level province --at 2026-01-01\n"
        'Example: dunghan org list --source standard-agencies --search "so noi vu"'
    ),
)
@report_errors
def list_(
    under: Annotated[
        str | None,
        typer.Option(
            "--under", help=_("Only the units under this unit (its code, held on the --at day), itself included.")
        ),
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", help=_("Only one level: ministry, province, district, commune."))
    ] = None,
    unit_type: Annotated[
        str | None,
        typer.Option("--type", help=_("Only one type: people_committee, department, standing_agency…")),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help=_("Only the units imported from this source (vietnam-provinces, standard-agencies, a file name)."),
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-q", help=_("A code or name containing this text (diacritics ignored).")),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help=_("Show at most this many units."))] = 1000,
    at: Annotated[
        str | None, typer.Option("--at", help=_("The tree on this day (YYYY-MM-DD; default: today)."))
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    from app.org import list_units

    day = clock_for(at)().date()
    rows, total = list_units(
        database(reading=True),
        day=day,
        under=under,
        level=level,
        unit_type=unit_type,
        source=source,
        q=search or "",
        limit=limit,
    )
    records = [dataclasses.asdict(r) | {"level_name": level_label(r.level)} for r in rows]
    for record in records:
        record["type_name"] = unit_type_label(record["unit_type"])
    if fmt is Format.json:
        typer.echo(to_json(records))
        return
    if not rows:
        typer.echo(_("no such unit on {day:%d/%m/%Y}").format(day=day))
        return
    typer.echo(format_rows(records, UNIT_COLUMNS, fmt))
    if total > len(rows):
        typer.echo(
            _("{total} unit(s) on {day:%d/%m/%Y}, {shown} shown (more with --limit)").format(
                total=total, day=day, shown=len(rows)
            )
        )
    else:
        typer.echo(_("{total} unit(s) on {day:%d/%m/%Y}").format(total=total, day=day))


UNIT_COLUMNS = [
    ("code", _("code")),
    ("name", _("name")),
    ("level_name", _("level")),
    ("type_name", _("type")),
    ("parent", _("parent")),
    ("valid_from", _("valid from")),
    ("valid_to", _("valid to")),
    ("children", _("under it")),
    ("contacts", _("contacts")),
    ("source", _("source")),
]
CONTACT_COLUMNS = [
    ("unit_code", _("unit code")),
    ("unit_name", _("unit")),
    ("name", _("full name")),
    ("role_name", _("role")),
    ("email", _("e-mail address")),
    ("zalo_phone", _("Zalo number")),
    ("channels", _("channel")),
    ("active", _("in use")),
]


def _card_lines(card: UnitCard) -> list[str]:
    """A unit's sheet: kind, validity, parent on the day, lineage, other units that held its code."""
    u = card.unit
    lines = [
        _("{name} (code {code})").format(name=u.name, code=u.code),
        _field(_("kind"), f"{level_label(u.level)}, {unit_type_label(u.unit_type)}"),
        _field(_("valid"), u.validity),
    ]
    if card.parent is not None:
        how = " " + _("(takes over from the parent unit that ended)") if card.parent_by_lineage else ""
        lines.append(_field(_("parent on {day}").format(day=f"{card.day:%d/%m/%Y}"), card.parent.label + how))
    else:
        lines.append(_field(_("parent"), _("no unit")))
    before = _("{count} unit(s)").format(count=len(card.predecessors)) if card.predecessors else _("no unit")
    lines.append(_field(_("merged from"), before))
    lines += [
        "    - " + _("{unit}, merged on {day}").format(unit=link.unit.label, day=f"{link.on:%d/%m/%Y}")
        for link in card.predecessors
    ]
    after = _("{count} unit(s)").format(count=len(card.successors)) if card.successors else _("no unit")
    lines.append(_field(_("taken over by"), after))
    lines += [
        "    - " + _("{unit}, from {day}").format(unit=link.unit.label, day=f"{link.on:%d/%m/%Y}")
        for link in card.successors
    ]
    if card.namesakes:
        lines.append("  " + _("code {code} also named:").format(code=u.code))
        lines += [f"    - {other.label}" for other in card.namesakes]
    return lines


def _field(label: str, value: str) -> str:
    """One line of a sheet: its label, then its value in the column after the longest usual label."""
    return f"  {label + ':':<12} {value}"


@org_app.command(
    "show",
    help=_(
        "Show a unit: its parent on that day, its validity, the units it took over and those that\n"
        "took it over, the other units that held the same code, the units directly under it that day\n"
        "(counted by level and type) and its contacts.\n"
        "\n"
        "Example: dunghan org show 07375 --at 2024-12-31\n"
        "Example: dunghan org show 24-SNV"
    ),
)
@report_errors
def show(
    code: Annotated[str, typer.Argument(help=_("A unit's code (GSO code, or our own such as 24-SNV)."))],
    at: Annotated[
        str | None, typer.Option("--at", help=_("The unit holding the code on this day (default: today)."))
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    from app.org import source_name, unit_sheet

    sheet = unit_sheet(database(reading=True), code, clock_for(at)().date())
    details = sheet.details
    if fmt is Format.json:
        typer.echo(
            json.dumps(
                sheet.card.as_dict()
                | {
                    "source": details.source,
                    "children": [dataclasses.asdict(c) for c in details.children],
                    "contacts": [dataclasses.asdict(c) for c in details.contacts],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    lines = [*_card_lines(sheet.card), _field(_("source"), source_name(details.source))]
    count = sum(c.count for c in details.children)
    lines.append(_field(_("under it"), _("{count} unit(s)").format(count=count) if count else _("no unit")))
    lines += [f"    - {c.count} {level_label(c.level)}, {unit_type_label(c.unit_type)}" for c in details.children]
    active = [c for c in details.contacts if c.active]
    inactive = len(details.contacts) - len(active)
    if not details.contacts:
        said = _("none")
    elif inactive:
        said = _("{active} in use ({inactive} no longer used)").format(active=len(active), inactive=inactive)
    else:
        said = _("{active} in use").format(active=len(active))
    lines.append(_field(_("contacts"), said))
    for c in active:
        reach = ", ".join(x for x in (c.email, c.zalo_phone and f"Zalo {c.zalo_phone}") if x) or _("no address yet")
        lines.append(
            "    - "
            + _("{name}, {role}: {reach} (channels {channels})").format(
                name=c.name, role=role_label(c.role), reach=reach, channels=c.channels
            )
        )
    typer.echo("\n".join(lines))


def contacts(
    under: Annotated[
        str | None,
        typer.Option("--under", help=_("The contacts of the units under this unit (its code), itself included.")),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help=_("Only one role: focal_point, head, deputy, recipient_officer, supervisor…")),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help=_("Also the contacts no longer used."))] = False,
    search: Annotated[
        str | None,
        typer.Option("--search", "-q", help=_("A name, e-mail address, unit code or unit name containing this text.")),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help=_("Show at most this many contacts."))] = 1000,
    at: Annotated[
        str | None, typer.Option("--at", help=_("The unit holding the --under code on this day (default: today)."))
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    from app.org import contacts_under
    from rules.errors import DunghanError

    if not under:
        raise DunghanError(
            _("name the unit with --under CODE (for example --under 24; --under BNV for the whole country)")
        )
    day = clock_for(at)().date()
    rows, total = contacts_under(
        database(reading=True), under, day=day, role=role, active=None if all_ else True, q=search or "", limit=limit
    )
    records = [dataclasses.asdict(r) | {"role_name": role_label(r.role)} for r in rows]
    if fmt is Format.json:
        typer.echo(to_json(records))
        return
    if not rows:
        typer.echo(
            _(
                "no contact under the unit {code} yet: import them with dunghan org import FILE "
                "(template: dunghan org template contacts)"
            ).format(code=under)
        )
        return
    typer.echo(format_rows(records, CONTACT_COLUMNS, fmt))
    if total > len(rows):
        typer.echo(_("{total} contact(s), {shown} shown (more with --limit)").format(total=total, shown=len(rows)))
    else:
        typer.echo(_("{total} contact(s)").format(total=total))


CONTACTS_HELP = _(
    "List the contacts of the units under a unit (and its own), by unit then role: who gets the\n"
    "reminders. Only active ones unless --all.\n"
    "\n"
    "Example: dunghan org contacts --under 24\n"
    "Example: dunghan org contacts --under 24 --role focal_point --format json\n"
    "Example: dunghan contacts list --under 24-SNV --all"
)
org_app.command("contacts", help=CONTACTS_HELP)(report_errors(contacts))
# What people typed first: `dunghan contacts list`, the same command.
contacts_app = typer.Typer(
    help=_("The contacts who get the reminders (as dunghan org contacts)."), no_args_is_help=True
)
contacts_app.command("list", help=CONTACTS_HELP)(report_errors(contacts))


def register(app: typer.Typer) -> None:
    app.add_typer(org_app, name="org")
    app.add_typer(contacts_app, name="contacts", hidden=True)
