"""A report whose principal recipient is a body above the ministries (Chính phủ): nobody in dunghan
receives it, so a step for the receiving side is not a gap, while the ministry's own roles still are."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from notifications.sweep import SweepOptions, due_notices
from rules.scope import EVERYWHERE
from tests.models.factory import at
from tests.models.recipient_pack import plan_recipient_pack


def test_a_body_recipient_makes_no_gap(engine: Engine, tmp_path: Path) -> None:
    plan_recipient_pack(engine, tmp_path)
    # The ministry's hop is due five working days after the Sở's (21/12/2026): Monday 28/12; its
    # overdue step (focal point and the receiving officer) falls on 29/12.
    decided = due_notices(engine, at=at("2026-12-29T08:00:00"), options=SweepOptions(), under=EVERYWHERE)
    ministry = sorted((g.role, g.step) for g in decided.gaps if g.unit == "BNV")
    assert ministry == [("focal_point", "default:qua-han@2026-12-29")]
    # A hop received by a unit of the tree keeps its receiving side's gap (the Sở Nội vụ has no contact).
    departments = {g.role for g in decided.gaps if g.unit.startswith("24-") and g.unit != "24-SNV"}
    assert "recipient_officer" in departments
