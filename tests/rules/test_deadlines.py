"""Deadlines of the shipped packs on real dates, and properties of whole packs."""

import itertools
from datetime import date

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.deadlines import deadline_row, nominal_date, pack_deadlines
from rules.errors import MissingParameter
from rules.loader import calendar_for, parse_pack, shipped_packs
from rules.wording import parse_wording

PACKS = {item.pack.id: item.pack for item in shipped_packs()}
CAL = calendar_for()


def _due(pack_id: str, year: int, report: str, period: str, hop: int = 1, **params: date):  # type: ignore[no-untyped-def]
    rows = pack_deadlines(PACKS[pack_id], year, calendar_for(PACKS[pack_id]), params)
    return next(r for r in rows if r.report == report and r.period.label == period and r.hop == hop)


@pytest.mark.parametrize(
    ("year", "nominal", "due", "reason"),
    [
        (2024, date(2024, 11, 24), date(2024, 11, 25), "Chủ nhật"),
        (2025, date(2025, 11, 24), date(2025, 11, 24), None),
        (2026, date(2026, 11, 24), date(2026, 11, 25), "Ngày Văn hóa Việt Nam"),
    ],
)
def test_before_25_november(year: int, nominal: date, due: date, reason: str | None) -> None:
    last = nominal_date(parse_wording("trước ngày 25/11"), reference_year=year)
    rolled = CAL.roll(last)
    assert (rolled.nominal_date, rolled.due_date, rolled.reason) == (nominal, due, reason)


def test_lang_giang_2024() -> None:
    mid = _due("lang-giang-2024", 2024, "so-ket-6-thang", "2024-H1")
    assert (mid.wording, mid.nominal_date, mid.due_date, mid.rolled) == (
        "trước ngày 01/6",
        date(2024, 5, 31),
        date(2024, 5, 31),
        False,
    )
    annual = _due("lang-giang-2024", 2024, "tong-ket-nam", "2024")
    assert (annual.nominal_date, annual.due_date, annual.reason) == (date(2024, 11, 24), date(2024, 11, 25), "Chủ nhật")
    assert annual.due_at is not None and annual.due_at.isoformat() == "2024-11-25T23:59:59+07:00"
    district = _due("lang-giang-2024", 2024, "tong-ket-nam", "2024", hop=2)
    assert district.due_date == date(2024, 12, 2)  # 5 working days after Monday 25/11
    assert district.assumed


def test_bac_ninh_2024_section_v() -> None:
    assert _due("bac-ninh-2024", 2024, "ket-qua-ctqg", "2024").due_date == date(2024, 12, 24)
    six = _due("bac-ninh-2024", 2024, "ban-vstbpn-6-thang", "2024-H1")
    assert (six.wording, six.due_date) == ("trước 05 tháng 6", date(2024, 6, 4))
    assert _due("bac-ninh-2024", 2024, "ban-vstbpn-nam", "2024").due_date == date(2024, 12, 4)
    self_check = _due("bac-ninh-2024", 2024, "tu-kiem-tra", "2024")
    assert (self_check.due_date, self_check.period.cutoff_end) == (date(2024, 12, 4), None)
    form = PACKS["bac-ninh-2024"].reports[0].forms[0]
    assert form.kind == "indicator_table"
    ratio = next(i for i in form.indicators if i.code == "I.1.3")
    assert (ratio.numerator, ratio.denominator) == ("I.1.3.b", "I.1.3.a")


def test_packs_apply_only_in_their_years() -> None:
    assert pack_deadlines(PACKS["bac-ninh-2024"], 2026, CAL) == []
    labels = {r.period.label for r in pack_deadlines(PACKS["hai-cap-2026"], 2025, CAL)}
    assert "2025-H1" not in labels  # the two-tier regime starts on 01/07/2025
    assert "2025" in labels


def test_budget_deadline_is_a_cycle_parameter() -> None:
    unset = _due("ke-hoach-kinh-phi", 2026, "ke-hoach-kinh-phi-nam-sau", "2026")
    assert unset.due_date is None and unset.nominal_date is None
    assert unset.missing_param == "budget_due"
    assert deadline_row(unset)["reason"] == "the cycle parameter budget_due is not set"  # the CLI: --param budget_due=…
    assert deadline_row(unset)["missing_param"] == "budget_due"
    with pytest.raises(MissingParameter) as missing:
        pack_deadlines(PACKS["ke-hoach-kinh-phi"], 2026, CAL, strict=True)
    assert (missing.value.field, missing.value.name) == ("param", "budget_due")
    assert missing.value.worded(lambda name: f"--{name}").endswith("give it as --param budget_due=YYYY-MM-DD")
    given_date = _due("ke-hoach-kinh-phi", 2026, "ke-hoach-kinh-phi-nam-sau", "2026", budget_due=date(2026, 7, 19))
    assert (given_date.due_date, given_date.reason) == (date(2026, 7, 20), "Chủ nhật")


def test_campaign_report_uses_the_default_unless_the_cycle_says() -> None:
    default = _due("hai-cap-2026", 2026, "thang-hanh-dong", "2026")
    assert default.due_date == date(2026, 12, 22)
    assert _due("hai-cap-2026", 2026, "thang-hanh-dong", "2026", hop=2).due_date == date(2026, 12, 29)
    moved = _due("hai-cap-2026", 2026, "thang-hanh-dong", "2026", thang_hanh_dong_due=date(2026, 12, 25))
    assert moved.due_date == date(2026, 12, 25)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2026, max_value=2045), st.dates(min_value=date(2026, 6, 1), max_value=date(2045, 12, 31)))
def test_chains_keep_their_order(year: int, budget_due: date) -> None:
    for pack in PACKS.values():
        rows = pack_deadlines(pack, year, calendar_for(pack), {"budget_due": budget_due})
        by_chain: dict[tuple[str, str], list] = {}  # type: ignore[type-arg]
        for row in rows:
            by_chain.setdefault((row.report, row.period.label), []).append(row)
        for chain in by_chain.values():
            dues = [r.due_date for r in chain if r.due_date]
            assert [r.hop for r in chain] == list(range(1, len(chain) + 1))
            assert all(CAL.add_working_days(a, 1) <= b for a, b in itertools.pairwise(dues))


@pytest.mark.parametrize("pack_id", sorted(PACKS))
@settings(max_examples=10, deadline=None)
@given(year=st.integers(min_value=2020, max_value=2035))
def test_a_pack_dumped_and_read_back_gives_the_same_deadlines(tmp_path_factory, pack_id: str, year: int) -> None:  # type: ignore[no-untyped-def]
    pack = PACKS[pack_id]
    text = yaml.safe_dump(pack.model_dump(mode="json", by_alias=True, exclude_none=True), allow_unicode=True)
    reread, errors = parse_pack(text, tmp_path_factory.mktemp("dump") / f"{pack_id}.yaml")
    assert errors == [] and reread is not None
    assert reread.pack == pack
    params = {"budget_due": date(year, 7, 20)}
    assert pack_deadlines(reread.pack, year, CAL, params) == pack_deadlines(pack, year, CAL, params)
