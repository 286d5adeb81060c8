"""Whom a hop's report goes to: one recipient, several in one hop (the first receives it, the
others are sent it too: đồng gửi), or a body above the ministries that is not in the tree."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from rules.lint import lint_pack
from rules.loader import PackLoadError, calendar_for, load_packs, shipped_packs
from rules.schema import BODY_NAMES, Hop, Pack
from tests.rules.conftest import MINIMAL_PACK

TODAY = date(2026, 11, 22)
SO_NOI_VU = '        to: {level: province, unit_type: department, name: "Sở Nội vụ"}\n'
BO_NOI_VU = '        to: {level: ministry, name: "Bộ Nội vụ"}\n'
# The province hop sends to the Sở Nội vụ and, by the same deadline, to UBND tỉnh.
TWO_RECIPIENTS = MINIMAL_PACK.replace(
    SO_NOI_VU,
    "        to:\n"
    '          - {level: province, unit_type: department, name: "Sở Nội vụ"}\n'
    '          - {level: province, unit_type: people_committee, name: "UBND tỉnh"}\n',
)
# A third hop: the ministry reports to the Government.
TO_GOVERNMENT = MINIMAL_PACK.replace(
    '        deadline: "trước ngày 31/12"\n',
    '        deadline: "trước ngày 31/12"\n'
    "      - from: {level: ministry}\n"
    '        to: {body: chinh-phu, name: "Chính phủ"}\n'
    '        deadline: "trong 05 ngày làm việc kể từ hạn của cấp dưới"\n',
)


def _errors(write_pack, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(PackLoadError) as caught:
        load_packs([write_pack(text)])
    return [str(f) for f in caught.value.findings]


def _lint(write_pack, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    [item] = load_packs([write_pack(text)])
    return [str(f) for f in lint_pack(item, calendar_for(item.pack), TODAY, [2026]) if f.severity == "error"]


def _hops(write_pack, text: str) -> list[Hop]:  # type: ignore[no-untyped-def]
    [item] = load_packs([write_pack(text)])
    return item.pack.reports[0].chain


def test_one_recipient_is_written_as_before(write_pack) -> None:  # type: ignore[no-untyped-def]
    first, second = _hops(write_pack, MINIMAL_PACK)
    assert (first.to.name, first.to.level, first.also_to) == ("Sở Nội vụ", "province", [])
    assert [r.name for r in second.recipients] == ["Bộ Nội vụ"]


def test_a_list_names_the_principal_first_and_the_others_after(write_pack) -> None:  # type: ignore[no-untyped-def]
    first, _second = _hops(write_pack, TWO_RECIPIENTS)
    assert first.to.name == "Sở Nội vụ"
    assert [(r.name, r.node_key()) for r in first.also_to] == [("UBND tỉnh", "province:people_committee")]


def test_a_pack_written_out_and_read_back_keeps_its_recipients(write_pack) -> None:  # type: ignore[no-untyped-def]
    for text in (MINIMAL_PACK, TWO_RECIPIENTS, TO_GOVERNMENT):
        [item] = load_packs([write_pack(text)])
        again = Pack.model_validate(json.loads(item.pack.model_dump_json(by_alias=True)))
        assert again == item.pack


def test_a_body_above_the_ministries_is_no_unit(write_pack) -> None:  # type: ignore[no-untyped-def]
    *_, last = _hops(write_pack, TO_GOVERNMENT)
    assert (last.to.body, last.to.level, last.to.name, last.to.code) == ("chinh-phu", "central", "Chính phủ", None)
    assert last.to.node_key() == "body:chinh-phu"
    assert _lint(write_pack, TO_GOVERNMENT) == []


@pytest.mark.parametrize(
    ("to", "where", "message"),
    [
        ("[]", "17:13", "to: lists no recipient: name the agency that receives the report"),
        (
            '[{level: province, unit_type: department, name: "Sở Nội vụ"}, '
            '{level: province, unit_type: department, name: "Sở Y tế"}]',
            "17:13",
            "recipient 2 (Sở Y tế) is the same agency as recipient 1 (Sở Nội vụ): list each recipient once",
        ),
        ('{body: chinh-phuu, name: "Chính phủ"}', "17:20", "Input should be 'chinh-phu', 'thu-tuong', 'quoc-hoi'"),
        ('[{level: province, name: "UBND tỉnh"}, {body: quoc-hoi}]', "17:52", "missing key 'name'"),
        ('{level: ministry, body: quoc-hoi, name: "Quốc hội"}', "17:13", "body quoc-hoi is above the ministries"),
        ('{name: "Sở Nội vụ"}', "17:13", "a recipient needs a level (ministry, province, district, commune)"),
    ],
)
def test_bad_recipients_are_located(write_pack, to: str, where: str, message: str) -> None:  # type: ignore[no-untyped-def]
    [error] = _errors(write_pack, MINIMAL_PACK.replace(SO_NOI_VU, f"        to: {to}\n"))
    assert f"pack.yaml:{where}: error: report bao-cao-nam: " in error and message in error, error


def test_a_body_receives_only_from_the_ministry_level(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL_PACK.replace(SO_NOI_VU, '        to: {body: thu-tuong, name: "Thủ tướng Chính phủ"}\n')
    errors = _lint(write_pack, text)
    assert any(
        ":17:13: error:" in e
        and "Thủ tướng Chính phủ (thu-tuong) is above the ministries: only a hop from the ministry level" in e
        for e in errors
    ), errors
    assert any(
        ":19:15: error:" in e and "hop 2 follows hop 1, whose recipient Thủ tướng Chính phủ" in e for e in errors
    )


def test_a_body_may_be_sent_the_report_from_any_level(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL_PACK.replace(
        SO_NOI_VU,
        '        to: [{level: province, unit_type: department, name: "Sở Nội vụ"}, '
        '{body: uy-ban-quoc-gia-vstbpn, name: "Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam"}]\n',
    )
    assert _lint(write_pack, text) == []


def test_also_recipients_join_the_who_reports_to_whom_graph(write_pack) -> None:  # type: ignore[no-untyped-def]
    looped = MINIMAL_PACK.replace(
        BO_NOI_VU,
        '        to: [{level: ministry, name: "Bộ Nội vụ"}, '
        '{level: commune, unit_type: people_committee, name: "UBND xã"}]\n',
    )
    errors = _lint(write_pack, looped)
    assert any(
        ":20:13: error:" in e
        and "who reports to whom has a cycle: commune:people_committee → province:department → commune:people_committee"
        in e
        for e in errors
    ), errors


def test_the_bac_ninh_plan_sends_to_three(tmp_path: Path) -> None:
    """Quyết định 373/QĐ-UBND (Bắc Ninh, 2024) section V: the Sở compiles "để tổng hợp báo cáo UBND
    tỉnh, Bộ Lao động, Thương binh và Xã hội và Ủy ban Quốc gia vì sự tiến bộ phụ nữ Việt Nam"."""
    [pack] = [p.pack for p in shipped_packs() if p.pack.id == "bac-ninh-2024"]
    for report in pack.reports:
        if len(report.chain) < 2:
            continue
        hop = report.chain[1]
        assert (hop.to.code, hop.to.name) == ("BLDTBXH", "Bộ Lao động – Thương binh và Xã hội")
        assert [(r.name, r.body) for r in hop.also_to] == [
            ("UBND tỉnh", None),
            (BODY_NAMES["uy-ban-quoc-gia-vstbpn"], "uy-ban-quoc-gia-vstbpn"),
        ]


def test_the_schema_takes_one_recipient_or_a_list() -> None:
    schema = json.loads(Path("rules/packs/pack.schema.json").read_text(encoding="utf-8"))
    to = schema["$defs"]["Hop"]["properties"]["to"]
    assert to["anyOf"][0] == {"$ref": "#/$defs/Recipient"}
    assert to["anyOf"][1]["type"] == "array" and to["anyOf"][1]["minItems"] == 1
    assert schema["$defs"]["Recipient"]["properties"]["body"]["anyOf"][0]["enum"] == list(BODY_NAMES)
