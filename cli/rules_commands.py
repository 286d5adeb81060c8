"""`dunghan rules …`: check rule packs, list their deadlines, write the pack JSON Schema."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import report_errors
from cli.options import AtOption, FormatOption, parse_params
from cli.output import Format, format_rows, to_json
from reports.ics import deadlines_ics
from rules.clock import clock_for
from rules.deadlines import Deadline, deadline_row, pack_deadlines
from rules.errors import DunghanError
from rules.i18n import _
from rules.lint import lint_pack
from rules.loader import (
    PACKS_DIR,
    Finding,
    LoadedPack,
    PackLoadError,
    calendar_for,
    load_packs,
    pack_files,
    resolve_packs,
    shipped_packs,
)
from rules.schema import json_schema

rules_app = typer.Typer(help=_("Rule packs: check them, list their deadlines."), no_args_is_help=True)


class DeadlineFormat(StrEnum):
    table = "table"
    json = "json"
    ics = "ics"


FINDING_COLUMNS = [
    ("location", _("location")),
    ("severity", _("severity")),
    ("entry", _("entry")),
    ("message", _("message")),
]
DEADLINE_COLUMNS = [
    ("pack", _("pack")),
    ("report", _("report")),
    ("hop", _("step")),
    ("from", _("from")),
    ("to", _("to")),
    ("period", _("period")),
    ("wording", _("deadline")),
    ("nominal_date", _("as written")),
    ("due_date", _("due")),
    ("reason", _("why moved")),
]


@rules_app.command(
    "check",
    help=_(
        "Check rule packs: schema errors first, then meaning (Decree 09 art. 8(5) chains, cut-offs,\n"
        "ladders, roles, templates, cycles); warnings for deadlines that fall on days off.\n"
        "Exits 1 when there is an error.\n"
        "\n"
        "Example: dunghan rules check rules/packs/bac-ninh-2024.yaml --year 2024\n"
        "Example: dunghan rules check hai-cap-2026 --year 2026"
    ),
)
@report_errors
def check(
    packs: Annotated[
        list[str] | None,
        typer.Argument(help=_("Pack ids (shipped or uploaded), files or folders (default: the shipped packs).")),
    ] = None,
    year: Annotated[
        list[int] | None,
        typer.Option("--year", help=_("Check deadlines of these years (default: the pack's validity near today).")),
    ] = None,
    fmt: FormatOption = Format.table,
    at: AtOption = None,
) -> None:
    paths = _pack_paths(packs or [])
    today = clock_for(at)().date()
    findings: list[Finding] = []
    checked = 0
    try:
        loaded = load_packs(paths or [PACKS_DIR])
    except PackLoadError as exc:
        findings.extend(exc.findings)
        loaded = _loadable(paths or [PACKS_DIR])
    # `continues` may name the packs checked together, or the shipped ones.
    known = {p.pack.id: p for p in shipped_packs()} | {p.pack.id: p for p in loaded}
    for item in loaded:
        checked += 1
        findings.extend(lint_pack(item, calendar_for(item.pack), today, year or None, packs=list(known.values())))
    rows = [
        {
            "location": f"{f.file}:{f.line}:{f.col}",
            "file": f.file,
            "line": f.line,
            "col": f.col,
            "severity": f.severity,
            "entry": f.entry,
            "message": f.message,
        }
        for f in findings
    ]
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if fmt is Format.json:
        typer.echo(to_json(rows))
    else:
        for f in findings:
            typer.echo(str(f))
        typer.echo(
            _("{checked} pack(s) loaded: {errors} error(s), {warnings} warning(s)").format(
                checked=checked, errors=errors, warnings=warnings
            )
        )
    if errors:
        raise typer.Exit(1)


def _pack_paths(names: list[str]) -> list[Path]:
    """The files or folders ``names`` give: a path as it is, a pack id as the file of the pack in
    force (shipped, or uploaded on the packs page), an unknown id refused with the closest."""
    from app.packs_in_force import resolve_pack

    paths: list[Path] = []
    for name in names:
        candidate = Path(name)
        if candidate.suffix in (".yaml", ".yml") or candidate.exists():
            paths.append(candidate)
        else:
            paths.append(resolve_pack(name).path)
    return paths


def _loadable(paths: list[Path]) -> list[LoadedPack]:
    """The packs among ``paths`` that load on their own, so their meaning is checked too."""
    good = []
    for file in pack_files(paths):
        try:
            good.extend(load_packs([file]))
        except PackLoadError:
            continue
    return good


@rules_app.command(
    "deadlines",
    help=_(
        "List the deadline of every report hop and period: the wording, the nominal date it gives,\n"
        "the due date after the roll (Civil Code art. 148) and why it moved.\n"
        "\n"
        "Example: dunghan rules deadlines bac-ninh-2024 --year 2024 --format json"
    ),
)
@report_errors
def deadlines(
    packs: Annotated[
        list[str] | None, typer.Argument(help=_("Pack ids or files (default: every shipped pack valid that year)."))
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help=_("Periods labelled with this year (default: this year)."))
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help=_("A cycle parameter, NAME=YYYY-MM-DD; repeatable."))
    ] = None,
    fmt: Annotated[
        DeadlineFormat, typer.Option("--format", "-f", help=_("table, json or ics (iCalendar)."))
    ] = DeadlineFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Write to this file instead of the screen."))
    ] = None,
    at: AtOption = None,
) -> None:
    now = clock_for(at)()
    the_year = year or now.year
    params = parse_params(param)
    chosen = resolve_packs(packs or [])
    if packs:
        for item in chosen:
            if not item.pack.applies_in(the_year):
                if item.pack.valid_to:
                    refusal = _(
                        "pack {pack} does not apply in {year} (valid from {start:%d/%m/%Y} to {end:%d/%m/%Y}); "
                        "choose another --year"
                    )
                else:
                    refusal = _(
                        "pack {pack} does not apply in {year} (valid from {start:%d/%m/%Y}); choose another --year"
                    )
                raise DunghanError(
                    refusal.format(pack=item.pack.id, year=the_year, start=item.pack.valid_from, end=item.pack.valid_to)
                )
    else:
        chosen = [p for p in chosen if p.pack.applies_in(the_year)]
        if not chosen:
            raise DunghanError(_("no shipped pack applies in {year}").format(year=the_year))
    rows: list[Deadline] = []
    for item in chosen:
        rows.extend(pack_deadlines(item.pack, the_year, calendar_for(item.pack), params))
    if fmt is DeadlineFormat.ics:
        data = deadlines_ics(rows, generated_at=now)
        if output:
            output.write_bytes(data)
            typer.echo(_("wrote {count} deadline(s) to {path}").format(count=len(rows), path=output))
        else:
            typer.echo(data.decode("utf-8"), nl=False)
        return
    text = format_rows([_worded(deadline_row(d)) for d in rows], DEADLINE_COLUMNS, Format(fmt.value))
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(_("wrote {count} deadline(s) to {path}").format(count=len(rows), path=output))
    else:
        typer.echo(text)


@rules_app.command(
    "schema",
    help=_(
        "Write the JSON Schema of rule packs (generated from the models) for editors.\n"
        "\n"
        "Example: dunghan rules schema --output rules/packs/pack.schema.json"
    ),
)
@report_errors
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help=_("Where to write it."))] = None,
) -> None:
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(_("wrote {path}").format(path=output))


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")


def _worded(row: dict[str, object]) -> dict[str, object]:
    """A deadline row as the CLI says it: a parameter still to set, as the flag that sets it."""
    missing = row.pop("missing_param", None)
    if missing == "event":
        row["reason"] = _("dated by each event or request: dunghan event record, dunghan request")
    elif missing == "on_request":
        row["reason"] = _("on request: dated by each dunghan request")
    elif missing:
        row["reason"] = _("not set: --param {name}=YYYY-MM-DD").format(name=missing)
    return row
