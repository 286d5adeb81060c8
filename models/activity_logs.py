"""Storing a campaign's activity logs: every entry checked first, then all written or none.

The pure checks are ``rules.activity.check_activity``; here the unit is looked up in the tree
valid in the campaign's year (on the window's last day) and inside the pack's scope, and a file
already imported is refused so that its activities are not counted twice: each import is written
to ``activity_import`` with the file's SHA-256, which the database keeps unique, in the same
transaction as its logs, so that of two imports of one file running at once only one is kept.

A new file for a unit and campaign year is that unit's corrected report: it replaces the logs of
the unit's earlier files (not the entries added one by one) in the same transaction, and an audit
event per unit says which rows of which file gave way to which, so the roll-up never counts a
unit's activities twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from models.database import refresh_statistics, transaction
from models.org_rows import ImportRefused
from models.planning import scope_paths
from models.tables import ActivityImport, ActivityLog, AuditEvent, Unit
from rules.activity import MEDIA_KINDS, ActivityEntry, ActivityError, PackCampaign, campaign_window, check_activity
from rules.calendar import VIETNAM
from rules.errors import ACTION
from rules.i18n import _

BULK = 1000  # rows written that make the planner's statistics worth refreshing


@dataclass(frozen=True)
class LogRow:
    """An entry with where it came from: ``row`` in a file (None for one entry from the CLI).

    ``unreadable`` names the fields whose cells could not be read (already reported, stood in for
    by placeholders), so that the row's other fields are still checked and reported at once.
    """

    row: int | None
    unit: str
    entry: ActivityEntry
    unreadable: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Replaced:
    """A unit's logs from earlier files that a new file replaced: how many, from which files."""

    unit: str
    removed: int
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Recorded:
    """What recording did: logs added, and the earlier ones each unit's new file replaced."""

    added: int
    replaced: list[Replaced] = field(default_factory=list)


@dataclass(frozen=True)
class LoggingUnit:
    id: int
    code: str
    name: str
    level: str
    path: str


def tree_day(chosen: PackCampaign, year: int) -> date:
    """The day whose tree a campaign's year is logged and rolled up over: the window's last day."""
    return campaign_window(chosen.campaign, year).end


def find_units(engine: Engine, codes: Sequence[str], day: date) -> dict[str, LoggingUnit]:
    """The units with these codes valid on ``day`` (codes not found are left out)."""
    if not codes:
        return {}
    query = select(col(Unit.id), col(Unit.code), col(Unit.name), col(Unit.level), col(Unit.path)).where(
        col(Unit.code).in_(sorted(set(codes))),
        col(Unit.valid_from) <= day,
        (col(Unit.valid_to).is_(None)) | (col(Unit.valid_to) >= day),
    )
    with engine.execution_options(read_only=True).connect() as connection:  # no write lock: reads only
        return {r.code: LoggingUnit(*r) for r in connection.execute(query)}


def logging_unit(engine: Engine, code: str, chosen: PackCampaign, year: int) -> LoggingUnit:
    """The unit ``code`` as it may log in the campaign's year, or a sentence saying why not."""
    day = tree_day(chosen, year)
    unit = find_units(engine, [code], day).get(code)
    if unit is None:
        raise ActivityError(
            _("no unit {code!r} valid on {day}: import the tree first ({action})").format(
                code=code, day=f"{day:%d/%m/%Y}", action=ACTION
            ),
            action="org import",
        )
    if problem := _outside_scope(unit, chosen, _scope(engine, chosen, day)):
        raise ActivityError(problem)
    return unit


def _scope(engine: Engine, chosen: PackCampaign, day: date) -> tuple[str, ...] | None:
    """The paths of the pack's scope units on ``day``; None when the pack covers everything."""
    return tuple(scope_paths(engine, chosen.pack.scope, day)) if chosen.pack.scope else None


def _outside_scope(unit: LoggingUnit, chosen: PackCampaign, paths: tuple[str, ...] | None) -> str | None:
    if paths is None or unit.path.startswith(paths):
        return None
    return _("unit {code} is outside pack {pack}, which covers {scope}").format(
        code=unit.code, pack=chosen.pack.id, scope=", ".join(chosen.pack.scope)
    )


