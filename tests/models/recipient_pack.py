"""A pack whose hops name several recipients and a body above the ministries, planned over the
Bắc Ninh tree of 2026: shared by the planning and the `obligation show` tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sqlalchemy import Engine

from models.planning import PlanSummary, plan_cycle
from rules.loader import calendar_for, load_packs
from rules.schema import Pack
from tests.models.factory import at, bac_ninh_2026

PACK_TEXT = textwrap.dedent("""\
    format: 1
    id: nhieu-noi-nhan
    version: "1"
    title: "Gói thử: nhiều nơi nhận"
    issuer: "Bộ Nội vụ"
    legal_basis: ["Luật Bình đẳng giới năm 2006"]
    valid_from: "2026-01-01"
    reports:
      - id: bdg-nam
        name: "Báo cáo công tác bình đẳng giới năm"
        content: "Kết quả năm"
        method: [email]
        frequency: yearly
        ladder: default
        chain:
          - from: {level: province, types: [department]}
            to:
              - {level: province, unit_type: standing_agency, name: "Sở Nội vụ"}
              - {level: province, unit_type: people_committee, name: "UBND tỉnh"}
            deadline: "trước ngày 15/12"
          - from: {level: province, types: [standing_agency]}
            to: {level: ministry, name: "Bộ Nội vụ"}
            deadline: "trước ngày 22/12"
          - from: {level: ministry}
            to:
              - {body: chinh-phu, name: "Chính phủ"}
              - {body: uy-ban-quoc-gia-vstbpn, name: "Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam"}
            deadline: "trong 05 ngày làm việc kể từ hạn của cấp dưới"
    ladders:
      default:
        steps:
          - {id: qua-han, offset: 1, to: [focal_point, recipient_officer], template: overdue}
    """)
NOW = at("2026-01-05T08:00:00")


def recipient_pack(folder: Path) -> Pack:
    path = folder / "nhieu-noi-nhan.yaml"
    path.write_text(PACK_TEXT, encoding="utf-8")
    [loaded] = load_packs([path])
    return loaded.pack


def plan_recipient_pack(engine: Engine, folder: Path) -> PlanSummary:
    """The Bắc Ninh tree of 2026, and the pack planned for 2026 over all of it."""
    bac_ninh_2026(engine)
    pack = recipient_pack(folder)
    return plan_cycle(engine, pack, 2026, calendar_for(pack), params={}, scope=["BNV"], now=NOW, actor="admin")
