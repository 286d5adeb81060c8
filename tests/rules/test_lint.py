"""What the lint finds in a pack's meaning."""

from datetime import date

from rules.lint import lint_pack
from rules.loader import calendar_for, load_packs, shipped_packs
from tests.rules.conftest import MINIMAL_PACK

TODAY = date(2026, 11, 22)


def _lint(write_pack, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    [item] = load_packs([write_pack(text)])
    return [str(f) for f in lint_pack(item, calendar_for(item.pack), TODAY, [2026])]


def test_shipped_packs_have_no_errors() -> None:
    for item in shipped_packs():
        findings = lint_pack(item, calendar_for(item.pack), TODAY)
        assert [f for f in findings if f.severity == "error"] == [], item.pack.id


def test_minimal_pack_warns_about_a_saturday(write_pack) -> None:  # type: ignore[no-untyped-def]
    [message] = _lint(write_pack, MINIMAL_PACK)
    assert message.endswith(
        "pack.yaml:18:19: warning: report bao-cao-nam: 2026: 'trước ngày 20/12' gives 19/12/2026 "
        "(Thứ Bảy), rolled to 21/12/2026"
    )


def test_upper_level_needs_a_working_day_after_the_lower(write_pack) -> None:  # type: ignore[no-untyped-def]
    messages = _lint(write_pack, MINIMAL_PACK.replace('"trước ngày 31/12"', '"chậm nhất ngày 21/12"'))
    assert any(":21:19: error:" in m and "art. 8(5)" in m and "from 22/12/2026" in m for m in messages)


def test_a_deadline_before_the_default_window_is_said_once(write_pack) -> None:  # type: ignore[no-untyped-def]
    messages = _lint(write_pack, MINIMAL_PACK.replace('"trước ngày 20/12"', '"trước ngày 15/12"'))
    about = [m for m in messages if "default data window" in m]
    assert len(about) == 1 and ":18:19: warning:" in about[0] and "'trước ngày 15/12'" in about[0]
    assert not any(": error:" in m for m in messages)


def test_a_deadline_before_the_window_the_pack_states_is_refused(write_pack) -> None:  # type: ignore[no-untyped-def]
    stated = MINIMAL_PACK.replace('"trước ngày 20/12"', '"trước ngày 15/12"').replace(
        "    frequency: yearly\n", '    frequency: yearly\n    cutoff: {start: "15/12", end: "14/12"}\n'
    )
    assert "cutoff:" in stated
    messages = _lint(write_pack, stated)
    assert any(": error:" in m and "cut-off ends 14/12/2026" in m for m in messages)


def test_references_must_exist(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = (
        MINIMAL_PACK.replace("ladder: default", "ladder: mac-dinh")
        .replace("to: [focal_point], template: reminder", "to: [chu-tich], template: nhac")
        .replace("template: overdue}", "template: overdue, channels: [sms]}")
    )
    messages = _lint(write_pack, text)
    assert any("unknown ladder 'mac-dinh' (ladders: default)" in m for m in messages)
    assert any("ladder default: step truoc-2: unknown role 'chu-tich'" in m for m in messages)
    assert any("unknown template 'nhac'; known templates: reminder" in m for m in messages)
    assert any("unknown channel 'sms'" in m for m in messages)


def test_steps_must_be_ordered(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL_PACK.replace("offset: -2,", "offset: 5,")
    messages = _lint(write_pack, text)
    assert any("step qua-han (offset 1) comes before step truoc-2 (offset 5)" in m for m in messages)


def test_cycles_in_who_reports_to_whom(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL_PACK.replace(
        'to: {level: ministry, name: "Bộ Nội vụ"}', 'to: {level: commune, unit_type: people_committee, name: "UBND xã"}'
    )
    messages = _lint(write_pack, text)
    assert any(
        "cycle: commune:people_committee → province:department → commune:people_committee" in m for m in messages
    )


def test_a_hop_starts_where_the_one_below_ended(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL_PACK.replace("- from: {level: province, types: [department]}", "- from: {level: district}")
    messages = _lint(write_pack, text)
    assert any("hop 2 should start at the level hop 1 reports to (province)" in m for m in messages)


def test_undeclared_parameter(write_pack) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL_PACK.replace('"trước ngày 20/12"', "{param: han_nop}")
    messages = _lint(write_pack, text)
    assert any("parameter 'han_nop' is not declared under params" in m for m in messages)