def _imported_before(connection: Connection, sha256: str, label: str) -> str | None:
    """The sentence refusing a file whose SHA-256 was imported already, or None."""
    earlier = connection.execute(
        select(col(ActivityImport.imported_at), col(ActivityImport.activities)).where(
            col(ActivityImport.sha256) == sha256
        )
    ).first()
    if earlier is None:
        return None
    return _(
        "{file}: this very file was imported on {day} ({count} activities); importing it again would count them twice"
    ).format(file=label, day=f"{earlier.imported_at.astimezone(VIETNAM):%d/%m/%Y}", count=earlier.activities)


def _where(label: str, row: LogRow, field: str, columns: Mapping[str, str]) -> str:
    column = columns.get(field, field)
    if row.row is None:
        return f"{row.unit}: {column}"
    return _("{file}: row {row} ({unit}), column {column}").format(
        file=label, row=row.row, unit=row.unit, column=column
    )


def record_logs(
    engine: Engine,
    rows: Sequence[LogRow],
    *,
    chosen: PackCampaign,
    year: int,
    now: datetime,
    actor: str,
    source: str,
    label: str,
    columns: Mapping[str, str],
    sha256: str | None = None,
    earlier_errors: Sequence[tuple[int, str]] = (),
) -> Recorded:
    """Check every row and write them all in one transaction, or raise :class:`ImportRefused`
    listing every error in row order (``earlier_errors``: those found while reading the file).

    A file (``sha256`` given) replaces its units' logs from earlier files of the campaign year.
    ``columns`` names each field as the person wrote it (a form's heading, an option).
    """
    found: list[tuple[int, str]] = list(earlier_errors)
    day = tree_day(chosen, year)
    units = find_units(engine, [r.unit for r in rows], day)
    paths = _scope(engine, chosen, day) if units else None
    scope_checked: dict[str, str | None] = {}
    today = now.date()
    for row in rows:
        unit = units.get(row.unit)
        if unit is None:
            found.append(
                (
                    row.row or 0,
                    _("{where}: no unit {code!r} valid on {day}").format(
                        where=_where(label, row, "unit", columns), code=row.unit, day=f"{day:%d/%m/%Y}"
                    ),
                )
            )
        else:
            if row.unit not in scope_checked:
                scope_checked[row.unit] = _outside_scope(unit, chosen, paths)
            if outside := scope_checked[row.unit]:
                found.append((row.row or 0, f"{_where(label, row, 'unit', columns)}: {outside}"))
        skip = row.unreadable | ({"total"} if row.unreadable & {"male", "female"} else set())
        for problem in check_activity(row.entry, chosen, year, today=today):
            if problem.field in skip:
                continue
            found.append((row.row or 0, f"{_where(label, row, problem.field, columns)}: {problem.message}"))
    errors = [message for _row, message in sorted(found, key=lambda item: item[0])]  # by row, stable
    if sha256 is not None:  # said early, with the other errors; the unique sha256 is the guarantee
        with engine.execution_options(read_only=True).connect() as connection:
            if sentence := _imported_before(connection, sha256, label):
                errors.append(sentence)
    if errors:
        raise ImportRefused(errors)
    if not rows:
        return Recorded(0)
    values = [log_values(row.entry, units[row.unit].id) for row in rows]
    common = {
        "campaign_id": chosen.campaign.id,
        "pack_id": chosen.pack.id,
        "year": year,
        "source": source[:120],
        "source_sha256": sha256,
        "recorded_by": actor[:120],
        "recorded_at": now,
    }
    replaced: list[Replaced] = []
    try:
        with transaction(engine) as session:
            if sha256 is not None:
                logging = {code: units[code] for code in dict.fromkeys(row.unit for row in rows)}
                import_id = session.execute(
                    insert(ActivityImport)
                    .values(
                        sha256=sha256,
                        source=source[:120],
                        campaign_id=chosen.campaign.id,
                        year=year,
                        units=len(logging),
                        activities=len(values),
                        imported_by=actor[:120],
                        imported_at=now,
                    )
                    .returning(col(ActivityImport.id))
                ).scalar_one()
                replaced = _replace_earlier_files(
                    session, logging, campaign_id=chosen.campaign.id, year=year, sha256=sha256
                )
                added = {code: sum(1 for row in rows if row.unit == code) for code in logging}
                by_unit = {r.unit: r for r in replaced}
                events = [
                    _audit(import_id, code, added[code], by_unit.get(code), source, sha256, now, actor)
                    for code in logging
                ]
                session.execute(insert(AuditEvent), events)
            session.execute(insert(ActivityLog), [dict(v, **common) for v in values])
    except IntegrityError:
        # Another import of the same file committed after the check above.
        with engine.execution_options(read_only=True).connect() as connection:
            sentence = _imported_before(connection, sha256, label) if sha256 is not None else None
        if sentence is None:
            raise
        raise ImportRefused([sentence]) from None
    if len(values) >= BULK:
        refresh_statistics(engine, "activity_log")
    return Recorded(len(values), replaced)


