"""Finding one obligation as a person names it (unit code, report, period, hop), the unit taken on
a day when one is given: a GSO code names another unit after the 2025 reform, so a code whose
units both have the obligation is refused, naming both, until a day says which."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select
from sqlmodel import col

from models.database import read_connection
from models.obligations import NoSuchObligation, ObligationKey
from models.tables import Obligation, Unit
from models.units import UNIT_COLUMNS, AmbiguousCode, UnitRef, unit_at
from rules.errors import ACTION, FIELD


@dataclass(frozen=True)
class FoundObligation:
    id: int
    unit: UnitRef


def find_obligation(engine: Engine, key: ObligationKey, *, on: date | None = None) -> FoundObligation:
    """The obligation ``key`` names (not retired) and its unit; with ``on``, of the unit holding
    the code that day. :class:`NoSuchObligation` when there is none or several hops,
    :class:`AmbiguousCode` when the code's units both have it and no day was given."""
    query = (
        select(col(Obligation.id).label("obligation_id"), col(Obligation.hop), *UNIT_COLUMNS)
        .join(Unit, col(Unit.id) == col(Obligation.unit_id))
        .where(
            col(Unit.code) == key.unit,
            col(Obligation.report_id) == key.report,
            col(Obligation.period) == key.period,
            col(Obligation.retired).is_(False),
        )
        .order_by(col(Unit.valid_from), col(Obligation.hop))
    )
    if key.hop is not None:
        query = query.where(col(Obligation.hop) == key.hop)
    with read_connection(engine) as connection:
        found = connection.execute(query).all()
        holder = unit_at(connection, key.unit, on) if on is not None else None
    if holder is not None:
        found = [r for r in found if r[2] == holder.id]
    if not found:
        on_day = f" của {holder.label}" if holder is not None else ""
        raise NoSuchObligation(
            f"không có nghĩa vụ {key}{on_day}: kiểm tra mã đơn vị, mã báo cáo và kỳ ({ACTION} liệt kê các nghĩa vụ)",
            action="overdue",
        )
    units = {r[2]: UnitRef(*r[2:]) for r in found}
    if len(units) > 1:
        raise AmbiguousCode(key.unit, list(units.values()), f"Chọn đơn vị bằng {FIELD} NGÀY (một ngày nó giữ mã này).")
    if len(found) > 1:
        hops = ", ".join(str(r[1]) for r in found)
        raise NoSuchObligation(f"{key} ứng với nghĩa vụ ở nhiều bước ({hops}): thêm {FIELD}", field="hop")
    return FoundObligation(int(found[0][0]), units[found[0][2]])
