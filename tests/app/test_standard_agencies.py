"""Every province of today gets the standard specialised agencies (Nghị định 150/2025/NĐ-CP), so a
two-tier pack plans for the whole country from one `--under BNV`, each province's reports going
to its own Sở Nội vụ; a province that has its agencies already gets none twice."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from app import cycles, org
from app.shipped_trees import import_file, shipped_files
from models.database import read_connection
from models.org_rows import ImportRefused, UnitRow
from models.planning import tree_on
from models.standard_agencies import STANDARD_SOURCE, agency_rows, import_agencies, read_agencies
from models.tables import Obligation, Unit
from models.tree import import_org, official_rows
from models.units import unit_at
from reports.org_files import read_org_file
from rules.calendar import VIETNAM

TREES = Path(__file__).resolve().parents[2] / "models" / "trees"
DAY = date(2026, 1, 5)
# Nghị định 150/2025/NĐ-CP, Điều 8: the agencies every province and city organises.
DECREE_TWELVE = {
    "Văn phòng Ủy ban nhân dân",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Thanh tra",
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM)


def test_the_shipped_list_is_the_decrees_twelve_with_one_standing_agency() -> None:
    listing = read_agencies()
    assert listing.valid_from == date(2025, 7, 1)
    assert {a.name for a in listing.agencies} == DECREE_TWELVE
    assert [a.code for a in listing.agencies if a.unit_type == "standing_agency"] == ["SNV"]


def test_rows_for_every_province_of_today_are_named_and_coded_after_it() -> None:
    provinces = [r for r in official_rows() if r.level == "province"]
    rows = [r.unit for r in agency_rows(provinces)]
    assert len(provinces) == 34 and len(rows) == 34 * 12
    assert len({r.code for r in rows}) == len(rows)
    by_code = {r.code: r for r in rows}
    assert by_code["24-SNV"].name == "Sở Nội vụ tỉnh Bắc Ninh"
    assert by_code["01-TTT"].name == "Thanh tra thành phố Hà Nội"
    assert by_code["79-SNV"].name == "Sở Nội vụ Thành phố Hồ Chí Minh"
    assert by_code["46-VPUBND"].name == "Văn phòng Ủy ban nhân dân thành phố Huế"
    assert all(r.parent == r.code.split("-")[0] and r.valid_from == date(2025, 7, 1) for r in rows)
    assert Counter(r.parent for r in rows if r.unit_type == "standing_agency") == Counter(p.code for p in provinces)
    # A province that ended before the list begins gets none; one that begins later, from its first day.
    old = UnitRow(
        0, "27", "Tỉnh Bắc Ninh", "province", "people_committee", None, date(2024, 1, 1), date(2025, 6, 30), None
    )
    later = UnitRow(0, "99", "Tỉnh Mới", "province", "people_committee", None, date(2027, 1, 1), None, None)
    made = [r.unit for r in agency_rows([old, later])]
    assert {r.parent for r in made} == {"99"} and all(r.valid_from == date(2027, 1, 1) for r in made)


def test_a_broken_list_is_refused_with_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "danh-muc.yaml"
    bad.write_text(
        "valid_from: '2025-07-01'\n"
        "agencies:\n"
        "- {code: SNV, name: Sở Nội vụ, type: standing_agency}\n"
        "- {code: SNV, name: Sở Nội vụ 2, type: standing_agency}\n"
        "- {code: 'x y', name: '', type: ministry}\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused) as refused:
        read_agencies(bad)
    errors = refused.value.errors
    assert any("code SNV appears twice" in e for e in errors)
    assert any("exactly one agency must be the standing agency" in e for e in errors)
    assert any("agency 3: code 'x y'" in e for e in errors)
    assert any("agency 3 (x y): type 'ministry' is not one of" in e for e in errors)


def _units(engine: Engine, **where: str) -> list[tuple[str, str, str, str]]:
    query = select(col(Unit.code), col(Unit.name), col(Unit.unit_type), col(Unit.source)).order_by(col(Unit.code))
    for name, value in where.items():
        query = query.where(getattr(Unit, name) == value)
    with read_connection(engine) as connection:
        return [(r[0], r[1], r[2], r[3]) for r in connection.execute(query)]


def test_the_official_import_gives_every_province_its_agencies_once(engine: Engine) -> None:
    done = org.import_official(engine)
    assert done.official.units_inserted == 1 + 34 + 3321
    assert done.agencies is not None and (done.agencies.units_inserted, done.agencies.units_unchanged) == (408, 0)
    again = org.import_official(engine)
    assert again.agencies is not None and (again.agencies.units_inserted, again.agencies.units_unchanged) == (0, 408)
    standard = _units(engine, source=STANDARD_SOURCE)
    assert len(standard) == 408
    tree = tree_on(engine, DAY)
    for province in (u for u in tree.units if u.level == "province" and u.unit_type == "people_committee"):
        standing = [c for c in tree.children[province.id] if c.unit_type == "standing_agency"]
        assert [c.code for c in standing] == [f"{province.code}-SNV"]


def test_the_official_import_without_the_agencies_adds_none(engine: Engine) -> None:
    done = org.import_official(engine, "24", standard_agencies=False)
    assert done.agencies is None
    assert _units(engine, source=STANDARD_SOURCE) == []


def test_a_province_with_its_departments_gets_only_those_it_lacks(engine: Engine) -> None:
    """Bắc Ninh's own file first (same codes), then Hà Nội's under codes of its own: nothing twice."""
    org.import_official(engine, "24", standard_agencies=False)
    org.import_official(engine, "01", standard_agencies=False)
    departments, _ = read_org_file(TREES / "bac-ninh-2026-departments.yaml")
    import_org(engine, departments, [], source="bac-ninh-2026-departments.yaml")
    own = [
        UnitRow(1, "HN-NOIVU", "Sở Nội vụ Hà Nội", "province", "standing_agency", "01", date(2025, 7, 1), None, None),
        UnitRow(2, "HN-YTE", "Sở Y tế thành phố Hà Nội", "province", "department", "01", date(2025, 7, 1), None, None),
        UnitRow(
            3, "HN-VP", "Văn phòng UBND thành phố Hà Nội", "province", "department", "01", date(2025, 7, 1), None, None
        ),
    ]
    import_org(engine, own, [], source="ha-noi.csv")
    provinces = [r for r in official_rows() if r.code in ("01", "24")]
    done = import_agencies(engine, provinces)
    assert (done.units_inserted, done.units_unchanged) == (2 * 12 - 7 - 3, 7 + 3)
    added = {code for code, *_ in _units(engine, source=STANDARD_SOURCE)}
    assert added == {"24-SCT", "24-SNNMT", "24-SXD", "24-TTT", "24-VPUBND"} | {
        f"01-{c}" for c in ("STP", "STC", "SCT", "SNNMT", "SXD", "SKHCN", "SVHTTDL", "SGDDT", "TTT")
    }
    tree = tree_on(engine, DAY)
    for province in ("01", "24"):
        under = tree.children[tree.by_code[province].id]
        assert len([c for c in under if c.unit_type == "standing_agency"]) == 1
    assert import_agencies(engine, provinces).units_inserted == 0


def test_shipped_trees_bring_the_agencies_and_keep_the_old_namesakes_apart(engine: Engine) -> None:
    """24-SNV was old Bắc Giang's Sở Nội vụ until 30/06/2025 and is new Bắc Ninh's from 01/07/2025."""
    files = shipped_files("24")
    names = [f.name for f in files]
    assert names.index("standard-agencies-2025.yaml") == names.index("bac-ninh-2026-departments.yaml") + 1
    steps = {f.name: import_file(engine, f) for f in files}
    agencies = steps["standard-agencies-2025.yaml"].units
    assert agencies is not None and (agencies.units_inserted, agencies.units_unchanged) == (5, 7)
    again = import_file(engine, next(f for f in files if f.name == "standard-agencies-2025.yaml")).units
    assert again is not None and (again.units_inserted, again.units_unchanged) == (0, 12)
    assert unit_at(engine, "24-SNV", date(2025, 4, 1)).name == "Sở Nội vụ tỉnh Bắc Giang"
    assert unit_at(engine, "24-SNV", DAY).name == "Sở Nội vụ tỉnh Bắc Ninh"
    assert unit_at(engine, "24-TTT", DAY).valid_from == date(2025, 7, 1)


def test_a_national_pack_plans_the_whole_country_from_one_under(engine: Engine) -> None:
    """hai-cap-2026 under the Bộ Nội vụ: every commune and department of the 34 provinces, each
    sending to the Sở Nội vụ of its own province, which sends to the ministry."""
    org.import_official(engine)
    summary = cycles.plan_cycle(
        engine, "hai-cap-2026", 2026, params={}, under=["BNV"], now=at("2026-01-05T09:00"), actor="t"
    )
    reporters = 3321 + 34 * 11  # the communes, and the departments other than the Sở Nội vụ
    assert summary.created == 3 * reporters + 3 * 34  # three reports; the Sở Nội vụ's hop to the ministry
    with read_connection(engine) as connection:
        rows = connection.execute(
            select(col(Unit.path), col(Obligation.hop), col(Obligation.recipient_unit_id)).join(
                Unit, col(Unit.id) == col(Obligation.unit_id)
            )
        ).all()
        recipients = dict(connection.execute(select(col(Unit.id), col(Unit.code))).tuples().all())
    for path, hop, recipient in rows:
        province = path.split("/")[2]  # /BNV/24/…
        assert recipients[recipient] == (f"{province}-SNV" if hop == 1 else "BNV")
