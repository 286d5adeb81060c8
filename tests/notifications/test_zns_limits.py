"""ZNS parameters within Zalo's per-parameter limit: short names from the pack, else shortened by
rule; checked on what reaches the local Zalo server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from pydantic import ValidationError

from models.tables import Notice
from notifications.channels import ZaloChannel
from notifications.rate_limit import RateLimiter
from notifications.zalo_zns import PARAMETER_LIMIT, fit_parameters, shorten, template_data
from rules.loader import shipped_packs
from rules.schema import Report, report_short_names
from tests.notifications.notices import Reports, zalo_notice
from tests.notifications.peers import GOOD_TOKEN, ZaloServer, zalo_server

LONG_REPORT = "Báo cáo kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ 6 tháng đầu năm"
LONG_UNIT = "Ủy ban nhân dân xã Tân Tiến, huyện Lạng Giang, tỉnh Bắc Giang"


@pytest.fixture
def zalo() -> Iterator[ZaloServer]:
    with zalo_server() as server:
        yield server


def test_every_shipped_report_named_longer_than_the_limit_has_a_short_name_within_it() -> None:
    for loaded in shipped_packs():
        for report in loaded.pack.reports:
            if len(report.name) > PARAMETER_LIMIT:
                assert report.short_name, f"{loaded.pack.id}/{report.id} has no short_name"
            if report.short_name:
                assert len(report.short_name) <= PARAMETER_LIMIT


def test_a_short_name_longer_than_the_limit_is_refused_by_the_pack_schema() -> None:
    shipped = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026").reports[0]
    data = shipped.model_dump(by_alias=True)
    data["short_name"] = "x" * (PARAMETER_LIMIT + 1)
    with pytest.raises(ValidationError, match="short_name"):
        Report.model_validate(data)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sở Y tế", "Sở Y tế"),
        ("Ủy ban nhân dân xã Tân Tiến, huyện Lạng Giang", "UBND xã Tân Tiến"),
        ("Sở Lao động – Thương binh và Xã hội tỉnh Bắc Ninh", "Sở LĐ-TB&XH tỉnh Bắc Ninh"),
        (
            "Báo cáo kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm",
            "BC công tác BĐG và VSTBPN năm",
        ),
    ],
)
def test_names_are_shortened_by_rule(name: str, expected: str) -> None:
    assert shorten(name) == expected


def test_what_no_rule_shortens_enough_is_cut_at_a_word_with_an_ellipsis() -> None:
    cut = shorten("Phòng Văn hóa và Thông tin thị xã Quế Võ mở rộng địa giới")
    assert len(cut) <= PARAMETER_LIMIT and cut.endswith("…")
    assert cut == "Phòng Văn hóa và Thông tin…"  # no word cut in half


def test_the_reminder_parameters_use_the_short_name_and_fit() -> None:
    data = template_data(
        unit_name=LONG_UNIT,
        report_name=LONG_REPORT,
        period_name="6 tháng đầu năm 2026",
        due=date(2026, 6, 19),
        days=3,
        report_short_name="BC công tác BĐG 6 tháng",
    )
    assert data == {
        "ten_don_vi": "UBND xã Tân Tiến",
        "ten_bao_cao": "BC công tác BĐG 6 tháng",
        "ky_bao_cao": "6 tháng đầu năm 2026",
        "han_nop": "19/06/2026",
        "so_ngay": "3",
    }


def _long_zns_notice() -> Notice:
    notice = zalo_notice(1, "zns")
    notice.payload = json.dumps(
        {
            "template_id": "2101",
            "template_data": {"ten_don_vi": LONG_UNIT, "ten_bao_cao": LONG_REPORT, "han_nop": "19/06/2026"},
        },
        ensure_ascii=False,
    )
    return notice


def test_what_reaches_zalo_is_within_the_limit_with_the_packs_short_name(zalo: ZaloServer) -> None:
    pack = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
    channel = ZaloChannel(
        "zns",
        token=GOOD_TOKEN,
        base_url=zalo.url,
        limiter=RateLimiter(0),
        short_names=report_short_names(pack.reports),
    )
    reports = Reports()
    channel.send([_long_zns_notice()], reports)
    assert reports[1].ok
    [request] = zalo.requests
    sent = request["body"]["template_data"]
    assert sent == {"ten_don_vi": "UBND xã Tân Tiến", "ten_bao_cao": "BC công tác BĐG 6 tháng", "han_nop": "19/06/2026"}
    assert all(len(value) <= PARAMETER_LIMIT for value in sent.values())


def test_without_short_names_the_channel_still_never_sends_a_parameter_too_long(zalo: ZaloServer) -> None:
    channel = ZaloChannel("zns", token=GOOD_TOKEN, base_url=zalo.url, limiter=RateLimiter(0))
    reports = Reports()
    channel.send([_long_zns_notice()], reports)
    assert reports[1].ok
    sent = zalo.requests[0]["body"]["template_data"]
    assert all(len(value) <= PARAMETER_LIMIT for value in sent.values())
    assert sent["ten_bao_cao"] == shorten(LONG_REPORT)


def test_fitting_turns_every_value_into_a_string() -> None:
    assert fit_parameters({"so_ngay": 3, "ten": "  Sở   Y tế "}) == {"so_ngay": "3", "ten": "Sở Y tế"}
