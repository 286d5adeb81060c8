"""Indicator tables: ratios, combining entries, progress against targets, and the Bắc Ninh table
checked against Phụ lục 01 of Quyết định 373/QĐ-UBND."""

import pytest
from pydantic import ValidationError

from rules.indicators import Entry, combine, progress, ratio, refusal, results, target_for, value_problem
from rules.loader import resolve_packs
from rules.numbers import parse_figure
from rules.schema import Form, Indicator, Target

FORM = resolve_packs(["bac-ninh-2024"])[0].pack.reports[0].forms[0]


def row(code: str) -> Indicator:
    found = FORM.indicator(code)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(3, 8, 37.5), (8, 8, 100.0), (0, 5, 0.0), (3, 0, None), (None, 8, None), (3, None, None)],
)
def test_ratio(numerator: float | None, denominator: float | None, expected: float | None) -> None:
    assert ratio(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("code", "year", "value", "met", "met_central", "text"),
    [
        # at least 60% in 2025
        ("VI.1", 2024, 60, True, None, "Đạt mục tiêu 2025 (≥ 60%)"),
        ("VI.1", 2024, 47.5, False, None, "Chưa đạt mục tiêu 2025 (≥ 60%): còn cách 12,5 điểm %"),
        ("VI.1", 2026, 70, False, None, "Chưa đạt mục tiêu 2030 (≥ 80%): còn cách 10 điểm %"),
        # below 20% (TW 30) in 2025: between the two targets
        ("II.2", 2024, 25, False, True, "Chưa đạt mục tiêu 2025 (≤ 20%): còn cách 5 điểm %; mục tiêu TW (≤ 30%): đạt"),
        ("II.2", 2025, 18, True, True, "Đạt mục tiêu 2025 (≤ 20%); mục tiêu TW (≤ 30%): đạt"),
        # "khoảng 60%" in 2030: from 95% of it
        ("II.1", 2027, 57, True, None, "Đạt mục tiêu 2030 (≈ 60%)"),
        ("II.1", 2027, 56, False, None, "Chưa đạt mục tiêu 2030 (≈ 60%): còn cách 1 điểm %"),
        ("III.1", 2024, 1.9, False, None, "Chưa đạt mục tiêu 2025 (≤ 1,7 lần): còn cách 0,2 lần"),
        ("IV.1", 2024, 111, True, None, "Đạt mục tiêu 2025 (≤ 111 bé trai/100 bé gái)"),
        ("III.3.3", 2031, 100, True, None, "Đạt mục tiêu 2030 (≥ 100%)"),  # past the last target: the last
    ],
)
def test_progress_against_targets(
    code: str, year: int, value: float, met: bool, met_central: bool | None, text: str
) -> None:
    found = progress(row(code), value, year)
    assert found is not None
    assert (found.met, found.met_central, found.text) == (met, met_central, text)


def test_no_progress_without_a_value_or_a_target() -> None:
    assert progress(row("VI.1"), None, 2024) is None
    assert progress(row("III.3.1"), 12, 2024) is None
    assert target_for(row("IV.4"), 2024) is not None and target_for(row("IV.4"), 2024).year == 2030  # type: ignore[union-attr]


def test_counts_add_up_and_other_figures_follow_the_lead_agency() -> None:
    districts = [Entry("256", "Các huyện, thành phố", 19), Entry("258", "Các huyện, thành phố", 14)]
    assert combine(row("I.1.4.a"), districts).value == 33
    share = row("II.1")  # "Sở Lao động – TB&XH; Cục Thống kê": the Sở leads
    agreed = combine(share, [Entry("27-CTK", "Cục Thống kê", 48.5), Entry("27-SLDTBXH", "Sở Lao động – TB&XH", 48.5)])
    assert agreed.value == 48.5 and agreed.note is None
    differ = combine(share, [Entry("27-CTK", "Cục Thống kê", 49), Entry("27-SLDTBXH", "Sở Lao động – TB&XH", 48.5)])
    assert differ.value == 48.5
    assert differ.note == "theo Sở Lao động – TB&XH; số liệu khác: 27-CTK: 49"
    assert combine(share, []).value is None


def test_results_compute_ratios_and_list_who_is_missing() -> None:
    entries = {
        "III.3.1": [Entry("27-SLDTBXH", "Sở Lao động – TB&XH", 12)],
        "III.3.2": [Entry("27-SLDTBXH", "Sở Lao động – TB&XH", 9)],
        "III.4.1": [Entry("27-SLDTBXH", "Sở Lao động – TB&XH", 0)],
        "III.4.2": [Entry("27-SLDTBXH", "Sở Lao động – TB&XH", 0)],
        "I.1.4.a": [Entry("256", "Các huyện, thành phố", 19)],
    }
    expected = {"I.1.4.a": ["256", "258"], "I.1.4.b": ["256", "258"]}
    by_code = {r.indicator.code: r for r in results(FORM, entries, 2024, expected)}
    assert [r.indicator.code for r in by_code.values()] == [i.code for i in FORM.indicators]
    trafficking = by_code["III.3.3"]
    assert trafficking.value == 75.0 and trafficking.progress is not None and not trafficking.progress.met
    assert trafficking.note == "= III.3.2 / III.3.1 × 100"
    assert by_code["III.4.3"].value is None and by_code["III.4.3"].note.endswith("III.4.1 bằng 0")  # type: ignore[union-attr]
    communes = by_code["I.1.4"]
    assert communes.value is None and "thiếu số liệu I.1.4.b" in (communes.note or "")
    assert communes.missing == ("256", "258") and by_code["I.1.4.a"].missing == ("258",)
    assert by_code["I"].value is None and by_code["I"].progress is None


