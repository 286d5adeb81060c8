"""A campaign's activity logs one by one, as people see and change them: the unit a campaign page
is about, a unit's logs listed, one log opened, corrected or deleted.

Who may see or change what is a condition in the SQL of every query, given by the caller (a door
with no person, the CLI, passes none): reading follows :func:`models.worklist.visible_unit`,
changing :func:`writable_unit` (an officer their own unit's logs, an admin those under their unit).
A log out of the condition is :class:`NotVisible`, exactly like one that does not exist.

Every correction and deletion is written to the audit trail (entity ``activity_log``) in the same
transaction, with what the log said before, so that nothing is lost from the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, delete, false, func, insert, literal, select, true, update
from sqlmodel import col

from models.activity_logs import log_values
from models.database import read_connection, transaction
from models.tables import ActivityImport, ActivityLog, AuditEvent, Unit
from models.units import UNIT_COLUMNS, UnitRef, subtree, valid_on
from models.worklist import NotVisible, Viewer, visible_unit
from rules.activity import MEDIA_KINDS, ActivityEntry
from rules.numbers import vn_number

ENTITY = "activity_log"
# How the audit trail names a log's fields (short: a note holds every change of one correction).
FIELD_WORDS = {
    "activity_date": "ngày",
    "activity_type": "loại",
    "title": "tên",
    "participants_male": "nam",
    "participants_female": "nữ",
    "participants_total": "tổng số",
    **{f"media_{kind}": f"sản phẩm {kind}" for kind in MEDIA_KINDS},
    "budget_vnd": "kinh phí",
    "note": "ghi chú",
}


@dataclass(frozen=True)
class StoredLog:
    """One activity as stored, with its unit and where it came from."""

    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    campaign_id: str
    year: int
    day: date
    activity_type: str
    title: str
    male: int
    female: int
    total: int
    media: dict[str, int]
    budget: int
    note: str | None
    source: str
    imported: bool  # from a file: a new file of the unit replaces it
    recorded_by: str
    recorded_at: datetime

    @property
    def media_total(self) -> int:
        return sum(self.media.values())

    def entry(self) -> ActivityEntry:
        return ActivityEntry(
            day=self.day,
            activity_type=self.activity_type,
            title=self.title,
            male=self.male,
            female=self.female,
            total=self.total,
            media=dict(self.media),
            budget=self.budget,
            note=self.note,
        )


_COLUMNS: tuple[Any, ...] = (
    col(ActivityLog.id),
    col(ActivityLog.unit_id),
    col(Unit.code),
    col(Unit.name),
    col(ActivityLog.campaign_id),
    col(ActivityLog.year),
    col(ActivityLog.activity_date),
    col(ActivityLog.activity_type),
    col(ActivityLog.title),
    col(ActivityLog.participants_male),
    col(ActivityLog.participants_female),
    col(ActivityLog.participants_total),
    *(getattr(ActivityLog, f"media_{kind}") for kind in MEDIA_KINDS),
    col(ActivityLog.budget_vnd),
    col(ActivityLog.note),
    col(ActivityLog.source),
    col(ActivityLog.source_sha256),
    col(ActivityLog.recorded_by),
    col(ActivityLog.recorded_at),
)


def _stored(row: Any) -> StoredLog:
    values = list(row)
    media = values[12 : 12 + len(MEDIA_KINDS)]
    budget, note, source, digest, by, at = values[12 + len(MEDIA_KINDS) :]
    return StoredLog(
        id=values[0],
        unit_id=values[1],
        unit_code=values[2],
        unit_name=values[3],
        campaign_id=values[4],
        year=values[5],
        day=values[6],
        activity_type=values[7],
        title=values[8],
        male=values[9],
        female=values[10],
        total=values[11],
        media=dict(zip(MEDIA_KINDS, media, strict=True)),
        budget=budget,
        note=note,
        source=source,
        imported=digest is not None,
        recorded_by=by,
        recorded_at=at,
    )


def writable_unit(viewer: Viewer) -> Any:
    """The condition on units whose logs ``viewer`` may add, correct and delete: an officer their
    own unit's, an admin those of every unit under theirs; nobody else's."""
    if viewer.role == "officer":
        return col(Unit.id) == viewer.unit.id
    if viewer.role == "admin":
        return subtree(viewer.unit)
    return false()


def campaign_unit(engine: Engine, viewer: Viewer, code: str, day: date) -> UnitRef:
    """The unit holding ``code`` on ``day`` (a campaign year's tree) that ``viewer`` may see;
    :class:`NotVisible` otherwise."""
    query = select(*UNIT_COLUMNS).where(col(Unit.code) == code, valid_on(day), visible_unit(viewer))
    with read_connection(engine) as connection:
        row = connection.execute(query).first()
    if row is None:
        raise NotVisible()
    return UnitRef(*row)


def may_write(engine: Engine, viewer: Viewer, unit_id: int) -> bool:
    """Whether ``viewer`` may add, correct and delete the logs of the unit ``unit_id``."""
    query = select(col(Unit.id)).where(col(Unit.id) == unit_id, writable_unit(viewer))
    with read_connection(engine) as connection:
        return connection.execute(query).first() is not None


def unit_logs(
    engine: Engine, *, campaign_id: str, year: int, unit_id: int | None = None, where: Any = None
) -> list[StoredLog]:
    """The logs of a campaign year, of the unit ``unit_id`` (every unit when None) among the units
    ``where`` allows (every unit when None), by day."""
    query = (
        select(*_COLUMNS)
        .join(Unit, col(Unit.id) == col(ActivityLog.unit_id))
        .where(
            col(ActivityLog.campaign_id) == campaign_id,
            col(ActivityLog.year) == year,
            col(ActivityLog.unit_id) == unit_id if unit_id is not None else true(),
            where if where is not None else true(),
        )
        .order_by(col(Unit.code), col(ActivityLog.activity_date), col(ActivityLog.id))
    )
    with read_connection(engine) as connection:
        return [_stored(r) for r in connection.execute(query)]


def stored_log(engine: Engine, log_id: int, *, where: Any = None) -> StoredLog:
    """The log ``log_id`` if its unit is one ``where`` allows; :class:`NotVisible` otherwise."""
    query = (
        select(*_COLUMNS)
        .join(Unit, col(Unit.id) == col(ActivityLog.unit_id))
        .where(col(ActivityLog.id) == log_id, where if where is not None else true())
    )
    with read_connection(engine) as connection:
        row = connection.execute(query).first()
    if row is None:
        raise NotVisible()
    return _stored(row)


def file_imported(engine: Engine, sha256: str) -> tuple[datetime, int] | None:
    """When a file with this SHA-256 was imported and how many activities it gave, or None."""
    query = select(col(ActivityImport.imported_at), col(ActivityImport.activities)).where(
        col(ActivityImport.sha256) == sha256
    )
    with read_connection(engine) as connection:
        row = connection.execute(query).first()
    return (row[0], row[1]) if row else None


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, int):
        return vn_number(value, 0)
    return f"«{value}»"


def _described(log: StoredLog) -> str:
    """Everything a log says, for the audit trail of its deletion."""
    media = ", ".join(f"{kind} {vn_number(n, 0)}" for kind, n in log.media.items() if n) or "0"
    return (
        f"{log.unit_code} {log.campaign_id} {log.year}, hoạt động {log.id}: {log.day:%d/%m/%Y} {log.activity_type} "
        f"«{log.title}»; nam {vn_number(log.male, 0)}, nữ {vn_number(log.female, 0)}, "
        f"tổng số {vn_number(log.total, 0)}; sản phẩm: {media}; kinh phí {vn_number(log.budget, 0)} đồng"
        + (f"; ghi chú «{log.note}»" if log.note else "")
        + f"; nguồn {log.source}"
    )


def _before(log: StoredLog) -> dict[str, Any]:
    return {
        "activity_date": log.day,
        "activity_type": log.activity_type,
        "title": log.title,
        "participants_male": log.male,
        "participants_female": log.female,
        "participants_total": log.total,
        **{f"media_{kind}": log.media.get(kind, 0) for kind in MEDIA_KINDS},
        "budget_vnd": log.budget,
        "note": log.note,
    }


def _locked(session: Any, log_id: int, where: Any) -> StoredLog:
    """The log, locked until the transaction ends (PostgreSQL; SQLite's IMMEDIATE transaction
    already holds the write lock); :class:`NotVisible` when it is not there or not allowed."""
    query = (
        select(*_COLUMNS)
        .join(Unit, col(Unit.id) == col(ActivityLog.unit_id))
        .where(col(ActivityLog.id) == log_id, where if where is not None else true())
        .with_for_update(of=ActivityLog)
    )
    row = session.execute(query).first()
    if row is None:
        raise NotVisible()
    return _stored(row)


def correct_log(
    engine: Engine, log_id: int, entry: ActivityEntry, *, at: datetime, actor: str, where: Any = None
) -> tuple[StoredLog, list[str]]:
    """Replace what the log ``log_id`` says by ``entry`` (checked already), keeping its unit,
    campaign, year and source; the audit trail says what changed. Returns the log as it was and
    the changes (none: nothing is written)."""
    with transaction(engine) as session:
        old = _locked(session, log_id, where)
        new = {k: v for k, v in log_values(entry, old.unit_id).items() if k != "unit_id"}
        before = _before(old)
        changes = [
            f"{FIELD_WORDS[key]} {_shown(key, before[key])} → {_shown(key, value)}"
            for key, value in new.items()
            if before[key] != value
        ]
        if not changes:
            return old, []
        session.execute(update(ActivityLog).where(col(ActivityLog.id) == log_id).values(**new))
        note = f"{old.unit_code} {old.campaign_id} {old.year}, hoạt động {old.id}: " + "; ".join(changes)
        session.execute(
            insert(AuditEvent).values(
                at=at, actor=actor[:120], entity=ENTITY, entity_id=log_id, action="correct", note=note[:4000]
            )
        )
    return old, changes


def remove_log(engine: Engine, log_id: int, *, at: datetime, actor: str, where: Any = None) -> StoredLog:
    """Delete the log ``log_id``; the audit trail keeps everything it said. Returns it."""
    with transaction(engine) as session:
        old = _locked(session, log_id, where)
        session.execute(delete(ActivityLog).where(col(ActivityLog.id) == log_id))
        session.execute(
            insert(AuditEvent).values(
                at=at, actor=actor[:120], entity=ENTITY, entity_id=log_id, action="delete", note=_described(old)[:4000]
            )
        )
    return old


def unit_chain(engine: Engine, viewer: Viewer, unit: UnitRef, day: date) -> list[UnitRef]:
    """The units from the highest one ``viewer`` may see down to ``unit`` (itself included), in
    the tree valid on ``day``: the way back up from a unit's campaign page."""
    query = (
        select(*UNIT_COLUMNS)
        .where(literal(unit.path).startswith(col(Unit.path)), valid_on(day), visible_unit(viewer))
        .order_by(func.length(col(Unit.path)))
    )
    with read_connection(engine) as connection:
        return [UnitRef(*row) for row in connection.execute(query)]