def _replace_earlier_files(
    session: Session, units: Mapping[str, LoggingUnit], *, campaign_id: str, year: int, sha256: str
) -> list[Replaced]:
    """Remove the logs that earlier files gave for these units in this campaign year.

    The units' rows are locked first: on PostgreSQL two new files for one unit at once would
    otherwise both remove the old logs and both add theirs (SQLite's IMMEDIATE transaction
    already runs one after the other)."""
    ids = {unit.id: code for code, unit in units.items()}
    session.execute(select(col(Unit.id)).where(col(Unit.id).in_(ids)).with_for_update())
    earlier = (
        col(ActivityLog.campaign_id) == campaign_id,
        col(ActivityLog.year) == year,
        col(ActivityLog.unit_id).in_(ids),
        col(ActivityLog.source_sha256).is_not(None),
        col(ActivityLog.source_sha256) != sha256,
    )
    found: dict[str, list[tuple[str, str, int]]] = {}
    query = (
        select(col(ActivityLog.unit_id), col(ActivityLog.source), col(ActivityLog.source_sha256), func.count())
        .where(*earlier)
        .group_by(col(ActivityLog.unit_id), col(ActivityLog.source), col(ActivityLog.source_sha256))
        .order_by(col(ActivityLog.unit_id), col(ActivityLog.source))
    )
    for unit_id, source, digest, count in session.execute(query):
        found.setdefault(ids[unit_id], []).append((source, digest, count))
    if not found:
        return []
    session.execute(delete(ActivityLog).where(*earlier))
    return [
        Replaced(
            code,
            sum(n for *_rest, n in files),
            tuple(f"{name} (sha256 {digest[:12]})" for name, digest, _count in files),
        )
        for code, files in found.items()
    ]


def _audit(
    import_id: int,
    code: str,
    added: int,
    replaced: Replaced | None,
    source: str,
    sha256: str,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """The audit event of one unit's logs in an imported file: what it added, what it replaced."""
    new = _("{count} log(s) from {file} (sha256 {digest})").format(count=added, file=source, digest=sha256[:12])
    note = _("unit {code}: {added}").format(code=code, added=new)
    if replaced is not None:
        note = _("unit {code}: {removed} log(s) of {files} replaced by {added}").format(
            code=code, removed=replaced.removed, files=", ".join(replaced.sources), added=new
        )
    return {
        "at": now,
        "actor": actor[:120],
        "entity": "activity_import",
        "entity_id": import_id,
        "action": "replace" if replaced is not None else "import",
        "note": note[:4000],
    }


def log_values(entry: ActivityEntry, unit_id: int) -> dict[str, Any]:
    """The columns of a log of ``unit_id`` saying ``entry`` (title and note trimmed, media by kind)."""
    return {
        "unit_id": unit_id,
        "activity_date": entry.day,
        "activity_type": entry.activity_type,
        "title": entry.title.strip(),
        "participants_male": entry.male,
        "participants_female": entry.female,
        "participants_total": entry.participants,
        **{f"media_{kind}": entry.media.get(kind, 0) for kind in MEDIA_KINDS},
        "budget_vnd": entry.budget,
        "note": (entry.note or "").strip() or None,
    }
