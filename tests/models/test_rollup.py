"""Storing activity logs and rolling them up over the tree of their year, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlmodel import col

from models.activity_logs import LogRow, record_logs
from models.org_rows import ImportRefused
from models.rollup import rollup
from models.tables import ActivityImport, ActivityLog
from models.tree import import_org
from reports.org_files import read_org_file
from reports.rollup_xlsx import write_rollup_xlsx
from rules.activity import ActivityEntry, PackCampaign, find_campaign
from rules.calendar import VIETNAM
from rules.loader import shipped_packs
from rules.scope import EVERYWHERE
from tests.models.factory import bac_ninh_2026

PACKS = [p.pack for p in shipped_packs()]
NOW = datetime(2026, 12, 20, 9, tzinfo=VIETNAM)


def old_lang_giang(engine: Engine) -> None:
    """The pre-2025 tree around Huyện Lạng Giang (217): the ministry, Bắc Giang (24), 19 communes."""
    units, _ = read_org_file(Path("models/trees/vn-three-tier.csv"))
    keep = [u for u in units if u.code in ("BLDTBXH", "BNV", "24", "217") or u.parent == "217"]
    import_org(engine, keep, [], source="test")


def log(
    engine: Engine,
    year: int,
    entries: list[tuple[str, str, str, int, int]],
    *,
    media: dict[str, int] | None = None,
    budget: int = 0,
) -> int:
    """Log (unit, day, type, male, female) entries of the Action Month of ``year``."""
    chosen = find_campaign(PACKS, "thang-hanh-dong", year)
    rows = [
        LogRow(
            index,
            unit,
            ActivityEntry(
                date.fromisoformat(day), kind, f"Hoạt động {index}", male, female, media=media or {}, budget=budget
            ),
        )
        for index, (unit, day, kind, male, female) in enumerate(entries, start=2)
    ]
    return record_logs(
        engine,
        rows,
        chosen=chosen,
        year=year,
        now=NOW,
        actor="test",
        source="test",
        label="test",
        columns={},
    ).added


def bac_ninh_action_month(engine: Engine) -> Engine:
    """Two communes, a department and the UBND tỉnh logged in 2026; one commune in 2025."""
    bac_ninh_2026(engine)
    log(
        engine,
        2026,
        [
            ("07375", "2026-11-15", "le-phat-dong", 80, 120),
            ("07375", "2026-11-20", "tap-huan", 10, 30),
            ("07627", "2026-11-03", "hoi-nghi", 20, 25),  # a preparation day
            ("24-SYT", "2026-12-01", "truyen-thong-truc-tiep", 5, 15),
            ("24", "2026-11-15", "le-phat-dong", 200, 300),  # UBND tỉnh: logs, not expected
        ],
        media={"panel": 2, "news": 1},
        budget=1_000_000,
    )
    log(engine, 2025, [("07375", "2025-11-16", "le-phat-dong", 50, 70)], budget=2_000_000)
    return engine


@pytest.fixture
def bac_ninh(engine: Engine) -> Engine:
    return bac_ninh_action_month(engine)


def test_totals_coverage_and_previous_year(bac_ninh: Engine) -> None:
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under="24")
    assert result.pack_id == "hai-cap-2026" and result.tree_day == date(2026, 12, 15)
    total = result.total
    assert (total.activities, total.male, total.female, total.participants) == (5, 315, 490, 805)
    assert total.media == {"news": 5, "broadcast": 0, "print": 0, "panel": 10, "online": 0}
    assert total.media_total == 15 and total.budget == 5_000_000
    assert [level.level for level in result.levels] == ["commune", "province"]  # no district after 2025
    commune, province = result.levels
    assert (commune.expected, commune.logged, commune.logging_units) == (99, 2, 2)
    assert commune.coverage == 2.0
    assert commune.figures.participants == 285
    assert commune.by_type["le-phat-dong"].activities == 1 and commune.by_type["tap-huan"].female == 30
    # departments, organisations and the Sở Nội vụ are expected; the UBND tỉnh logs but is not
    assert (province.expected, province.logged, province.logging_units) == (11, 1, 2)
    assert (result.expected, result.logged) == (110, 3)
    launch = next(t for t in result.types if t.type_id == "le-phat-dong")
    assert (launch.name, launch.figures.activities, launch.figures.participants) == (
        "Lễ phát động Tháng hành động",
        2,
        700,
    )
    vôi = next(u for u in result.units if u.code == "07375")
    assert vôi.expected and vôi.activities_by_type == {"le-phat-dong": 1, "tap-huan": 1}
    assert vôi.figures.budget == 2_000_000
    assert not next(u for u in result.units if u.code == "24").expected
    assert len([u for u in result.units if not u.logged]) == 107  # expected units that logged nothing
    previous = result.previous
    assert previous is not None and previous.year == 2025 and previous.scope_name == "Tỉnh Bắc Ninh"
    assert (previous.figures.activities, previous.figures.participants, previous.figures.budget) == (1, 120, 2_000_000)
    assert previous.by_type["le-phat-dong"].male == 50


def test_under_one_commune(bac_ninh: Engine) -> None:
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under="07375")
    assert [u.code for u in result.units] == ["07375"]
    assert (result.expected, result.logged, result.total.activities) == (1, 1, 2)
    assert result.previous is not None and result.previous.figures.activities == 1


def test_no_previous_year_without_data(bac_ninh: Engine) -> None:
    assert rollup(bac_ninh, campaign="thang-hanh-dong", year=2025, under=EVERYWHERE).previous is None  # 2024: no logs
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under="24-STP")
    assert result.previous is None  # the unit existed in 2025 but logged nothing
    assert (result.expected, result.logged, result.total.activities) == (1, 0, 0)


def test_district_level_only_before_2025(engine: Engine) -> None:
    old_lang_giang(engine)
    bac_ninh_2026(engine)
    log(
        engine,
        2024,
        [
            ("07375", "2024-11-15", "le-phat-dong", 30, 40),
            ("217", "2024-11-25", "hoi-nghi", 12, 18),
            ("07378", "2024-12-15", "thi-tim-hieu", 3, 4),
        ],
    )
    log(engine, 2026, [("07375", "2026-11-15", "le-phat-dong", 1, 1)])
    old = rollup(engine, campaign="thang-hanh-dong", year=2024, under=EVERYWHERE)
    assert old.pack_id == "lang-giang-2024" and old.under is None
    assert [level.level for level in old.levels] == ["commune", "district"]  # the pack covers Lạng Giang
    commune, district = old.levels
    assert (commune.expected, commune.logged, commune.figures.participants) == (19, 2, 77)
    assert (district.expected, district.logged, district.figures.participants) == (1, 1, 30)
    assert old.previous is None
    new = rollup(engine, campaign="thang-hanh-dong", year=2026, under=EVERYWHERE)
    assert "district" not in [level.level for level in new.levels]
    assert new.total.activities == 1  # the 2024 logs of unit 07375 stay in 2024's tree
    assert [level.level for level in new.levels] == ["commune", "province", "ministry"]


def test_record_refuses_everything_when_one_row_is_wrong(bac_ninh: Engine) -> None:
    chosen = find_campaign(PACKS, "thang-hanh-dong", 2026)
    good = ActivityEntry(date(2026, 11, 20), "tap-huan", "Tập huấn", 5, 5)
    bad = ActivityEntry(date(2026, 12, 25), "tap-huan", "Tập huấn", 5, 5, total=11)
    with pytest.raises(ImportRefused) as refused:
        record_logs(
            bac_ninh,
            [LogRow(2, "07375", good), LogRow(3, "07375", bad), LogRow(4, "99999", good)],
            chosen=chosen,
            year=2026,
            now=NOW,
            actor="test",
            source="f.xlsx",
            label="f.xlsx",
            columns={"day": "Ngày", "total": "Tổng số", "unit": "Mã đơn vị"},
        )
    assert refused.value.errors == [
        "f.xlsx: row 3 (07375), column Ngày: 25/12/2026 is outside the campaign "
        "(15/11/2026–15/12/2026, from 01/11/2026 with 14 preparation days)",
        "f.xlsx: row 3 (07375), column Tổng số: male 5 + female 5 is 10, not the total 11",
        "f.xlsx: row 4 (99999), column Mã đơn vị: no unit '99999' valid on 15/12/2026",
    ]
    with bac_ninh.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ActivityLog)).scalar_one() == 6


def test_a_unit_outside_the_packs_scope_is_refused(engine: Engine) -> None:
    old_lang_giang(engine)
    chosen: PackCampaign = find_campaign(PACKS, "thang-hanh-dong", 2024)
    entry = ActivityEntry(date(2024, 11, 20), "tap-huan", "Tập huấn", 5, 5)
    with pytest.raises(ImportRefused, match="unit 24 is outside pack lang-giang-2024, which covers 217"):
        record_logs(
            engine,
            [LogRow(None, "24", entry)],
            chosen=chosen,
            year=2024,
            now=NOW,
            actor="t",
            source="cli",
            label="cli",
            columns={},
        )


def test_xlsx_has_a_summary_and_a_sheet_per_level(bac_ninh: Engine, tmp_path: Path) -> None:
    result = rollup(bac_ninh, campaign="thang-hanh-dong", year=2026, under="24")
    path = tmp_path / "tong-hop.xlsx"
    write_rollup_xlsx(path, result)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Tổng hợp", "Cấp xã", "Cấp tỉnh"]
    summary = [row for row in book["Tổng hợp"].iter_rows(values_only=True) if row]
    total = next(r for r in summary if r[0] == "Tổng cộng")
    assert total[1:8] == (110, 3, 2.7, 5, 315, 490, 805)
    assert any(r[0] == "So sánh với năm 2025 (Tỉnh Bắc Ninh)" for r in summary)
    communes = list(book["Cấp xã"].iter_rows(values_only=True))
    assert len(communes) == 1 + 99
    vôi = next(r for r in communes if r[0] == "07375")
    assert vôi[3] == "có" and vôi[4] == 2 and vôi[7] == 240


def _import(engine: Engine, sha256: str, day: str = "2026-11-20") -> int:
    chosen = find_campaign(PACKS, "thang-hanh-dong", 2026)
    entry = ActivityEntry(date.fromisoformat(day), "tap-huan", "Tập huấn", 5, 5)
    return record_logs(
        engine,
        [LogRow(2, "07375", entry), LogRow(3, "24-SYT", entry)],
        chosen=chosen,
        year=2026,
        now=NOW,
        actor="test",
        source="hoat-dong.xlsx",
        label="hoat-dong.xlsx",
        columns={},
        sha256=sha256,
    ).added


def test_the_database_refuses_a_file_imported_by_two_imports_at_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.activity_logs as activity_logs

    bac_ninh_2026(engine)
    check = activity_logs._imported_before
    raced: list[int] = []

    def other_import_commits_right_after(*args: object) -> str | None:
        found = check(*args)  # type: ignore[arg-type]
        if not raced:  # the other import of the same file passed the same check and commits now
            raced.append(0)
            raced[0] = _import(engine, "a" * 64)
        return found

    monkeypatch.setattr(activity_logs, "_imported_before", other_import_commits_right_after)
    with pytest.raises(ImportRefused) as refused:
        _import(engine, "a" * 64)
    assert raced == [2]
    assert refused.value.errors == [
        "hoat-dong.xlsx: this very file was imported on 20/12/2026 (2 activities); "
        "importing it again would count them twice"
    ]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ActivityLog)).scalar_one() == 2
        imported = connection.execute(select(col(ActivityImport.units), col(ActivityImport.activities))).all()
    assert [tuple(row) for row in imported] == [(2, 2)]
    assert _import(engine, "b" * 64) == 2  # another file is welcome


def test_the_scope_is_looked_up_once_per_import(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import models.activity_logs as activity_logs
    from models.planning import scope_paths

    old_lang_giang(engine)
    calls: list[str] = []

    def counted(engine: Engine, codes: Sequence[str], day: date) -> list[str]:
        calls.append("scope")
        return scope_paths(engine, codes, day)

    monkeypatch.setattr(activity_logs, "scope_paths", counted)
    chosen = find_campaign(PACKS, "thang-hanh-dong", 2024)
    entry = ActivityEntry(date(2024, 11, 20), "tap-huan", "Tập huấn", 5, 5)
    communes = ["07375", "07378", "217"]
    written = record_logs(
        engine,
        [LogRow(n, code, entry) for n, code in enumerate(communes, start=2)],
        chosen=chosen,
        year=2024,
        now=NOW,
        actor="t",
        source="cli",
        label="cli",
        columns={},
    ).added
    assert written == 3 and calls == ["scope"]
