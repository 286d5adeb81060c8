"""A small Bắc Ninh workspace in a database: the official province, its departments, contacts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from models.org_rows import ContactRow
from models.tree import import_org, official_rows
from reports.org_files import read_org_file
from rules.calendar import VIETNAM

TREES = Path("models/trees")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM)


def current_bac_ninh_tree(engine: Engine) -> None:
    """The merged Bắc Ninh (24) from 01/07/2025 and its departments: what the old bodies' merged_into name."""
    import_org(engine, official_rows("24"), [], source="vietnam-provinces", skip_existing=True)
    units, _ = read_org_file(TREES / "bac-ninh-2026-departments.yaml")
    import_org(engine, units, [], source="test")


def bac_ninh_2026(engine: Engine) -> None:
    import_org(engine, official_rows("24"), [], source="vietnam-provinces", skip_existing=True)
    units, _ = read_org_file(TREES / "bac-ninh-2026-departments.yaml")
    contacts = [
        ContactRow(
            1,
            "24-SYT",
            "Nguyễn Thị Hoa",
            "focal_point",
            "hoa@syt.bacninh.gov.vn",
            "84987654321",
            None,
            "zalo,email",
            True,
        ),
        ContactRow(2, "24-SYT", "Trần Văn Nam", "head", "nam@syt.bacninh.gov.vn", None, None, "email", True),
        ContactRow(3, "24-SYT", "Lê Thị Cũ", "focal_point", "cu@syt.bacninh.gov.vn", None, None, "email", False),
    ]
    import_org(engine, units, contacts, source="test")
