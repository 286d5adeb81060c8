"""Planning cycles: obligations over the tree valid in the period, re-planned as a diff."""

from collections.abc import Sequence
from datetime import date

import pytest
from sqlalchemy import Engine, Row, func, select
from sqlmodel import col

from models.org_rows import UnitRow
from models.planning import plan_cycle
from models.tables import AuditEvent, Obligation, Unit
from models.tree import import_org
from reports.org_files import read_org_file
from rules.errors import DunghanError, MissingParameter
from rules.loader import calendar_for, shipped_packs
from tests.models.factory import TREES, at, bac_ninh_2026, current_bac_ninh_tree

PACKS = {p.pack.id: p.pack for p in shipped_packs()}
CAL = calendar_for()
NOW = at("2026-01-05T08:00:00")


ObligationRow = Row[tuple[str, str, int, str, date, str, bool, int | None]]


def _obligations(engine: Engine) -> Sequence[ObligationRow]:
    with engine.connect() as c:
        return c.execute(
            select(
                col(Obligation.report_id),
                col(Obligation.period),
                col(Obligation.hop),
                col(Unit.code),
                col(Obligation.due_date),
                col(Obligation.state),
                col(Obligation.retired),
                col(Obligation.recipient_unit_id),
            ).join(Unit, col(Unit.id) == col(Obligation.unit_id))
        ).all()


def test_plan_two_tier_2026(engine: Engine) -> None:
    bac_ninh_2026(engine)
    summary = plan_cycle(engine, PACKS["hai-cap-2026"], 2026, CAL, params={}, scope=["24"], now=NOW, actor="admin")
    rows = _obligations(engine)
    reporters = 99 + 10  # communes, departments and organisations (not the Sở, the press or the committee)
    assert summary.created == len(rows) == 3 * reporters + 3  # three reports; hop 2 by the Sở Nội vụ
    assert {r.code for r in rows if r.hop == 2} == {"24-SNV"}
    with engine.connect() as c:
        snv = c.execute(select(col(Unit.id)).where(col(Unit.code) == "24-SNV")).scalar_one()
        bnv = c.execute(select(col(Unit.id)).where(col(Unit.code) == "BNV")).scalar_one()
    assert {r.recipient_unit_id for r in rows if r.hop == 1} == {snv}
    assert {r.recipient_unit_id for r in rows if r.hop == 2} == {bnv}
    annual = {r.due_date for r in rows if r.report_id == "bdg-nam" and r.hop == 1}
    assert annual == {date(2026, 12, 21)}  # "trước ngày 20/12": Saturday 19/12 rolled to Monday


def test_replanning_is_idempotent_and_a_diff(engine: Engine) -> None:
    bac_ninh_2026(engine)
    pack = PACKS["hai-cap-2026"]
    first = plan_cycle(engine, pack, 2026, CAL, params={}, scope=["24"], now=NOW, actor="admin")
    again = plan_cycle(engine, pack, 2026, CAL, params={}, scope=["24"], now=NOW, actor="admin")
    assert (again.created, again.updated, again.retired, again.unchanged) == (0, 0, 0, first.created)
    assert again.cycle_id == first.cycle_id
    # A new department appears: only its obligations are added.
    import_org(
        engine,
        [
            UnitRow(
                2, "24-SXD", "Sở Xây dựng tỉnh Bắc Ninh", "province", "department", "24", date(2025, 7, 1), None, None
            )
        ],
        [],
        source="test",
    )
    grown = plan_cycle(engine, pack, 2026, CAL, params={}, scope=["24"], now=NOW, actor="admin")
    assert (grown.created, grown.unchanged) == (3, first.created)
    # The campaign deadline set for this cycle re-dates those obligations, with an audit event each.
    moved = plan_cycle(
        engine,
        pack,
        2026,
        CAL,
        params={"thang_hanh_dong_due": date(2026, 12, 24)},
        scope=["24"],
        now=NOW,
        actor="admin",
    )
    assert moved.updated == 110 + 1  # hop 1 of every reporter (with 24-SXD), and hop 2 counted from it
    with engine.connect() as c:
        notes = c.execute(select(col(AuditEvent.note)).where(col(AuditEvent.action) == "redated")).scalars().all()
    assert "22/12/2026 → 24/12/2026" in notes


