"""The administrative tree, the use cases: import units, contacts or lineage from a file, the
official list of today, the shipped trees; show one unit; the templates to fill in.

The database layer loads inside the functions that write or read it, so that writing a template
needs no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from models.org_rows import TEMPLATE_SAMPLES
from models.org_rows import template_columns as org_template_columns
from reports.org_files import is_lineage_file, read_lineage_file, read_org_file, template_csv

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.shipped_trees import Step
    from models.lineage import LineageSummary
    from models.tree import ImportSummary
    from models.unit_card import UnitCard

SHIPPED_TREES = Path(__file__).resolve().parent.parent / "models" / "trees"


@dataclass(frozen=True)
class LineageImported:
    """A lineage file imported: its name, its rows, and the links added or already stored."""

    name: str
    rows: int
    summary: LineageSummary


@dataclass(frozen=True)
class TreeImported:
    """A file of units and contacts imported: its name, its rows, and what the import did."""

    name: str
    units: int
    contacts: int
    summary: ImportSummary


def import_shipped(
    engine: Engine, *, province: str | None = None, progress: Callable[[Step], None] | None = None
) -> list[Step]:
    """Import, in order, today's official list, the departments the packs name, the 2024–2025
    three-tier list and the lineage of the 2025 reform; everywhere, or around one province of
    today. ``progress`` hears of each file as it is done."""
    from app.shipped_trees import import_shipped as import_trees

    return import_trees(engine, province=province, progress=progress)


def import_official(engine: Engine, province: str | None = None) -> ImportSummary:
    """Import the official current list (or one province of it), skipping units already stored."""
    from models.tree import import_org, official_rows

    return import_org(engine, official_rows(province), [], source="vietnam-provinces", skip_existing=True)


def org_file(source: str) -> Path:
    """The file ``source`` names: a path, else a shipped tree of that name."""
    path = Path(source)
    if not path.exists() and (SHIPPED_TREES / source).exists():
        return SHIPPED_TREES / source
    return path


def import_file(
    engine: Engine, source: str, *, today: Callable[[], date], replace: bool = False
) -> LineageImported | TreeImported:
    """Import a .csv/.xlsx/.yaml file of units and contacts, or of lineage (``source`` a path or
    the name of a shipped tree). Contacts attach to the unit holding their code on ``today()``
    (asked only when the file has contacts) or to the unit of that code in the same file; with
    ``replace`` the file lists all the contacts of its units, and the others are deactivated."""
    from models.tree import import_org

    path = org_file(source)
    if is_lineage_file(path):
        from models.lineage import import_lineage

        rows = read_lineage_file(path)
        linked = import_lineage(engine, rows, source=path.name[:80], label=path.name)
        return LineageImported(path.name, len(rows), linked)
    units, contacts = read_org_file(path)
    on = today() if contacts else None
    done = import_org(engine, units, contacts, source=path.name[:80], label=path.name, replace=replace, at=on)
    return TreeImported(path.name, len(units), len(contacts), done)


def unit_card(engine: Engine, code: str, day: date) -> UnitCard:
    """The unit holding ``code`` on ``day``: its parent then, the units it took over and those
    that took it over, and the other units that held the same code."""
    from models.unit_card import unit_card as card

    return card(engine, code, day)


def template_columns(kind: str) -> tuple[str, ...]:
    """The columns of the ``units`` or ``contacts`` template."""
    return org_template_columns(kind)


def template_sample(kind: str) -> dict[str, str]:
    """The example row of the ``units`` or ``contacts`` template (never imported)."""
    return TEMPLATE_SAMPLES[kind]


def template_text(kind: str) -> str:
    """The CSV template of ``units`` or ``contacts``: the header and the example row, marked."""
    return template_csv(kind)
