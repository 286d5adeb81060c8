"""Options shared by several commands, declared once."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cli.output import Format
from rules.clock import read_day
from rules.errors import DunghanError
from rules.i18n import _

AtOption = Annotated[
    str | None,
    typer.Option("--at", help=_("Act as if now were this date or instant (Asia/Ho_Chi_Minh if no zone).")),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help=_("table for people, json for programs."))]


def parse_date(text: str, what: str) -> date:
    try:
        return read_day(text)
    except ValueError:
        raise DunghanError(
            _("{what} {text!r}: expected a date, dd/mm/yyyy or YYYY-MM-DD").format(what=what, text=text)
        ) from None


def parse_params(values: list[str] | None) -> dict[str, date]:
    """``--param budget_due=2026-07-20`` options into a mapping."""
    params: dict[str, date] = {}
    for value in values or []:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise DunghanError(_("--param {value!r}: expected NAME=YYYY-MM-DD").format(value=value))
        params[name.strip()] = parse_date(text.strip(), f"--param {name}")
    return params
