"""`dunghan rollup`: a campaign's activities summed per unit, level and type, with coverage."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.errors import report_errors
from cli.labels import level_label
from cli.output import to_json, to_table
from cli.runs_command import ViaPrefectOption
from rules.errors import DunghanError
from rules.i18n import _
from rules.numbers import vn_number
from rules.scope import under_or_everywhere

if TYPE_CHECKING:
    from models.rollup import Figures, Rollup


class RollupFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"
    docx = "docx"


FIGURE_COLUMNS = [
    ("activities", _("no. of activities")),
    ("male", _("men")),
    ("female", _("women")),
    ("participants", _("total people")),
    ("media_total", _("media products")),
    ("budget", _("budget (đồng)")),
]
LEVEL_COLUMNS = [
    ("level", _("level")),
    ("expected", _("expected to report")),
    ("logged", _("reported")),
    ("coverage", _("rate %")),
    *FIGURE_COLUMNS,
]
TYPE_COLUMNS = [("name", _("activity type")), *FIGURE_COLUMNS, ("previous", _("previous year: activities"))]


def as_json(result: Rollup) -> dict[str, Any]:
    """The roll-up as plain JSON: campaign, levels, types, units and the previous year."""
    previous = result.previous
    return {
        "campaign": result.campaign_id,
        "campaign_name": result.campaign_name,
        "pack": result.pack_id,
        "year": result.year,
        "window": {"start": result.window.start, "end": result.window.end, "earliest": result.window.earliest},
        "tree_day": result.tree_day,
        "under": result.under,
        "under_name": result.under_name,
        "expected": result.expected,
        "logged": result.logged,
        "coverage": result.coverage,
        "total": result.total.as_dict(),
        "levels": [
            {
                "level": level.level,
                "expected": level.expected,
                "logged": level.logged,
                "logging_units": level.logging_units,
                "coverage": level.coverage,
                "total": level.figures.as_dict(),
                "by_type": {t: f.as_dict() for t, f in level.by_type.items()},
            }
            for level in result.levels
        ],
        "types": [{"type": t.type_id, "name": t.name, **t.figures.as_dict()} for t in result.types],
        "units": [
            {
                "code": u.code,
                "name": u.name,
                "level": u.level,
                "unit_type": u.unit_type,
                "expected": u.expected,
                **u.figures.as_dict(),
                "activities_by_type": u.activities_by_type,
            }
            for u in result.units
        ],
        "previous": None
        if previous is None
        else {
            "year": previous.year,
            "scope_name": previous.scope_name,
            "logging_units": previous.logging_units,
            "total": previous.figures.as_dict(),
            "by_type": {t: f.as_dict() for t, f in previous.by_type.items()},
            "sources": [
                {"code": s.code, "name": s.name, "logging_units": s.logging_units, "total": s.figures.as_dict()}
                for s in previous.sources
            ],
        },
    }


def _shown(figures: Figures) -> dict[str, str]:
    """The figures of the table, written the Vietnamese way (120.500.000)."""
    return {key: vn_number(value, 0) for key, value in figures.as_dict().items() if key != "media"}


def _rate(coverage: float | None) -> str | None:
    return None if coverage is None else vn_number(coverage, 1)


def as_table(result: Rollup, where: str) -> str:
    """The roll-up for people; ``where`` says what it covers, as the report does ("trên địa bàn
    tỉnh Bắc Ninh", see :class:`reports.rollup_addressing.Addressing`)."""

    lines = [
        _("{campaign} {year} {where} ({start:%d/%m/%Y} – {end:%d/%m/%Y}; pack {pack})").format(
            campaign=result.campaign_name,
            year=result.year,
            where=where,
            start=result.window.start,
            end=result.window.end,
            pack=result.pack_id,
        ),
        "",
    ]
    levels = [
        {
            "level": level_label(level.level),
            "expected": vn_number(level.expected, 0),
            "logged": vn_number(level.logged, 0),
            "coverage": _rate(level.coverage),
            **_shown(level.figures),
        }
        for level in result.levels
    ]
    levels.append(
        {
            "level": _("grand total"),
            "expected": vn_number(result.expected, 0),
            "logged": vn_number(result.logged, 0),
            "coverage": _rate(result.coverage),
            **_shown(result.total),
        }
    )
    lines += [to_table(levels, LEVEL_COLUMNS), ""]
    before = result.previous.by_type if result.previous else {}
    types = [
        {
            "name": t.name,
            **_shown(t.figures),
            "previous": vn_number(before[t.type_id].activities, 0) if t.type_id in before else None,
        }
        for t in result.types
    ]
    lines.append(to_table(types, TYPE_COLUMNS if result.previous else TYPE_COLUMNS[:-1]))
    lines.append("")
    if result.previous is None:
        lines.append(_("{year}: no figures to compare with.").format(year=result.year - 1))
    else:
        p, now = result.previous.figures, result.total
        scope = f" ({result.previous.scope_name})" if result.previous.scope_name else ""
        lines.append(
            _(
                "Compared with {year}{scope}: {activities} activities (the year before {activities_before}), "
                "{participants} participants (the year before {participants_before}), budget {budget} đồng "
                "(the year before {budget_before})."
            ).format(
                year=result.previous.year,
                scope=scope,
                activities=vn_number(now.activities, 0),
                activities_before=vn_number(p.activities, 0),
                participants=vn_number(now.participants, 0),
                participants_before=vn_number(p.participants, 0),
                budget=vn_number(now.budget, 0),
                budget_before=vn_number(p.budget, 0),
            )
        )
        if len(result.previous.sources) > 1:  # a unit of today compared with the units it took over
            lines += [
                "  "
                + _(
                    "of which {name} ({code}): {activities} activities, {participants} participants, "
                    "{units} units with logs"
                ).format(
                    name=s.name,
                    code=s.code,
                    activities=vn_number(s.figures.activities, 0),
                    participants=vn_number(s.figures.participants, 0),
                    units=vn_number(s.logging_units, 0),
                )
                for s in result.previous.sources
            ]
    lines.append(_("Each unit's figures: --format json or --format xlsx."))
    return "\n".join(lines)


def rollup(
    campaign: Annotated[str, typer.Argument(help=_("The campaign id: thang-hanh-dong."))],
    year: Annotated[int, typer.Option("--year", help=_("The campaign's year."))],
    under: Annotated[str | None, typer.Option("--under", help=_("Only units under this one (code)."))] = None,
    pack: Annotated[
        str | None, typer.Option("--pack", help=_("The pack (id or file) stating the campaign, when several do."))
    ] = None,
    fmt: Annotated[
        RollupFormat, typer.Option("--format", "-f", help=_("table, json, xlsx or docx."))
    ] = RollupFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=_("The file to write (xlsx, docx: default in the data folder).")),
    ] = None,
    via_prefect: ViaPrefectOption = False,
) -> None:
    from app import rollups, runs
    from app.settings import get_settings
    from app.workspace import current_actor, database

    engine = database()
    home = get_settings().home
    if via_prefect:
        if pack or output:
            raise DunghanError(
                _(
                    "--via-prefect runs the schedule's roll-up, which writes the XLSX and DOCX to reports/: "
                    "leave out --pack and --output"
                )
            )
        from app.orchestration import run_flow

        workbook, document = run_flow(
            "rollup_action_month", year=year, campaign=campaign, under=under, by=current_actor(None)
        )
        if fmt in (RollupFormat.xlsx, RollupFormat.docx):
            typer.echo(str(workbook if fmt is RollupFormat.xlsx else document))
            return
        result = rollups.roll_up(engine, campaign=campaign, year=year, under=under_or_everywhere(under))
    else:
        write = {RollupFormat.xlsx: ("xlsx",), RollupFormat.docx: ("docx",)}.get(fmt, ())
        result, written = runs.rollup(
            engine,
            campaign=campaign,
            year=year,
            under=under,
            pack=pack,
            home=home,
            write=write,
            output=output if write else None,
            by=current_actor(None),
        )
        if written:
            typer.echo(str(written[0]))
            return
    if fmt is RollupFormat.json:
        text = to_json(as_json(result))
    else:
        text = as_table(result, rollups.addressing(engine, result, pack).where)
    if output is None:
        typer.echo(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n", encoding="utf-8")
    typer.echo(str(output))


def register(app: typer.Typer) -> None:
    app.command(
        "rollup",
        help=_(
            "Roll up a campaign's activity logs per unit, level and activity type.\n"
            "\n"
            "Participants by sex, media products, budget; coverage (units that logged / units expected); "
            "the previous year.\n"
            "XLSX (a sheet per level) and DOCX (the report in the administrative layout, with a chart, issued\n"
            "by the body that compiles for --under) go to the data folder's reports/ unless --output says\n"
            "where; the path is printed. The run is recorded (`dunghan runs`). With --via-prefect it runs as\n"
            "the schedule's flow (rollup_action_month), which writes both files to reports/.\n"
            "\n"
            "Example: dunghan rollup thang-hanh-dong --year 2026 --under 24 --format docx"
        ),
    )(report_errors(rollup))
