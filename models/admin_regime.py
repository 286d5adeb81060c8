"""What the admin's regime pages read and record: the cycles under a unit with their counts, the
units a plan's changes name, and who uploaded which rule pack when (the audit trail)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, case, func, insert, select
from sqlmodel import col

from models.database import read_connection, transaction
from models.tables import OPEN_STATES, AuditEvent, Cycle, Obligation, Unit
from models.units import UnitRef
from models.worklist import in_subtree

PACK_ENTITY = "pack"


@dataclass(frozen=True)
class CycleRow:
    """A cycle with the obligations it holds under one unit (retired ones apart)."""

    id: int
    pack_id: str
    pack_version: str
    year: int
    scope: str
    params: str
    planned_at: datetime
    obligations: int
    open: int
    retired: int


def cycles_under(engine: Engine, unit: UnitRef) -> list[CycleRow]:
    """The cycles holding obligations of units under ``unit``, the latest year first."""
    live = col(Obligation.retired).is_(False)
    query = (
        select(
            col(Cycle.id),
            col(Cycle.pack_id),
            col(Cycle.pack_version),
            col(Cycle.year),
            col(Cycle.scope),
            col(Cycle.params),
            col(Cycle.planned_at),
            func.sum(case((live, 1), else_=0)).label("obligations"),
            func.sum(case((live & col(Obligation.state).in_(OPEN_STATES), 1), else_=0)).label("open"),
            func.sum(case((live, 0), else_=1)).label("retired"),
        )
        .join(Obligation, col(Obligation.cycle_id) == col(Cycle.id))
        .where(in_subtree(unit))
        .group_by(
            col(Cycle.id),
            col(Cycle.pack_id),
            col(Cycle.pack_version),
            col(Cycle.year),
            col(Cycle.scope),
            col(Cycle.params),
            col(Cycle.planned_at),
        )
        .order_by(col(Cycle.year).desc(), col(Cycle.pack_id), col(Cycle.scope))
    )
    with read_connection(engine) as connection:
        rows = connection.execute(query).all()
    return [
        CycleRow(
            int(r.id),
            r.pack_id,
            r.pack_version,
            int(r.year),
            r.scope,
            r.params,
            r.planned_at,
            int(r.obligations),
            int(r.open),
            int(r.retired),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class UnitLabel:
    id: int
    code: str
    name: str
    level: str


def unit_labels(engine: Engine, ids: Sequence[int]) -> dict[int, UnitLabel]:
    """The code, name and level of each unit of ``ids``."""
    wanted = sorted(set(ids))
    found: dict[int, UnitLabel] = {}
    with read_connection(engine) as connection:
        for start in range(0, len(wanted), 5000):
            query = select(col(Unit.id), col(Unit.code), col(Unit.name), col(Unit.level)).where(
                col(Unit.id).in_(wanted[start : start + 5000])
            )
            for r in connection.execute(query):
                found[int(r.id)] = UnitLabel(int(r.id), r.code, r.name, r.level)
    return found


@dataclass(frozen=True)
class PackUpload:
    """The latest upload of a pack: when, by whom, which version."""

    pack_id: str
    version: str
    at: datetime
    actor: str


def record_pack_upload(engine: Engine, *, at: datetime, actor: str, pack_id: str, version: str, note: str) -> None:
    """Write an upload to the audit trail; the note starts with the pack's id and version."""
    with transaction(engine) as session:
        session.execute(
            insert(AuditEvent).values(
                at=at,
                actor=actor[:120],
                entity=PACK_ENTITY,
                entity_id=None,
                action="uploaded",
                note=f"{pack_id} {version} {note}".strip()[:4000],
            )
        )


def pack_uploads(engine: Engine) -> dict[str, PackUpload]:
    """The latest upload of each pack id, from the audit trail."""
    query = (
        select(col(AuditEvent.at), col(AuditEvent.actor), col(AuditEvent.note))
        .where(col(AuditEvent.entity) == PACK_ENTITY, col(AuditEvent.action) == "uploaded")
        .order_by(col(AuditEvent.id))
    )
    found: dict[str, PackUpload] = {}
    with read_connection(engine) as connection:
        for at, actor, note in connection.execute(query):
            pack_id, _, rest = (note or "").partition(" ")
            version = rest.split(" ", 1)[0]
            if pack_id:
                found[pack_id] = PackUpload(pack_id, version, at, actor)
    return found
