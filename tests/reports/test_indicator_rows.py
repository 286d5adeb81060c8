"""A row of the indicator table as printed: a partial sum says how many units it covers."""

from __future__ import annotations

from reports.indicator_rows import printed
from rules.indicators import ResultRow
from rules.schema import Indicator

COMMUNES = Indicator(code="III.3.1", name="Số xã có mô hình", unit="xã", agency="Các huyện")


def test_a_partial_sum_says_how_many_units_it_covers() -> None:
    row = ResultRow(COMMUNES, 12, None, None, ("27-A", "27-B", "27-C"), ("27-D",))
    shown = printed(row, 2024)
    assert shown.value_text == "12"
    assert shown.note == "tổng của 3/4 đơn vị; chưa nhập: 27-D"


def test_a_complete_sum_and_an_empty_row_say_what_they_are() -> None:
    assert printed(ResultRow(COMMUNES, 12, None, None, ("27-A", "27-B"), ()), 2024).note == ""
    empty = printed(ResultRow(COMMUNES, None, None, None, (), ("27-A", "27-B")), 2024)
    assert empty.note == "chưa nhập: 27-A, 27-B" and empty.progress == "Chưa có số liệu"
