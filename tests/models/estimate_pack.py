"""A monthly pack whose departments report "trong 05 ngày làm việc kể từ ngày kết thúc kỳ báo cáo":
planned for 2027, January's report crosses a Tết not decided yet. Shared by the planning and the
message tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from rules.loader import load_packs
from rules.schema import Pack
from tests.models.factory import at

ESTIMATE_2027 = "Ước tính: lịch nghỉ Tết Nguyên đán 2027 chưa được quyết định; hạn có thể thay đổi."
PACK_TEXT = textwrap.dedent("""\
    format: 1
    id: bao-cao-thang-thu
    version: "1"
    title: "Gói thử: báo cáo tháng"
    issuer: "UBND tỉnh"
    legal_basis: ["Quyết định thử"]
    valid_from: "2026-01-01"
    reports:
      - id: bao-cao-thang
        name: "Báo cáo tháng"
        content: "Kết quả tháng"
        method: [email]
        frequency: monthly
        ladder: default
        chain:
          - from: {level: province, types: [department]}
            to: {level: province, unit_type: standing_agency, name: "Sở Nội vụ"}
            deadline: "trong 05 ngày làm việc kể từ ngày kết thúc kỳ báo cáo"
    ladders:
      default:
        steps:
          - {id: qua-han, offset: 1, to: [focal_point], template: overdue}
    """)
NOW = at("2026-12-01T08:00:00")


def estimate_pack(folder: Path) -> Pack:
    path = folder / "bao-cao-thang-thu.yaml"
    path.write_text(PACK_TEXT, encoding="utf-8")
    [loaded] = load_packs([path])
    return loaded.pack
