"""The other occasions the Lạng Giang plan names (section II.2): the June month against domestic
violence, 8/3, 28/6 and 20/10 are campaigns with their windows, activity logs and roll-up, in the
2024 pack and after the reform."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.activity_logs import LogRow, record_logs
from models.rollup import rollup
from rules.activity import ActivityEntry, campaign_window, check_activity, find_campaign
from rules.loader import shipped_packs
from rules.scope import EVERYWHERE
from tests.models.factory import bac_ninh_2026
from tests.models.test_rollup import NOW, old_lang_giang

PACKS = [p.pack for p in shipped_packs()]
OCCASIONS = {
    "thang-phong-chong-bao-luc-gia-dinh": (date(2024, 6, 1), date(2024, 6, 30)),
    "ngay-quoc-te-phu-nu": (date(2024, 3, 8), date(2024, 3, 8)),
    "ngay-gia-dinh-viet-nam": (date(2024, 6, 28), date(2024, 6, 28)),
    "ngay-phu-nu-viet-nam": (date(2024, 10, 20), date(2024, 10, 20)),
}


@pytest.mark.parametrize("campaign", sorted(OCCASIONS))
def test_each_occasion_is_a_campaign_in_2024_and_after_the_reform(campaign: str) -> None:
    start, end = OCCASIONS[campaign]
    old = find_campaign(PACKS, campaign, 2024)
    assert old.pack.id == "lang-giang-2024"
    window = campaign_window(old.campaign, 2024)
    assert (window.start, window.end) == (start, end)
    assert old.campaign.assumed  # what the plan does not say is marked as assumed
    new = find_campaign(PACKS, campaign, 2026)
    assert new.pack.id == "hai-cap-2026"
    assert campaign_window(new.campaign, 2026).end == end.replace(year=2026)


def test_a_log_outside_the_day_and_its_preparation_is_refused() -> None:
    women_day = find_campaign(PACKS, "ngay-phu-nu-viet-nam", 2024)
    inside = ActivityEntry(date(2024, 10, 10), "gap-mat-toa-dam", "Tọa đàm kỷ niệm", 5, 40)
    after = ActivityEntry(date(2024, 10, 21), "gap-mat-toa-dam", "Tọa đàm muộn", 5, 40)
    assert check_activity(inside, women_day, 2024) == []
    [problem] = check_activity(after, women_day, 2024)
    assert problem.field == "day" and "21/10/2024" in problem.message and "20/10/2024" in problem.message


def test_the_june_month_rolls_up_over_the_tree_of_its_year(engine: Engine) -> None:
    old_lang_giang(engine)
    bac_ninh_2026(engine)
    june = find_campaign(PACKS, "thang-phong-chong-bao-luc-gia-dinh", 2024)
    entries = [
        ("07375", date(2024, 6, 1), "le-phat-dong", 30, 45),
        ("217", date(2024, 6, 12), "hoi-nghi", 10, 20),
        ("07378", date(2024, 5, 25), "tap-huan", 4, 6),  # a preparation day
    ]
    rows = [
        LogRow(index, unit, ActivityEntry(day, kind, f"Hoạt động {index}", male, female))
        for index, (unit, day, kind, male, female) in enumerate(entries, start=2)
    ]
    added = record_logs(
        engine, rows, chosen=june, year=2024, now=NOW, actor="test", source="test", label="test", columns={}
    ).added
    assert added == 3
    result = rollup(engine, campaign="thang-phong-chong-bao-luc-gia-dinh", year=2024, under=EVERYWHERE)
    assert result.pack_id == "lang-giang-2024"
    assert result.campaign_name == "Tháng hành động quốc gia phòng, chống bạo lực gia đình"
    commune, district = result.levels
    assert (commune.logged, commune.figures.participants) == (2, 85)
    assert (district.logged, district.figures.participants) == (1, 30)
    # The Action Month of the same year is another campaign: these logs are not in it.
    assert rollup(engine, campaign="thang-hanh-dong", year=2024, under=EVERYWHERE).total.activities == 0


def test_the_report_of_a_one_day_occasion_names_it_and_its_day(engine: Engine, tmp_path: Path) -> None:
    from docx import Document

    from app.rollups import write_document

    old_lang_giang(engine)
    bac_ninh_2026(engine)
    women_day = find_campaign(PACKS, "ngay-phu-nu-viet-nam", 2024)
    row = LogRow(2, "07375", ActivityEntry(date(2024, 10, 18), "gap-mat-toa-dam", "Tọa đàm", 5, 60))
    record_logs(engine, [row], chosen=women_day, year=2024, now=NOW, actor="t", source="t", label="t", columns={})
    result = rollup(engine, campaign="ngay-phu-nu-viet-nam", year=2024, under=EVERYWHERE)
    path = write_document(engine, result, tmp_path, today=date(2024, 11, 1))
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Ngày Phụ nữ Việt Nam 20/10 năm 2024 (ngày 20/10/2024)" in text
    assert "Văn bản chỉ đạo, hướng dẫn triển khai Ngày Phụ nữ Việt Nam 20/10" in text
    assert "Tháng hành động" not in text
