"""Events and requests stored, with the obligations they start.

An occasion (an event at a unit, or a request a unit received) is recorded once, in one
transaction with its obligations and their audit: the unit reports along the report's chain
(its recipient, then the recipient's recipient), each hop dated by the pure engine
(:func:`rules.occasions.occasion_dues`). Recording the same occasion again, or twice at once from
two processes, leaves the first one as it is (``created`` is False). The obligations live in a
cycle of their own per pack and year (scope :data:`OCCASION_SCOPE`), so planning the pack's
calendar never retires them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from models.database import read_connection, transaction
from models.planning import (
    OCCASION_SCOPE,
    NoRecipient,
    Tree,
    TreeUnit,
    also_recipients,
    receiving_unit,
    tree_on,
)
from models.tables import AuditEvent, Cycle, Obligation, Occasion, Unit
from models.units import UnitRef, subtree, valid_on
from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.ladder import reminder_plan
from rules.occasions import HopDue
from rules.schema import LEVEL_NAMES, Pack, Report, keeps_state_calendar


class OccasionRefused(DunghanError):
    """An occasion that cannot start its report (an unknown unit, one the report does not ask)."""


@dataclass(frozen=True)
class StartedObligation:
    report_id: str
    unit_code: str
    unit_name: str
    hop: int
    recipient_name: str
    wording: str
    due_date: date
    due_at: datetime


@dataclass(frozen=True)
class Recorded:
    occasion_id: int
    created: bool  # False: the same occasion was recorded before; nothing was written
    unit_code: str
    period: str
    obligations: tuple[StartedObligation, ...]


def _insert(connection: Connection, table: Any) -> Any:
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(table)


def _unit(tree: Tree, code: str, day: date) -> TreeUnit:
    unit = tree.by_code.get(code)
    if unit is None:
        raise OccasionRefused(
            _("no unit has the code {code} on {day} ({field})").format(code=code, day=f"{day:%d/%m/%Y}", field=FIELD),
            field="unit",
        )
    return unit


def _route(tree: Tree, report: Report, unit: TreeUnit, dues: Sequence[HopDue], day: date) -> list[dict[str, Any]]:
    """The obligations along the chain: the unit's hop, then its recipient's, and so on."""
    first = report.chain[0]
    if not any(s.matches(unit.level, unit.unit_type, unit.code) for s in first.from_):
        raise OccasionRefused(
            _("{unit} ({code}, {level}) is not among those who send report {report}: {senders}").format(
                unit=unit.name or unit.code,
                code=unit.code,
                level=LEVEL_NAMES.get(unit.level, unit.level),
                report=report.id,
                senders=first.from_label(),
            ),
            field="unit",
        )
    rows: list[dict[str, Any]] = []
    reporter = unit
    for hop, due in zip(report.chain, dues, strict=True):
        if not any(s.matches(reporter.level, reporter.unit_type, reporter.code) for s in hop.from_):
            break  # the chain goes on from another kind of unit: this occasion stops here
        recipient = receiving_unit(tree, hop, reporter, day)
        if isinstance(recipient, NoRecipient):
            raise OccasionRefused(
                _("report {report}, hop {hop}: {why}").format(report=report.id, hop=due.hop, why=recipient.why)
            )
        rows.append(
            {
                "unit_id": reporter.id,
                "unit_level": reporter.level,
                "report_id": report.id,
                "report_name": report.name[:255],
                "period": day.isoformat(),
                "hop": due.hop,
                "recipient_name": hop.to.name[:255],
                "recipient_unit_id": recipient.id if recipient is not None else None,
                "also_recipients": also_recipients(hop),
                "wording": due.due.wording[:255],
                "nominal_date": due.due.nominal_date,
                "due_date": due.due.due_date,
                "rolled_reason": due.due.reason,
                "assumed": due.due.assumed,
                "due_at": due.due.due_at,
                "_code": reporter.code,
                "_name": reporter.name or reporter.code,
            }
        )
        if recipient is None:
            break  # a body above the ministries received it: the chain ends
        reporter = recipient
    return rows


def _cycle_id(connection: Connection, pack: Pack, year: int, now: datetime) -> int:
    """The pack's cycle of occasions for ``year``, created by whichever writer comes first."""
    connection.execute(
        _insert(connection, Cycle)
        .values(
            pack_id=pack.id,
            pack_version=pack.version,
            year=year,
            scope=OCCASION_SCOPE,
            params="{}",
            planned_at=now,
            reminders=reminder_plan(pack).to_json(),
        )
        .on_conflict_do_nothing(index_elements=["pack_id", "year", "scope"])
    )
    found = connection.scalar(
        select(col(Cycle.id)).where(
            col(Cycle.pack_id) == pack.id, col(Cycle.year) == year, col(Cycle.scope) == OCCASION_SCOPE
        )
    )
    assert found is not None
    return int(found)


