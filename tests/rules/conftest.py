"""A small valid pack as text, to bend into each bad case."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

MINIMAL_PACK = textwrap.dedent("""\
    format: 1
    id: thu-nghiem
    version: "1"
    title: "Gói thử nghiệm"
    issuer: "UBND tỉnh"
    legal_basis: ["Quyết định thử"]
    valid_from: "2026-01-01"
    reports:
      - id: bao-cao-nam
        name: "Báo cáo năm"
        content: "Kết quả năm"
        method: [email]
        frequency: yearly
        ladder: default
        chain:
          - from: {level: commune, types: [people_committee]}
            to: {level: province, unit_type: department, name: "Sở Nội vụ"}
            deadline: "trước ngày 20/12"
          - from: {level: province, types: [department]}
            to: {level: ministry, name: "Bộ Nội vụ"}
            deadline: "trước ngày 31/12"
    ladders:
      default:
        steps:
          - {id: truoc-2, offset: -2, to: [focal_point], template: reminder}
          - {id: qua-han, offset: 1, to: [focal_point, head], template: overdue}
    """)


@pytest.fixture
def write_pack(tmp_path: Path):  # type: ignore[no-untyped-def]
    def write(text: str = MINIMAL_PACK, name: str = "pack.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
