"""Reports that continue reports of earlier packs (``continues``) and the series they make."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from rules.errors import PackNotFound
from rules.lint import lint_pack
from rules.loader import SCHEMA_FILE, LoadedPack, PackLoadError, calendar_for, load_packs, shipped_packs
from rules.schema import ReportLink
from rules.series import SeriesError, report_series
from tests.rules.conftest import MINIMAL_PACK

TODAY = date(2026, 11, 22)
WritePack = Callable[..., Path]


def _pack(
    pack_id: str,
    valid: str = 'valid_from: "2026-01-01"',
    continues: str | None = None,
    frequency: str = "frequency: yearly",
) -> str:
    """MINIMAL_PACK under another id and validity, its report continuing ``continues``."""
    text = MINIMAL_PACK.replace("id: thu-nghiem", f"id: {pack_id}").replace('valid_from: "2026-01-01"', valid)
    report = frequency + (f"\n    continues: {continues}" if continues else "")
    return text.replace("frequency: yearly", report)


OLD_2024 = 'valid_from: "2024-01-01"\nvalid_to: "2024-12-31"'


def _load(write_pack: WritePack, *texts: str) -> list[LoadedPack]:
    return [load_packs([write_pack(text, f"pack-{index}.yaml")])[0] for index, text in enumerate(texts)]


def _errors(item: LoadedPack, packs: list[LoadedPack]) -> list[str]:
    findings = lint_pack(item, calendar_for(item.pack), TODAY, [item.pack.valid_from.year], packs=packs)
    return [str(f) for f in findings if f.severity == "error"]


def _load_error(write_pack: WritePack, text: str) -> str:
    with pytest.raises(PackLoadError) as caught:
        load_packs([write_pack(text)])
    return str(caught.value)


# The field: both forms, strictly


def test_both_forms_parse_to_the_same_links(write_pack: WritePack) -> None:
    text = _pack("moi", continues='["cu-2024/bao-cao-nam", {pack: cu-2023, report: bao-cao-nam}]')
    [item] = load_packs([write_pack(text)])
    links = item.pack.reports[0].continues
    assert links == [ReportLink(pack="cu-2024", report="bao-cao-nam"), ReportLink(pack="cu-2023", report="bao-cao-nam")]
    assert [str(link) for link in links] == ["cu-2024/bao-cao-nam", "cu-2023/bao-cao-nam"]


def test_a_report_continues_nothing_by_default(write_pack: WritePack) -> None:
    [item] = load_packs([write_pack()])
    assert item.pack.reports[0].continues == []


@pytest.mark.parametrize(
    ("continues", "where", "expected"),
    [
        ('["cu-2024"]', "14:17", "expected 'pack-id/report-id' or {pack: …, report: …}, got 'cu-2024'"),
        ('["cu-2024/bao-cao/nam"]', "14:17", "got 'cu-2024/bao-cao/nam'"),
        ('["Cu-2024/bao-cao-nam"]', "14:17", "got 'Cu-2024/bao-cao-nam'"),
        ("[{pack: cu-2024, report: bao-cao-nam, year: 2024}]", "14:54", "unknown key 'year'"),
        ("[{pack: cu-2024}]", "14:17", "missing key 'report'"),
        ("[{pack: Cu, report: bao-cao-nam}]", "14:24", "String should match pattern"),
        (
            '["cu-2024/bao-cao-nam", {pack: cu-2024, report: bao-cao-nam}]',
            "9:5",
            "continues names cu-2024/bao-cao-nam twice",
        ),
    ],
)
def test_malformed_links_are_refused_where_written(
    write_pack: WritePack, continues: str, where: str, expected: str
) -> None:
    message = _load_error(write_pack, _pack("moi", continues=continues))
    assert f"pack.yaml:{where}: error: report bao-cao-nam: " in message
    assert expected in message


def test_a_report_cannot_continue_itself(write_pack: WritePack) -> None:
    message = _load_error(write_pack, _pack("moi", continues='["moi/bao-cao-nam"]'))
    assert "report bao-cao-nam continues itself (moi/bao-cao-nam): name a report of an earlier pack" in message


def test_a_report_cannot_continue_a_report_of_its_own_pack(write_pack: WritePack) -> None:
    message = _load_error(write_pack, _pack("moi", continues='["moi/bao-cao-khac"]'))
    assert "continues moi/bao-cao-khac, a report of this same pack" in message


def test_the_json_schema_takes_both_forms() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    items = schema["$defs"]["Report"]["properties"]["continues"]["items"]["anyOf"]
    [short] = [form for form in items if form.get("type") == "string"]
    assert {"$ref": "#/$defs/ReportLink"} in items
    assert re.fullmatch(short["pattern"], "lang-giang-2024/so-ket-6-thang")
    assert not any(re.fullmatch(short["pattern"], bad) for bad in ("cu", "cu/bao-cao/nam", "Cu/x", "cu/"))
    link = schema["$defs"]["ReportLink"]
    assert (link["additionalProperties"], sorted(link["required"])) == (False, ["pack", "report"])


# The lint, across packs


def test_a_link_to_an_earlier_report_of_the_same_frequency_is_clean(write_pack: WritePack) -> None:
    old, new = _load(write_pack, _pack("cu", OLD_2024), _pack("moi", continues='["cu/bao-cao-nam"]'))
    assert _errors(new, [old, new]) == []


def test_unknown_pack_and_report(write_pack: WritePack) -> None:
    old, new = _load(write_pack, _pack("cu", OLD_2024), _pack("moi", continues='["khong-co/bao-cao-nam", "cu/khac"]'))
    errors = _errors(new, [old, new])
    assert len(errors) == 2
    assert errors[0].endswith(
        "pack-1.yaml:14:17: error: report bao-cao-nam: continues khong-co/bao-cao-nam: "
        "no pack 'khong-co' (packs: cu, moi)"
    )
    assert errors[1].endswith(
        "pack-1.yaml:14:41: error: report bao-cao-nam: continues cu/khac: "
        "pack cu has no report 'khac' (reports: bao-cao-nam)"
    )


def test_a_different_frequency(write_pack: WritePack) -> None:
    old = _pack("cu", OLD_2024, frequency="frequency: half_yearly\n    periods: [H1]")
    old_item, new = _load(write_pack, old, _pack("moi", continues='["cu/bao-cao-nam"]'))
    [error] = _errors(new, [old_item, new])
    assert (
        "continues cu/bao-cao-nam, a half_yearly report, but this report is yearly: "
        "a report continues one of the same frequency"
    ) in error


def test_half_yearly_reports_need_the_same_periods(write_pack: WritePack) -> None:
    old = _pack("cu", OLD_2024, frequency="frequency: half_yearly\n    periods: [H1]")
    same = _pack("moi", continues='["cu/bao-cao-nam"]', frequency="frequency: half_yearly\n    periods: [H1]")
    both = _pack("moi", continues='["cu/bao-cao-nam"]', frequency="frequency: half_yearly")
    old_item, same_item = _load(write_pack, old, same)
    assert _errors(same_item, [old_item, same_item]) == []
    [both_item] = load_packs([write_pack(both, "both.yaml")])
    [error] = _errors(both_item, [old_item, both_item])
    assert "whose periods are H1, but this report's are all periods: a report continues one with the same periods" in (
        error
    )


@pytest.mark.parametrize(
    ("earlier", "relation"),
    [
        ('valid_from: "2024-01-01"\nvalid_to: "2026-03-31"', "valid from 01/01/2024 to 31/03/2026, which overlaps"),
        ('valid_from: "2024-01-01"', "valid from 01/01/2024, which overlaps this pack's validity"),
        ('valid_from: "2026-01-01"\nvalid_to: "2026-12-31"', "valid from 01/01/2026 to 31/12/2026, which overlaps"),
    ],
)
def test_the_linked_pack_must_have_ended_before(write_pack: WritePack, earlier: str, relation: str) -> None:
    old, new = _load(write_pack, _pack("cu", earlier), _pack("moi", continues='["cu/bao-cao-nam"]'))
    [error] = _errors(new, [old, new])
    assert f"continues cu/bao-cao-nam: pack cu is {relation}" in error
    assert "(from 01/01/2026); a report continues reports of packs that ended before this one began" in error


def test_a_link_to_a_later_pack(write_pack: WritePack) -> None:
    later = _pack("sau", 'valid_from: "2027-01-01"')
    old = _pack("moi", OLD_2024, continues='["sau/bao-cao-nam"]')
    later_item, item = _load(write_pack, later, old)
    [error] = _errors(item, [later_item, item])
    assert "pack sau is valid from 01/01/2027, which begins after this pack ends (from 01/01/2024 to 31/12/2024)" in (
        error
    )


def test_a_cycle_of_links(write_pack: WritePack) -> None:
    a = _pack("a", OLD_2024, continues='["c/bao-cao-nam"]')
    b = _pack("b", 'valid_from: "2025-01-01"\nvalid_to: "2025-12-31"', continues='["a/bao-cao-nam"]')
    c = _pack("c", continues='["b/bao-cao-nam"]')
    a_item, b_item, c_item = _load(write_pack, a, b, c)
    packs = [a_item, b_item, c_item]
    a_errors = _errors(a_item, packs)
    assert any(
        "continues c/bao-cao-nam: the series comes back to this report: "
        "a/bao-cao-nam → c/bao-cao-nam → b/bao-cao-nam → a/bao-cao-nam" in e
        for e in a_errors
    )
    assert any("which begins after this pack ends" in e for e in a_errors)  # the link that closes it
    assert any(
        "the series comes back to this report: c/bao-cao-nam → b/bao-cao-nam" in e for e in _errors(c_item, packs)
    )
    # report_series follows a loop once round and stops
    assert [f"{p.id}/{r.id}" for p, r in report_series([x.pack for x in packs], "c", "bao-cao-nam")] == [
        "a/bao-cao-nam",
        "b/bao-cao-nam",
        "c/bao-cao-nam",
    ]


def test_links_are_checked_against_the_shipped_packs_by_default(write_pack: WritePack) -> None:
    good = _pack("moi", continues='["lang-giang-2024/tong-ket-nam"]')
    [item] = load_packs([write_pack(good)])
    findings = lint_pack(item, calendar_for(item.pack), TODAY, [2026])
    assert [f for f in findings if f.severity == "error"] == []
    bad = _pack("moi", continues='["lang-giang-2024/so-ket-6-thang"]')
    [item] = load_packs([write_pack(bad, "bad.yaml")])
    errors = [str(f) for f in lint_pack(item, calendar_for(item.pack), TODAY, [2026]) if f.severity == "error"]
    assert len(errors) == 1 and "a half_yearly report, but this report is yearly" in errors[0]


# The shipped packs


def _series(pack_id: str, report_id: str) -> list[str]:
    packs = [item.pack for item in shipped_packs()]
    return [f"{pack.id}/{report.id}" for pack, report in report_series(packs, pack_id, report_id)]


def test_the_six_month_report_spans_the_reform() -> None:
    assert _series("hai-cap-2026", "bdg-6-thang") == ["lang-giang-2024/so-ket-6-thang", "hai-cap-2026/bdg-6-thang"]


def test_the_yearly_report_spans_the_reform() -> None:
    assert _series("hai-cap-2026", "bdg-nam") == [
        "bac-ninh-2024/ket-qua-ctqg",
        "lang-giang-2024/tong-ket-nam",
        "hai-cap-2026/bdg-nam",
    ]


def test_a_report_without_links_is_its_own_series() -> None:
    assert _series("hai-cap-2026", "thang-hanh-dong") == ["hai-cap-2026/thang-hanh-dong"]
    assert _series("lang-giang-2024", "so-ket-6-thang") == ["lang-giang-2024/so-ket-6-thang"]


def test_series_of_what_no_pack_holds() -> None:
    packs = [item.pack for item in shipped_packs()]
    with pytest.raises(PackNotFound, match="no pack 'khong-co'"):
        report_series(packs, "khong-co", "bdg-nam")
    with pytest.raises(SeriesError, match="pack hai-cap-2026 has no report 'khac'"):
        report_series(packs, "hai-cap-2026", "khac")


def test_linked_reports_share_frequency_and_periods() -> None:
    packs = [item.pack for item in shipped_packs()]
    for pack in packs:
        for report in pack.reports:
            for earlier_pack, earlier in report_series(packs, pack.id, report.id)[:-1]:
                assert (earlier.frequency, earlier.periods) == (report.frequency, report.periods)
                assert earlier_pack.valid_to is not None and earlier_pack.valid_to < pack.valid_from


def test_the_shipped_packs_lint_clean() -> None:
    items = shipped_packs()
    assert any(report.continues for item in items for report in item.pack.reports)
    for item in items:
        for packs in (items, None):
            findings = lint_pack(item, calendar_for(item.pack), TODAY, packs=packs)
            assert [f for f in findings if f.severity == "error"] == [], item.pack.id
