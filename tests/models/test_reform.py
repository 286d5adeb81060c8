"""One code, two units: both trees in one database, every look-up by date, lineage as data.

Bắc Ninh of today (24, from 01/07/2025) was made of old Bắc Giang (24) and old Bắc Ninh (27);
07375 was Thị trấn Vôi and is Xã Lạng Giang. Loaded in either order, the trees give the same
answers, and none mixes the two regimes.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypedDict

import pytest
from sqlalchemy import Engine, insert, select
from sqlmodel import col

from app.shipped_trees import import_file, shipped_files
from models.database import read_connection
from models.lineage import import_lineage
from models.org_rows import ContactRow, ImportRefused, LineageRow, UnitRow
from models.planning import UnresolvedRecipients, plan_cycle, tree_on
from models.queries import overdue, status
from models.rollup import rollup
from models.tables import ActivityLog, Contact, Unit
from models.tree import import_org
from models.unit_card import unit_card
from models.units import AmbiguousCode, UnitNotFound, parent_on, unit_at
from notifications.digest import digests
from notifications.sweep import SweepOptions
from rules.calendar import VIETNAM
from rules.loader import calendar_for, shipped_packs
from tests.conftest import fresh_engine

PACKS = {p.pack.id: p.pack for p in shipped_packs()}
CAL = calendar_for()
PLANNED = datetime(2024, 1, 10, 9, tzinfo=VIETNAM)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM)


def load(engine: Engine, order: str) -> None:
    """The shipped trees around province 24: today's first (as `org import shipped` does), or the
    three-tier list first."""
    files = shipped_files("24")
    if order == "old first":
        three_tier = next(f for f in files if f.name == "vn-three-tier.csv")
        files = [three_tier, *(f for f in files if f is not three_tier)]
    for shipped in files:
        import_file(engine, shipped)


def plan_all(engine: Engine) -> None:
    plan_cycle(engine, PACKS["lang-giang-2024"], 2024, CAL, params={}, scope=["217"], now=PLANNED, actor="t")
    plan_cycle(engine, PACKS["bac-ninh-2024"], 2024, CAL, params={}, scope=["27"], now=PLANNED, actor="t")
    plan_cycle(engine, PACKS["hai-cap-2026"], 2026, CAL, params={}, scope=["24"], now=at("2026-01-05T09:00"), actor="t")


Answers = TypedDict(
    "Answers",
    {
        "status 2024": list[dict[str, Any]],
        "status 2026": list[dict[str, Any]],
        "overdue 2024": list[tuple[str, str, str]],
        "overdue 2026": list[tuple[str, str, str]],
        "digest": list[tuple[str, str]],
    },
)


def answers(engine: Engine) -> Answers:
    """What status, overdue and the digest say under 24, for 2024 and for 2026."""
    supervisor = ContactRow(
        1, "24", "Phạm Thu Giám Sát", "supervisor", "giamsat@bacninh.example", None, None, "email", True
    )
    import_org(engine, [], [supervisor], source="test", at=date(2026, 7, 1))
    options = SweepOptions(sender="Sở Nội vụ tỉnh Bắc Ninh")
    digest = digests(engine, at=at("2026-07-01T08:00"), calendar=CAL, options=options)
    return {
        "status 2024": [asdict(r) for r in status(engine, at=at("2026-07-01T08:00"), year=2024, under="24")],
        "status 2026": [asdict(r) for r in status(engine, at=at("2026-07-01T08:00"), year=2026, under="24")],
        "overdue 2024": [
            (r.unit, r.report, r.period)
            for r in overdue(engine, at=at("2024-07-01T08:00"), calendar=CAL, under="24", soon=0)
        ],
        "overdue 2026": [
            (r.unit, r.report, r.period)
            for r in overdue(engine, at=at("2026-07-01T08:00"), calendar=CAL, under="24", soon=0)
        ],
        "digest": [(d.subject, d.body_text) for d in digest],
    }


def test_both_import_orders_give_the_same_answers(backend: str, tmp_path: Path) -> None:
    found: dict[str, Answers] = {}
    for order in ("current first", "old first"):
        engine = fresh_engine(backend, tmp_path / order.replace(" ", "-"))
        try:
            load(engine, order)
            plan_all(engine)
            found[order] = answers(engine)
        finally:
            engine.dispose()
    first, second = found["current first"], found["old first"]
    assert first == second

    lang_giang = {code for code, _, _ in first["overdue 2024"]}
    assert "217" in lang_giang and "07375" in lang_giang and len(lang_giang) == 20  # 19 communes, the district
    assert not any(code.startswith("27") for code in lang_giang)  # old Bắc Ninh is not under old 24
    assert {r["report"] for r in first["status 2024"]} == {"so-ket-6-thang", "tong-ket-nam"}
    assert {r["report"] for r in first["status 2026"]} == {"bdg-6-thang", "bdg-nam", "thang-hanh-dong"}
    overdue_2026 = first["overdue 2026"]
    assert overdue_2026 and {period for _, _, period in overdue_2026} == {"2026-H1"}
    [(subject, body)] = first["digest"]
    assert "Tỉnh Bắc Ninh" in body and "Thị trấn Vôi" not in body and "2024" not in subject


def test_a_year_in_which_a_code_named_two_units_is_refused_naming_both(engine: Engine) -> None:
    load(engine, "current first")
    with pytest.raises(AmbiguousCode) as refused:
        status(engine, at=at("2026-07-01T08:00"), year=2025, under="24")
    message = str(refused.value)
    assert "Tỉnh Bắc Giang (24, from 01/01/2024 to 30/06/2025)" in message
    assert "Tỉnh Bắc Ninh (24, from 01/07/2025)" in message and refused.value.field == "at"
    assert refused.value.worded(lambda name: f"--{name}").endswith("for example --at 2025-12-31 or --at 2025-01-01.")
    rows = status(engine, at=at("2026-07-01T08:00"), year=2025, under="24", under_on=date(2025, 12, 31))
    assert rows == []  # nothing planned for new Bắc Ninh in 2025, and no error
    with pytest.raises(UnitNotFound, match="no unit with code 27 on 01/07/2026; the code is held by: Tỉnh Bắc Ninh"):
        unit_at(engine, "27", date(2026, 7, 1))


def test_contacts_naming_a_reused_code_attach_by_date(engine: Engine) -> None:
    load(engine, "current first")
    person = ContactRow(
        2, "07375", "Ngô Văn Đầu Mối", "focal_point", "daumoi@langgiang.example", None, None, "email", True
    )
    with pytest.raises(ImportRefused, match=r"row 2 \(07375\): this code names 2 units \(Thị trấn Vôi from 2024-01-01"):
        import_org(engine, [], [person], source="test")
    import_org(engine, [], [person], source="test", at=date(2024, 12, 31))
    import_org(engine, [], [person], source="test", at=date(2026, 3, 1))
    with read_connection(engine) as connection:
        names = connection.execute(
            select(col(Unit.name))
            .join(Contact, col(Contact.unit_id) == col(Unit.id))
            .where(col(Contact.email) == "daumoi@langgiang.example")
        ).scalars()
        assert sorted(names) == ["Thị trấn Vôi", "Xã Lạng Giang"]


def test_lineage_in_the_database_matches_the_resolutions(engine: Engine) -> None:
    load(engine, "current first")
    today = unit_card(engine, "24", date(2026, 7, 1))
    assert today.unit.name == "Tỉnh Bắc Ninh"
    assert sorted((link.unit.code, link.unit.name) for link in today.predecessors) == [
        ("24", "Tỉnh Bắc Giang"),
        ("27", "Tỉnh Bắc Ninh"),
    ]
    vôi = unit_card(engine, "07375", date(2024, 12, 31))
    assert vôi.unit.name == "Thị trấn Vôi" and vôi.parent is not None and vôi.parent.name == "Huyện Lạng Giang"
    assert [(s.unit.code, s.unit.name, s.on) for s in vôi.successors] == [("07375", "Xã Lạng Giang", date(2025, 7, 1))]
    assert [u.name for u in vôi.namesakes] == ["Xã Lạng Giang"]
    district = unit_card(engine, "217", date(2025, 6, 30))
    assert "Xã Lạng Giang" in {s.unit.name for s in district.successors}  # its communes' successors


def test_old_provinces_hang_under_the_ministry_of_the_day(engine: Engine) -> None:
    load(engine, "current first")
    with read_connection(engine) as connection:
        old = unit_at(connection, "24", date(2025, 4, 1))
        before = parent_on(connection, old, date(2024, 12, 31))
        assert before is not None and before.name == "Bộ Lao động – Thương binh và Xã hội"
        after = parent_on(connection, old, date(2025, 4, 1))
        assert after is not None and after.name == "Bộ Nội vụ"
    tree = tree_on(engine, date(2025, 4, 1))
    province = tree.by_code["24"]
    assert [a.code for a in tree.ancestors(province)] == ["BNV"]
    standing = tree.by_code["24-SNV"]  # the Sở Nội vụ of old Bắc Giang, standing agency from 01/03/2025
    assert tree.parent(standing) == province and standing.unit_type == "standing_agency"
    assert "24-SLDTBXH" not in tree.by_code  # ended on 28/02/2025


def test_planning_refuses_a_hop_whose_recipient_is_missing(engine: Engine) -> None:
    files = [f for f in shipped_files("24") if f.name not in ("bac-giang-2024-departments.yaml",)]
    for shipped in files:
        import_file(engine, shipped)
    with pytest.raises(UnresolvedRecipients) as refused:
        plan_cycle(engine, PACKS["lang-giang-2024"], 2024, CAL, params={}, scope=["217"], now=PLANNED, actor="t")
    assert "Tỉnh Bắc Giang (24) has no cơ quan thường trực" in str(refused.value)
    assert "step 2" in str(refused.value) and "217" in str(refused.value)


def test_lineage_rows_are_checked_and_all_or_nothing(engine: Engine) -> None:
    load(engine, "current first")
    bad = [
        LineageRow(2, "07378", "07375", date(2025, 7, 1)),  # fine, unless already stored
        LineageRow(3, "07375", "99999", date(2025, 7, 1)),
        LineageRow(4, "07375", "07375", date(2025, 7, 1), successor_name="Thị trấn Vôi"),
        LineageRow(5, "24-SNV", "24", date(2025, 4, 1)),  # Bắc Giang's Sở Nội vụ did not end on 31/03/2025
        LineageRow(6, "BLDTBXH", "BNV", date(2025, 7, 1)),  # it ended on 28/02/2025
    ]
    with pytest.raises(ImportRefused) as refused:
        import_lineage(engine, bad, source="test", label="sai.csv")
    errors = refused.value.errors
    assert any("row 3" in e and "no unit 99999 valid on 2025-07-01" in e for e in errors)
    assert any(
        "row 4" in e and "successor_name 'Thị trấn Vôi', but 07375 on that day is 'Xã Lạng Giang'" in e for e in errors
    )
    assert any("row 5" in e and "is valid to 2025-06-30, not to 2025-03-31" in e for e in errors)
    assert any("row 6" in e and "no unit BLDTBXH valid on 2025-06-30" in e for e in errors)
    merged = UnitRow(2, "X-1", "Đơn vị thử", "province", "department", "24", date(2024, 1, 1), date(2025, 6, 30), "X-2")
    with pytest.raises(ImportRefused, match=r"row 2 \(X-1 merged_into X-2\): no unit X-2 valid on 2025-07-01"):
        import_org(engine, [merged], [], source="test")
    with read_connection(engine) as connection:
        stored = connection.execute(select(col(Unit.id)).where(col(Unit.code) == "X-1")).first()
    assert stored is None  # nothing half-written


def test_a_2025_rollup_under_new_bac_ninh_compares_with_both_former_provinces(engine: Engine) -> None:
    load(engine, "current first")
    now = datetime(2025, 12, 20, tzinfo=UTC)
    with read_connection(engine) as connection:
        vôi = unit_at(connection, "07375", date(2024, 12, 15)).id
        old_bac_ninh_commune = connection.execute(
            select(col(Unit.id)).where(col(Unit.level) == "commune", col(Unit.path).startswith("/BLDTBXH/27/")).limit(1)
        ).scalar_one()
    log = dict(campaign_id="thang-hanh-dong", pack_id="lang-giang-2024", year=2024, activity_type="le-phat-dong")
    log |= dict(
        activity_date=date(2024, 11, 15), title="Lễ phát động", recorded_by="test", recorded_at=now, budget_vnd=0
    )
    with engine.begin() as connection:
        connection.execute(
            insert(ActivityLog),
            [
                log | dict(unit_id=vôi, participants_total=70),
                log | dict(unit_id=old_bac_ninh_commune, participants_total=30),
            ],
        )
    result = rollup(engine, campaign="thang-hanh-dong", year=2025, under="24")
    assert result.under_name == "Tỉnh Bắc Ninh"
    previous = result.previous
    assert previous is not None and previous.year == 2024
    assert [(s.code, s.name, s.logging_units) for s in previous.sources] == [
        ("24", "Tỉnh Bắc Giang", 1),
        ("27", "Tỉnh Bắc Ninh", 1),
    ]
    assert previous.figures.participants == 100 and previous.logging_units == 2