def _rows_for(
    tree: Tree,
    code: str,
    day: date,
    reports: Sequence[tuple[Report, Sequence[HopDue]]],
    labour_reports: Sequence[tuple[Report, Sequence[HopDue]]] | None,
) -> tuple[TreeUnit, list[dict[str, Any]]]:
    reporter = _unit(tree, code, day)
    if labour_reports is not None and not keeps_state_calendar(reporter.unit_type):
        reports = labour_reports
    rows: list[dict[str, Any]] = []
    refused: OccasionRefused | None = None
    for report, dues in reports:
        try:
            rows += _route(tree, report, reporter, dues, day)
        except OccasionRefused as error:
            if error.field != "unit":
                raise
            refused = error
    if not rows:
        assert refused is not None
        raise refused
    return reporter, rows


def _started(rows: Sequence[dict[str, Any]]) -> tuple[StartedObligation, ...]:
    return tuple(
        StartedObligation(
            r["report_id"],
            r["_code"],
            r["_name"],
            r["hop"],
            r["recipient_name"],
            r["wording"],
            r["due_date"],
            r["due_at"],
        )
        for r in rows
    )


def record_occasions(
    engine: Engine,
    *,
    pack: Pack,
    kind: str,
    name: str,
    units: Sequence[str],
    day: date,
    reports: Sequence[tuple[Report, Sequence[HopDue]]],
    now: datetime,
    actor: str,
    reference: str | None = None,
    note: str | None = None,
    labour_reports: Sequence[tuple[Report, Sequence[HopDue]]] | None = None,
) -> tuple[Recorded, ...]:
    """Record one occasion at each unit holding a code of ``units`` on ``day``, with the
    obligations of each report it starts (dated by its ``HopDue``; ``labour_reports`` dates a unit
    outside the state apparatus, on the Labour Code's calendar), all units or none. A unit
    that sends none of the reports is refused; one that sends some starts those. A unit whose
    occasion was recorded before is left as it is."""
    tree = tree_on(engine, day)
    planned = [
        _rows_for(tree, code, day, reports, labour_reports) for code in units
    ]  # every unit checked before any write
    recorded: list[Recorded] = []
    with transaction(engine) as session:
        connection = session.connection()
        cycle_id: int | None = None
        audit: list[dict[str, Any]] = []
        what = _("event {name}") if kind == "event" else _("request for report {name}")
        for reporter, rows in planned:
            occasion_id = connection.scalar(
                _insert(connection, Occasion)
                .values(
                    pack_id=pack.id,
                    kind=kind,
                    name=name,
                    unit_id=reporter.id,
                    day=day,
                    recorded_at=now,
                    actor=actor,
                    reference=reference,
                    note=note,
                )
                .on_conflict_do_nothing(index_elements=["pack_id", "kind", "name", "unit_id", "day"])
                .returning(col(Occasion.id))
            )
            if occasion_id is None:  # recorded before (or by a writer that has just committed)
                earlier = connection.scalar(
                    select(col(Occasion.id)).where(
                        col(Occasion.pack_id) == pack.id,
                        col(Occasion.kind) == kind,
                        col(Occasion.name) == name,
                        col(Occasion.unit_id) == reporter.id,
                        col(Occasion.day) == day,
                    )
                )
                assert earlier is not None
                recorded.append(Recorded(int(earlier), False, reporter.code, day.isoformat(), _started(rows)))
                continue
            if cycle_id is None:
                cycle_id = _cycle_id(connection, pack, day.year, now)
            values = [{k: v for k, v in r.items() if not k.startswith("_")} | {"cycle_id": cycle_id} for r in rows]
            ids = connection.scalars(
                _insert(connection, Obligation)
                .values(values)
                .on_conflict_do_nothing(index_elements=["cycle_id", "unit_id", "report_id", "period", "hop"])
                .returning(col(Obligation.id))
            ).all()
            details = {"pack": pack.id, "kind": kind, "name": name, "unit": reporter.code, "day": day.isoformat()}
            audit.append(
                {
                    "at": now,
                    "actor": actor,
                    "entity": "occasion",
                    "entity_id": occasion_id,
                    "action": "recorded",
                    "note": json.dumps(details | ({"reference": reference} if reference else {}), ensure_ascii=False),
                }
            )
            audit += [
                {
                    "at": now,
                    "actor": actor,
                    "entity": "obligation",
                    "entity_id": obligation_id,
                    "action": "created",
                    "from_state": "pending",
                    "to_state": "pending",
                    "note": f"{what.format(name=name)} {day:%d/%m/%Y}",
                }
                for obligation_id in ids
            ]
            recorded.append(Recorded(int(occasion_id), True, reporter.code, day.isoformat(), _started(rows)))
        if audit:
            session.execute(AuditEvent.__table__.insert(), audit)  # type: ignore[attr-defined]
    return tuple(recorded)


