"""Importing the administrative tree: official lists, files, and refusals that write nothing."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from models.org_rows import ImportRefused
from models.tables import Contact, Unit
from models.tree import import_org, official_rows
from reports.org_files import read_org_file

TREES = Path("models/trees")


def _count(engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


def test_official_list_national_shape() -> None:
    rows = official_rows()
    assert sum(r.level == "province" for r in rows) == 34
    assert sum(r.level == "commune" for r in rows) == 3321


def test_import_official_province_and_departments(engine) -> None:  # type: ignore[no-untyped-def]
    summary = import_org(engine, official_rows("24"), [], source="vietnam-provinces", skip_existing=True)
    assert summary.units == 1 + 1 + 99
    again = import_org(engine, official_rows("24"), [], source="vietnam-provinces", skip_existing=True)
    assert again.units == 0
    units, contacts = read_org_file(TREES / "bac-ninh-2026-departments.yaml")
    import_org(engine, units, contacts, source="file")
    with engine.connect() as c:
        path = c.execute(select(col(Unit.path)).where(col(Unit.code) == "24-SNV")).scalar_one()
        commune_paths = c.execute(select(col(Unit.path)).where(col(Unit.level) == "commune")).scalars().all()
    assert path == "/BNV/24/24-SNV/"
    assert len(commune_paths) == 99 and all(p.startswith("/BNV/24/") for p in commune_paths)


def test_historic_three_tier_tree(engine) -> None:  # type: ignore[no-untyped-def]
    units, _ = read_org_file(TREES / "vn-three-tier.csv")
    assert (
        sum(u.level == "province" for u in units),
        sum(u.level == "district" for u in units),
        sum(u.level == "commune" for u in units),
    ) == (63, 696, 10051)
    lang_giang = [u for u in units if u.parent == "217"]
    assert len(lang_giang) == 19 and {"Thị trấn Vôi", "Thị trấn Kép"} <= {u.name for u in lang_giang}


def test_bad_rows_refuse_the_whole_file(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_org(engine, official_rows("24"), [], source="vietnam-provinces")
    before = (_count(engine, Unit), _count(engine, Contact))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,level,type,parent,valid_from,valid_to,merged_into\n"
        "24-A,Sở A,province,department,24,2025-07-01,,\n"
        "24-B,Sở B,province,department,99,2025-07-01,,\n"  # unknown parent
        "24-A,Sở A lần hai,province,department,24,2025-08-01,,\n"  # same code, overlapping
        "24-C,Sở C,tỉnh,department,24,2025-07-01,,\n"  # bad level
        "24-D,Sở D,province,department,24,31/02/2025,,\n"  # no such day (dd/mm/yyyy and ISO are read)
        "24,Trùng mã tỉnh,province,people_committee,BNV,2026-01-01,,\n",  # overlaps the stored province
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused) as refused:
        units, contacts = read_org_file(bad)
    errors = refused.value.errors
    assert any("row 5 (24-C): level 'tỉnh'" in e for e in errors)
    assert any("row 6 (24-D): valid_from '31/02/2025'" in e for e in errors)
    good_rows = bad.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join(good_rows[:4] + good_rows[6:]) + "\n", encoding="utf-8")
    units, contacts = read_org_file(bad)
    with pytest.raises(ImportRefused) as refused:
        import_org(engine, units, contacts, source="file", label="bad.csv")
    errors = refused.value.errors
    assert any("row 3 (24-B): parent '99'" in e for e in errors)
    assert any("row 4 (24-A): code also on row 2" in e for e in errors)
    assert any("(24): a unit with this code already exists" in e for e in errors)
    assert (_count(engine, Unit), _count(engine, Contact)) == before


def test_contacts_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "unit,name,role,email,zalo_phone,zalo_user_id,channels,active\n"
        "24-SNV,Nguyễn Thị Hoa,focal_point,hoa@bacninh.gov.vn,0987654321,,zalo,true\n"
        "24-SNV,Trần Văn Nam,chairman,nam@bacninh,12345,,fax,maybe\n"
        "24-SNV,Lê Minh,head,,,,email,true\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused) as refused:
        read_org_file(path)
    errors = "\n".join(refused.value.errors)
    for expected in (
        "row 3 (24-SNV): role 'chairman'",
        "email 'nam@bacninh'",
        "zalo_phone '12345'",
        "channel 'fax'",
        "active 'maybe'",
        "row 4 (24-SNV): a contact needs an email",
    ):
        assert expected in errors
