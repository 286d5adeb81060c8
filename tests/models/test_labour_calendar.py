"""Reporters outside the state apparatus: an enterprise under the Sở that supervises it reports
like any unit, chosen by its type, but on the Labour Code's calendar: the Prime Minister's swap
days for civil servants (Monday 31/08/2026 off, Saturday 22/08 worked) are not its days off."""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import col

from app.cycles import plan_cycle
from models.tables import Obligation, Unit
from models.tree import import_org
from reports.org_files import read_org_file
from rules.calendar import VIETNAM
from rules.loader import calendar_for
from tests.models.factory import bac_ninh_2026

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=VIETNAM)
PACK = textwrap.dedent("""\
    format: 1
    id: doanh-nghiep-thu
    version: "1"
    title: "Gói thử: báo cáo của doanh nghiệp"
    issuer: "UBND tỉnh"
    legal_basis: ["Quyết định thử"]
    valid_from: "2026-01-01"
    scope: ["24"]
    reports:
      - id: lao-dong-nu
        name: "Báo cáo tình hình sử dụng lao động nữ"
        content: "Số lao động nữ"
        method: [email]
        frequency: yearly
        cutoff: none
        ladder: default
        chain:
          - from: {level: province, types: [enterprise, department]}
            to: {level: province, unit_type: standing_agency, name: "Sở Nội vụ"}
            deadline: "chậm nhất ngày 31/8"
    ladders:
      default:
        steps:
          - {id: den-han, offset: 0, to: [focal_point], template: due_today}
    """)


def test_the_two_calendars_differ_only_by_the_states_swap_days() -> None:
    state, labour = calendar_for(), calendar_for(state=False)
    assert not state.is_working_day(date(2026, 8, 31)) and labour.is_working_day(date(2026, 8, 31))
    assert state.is_working_day(date(2026, 8, 22)) and not labour.is_working_day(date(2026, 8, 22))
    assert not state.is_working_day(date(2026, 1, 2)) and labour.is_working_day(date(2026, 1, 2))  # vn.yaml
    for holiday in (date(2026, 9, 1), date(2026, 9, 2), date(2026, 4, 27), date(2026, 2, 17)):
        assert not state.is_working_day(holiday) and not labour.is_working_day(holiday)


def test_an_enterprise_under_its_department_is_dated_on_the_labour_calendar(engine: Engine, tmp_path: Path) -> None:
    bac_ninh_2026(engine)
    units = tmp_path / "doanh-nghiep.csv"
    units.write_text(
        "code,name,level,type,parent,valid_from,valid_to,merged_into\n"
        "DN-0001,Công ty TNHH May Bắc Ninh,province,enterprise,24-SYT,2025-07-01,,\n",
        encoding="utf-8",
    )
    rows, _ = read_org_file(units)
    import_org(engine, rows, [], source="test")
    pack = tmp_path / "doanh-nghiep-thu.yaml"
    pack.write_text(PACK, encoding="utf-8")
    plan_cycle(engine, str(pack), 2026, params={}, under=[], now=NOW, actor="t")
    with engine.connect() as connection:
        found = connection.execute(
            select(col(Unit.code), col(Obligation.due_date)).join(Unit, col(Unit.id) == col(Obligation.unit_id))
        ).all()
    due: dict[str, date] = {code: day for code, day in found}
    # 31/08/2026: a swap day off for the state (then 01-02/09, Quốc khánh) → 03/09; a working day for the firm.
    assert due["DN-0001"] == date(2026, 8, 31)
    assert due["24-SYT"] == date(2026, 9, 3)