# What an admin sees of the occasions under their unit.


@dataclass(frozen=True)
class UnitObligation:
    """One of the obligations an occasion gave its unit (the first hop), as it stands now."""

    id: int
    report_id: str
    report_name: str
    hop: int
    due_date: date
    state: str


@dataclass(frozen=True)
class OccasionRow:
    """An occasion recorded at a unit under the admin's, with the unit's obligations that day."""

    id: int
    pack_id: str
    kind: str  # event or request
    name: str  # the event kind's id, or the requested report's id
    unit_code: str
    unit_name: str
    day: date
    recorded_at: datetime
    actor: str
    reference: str | None
    obligations: tuple[UnitObligation, ...]


def occasions_under(engine: Engine, unit: UnitRef, *, limit: int, offset: int = 0) -> tuple[list[OccasionRow], int]:
    """The occasions recorded at the units under ``unit`` (and itself), the latest day first, and
    how many there are. Each comes with its unit's obligations of that day in the pack's cycle of
    occasions (every report: the caller keeps those the occasion starts)."""
    inside = and_(col(Occasion.unit_id) == col(Unit.id), subtree(unit))
    with read_connection(engine) as connection:
        total = connection.scalar(select(func.count()).select_from(Occasion).join(Unit, inside))
        found = connection.execute(
            select(
                col(Occasion.id),
                col(Occasion.pack_id),
                col(Occasion.kind),
                col(Occasion.name),
                col(Occasion.unit_id),
                col(Unit.code).label("unit_code"),
                col(Unit.name).label("unit_name"),
                col(Occasion.day),
                col(Occasion.recorded_at),
                col(Occasion.actor),
                col(Occasion.reference),
            )
            .join(Unit, inside)
            .order_by(col(Occasion.day).desc(), col(Occasion.id).desc())
            .limit(limit)
            .offset(offset)
        ).all()
        keys = {(r.pack_id, r.unit_id, r.day.isoformat()) for r in found}
        obligations: dict[tuple[str, int, str], list[UnitObligation]] = {}
        if keys:
            rows = connection.execute(
                select(
                    col(Cycle.pack_id),
                    col(Obligation.unit_id),
                    col(Obligation.period),
                    col(Obligation.id),
                    col(Obligation.report_id),
                    col(Obligation.report_name),
                    col(Obligation.hop),
                    col(Obligation.due_date),
                    col(Obligation.state),
                )
                .join(Cycle, col(Cycle.id) == col(Obligation.cycle_id))
                .join(Unit, and_(col(Unit.id) == col(Obligation.unit_id), subtree(unit)))
                .where(
                    col(Cycle.scope) == OCCASION_SCOPE,
                    or_(
                        *(
                            and_(
                                col(Cycle.pack_id) == pack_id,
                                col(Obligation.unit_id) == unit_id,
                                col(Obligation.period) == period,
                            )
                            for pack_id, unit_id, period in sorted(keys)
                        )
                    ),
                )
                .order_by(col(Obligation.report_id), col(Obligation.hop))
            ).all()
            for r in rows:
                obligations.setdefault((r[0], r[1], r[2]), []).append(UnitObligation(*r[3:]))
    return [
        OccasionRow(
            r.id,
            r.pack_id,
            r.kind,
            r.name,
            r.unit_code,
            r.unit_name,
            r.day,
            r.recorded_at,
            r.actor,
            r.reference,
            tuple(obligations.get((r.pack_id, r.unit_id, r.day.isoformat()), ())),
        )
        for r in found
    ], int(total or 0)


@dataclass(frozen=True)
class CodesSeen:
    """Unit codes an admin typed, sorted out on a day: held by no unit, or by one outside their unit."""

    unknown: tuple[str, ...]
    outside: tuple[tuple[str, str], ...]  # (code, the unit's name)


def codes_seen(engine: Engine, unit: UnitRef, codes: Sequence[str], *, day: date) -> CodesSeen:
    """Which of ``codes`` no unit holds on ``day``, and which a unit outside ``unit`` holds."""
    if not codes:
        return CodesSeen((), ())
    with read_connection(engine) as connection:
        held = {
            str(r[0]): (str(r[1]), bool(r[2]))
            for r in connection.execute(
                select(col(Unit.code), col(Unit.name), subtree(unit).label("inside")).where(
                    col(Unit.code).in_(sorted(set(codes))), valid_on(day)
                )
            )
        }
    unknown = tuple(code for code in codes if code not in held)
    outside = tuple((code, held[code][0]) for code in codes if code in held and not held[code][1])
    return CodesSeen(unknown, outside)
