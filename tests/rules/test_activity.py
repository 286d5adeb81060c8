"""Checking one activity log of the Action Month (15/11–15/12), without a database."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.activity import (
    BUDGET_MAX,
    COUNT_MAX,
    DEFAULT_LOGGERS,
    MEDIA_KINDS,
    ActivityEntry,
    ActivityError,
    PackCampaign,
    campaign_window,
    check_activity,
    find_campaign,
    parse_count,
    personal_data,
)
from rules.loader import shipped_packs
from rules.numbers import parse_figure
from rules.schema import ActivityType, Campaign, Pack, Window

PACKS = [p.pack for p in shipped_packs()]
MONTH_2026 = find_campaign(PACKS, "thang-hanh-dong", 2026)
MONTH_2024 = find_campaign(PACKS, "thang-hanh-dong", 2024)


def entry(day: date, **changes: object) -> ActivityEntry:
    values: dict[str, object] = {
        "day": day,
        "activity_type": "le-phat-dong",
        "title": "Lễ phát động Tháng hành động",
        "male": 40,
        "female": 60,
    }
    values.update(changes)
    return ActivityEntry(**values)  # type: ignore[arg-type]


def fields(problems: list) -> list[str]:  # type: ignore[type-arg]
    return [p.field for p in problems]


def without_preparation(chosen: PackCampaign) -> PackCampaign:
    return PackCampaign(chosen.pack, chosen.campaign.model_copy(update={"preparation_days": 0}))


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (date(2026, 11, 15), True),  # the first day
        (date(2026, 12, 15), True),  # the last day
        (date(2026, 11, 1), True),  # 14 preparation days before
        (date(2026, 10, 31), False),  # one day more
        (date(2026, 12, 16), False),  # after the window
        (date(2025, 11, 20), False),  # inside last year's window
        (date(2026, 11, 24), True),  # Ngày Văn hóa Việt Nam: a day off, activities still happen
    ],
)
def test_window_with_preparation_days(day: date, allowed: bool) -> None:
    problems = check_activity(entry(day), MONTH_2026, 2026)
    assert ("day" not in fields(problems)) is allowed


@pytest.mark.parametrize(
    ("day", "allowed"),
    [(date(2024, 11, 15), True), (date(2024, 12, 15), True), (date(2024, 11, 14), False)],
)
def test_window_without_preparation_days(day: date, allowed: bool) -> None:
    problems = check_activity(entry(day), without_preparation(MONTH_2024), 2024)
    assert ("day" not in fields(problems)) is allowed


def test_the_message_names_the_window() -> None:
    [problem] = check_activity(entry(date(2026, 10, 20)), MONTH_2026, 2026)
    assert problem.message == (
        "20/10/2026 is outside the campaign (15/11/2026–15/12/2026, from 01/11/2026 with 14 preparation days)"
    )


def test_a_day_after_today_is_refused() -> None:
    problems = check_activity(entry(date(2026, 12, 1)), MONTH_2026, 2026, today=date(2026, 11, 30))
    assert fields(problems) == ["day"] and "after today (30/11/2026)" in problems[0].message
    assert check_activity(entry(date(2026, 11, 30)), MONTH_2026, 2026, today=date(2026, 11, 30)) == []


def test_type_must_be_in_the_campaign_list() -> None:
    [problem] = check_activity(entry(date(2026, 11, 20), activity_type="da-bong"), MONTH_2026, 2026)
    assert problem.field == "activity_type" and "mit-tinh" in problem.message


def test_the_packs_list_the_usual_activity_types() -> None:
    for chosen in (MONTH_2024, MONTH_2026):
        assert {
            "le-phat-dong",
            "mit-tinh",
            "hoi-nghi",
            "tap-huan",
            "thi-tim-hieu",
            "truyen-thong-truc-tiep",
            "tin-bai",
            "pano-ap-phich",
            "kiem-tra-lien-nganh",
            "ho-tro-nan-nhan",
        } <= set(chosen.type_ids())


@pytest.mark.parametrize(
    ("male", "female", "total", "bad"),
    [
        (40, 60, 100, []),
        (40, 60, None, []),  # total left empty: computed
        (40, 60, 99, ["total"]),
        (0, 0, 0, []),
        (-1, 5, 4, ["male"]),  # negative: refused once, not also as inconsistent
    ],
)
def test_participants_add_up(male: int, female: int, total: int | None, bad: list[str]) -> None:
    problems = check_activity(entry(date(2026, 11, 20), male=male, female=female, total=total), MONTH_2026, 2026)
    assert fields(problems) == bad


def test_media_kinds_and_budget() -> None:
    ok = entry(date(2026, 11, 20), media={"panel": 4, "news": 2}, budget=5_000_000)
    assert check_activity(ok, MONTH_2026, 2026) == []
    bad = entry(date(2026, 11, 20), media={"tv": 1, "print": -2}, budget=-1)
    assert sorted(fields(check_activity(bad, MONTH_2026, 2026))) == ["budget", "media.print", "media.tv"]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Hỗ trợ 3 người bị bạo lực tại địa chỉ tin cậy cộng đồng", None),
        ("Hội nghị năm 2026 với 120 đại biểu", None),
        ("Hỗ trợ chị Lan, SĐT 0912.345.678", "a phone number"),
        ("Hỗ trợ nạn nhân +84912345678", "a phone number"),
        ("Người bị bạo lực số 001190012345", "an identity-card number"),
        ("001203004567", "an identity-card number"),
        ("CCCD 001203004567", "an identity-card number"),
        ("Căn cước số 123456789 đồng", "an identity-card number"),  # a keyword before: never an amount
        ("Kinh phí 150000000 đồng", None),
        ("Tổng kinh phí: 150000000đ, từ ngân sách xã", None),
        ("Hỗ trợ 100000000000 VNĐ cho các mô hình", None),
        ("Kinh phí 150.000.000 đồng", None),
        ("Liên hệ lan@gmail.com", "an e-mail address"),
        ("Nạn nhân sinh năm 1990", "a year of birth"),
        ("Số CMND của người được hỗ trợ", "an identity document"),
    ],
)
def test_nothing_identifies_a_person(text: str, what: str | None) -> None:
    assert personal_data(text) == what
    problems = check_activity(entry(date(2026, 11, 20), note=text), MONTH_2026, 2026)
    assert fields(problems) == ([] if what is None else ["note"])


def test_title_is_required_and_bounded() -> None:
    assert fields(check_activity(entry(date(2026, 11, 20), title="  "), MONTH_2026, 2026)) == ["title"]
    assert fields(check_activity(entry(date(2026, 11, 20), title="x" * 256), MONTH_2026, 2026)) == ["title"]


@pytest.mark.parametrize(
    ("value", "number"),
    [(None, 0), ("", 0), (7, 7), (7.0, 7), ("1.000", 1000), ("5.000.000", 5_000_000), ("1 200", 1200), ("42", 42)],
)
def test_parse_count(value: object, number: int) -> None:
    assert parse_count(value) == number


@pytest.mark.parametrize("value", ["-1", "2.5", 2.5, "mười", "1.00", True, -3, "1,200", "12,000"])  # a comma: decimals
def test_parse_count_refuses(value: object) -> None:
    with pytest.raises(ValueError, match="not a whole number of 0 or more"):
        parse_count(value)


def test_campaign_is_found_by_year() -> None:
    assert MONTH_2024.pack.id == "lang-giang-2024"
    assert MONTH_2026.pack.id == "hai-cap-2026"
    with pytest.raises(ActivityError, match="no pack applying in 2023"):
        find_campaign(PACKS, "thang-hanh-dong", 2023)
    twice = [MONTH_2026.pack, MONTH_2026.pack.model_copy(update={"id": "ban-sao"})]
    with pytest.raises(ActivityError, match="choose with") as refused:
        find_campaign(twice, "thang-hanh-dong", 2026)
    assert refused.value.field == "pack"  # the door names it: the CLI says --pack
    assert refused.value.worded(lambda name: f"--{name}").endswith("(hai-cap-2026, ban-sao): choose with --pack")


def test_loggers_come_from_the_campaign_report() -> None:
    levels = {(s.level, tuple(s.types)) for s in MONTH_2026.loggers()}
    assert levels == {
        ("commune", ("people_committee",)),
        ("province", ("department", "mass_organisation")),
        ("province", ("standing_agency",)),
    }
    assert MONTH_2024.loggers() == list(DEFAULT_LOGGERS)  # Lạng Giang ties no report to the campaign


def test_a_window_across_the_new_year_is_refused() -> None:
    odd = Campaign(
        id="tet", name="Tết", window=Window(start="20/12", end="10/01"), activity_types=[ActivityType(id="a", name="A")]
    )
    with pytest.raises(ActivityError, match="within one year"):
        campaign_window(odd, 2026)


@given(
    year=st.integers(2016, 2040),
    offset=st.integers(-60, 60),
    preparation=st.integers(0, 30),
)
def test_window_property(year: int, offset: int, preparation: int) -> None:
    """A day is accepted exactly when it lies between the preparation start and 15/12."""
    pack: Pack = MONTH_2026.pack
    chosen = PackCampaign(pack, MONTH_2026.campaign.model_copy(update={"preparation_days": preparation}))
    day = date(year, 11, 15) + timedelta(days=offset)
    accepted = "day" not in fields(check_activity(entry(day), chosen, year))
    assert accepted == (date(year, 11, 15) - timedelta(days=preparation) <= day <= date(year, 12, 15))


@given(male=st.integers(0, 10**6), female=st.integers(0, 10**6), extra=st.integers(-5, 5))
def test_total_property(male: int, female: int, extra: int) -> None:
    problems = check_activity(
        entry(date(2026, 11, 20), male=male, female=female, total=max(0, male + female + extra)), MONTH_2026, 2026
    )
    assert ("total" in fields(problems)) == (max(0, male + female + extra) != male + female)


@given(st.integers(0, 10**12))
def test_counts_read_back_as_written(number: int) -> None:
    assert parse_count(str(number)) == number
    assert parse_count(f"{number:,}".replace(",", ".")) == number


@given(st.integers(0, 10**15), st.sampled_from([".", " ", ""]))
def test_counts_and_figures_read_a_number_alike(number: int, separator: str) -> None:
    text = f"{number:,}".replace(",", separator)
    assert parse_count(text) == parse_figure(text) == number


@given(st.text(alphabet="0123456789., ", max_size=12))
def test_a_text_read_as_a_count_is_the_same_figure(text: str) -> None:
    try:
        count = parse_count(text)
    except ValueError:
        return
    assert not text.strip() or parse_figure(text) == count


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"male": 1_234_567_890}, "male"),
        ({"female": COUNT_MAX + 1}, "female"),
        ({"male": 0, "female": 0, "total": 10**10}, "total"),
        ({"media": {"print": 5_000_000_000}}, "media.print"),
        ({"budget": 10**13 + 1}, "budget"),
    ],
)
def test_numbers_beyond_reason_are_refused(changes: dict[str, object], field: str) -> None:
    problems = check_activity(entry(date(2026, 11, 20), **changes), MONTH_2026, 2026)
    assert field in fields(problems)
    [problem] = [p for p in problems if p.field == field]
    assert problem.message.startswith(f"{field} ") and "for one activity: check for a typing error" in problem.message


def test_the_largest_numbers_allowed() -> None:
    largest = entry(date(2026, 11, 20), male=COUNT_MAX, female=0, media={"news": COUNT_MAX}, budget=BUDGET_MAX)
    assert check_activity(largest, MONTH_2026, 2026) == []
    [problem] = check_activity(entry(date(2026, 11, 20), male=COUNT_MAX + 1, female=0), MONTH_2026, 2026)
    assert problem.message == "male 10.000.001 is more than 10.000.000 for one activity: check for a typing error"


def test_media_kinds_are_five() -> None:
    assert list(MEDIA_KINDS) == ["news", "broadcast", "print", "panel", "online"]