def test_typing_a_ratio_or_a_heading_is_refused_with_a_sentence() -> None:
    assert refusal(row("III.3.1")) is None
    assert "is a ratio computed as III.3.2 / III.3.1 × 100: enter III.3.2 and III.3.1" in (
        refusal(row("III.3.3")) or ""
    )
    assert "is a heading" in (refusal(row("III")) or "")


@pytest.mark.parametrize(
    ("code", "value", "problem"),
    [
        ("III.3.1", 12, None),
        ("III.3.1", 12.5, "12,5 is not a whole number of người"),
        ("VI.1", 100.5, "100,5 is not a percentage between 0 and 100"),
        ("IV.1", -1, "-1 is negative"),
        ("IV.1", 112.4, None),
    ],
)
def test_figures_are_checked(code: str, value: float, problem: str | None) -> None:
    assert value_problem(row(code), value) == problem


def test_bac_ninh_table_follows_phu_luc_01() -> None:
    codes = [i.code for i in FORM.indicators]
    assert [c for c in codes if "." not in c] == ["I", "II", "III", "IV", "V", "VI"]  # the six Mục tiêu
    assert {"III.2.2.2", "III.2.2.2.1", "III.2.2.2.2", "IV.4"} <= set(codes)
    ratios = {i.code: (i.numerator, i.denominator) for i in FORM.indicators if i.is_ratio}
    assert ratios == {
        "I.1.3": ("I.1.3.b", "I.1.3.a"),
        "I.1.4": ("I.1.4.b", "I.1.4.a"),
        "III.2.1.1.2": ("III.2.1.1.1", "III.2.1.1"),
        "III.2.1.2.2": ("III.2.1.2.1", "III.2.1.2"),
        "III.2.2.1.2": ("III.2.2.1.1", "III.2.2.1"),
        "III.2.2.2.2": ("III.2.2.2.1", "III.2.2.2"),
        "III.3.3": ("III.3.2", "III.3.1"),
        "III.4.3": ("III.4.2", "III.4.1"),
    }
    # "90% (TW 80)" and "60% (TW 50)": the province's target beside the national one
    victims = row("III.2.1.1.2").targets
    assert [(t.year, t.value, t.central) for t in victims] == [(2025, 90, 80), (2030, 100, 90)]
    assert [(t.year, t.value, t.central, t.direction) for t in row("II.2").targets] == [
        (2025, 20, 30, "at_most"),
        (2030, 10, 25, "at_most"),
    ]
    assert row("V.2").targets[1].central == 40
    assert row("V.1").period == "school_year"
    assert row("IV.1").agencies() == ["Sở Y tế"]
    assert row("II.1").agencies() == ["Sở Lao động – TB&XH", "Cục Thống kê"]
    every = {name for i in FORM.indicators for name in i.agencies()}
    assert every == {a.name for a in FORM.agencies}


def _form(**changes: object) -> Form:
    base: dict[str, object] = {
        "id": "bieu",
        "title": "Biểu",
        "kind": "indicator_table",
        "indicators": [
            {"code": "1", "name": "Tổng số", "unit": "người", "agency": "Sở Y tế"},
            {"code": "2", "name": "Trong đó", "unit": "người", "agency": "Sở Y tế"},
            {"code": "3", "name": "Tỷ lệ", "unit": "%", "numerator": "2", "denominator": "1"},
        ],
        "agencies": [{"name": "Sở Y tế", "units": [{"codes": ["27-SYT"]}]}],
    }
    return Form.model_validate(base | changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agencies": []}, "agency 'Sở Y tế' is not listed in the form's agencies"),
        (
            {"indicators": [{"code": "3", "name": "Tỷ lệ", "unit": "%", "numerator": "2", "denominator": "9"}]},
            "computed from '2', no such row",
        ),
        ({"agencies": [{"name": "Sở Y tế"}]}, "names no units: say who enters its values in 'assumed'"),
        ({"indicators": [{"code": "1", "name": "x", "numerator": "2"}]}, "numerator and denominator go together"),
        ({"kind": "outline"}, "indicators and agencies belong to an indicator_table"),
    ],
)
def test_bad_indicator_tables_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _form(**changes)
    assert _form().indicator("3") is not None


def test_a_target_keeps_its_national_value() -> None:
    target = Target(year=2025, value=20, central=30, direction="at_most")
    assert (target.value, target.central) == (20, 30)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("48,5", 48.5),
        ("48.5", 48.5),  # a decimal point, as many type it
        ("1.5", 1.5),
        ("12", 12.0),
        ("12.000", 12_000.0),  # dots between thousands, as Vietnamese writes them
        ("1.500", 1_500.0),
        ("1.234.567", 1_234_567.0),
        ("12.000,5", 12_000.5),
        ("1 234,5", 1_234.5),
        ("0.125", 0.125),  # 0 starts no group of thousands
        ("1.2345", 1.2345),
        ("-3,5", -3.5),
    ],
)
def test_parse_figure(text: str, value: float) -> None:
    assert parse_figure(text) == value


@pytest.mark.parametrize("text", ["", "mười", "1,234.5", "12.000.5", "1.23.456", "1e5", "1_000", "nan", "inf", ","])
def test_parse_figure_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not a figure"):
        parse_figure(text)
