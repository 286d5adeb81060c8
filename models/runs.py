"""Runs of jobs, as stored: one row a run, written when it starts and completed when it ends.

A job is what the schedule and the commands run: planning a cycle, the reminder sweep, the
digests, the retries, a roll-up. Its row says who started it (``cli:LOGIN``, ``web:EMAIL``,
``prefect:DEPLOYMENT``), how (``direct``: a plain call; ``prefect``: a flow run), with which
parameters, over which units, and how it ended: ``ok`` with its counts, ``failed`` with a short
message, or still ``running`` (also what a run stopped by ``kill -9`` stays as).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlmodel import col

from models.database import read_connection, transaction
from models.tables import Run, Unit
from models.units import UnitRef, subtree

MESSAGE_MAX = 500
WHO_MAX = 120
SCOPE_MAX = 255


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=False)


def start_run(
    engine: Engine,
    *,
    name: str,
    how: str,
    who: str,
    scope: Sequence[str],
    parameters: Mapping[str, Any],
    at: datetime,
) -> int:
    """Record a run that starts now; its id, to complete it with :func:`finish_run`."""
    with transaction(engine) as session:
        run_id = session.execute(
            insert(Run).returning(col(Run.id)),
            {
                "name": name,
                "how": how,
                "who": who[:WHO_MAX],
                "scope": ",".join(scope)[:SCOPE_MAX],
                "parameters": _json(parameters),
                "started_at": at,
                "outcome": "running",
            },
        ).scalar_one()
    return int(run_id)


def finish_run(
    engine: Engine,
    run_id: int,
    *,
    outcome: str,
    at: datetime,
    message: str | None = None,
    counts: Mapping[str, Any] | None = None,
) -> None:
    """Complete the run ``run_id``: ``ok`` or ``failed``, a short message, what it counted."""
    if message is not None and len(message) > MESSAGE_MAX:
        message = message[: MESSAGE_MAX - 1] + "…"
    with transaction(engine) as session:
        session.execute(
            update(Run)
            .where(col(Run.id) == run_id)
            .values(
                outcome=outcome,
                finished_at=at,
                message=message,
                counts=_json(counts) if counts is not None else None,
            )
        )


@dataclass(frozen=True)
class RunRow:
    id: int
    name: str
    how: str
    who: str
    scope: list[str]
    parameters: dict[str, Any]
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    message: str | None
    counts: dict[str, Any]

    @property
    def seconds(self) -> float | None:
        """How long it took; None while it runs."""
        return None if self.finished_at is None else (self.finished_at - self.started_at).total_seconds()


_COLUMNS = (
    col(Run.id),
    col(Run.name),
    col(Run.how),
    col(Run.who),
    col(Run.scope),
    col(Run.parameters),
    col(Run.started_at),
    col(Run.finished_at),
    col(Run.outcome),
    col(Run.message),
    col(Run.counts),
)


def _row(r: Any) -> RunRow:
    return RunRow(
        id=int(r[0]),
        name=r[1],
        how=r[2],
        who=r[3],
        scope=[c for c in (r[4] or "").split(",") if c],
        parameters=json.loads(r[5] or "{}"),
        started_at=r[6],
        finished_at=r[7],
        outcome=r[8],
        message=r[9],
        counts=json.loads(r[10]) if r[10] else {},
    )


def latest_runs(
    engine: Engine,
    *,
    limit: int = 20,
    name: str | None = None,
    outcome: str | None = None,
    within: UnitRef | None = None,
) -> list[RunRow]:
    """The latest runs, newest first; only of job ``name``, only with ``outcome``.

    With ``within`` (an admin's unit), only the runs an admin of that unit may see: those over
    everything (the sweep, the digests, the retries) and those whose units all lie under it.
    """
    condition: list[Any] = []
    if name:
        condition.append(col(Run.name) == name)
    if outcome:
        condition.append(col(Run.outcome) == outcome)
    found: list[RunRow] = []
    with read_connection(engine) as connection:
        codes: set[str] | None = None
        if within is not None:
            codes = set(connection.execute(select(col(Unit.code)).where(subtree(within))).scalars())
            codes.add(within.code)
        batch, offset = max(limit, 50), 0
        while len(found) < limit:
            rows = connection.execute(
                select(*_COLUMNS)
                .where(*condition)
                .order_by(col(Run.started_at).desc(), col(Run.id).desc())
                .limit(batch)
                .offset(offset)
            ).all()
            for row in map(_row, rows):
                if codes is None or all(code in codes for code in row.scope):
                    found.append(row)
            if len(rows) < batch:
                break
            offset += batch
    return found[:limit]


def last_started(engine: Engine, names: Sequence[str]) -> dict[str, datetime]:
    """When each job of ``names`` last started a run (jobs that never ran are left out)."""
    with read_connection(engine) as connection:
        rows = connection.execute(
            select(col(Run.name), func.max(col(Run.started_at)))
            .where(col(Run.name).in_(list(names)))
            .group_by(col(Run.name))
        ).all()
    return {name: at for name, at in rows}  # max() keeps the column's type: zone-aware instants
