"""Deadline clauses from real documents, read by the engine, against the last day derived by hand.

The table (``real_wordings.yaml``) quotes each clause with its source and writes the hand
derivation beside the expected days; see its header for the days off used.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.deadlines import UndatedDeadline, due_for
from rules.loader import calendar_for
from rules.periods import parse_period
from rules.wording import fold, parse_wording

TABLE = Path(__file__).with_name("real_wordings.yaml")
ROWS: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
CAL = calendar_for()


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def test_the_table_is_large_and_sourced() -> None:
    assert len(ROWS) >= 60
    assert len({fold(row["wording"]) for row in ROWS}) >= 60, "at least 60 different clauses"
    for row in ROWS:
        assert row["source"].strip() and row["why"].strip(), row["wording"]
    years = {_day(row["due"]).year for row in ROWS if "due" in row}
    assert {2024, 2025, 2026, 2027} <= years


def test_the_table_crosses_every_kind_of_day_off() -> None:
    """Weekends, Tết, Giỗ Tổ's make-up day, 30/4-1/5, 2/9 and 24/11 all lie inside some row."""
    nominals = {_day(row["nominal"]) for row in ROWS if "nominal" in row}
    spans = [(_day(r["event"]), _day(r["due"])) for r in ROWS if "event" in r]
    spans += [(_day(r["nominal"]), _day(r["due"])) for r in ROWS if "nominal" in r]

    def inside(day: date) -> bool:
        return any(min(a, b) <= day <= max(a, b) for a, b in spans)

    assert any(d.weekday() >= 5 for d in nominals)
    for day in (
        date(2025, 1, 29),  # Tết 2025
        date(2026, 2, 17),  # Tết 2026
        date(2027, 2, 8),  # Tết 2027
        date(2026, 4, 27),  # Giỗ Tổ 2026 (a Sunday) made up on Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 2),
        date(2025, 9, 1),
        date(2026, 11, 24),
    ):
        assert inside(day), day


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['period']}:{r['wording'][:40]}" for r in ROWS])
def test_real_wording(row: dict[str, Any]) -> None:
    rule = parse_wording(row["wording"])
    period = parse_period(str(row["period"]))
    event = _day(row["event"]) if "event" in row else None
    if "kind" in row:
        with pytest.raises(UndatedDeadline) as caught:
            due_for(rule, period, CAL, event=event)
        assert caught.value.kind == row["kind"]
        return
    result = due_for(rule, period, CAL, event=event)
    expected = (_day(row["nominal"]), _day(row["due"]))
    assert (result.nominal_date, result.due_date) == expected, row["why"]
    assert result.rolled == (expected[0] != expected[1])
    assert CAL.is_working_day(result.due_date)
    assert result.due_at.isoformat() == f"{expected[1].isoformat()}T23:59:59+07:00"
