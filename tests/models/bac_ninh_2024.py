"""Bắc Ninh before the 2025 reform: the province, its eight districts and the departments that
Quyết định 373/QĐ-UBND names (no communes: the indicator tables need none)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine

from models.tree import import_org
from reports.org_files import read_org_file
from tests.models.factory import TREES, current_bac_ninh_tree


def province_rows_csv(target: Path) -> Path:
    """The ministry, province 27 and its districts, cut from the three-tier list, as a CSV file."""
    with (TREES / "vn-three-tier.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    kept = [rows[0]] + [
        r for r in rows[1:] if r[0] in ("BLDTBXH", "BNV", "27") or (r[2] == "district" and r[4] == "27")
    ]
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(kept)
    return target


def bac_ninh_2024(engine: Engine, tmp_path: Path) -> None:
    current_bac_ninh_tree(engine)  # the successors the old departments' merged_into name
    units, _ = read_org_file(province_rows_csv(tmp_path / "bac-ninh-2024.csv"))
    import_org(engine, units, [], source="vn-three-tier")
    departments, _ = read_org_file(TREES / "bac-ninh-2024-departments.yaml")
    import_org(engine, departments, [], source="test")
