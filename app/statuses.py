"""Status updates in bulk, the use case: read a spreadsheet of submissions, returns and
exemptions, then apply it in time order, all of it or none."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from models.bulk_status import HEADINGS, StatusRow, apply_status_rows
from reports.status_file import read_status_rows
from rules.loader import calendar_for


def read_statuses(path: Path) -> list[StatusRow]:
    """The rows of a filled-in status spreadsheet, every one checked; a bad row refuses the file."""
    return read_status_rows(path)


def apply_statuses(engine: Engine, rows: list[StatusRow], *, actor: str, label: str) -> int:
    """Apply ``rows`` in time order in one transaction (``actor`` where a row names nobody);
    if any row is refused, none is kept. Returns how many were applied."""
    return apply_status_rows(engine, rows, calendar=calendar_for(), default_actor=actor, label=label)


def template_columns() -> list[tuple[str, str]]:
    """The spreadsheet's columns as (key, heading) pairs, in the order the import reads them."""
    return [(key, heading) for heading, key in HEADINGS.items()]
