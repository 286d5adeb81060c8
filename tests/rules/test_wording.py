"""Deadline wording as documents write it."""

import pytest

from rules.errors import WordingError
from rules.wording import (
    ACCEPTED_FORMS,
    AfterAnchor,
    DayOfMonth,
    FixedDate,
    parse_wording,
)


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("trước ngày 25/11", FixedDate("trước ngày 25/11", 25, 11, False)),
        ("trước ngày 01/6", FixedDate("trước ngày 01/6", 1, 6, False)),
        ("trước 05 tháng 6", FixedDate("trước 05 tháng 6", 5, 6, False)),
        ("trước ngày 05 tháng 12", FixedDate("trước ngày 05 tháng 12", 5, 12, False)),
        ("trước ngày 05 tháng 12 năm 2024", FixedDate("trước ngày 05 tháng 12 năm 2024", 5, 12, False, 2024)),
        ("chậm nhất ngày 20/12", FixedDate("chậm nhất ngày 20/12", 20, 12, True)),
        ("chậm nhất vào ngày 20/12/2024", FixedDate("chậm nhất vào ngày 20/12/2024", 20, 12, True, 2024)),
        ("trước ngày 15/01 năm sau", FixedDate("trước ngày 15/01 năm sau", 15, 1, False, None, True)),
        ("Chậm nhất ngày 20/12.", FixedDate("Chậm nhất ngày 20/12.", 20, 12, True)),
        ("truoc ngay 25/11", FixedDate("truoc ngay 25/11", 25, 11, False)),  # typed without diacritics
        ("chậm nhất ngày 20 hằng tháng", DayOfMonth("chậm nhất ngày 20 hằng tháng", 20, True, "after_cutoff")),
        ("trước ngày 20 của tháng cuối quý", DayOfMonth("trước ngày 20 của tháng cuối quý", 20, False, "cutoff_month")),
        (
            "trong 03 ngày làm việc kể từ ngày chốt số liệu",
            AfterAnchor("trong 03 ngày làm việc kể từ ngày chốt số liệu", 3, True, "cutoff_end"),
        ),
        (
            "trong 05 ngày làm việc kể từ hạn của cấp dưới",
            AfterAnchor("trong 05 ngày làm việc kể từ hạn của cấp dưới", 5, True, "previous_hop"),
        ),
        (
            "trong 10 ngày kể từ ngày nhận được báo cáo của cấp dưới",
            AfterAnchor("trong 10 ngày kể từ ngày nhận được báo cáo của cấp dưới", 10, False, "previous_hop"),
        ),
    ],
)
def test_accepted_wording(wording: str, expected: object) -> None:
    assert parse_wording(wording) == expected


def test_every_advertised_form_parses() -> None:
    for form in ACCEPTED_FORMS:
        parse_wording(form)


@pytest.mark.parametrize(
    ("wording", "why"),
    [
        ("sớm nhất có thể", "not understood"),
        ("ngày 25/11", "not understood"),  # no keyword: before or by?
        ("trước ngày 31/6", "31/06 is not a date"),
        ("trước ngày 12/13", "13 is not a month"),
        ("trước ngày 15/01/2025 năm sau", "contradict"),
        ("chậm nhất ngày 32 hằng tháng", "between 1 and 31"),
        ("trong 00 ngày làm việc kể từ ngày chốt số liệu", "at least 1"),
    ],
)
def test_refused_wording_lists_the_accepted_forms(wording: str, why: str) -> None:
    with pytest.raises(WordingError) as caught:
        parse_wording(wording)
    message = str(caught.value)
    assert wording in message
    assert why in message
    assert "trước ngày 25/11" in message and "chậm nhất ngày 20/12" in message
