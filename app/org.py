"""The administrative tree, the use cases: import units, contacts or lineage from a file, the
official list of today (with the standard agencies of its provinces), the shipped trees; list
the units and contacts under a unit, show one unit; the templates to fill in.

The database layer loads inside the functions that write or read it, so that writing a template
needs no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reports.org_files import (
    is_lineage_file,
    read_lineage_file,
    read_org_file,
    template_csv,
    write_template_xlsx,
)
from rules.errors import FIELD, DunghanError
from rules.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.settings import Settings
    from app.shipped_trees import Step
    from models.admin_scope import ContactListRow
    from models.lineage import LineageSummary
    from models.org_listing import UnitDetails, UnitLine
    from models.org_rows import ContactRow
    from models.tree import ImportSummary
    from models.unit_card import UnitCard
    from notifications.channels import Reach

SHIPPED_TREES = Path(__file__).resolve().parent.parent / "models" / "trees"


@dataclass(frozen=True)
class LineageImported:
    """A lineage file imported: its name, its rows, and the links added or already stored."""

    name: str
    rows: int
    summary: LineageSummary


@dataclass(frozen=True)
class TreeImported:
    """A file of units and contacts imported: its name, its rows, and what the import did; and
    the active contacts of the file no configured channel can reach (they would never be told)."""

    name: str
    units: int
    contacts: int
    summary: ImportSummary
    unreachable: list[str] = field(default_factory=list)


def import_shipped(
    engine: Engine, *, province: str | None = None, progress: Callable[[Step], None] | None = None
) -> list[Step]:
    """Import, in order, today's official list, the departments the packs name, the 2024–2025
    three-tier list and the lineage of the 2025 reform; everywhere, or around one province of
    today. ``progress`` hears of each file as it is done."""
    from app.shipped_trees import import_shipped as import_trees

    return import_trees(engine, province=province, progress=progress)


@dataclass(frozen=True)
class OfficialImported:
    """The official list imported: its units, then the standard agencies of its provinces."""

    official: ImportSummary
    agencies: ImportSummary | None  # None when they were not asked for


def import_official(engine: Engine, province: str | None = None, *, standard_agencies: bool = True) -> OfficialImported:
    """Import the official current list (or one province of it), skipping units already stored;
    then, unless told not to, the standard specialised agencies of each of its provinces
    (Nghị định 150/2025/NĐ-CP: the Sở Nội vụ and the others) that the province does not have yet."""
    from models.standard_agencies import import_agencies
    from models.tree import import_org, official_rows

    rows = official_rows(province)
    official = import_org(engine, rows, [], source="vietnam-provinces", skip_existing=True)
    agencies = import_agencies(engine, rows) if standard_agencies else None
    return OfficialImported(official, agencies)


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
    return TreeImported(path.name, len(units), len(contacts), done, unreachable_contacts(contacts, path.name))


def reach(settings: Settings) -> Reach:
    """The channels the settings make usable (see :class:`notifications.channels.Reach`)."""
    from notifications.channels import Reach

    folder = settings.delivery == "folder"
    return Reach(
        zalo_oa=folder or settings.zalo_oa_token is not None,
        zns=folder or settings.zns_token is not None,
        zns_templates=frozenset(kind for kind, template in settings.zns_templates.items() if template),
    )


def unreachable_contacts(contacts: list[ContactRow], source: str, settings: Settings | None = None) -> list[str]:
    """One line for each active contact of a file that no configured channel reaches: only a
    Zalo phone and no ZNS template, say. The import keeps them, and says so."""
    from app.settings import get_settings
    from rules.schema import ROLE_NAMES

    usable = reach(settings or get_settings())
    lines = []
    for c in contacts:
        why = usable.why_not(email=c.email, zalo_user_id=c.zalo_user_id, zalo_phone=c.zalo_phone) if c.active else None
        if why:
            lines.append(
                _(
                    "{file}: row {row} ({unit}): {name} ({role}) cannot be reached by any configured channel: {why}"
                ).format(file=source, row=c.row, unit=c.unit, name=c.name, role=ROLE_NAMES.get(c.role, c.role), why=why)
            )
    return lines


def unit_card(engine: Engine, code: str, day: date) -> UnitCard:
    """The unit holding ``code`` on ``day``: its parent then, the units it took over and those
    that took it over, and the other units that held the same code."""
    from models.unit_card import unit_card as card

    return card(engine, code, day)


def template_text(kind: str) -> str:
    """The CSV template of ``units`` or ``contacts``: the header and the example row, marked."""
    return template_csv(kind)


def write_template(kind: str, path: Path) -> None:
    """The XLSX template of ``units`` or ``contacts`` at ``path``: Vietnamese headings, drop-downs."""
    write_template_xlsx(path, kind)


# Reading the tree: `org list`, `org show`, `org contacts`.


def _checked_level(level: str | None) -> str | None:
    from rules.schema import LEVEL_NAMES

    if level and level not in LEVEL_NAMES:
        choices = ", ".join(f"{k} ({v})" for k, v in LEVEL_NAMES.items())
        raise DunghanError(
            _("{field} {value!r}: choose one of {choices}").format(field=FIELD, value=level, choices=choices),
            field="level",
        )
    return level or None


def _checked_type(unit_type: str | None) -> str | None:
    from rules.schema import UNIT_TYPE_NAMES

    if unit_type and unit_type not in UNIT_TYPE_NAMES:
        choices = ", ".join(f"{k} ({v})" for k, v in UNIT_TYPE_NAMES.items())
        raise DunghanError(
            _("{field} {value!r}: choose one of {choices}").format(field=FIELD, value=unit_type, choices=choices),
            field="type",
        )
    return unit_type or None


def list_units(
    engine: Engine,
    *,
    day: date,
    under: str | None = None,
    level: str | None = None,
    unit_type: str | None = None,
    source: str | None = None,
    q: str = "",
    limit: int = 1000,
) -> tuple[list[UnitLine], int]:
    """The units valid on ``day``: under the unit holding ``under`` that day (and itself), or
    all; of a level, a type, a source; matching ``q``. At most ``limit``, and how many in all."""
    from models.org_listing import list_units as listed
    from models.units import unit_at

    level, unit_type = _checked_level(level), _checked_type(unit_type)
    top = unit_at(engine, under, day) if under else None
    return listed(engine, day=day, under=top, level=level, unit_type=unit_type, source=source, q=q, limit=max(limit, 1))


@dataclass(frozen=True)
class UnitSheet:
    """A unit as `org show` tells it: its card (parent, validity, lineage, namesakes) and what
    is under it and who is told."""

    card: UnitCard
    details: UnitDetails


def source_name(source: str) -> str:
    """Where a unit came from, as a person reads it: the standard list, the official list, a file."""
    from models.standard_agencies import STANDARD_SOURCE

    if source == STANDARD_SOURCE:
        return _("the standard list of specialised agencies ({source})").format(source=STANDARD_SOURCE)
    if source == "vietnam-provinces":
        return _("the official list ({source})").format(source=source)
    return source or _("unknown")


def unit_sheet(engine: Engine, code: str, day: date) -> UnitSheet:
    """The unit holding ``code`` on ``day``: its card, its children that day by level and type,
    its contacts and the source it was imported from."""
    from models.org_listing import unit_details

    card = unit_card(engine, code, day)
    return UnitSheet(card, unit_details(engine, card.unit.id, day))


def contacts_under(
    engine: Engine,
    under: str,
    *,
    day: date,
    role: str | None = None,
    active: bool | None = True,
    q: str = "",
    limit: int = 1000,
) -> tuple[list[ContactListRow], int]:
    """The contacts of the units under the unit holding ``under`` on ``day`` (and its own), by
    unit then role, as the admin's page lists them; of ``role``; only active ones unless
    ``active`` is None; matching ``q``. At most ``limit``, and how many in all."""
    from models import admin_scope
    from models.units import unit_at
    from rules.schema import KNOWN_ROLES, ROLE_NAMES

    if role and role not in KNOWN_ROLES:
        choices = ", ".join(f"{r} ({ROLE_NAMES[r]})" for r in KNOWN_ROLES)
        raise DunghanError(
            _("{field} {value!r}: choose one of {choices}").format(field=FIELD, value=role, choices=choices),
            field="role",
        )
    top = unit_at(engine, under, day)
    return admin_scope.contacts(engine, top, q=q, role=role or None, active=active, limit=max(limit, 1))