def test_nothing_with_a_history_is_deleted(engine: Engine) -> None:
    bac_ninh_2026(engine)
    pack = PACKS["hai-cap-2026"]
    plan_cycle(engine, pack, 2026, CAL, params={}, scope=["24"], now=NOW, actor="admin")
    smaller = pack.model_copy(update={"reports": [r for r in pack.reports if r.id != "bdg-6-thang"]})
    result = plan_cycle(engine, smaller, 2026, CAL, params={}, scope=["24"], now=NOW, actor="admin")
    assert result.retired == 109 + 1
    rows = _obligations(engine)
    assert len(rows) == 3 * 109 + 3 and sum(r.retired for r in rows) == 110
    back = plan_cycle(engine, pack, 2026, CAL, params={}, scope=["24"], now=NOW, actor="admin")
    assert back.reinstated == 110 and not any(r.retired for r in _obligations(engine))


def test_historic_cycles_keep_their_districts(engine: Engine) -> None:
    units, _ = read_org_file(TREES / "vn-three-tier.csv")
    wanted = {"BLDTBXH", "BNV", "24", "217"} | {u.code for u in units if u.parent == "217"}
    import_org(engine, [u for u in units if u.code in wanted], [], source="test")
    current_bac_ninh_tree(engine)
    extra, _ = read_org_file(TREES / "bac-giang-2024-departments.yaml")
    import_org(engine, extra, [], source="test")
    summary = plan_cycle(
        engine,
        PACKS["lang-giang-2024"],
        2024,
        CAL,
        params={},
        scope=["217"],
        now=at("2024-03-01T08:00:00"),
        actor="admin",
    )
    rows = _obligations(engine)
    assert summary.created == 2 * 19 + 2
    district_hops = [r for r in rows if r.hop == 2]
    assert {r.code for r in district_hops} == {"217"}
    with engine.connect() as c:
        sld = c.execute(select(col(Unit.id)).where(col(Unit.code) == "24-SLDTBXH")).scalar_one()
        lg = c.execute(select(col(Unit.id)).where(col(Unit.code) == "217")).scalar_one()
    assert {r.recipient_unit_id for r in district_hops} == {sld}
    assert {r.recipient_unit_id for r in rows if r.hop == 1} == {lg}


def test_planning_refusals(engine: Engine) -> None:
    bac_ninh_2026(engine)
    with pytest.raises(MissingParameter, match="budget_due"):
        plan_cycle(engine, PACKS["ke-hoach-kinh-phi"], 2026, CAL, params={}, scope=["24"], now=NOW, actor="a")
    with pytest.raises(DunghanError, match="does not apply in 2026"):
        plan_cycle(engine, PACKS["bac-ninh-2024"], 2026, CAL, params={}, scope=["27"], now=NOW, actor="a")
    with pytest.raises(DunghanError, match="no unit with code '99' on 30/06/2026") as unknown:
        plan_cycle(engine, PACKS["hai-cap-2026"], 2026, CAL, params={}, scope=["99"], now=NOW, actor="a")
    assert unknown.value.field == "under" and "no unit has ever had this code" in str(unknown.value)
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(Obligation)).scalar_one() == 0


def test_planning_without_a_tree_says_so(engine: Engine) -> None:
    with pytest.raises(DunghanError, match="no unit tree yet") as empty:
        plan_cycle(engine, PACKS["hai-cap-2026"], 2026, CAL, params={}, scope=["24"], now=NOW, actor="a")
    assert empty.value.action == "org import"
