"""Reporting periods and the data cut-off windows of Decree 09/2019 art. 12."""

from datetime import date

import pytest

from rules.errors import PeriodError
from rules.periods import periods_for
from rules.schema import Campaign, CustomCutoff


@pytest.mark.parametrize(
    ("frequency", "year", "index", "label", "cutoff"),
    [
        ("yearly", 2026, 0, "2026", (date(2025, 12, 15), date(2026, 12, 14))),
        ("half_yearly", 2026, 0, "2026-H1", (date(2025, 12, 15), date(2026, 6, 14))),
        ("half_yearly", 2026, 1, "2026-H2", (date(2026, 6, 15), date(2026, 12, 14))),
        ("quarterly", 2026, 0, "2026-Q1", (date(2025, 12, 15), date(2026, 3, 14))),
        ("quarterly", 2026, 3, "2026-Q4", (date(2026, 9, 15), date(2026, 12, 14))),
        ("monthly", 2026, 0, "2026-01", (date(2025, 12, 15), date(2026, 1, 14))),
        ("monthly", 2026, 10, "2026-11", (date(2026, 10, 15), date(2026, 11, 14))),
        ("nine_months", 2026, 0, "2026-9M", (date(2025, 12, 15), date(2026, 9, 14))),
        ("school_year", 2026, 0, "2025-2026", (date(2025, 9, 1), date(2026, 8, 31))),
    ],
)
def test_decree09_windows(frequency, year, index, label, cutoff) -> None:  # type: ignore[no-untyped-def]
    period = periods_for(frequency, year, cutoff="decree09")[index]
    assert period.label == label
    assert (period.cutoff_start, period.cutoff_end) == cutoff


def test_calendar_convention_uses_whole_periods() -> None:
    feb = periods_for("monthly", 2024, cutoff="calendar")[1]
    assert (feb.cutoff_start, feb.cutoff_end) == (date(2024, 2, 1), date(2024, 2, 29))
    q4 = periods_for("quarterly", 2026, cutoff="calendar")[3]
    assert (q4.start, q4.end, q4.cutoff_end) == (date(2026, 10, 1), date(2026, 12, 31), date(2026, 12, 31))


def test_only_selected_periods() -> None:
    assert [p.label for p in periods_for("quarterly", 2026, only=["Q2", "Q4"])] == ["2026-Q2", "2026-Q4"]
    assert [p.label for p in periods_for("monthly", 2026, only=["11"])] == ["2026-11"]


def test_custom_cutoff_crosses_the_year() -> None:
    [period] = periods_for("yearly", 2024, cutoff=CustomCutoff(start="15/12", end="14/11"))
    assert (period.cutoff_start, period.cutoff_end) == (date(2023, 12, 15), date(2024, 11, 14))


def test_no_cutoff_for_one_off_reports() -> None:
    [period] = periods_for("once", 2024, cutoff="none")
    assert period.cutoff_end is None


def test_campaign_window() -> None:
    campaign = Campaign(
        id="thd",
        name="Tháng hành động",
        window={"start": "15/11", "end": "15/12"},
        activity_types=[{"id": "a", "name": "A"}],
    )
    [period] = periods_for("campaign", 2026, campaign=campaign)
    assert (period.start, period.end, period.cutoff_end) == (date(2026, 11, 15), date(2026, 12, 15), date(2026, 12, 15))
    with pytest.raises(PeriodError):
        periods_for("campaign", 2026)
