"""Loading packs: strict, located errors, all of them at once."""

from pathlib import Path

import pytest

from rules.errors import PackNotFound
from rules.loader import PackLoadError, load_packs, resolve_packs, shipped_packs
from rules.yaml_source import Mark, load_with_positions
from tests.rules.conftest import MINIMAL_PACK


def _errors(paths: list[Path]) -> list[str]:
    with pytest.raises(PackLoadError) as caught:
        load_packs(paths)
    return [str(f) for f in caught.value.findings]


def test_shipped_packs_load() -> None:
    ids = {p.pack.id for p in shipped_packs()}
    assert ids == {"lang-giang-2024", "bac-ninh-2024", "ke-hoach-kinh-phi", "hai-cap-2026"}


def test_minimal_pack_loads(write_pack) -> None:  # type: ignore[no-untyped-def]
    [loaded] = load_packs([write_pack()])
    assert loaded.pack.valid_from.isoformat() == "2026-01-01"
    assert loaded.mark("reports", 0, "chain", 1, "deadline") == Mark(21, 19)


def test_yaml_does_not_turn_dates_into_dates() -> None:
    data, _ = load_with_positions("valid_from: 2024-12-25\nwhen: 2024-12-25 10:00:00\n")
    assert data == {"valid_from": "2024-12-25", "when": "2024-12-25 10:00:00"}


def test_unknown_key_is_located_and_names_the_entry(write_pack) -> None:  # type: ignore[no-untyped-def]
    path = write_pack(MINIMAL_PACK.replace("    frequency: yearly\n", "    frequency: yearly\n    frequncy: monthly\n"))
    [message] = _errors([path])
    assert message.endswith("pack.yaml:14:5: error: report bao-cao-nam: unknown key 'frequncy'")


def test_bad_wording_points_at_the_deadline_and_lists_forms(write_pack) -> None:  # type: ignore[no-untyped-def]
    path = write_pack(MINIMAL_PACK.replace('"trước ngày 31/12"', '"cuối năm"'))
    [message] = _errors([path])
    assert "pack.yaml:21:19: error: report bao-cao-nam:" in message
    assert 'deadline "cuối năm"' in message and "Accepted forms" in message


def test_every_error_of_every_file_at_once(write_pack) -> None:  # type: ignore[no-untyped-def]
    first = write_pack(
        MINIMAL_PACK.replace('valid_from: "2026-01-01"', "valid_from: 20260101").replace(
            "frequency: yearly", "frequency: fortnightly"
        ),
        "a.yaml",
    )
    second = write_pack("format: 1\nid: b\n  bad: indent\n", "b.yaml")
    third = write_pack(
        MINIMAL_PACK.replace("id: thu-nghiem", "id: khac").replace("method: [email]", "method: []"), "c.yaml"
    )
    messages = _errors([first, second, third])
    assert any("a.yaml:7:13:" in m and "YYYY-MM-DD" in m for m in messages)
    assert any("a.yaml:13:16:" in m and "report bao-cao-nam" in m and "'yearly'" in m for m in messages)
    assert any("b.yaml:3:" in m and "YAML syntax" in m for m in messages)
    assert any("c.yaml:12:13:" in m and "at least 1 item" in m for m in messages)


def test_duplicate_keys_and_ids_are_errors(write_pack) -> None:  # type: ignore[no-untyped-def]
    dup_key = write_pack(MINIMAL_PACK.replace('title: "Gói thử nghiệm"', 'title: "A"\ntitle: "B"'), "dup.yaml")
    assert any("dup.yaml:5:1:" in m and "duplicate key 'title'" in m for m in _errors([dup_key]))
    twin_a = write_pack(MINIMAL_PACK, "x.yaml")
    twin_b = write_pack(MINIMAL_PACK, "y.yaml")
    assert any("y.yaml:2:5:" in m and "also used by" in m for m in _errors([twin_a, twin_b]))


def test_a_structured_deadline_needs_exactly_one_form(write_pack) -> None:  # type: ignore[no-untyped-def]
    path = write_pack(MINIMAL_PACK.replace('"trước ngày 31/12"', '{before: "31/12", by: "30/12"}'))
    [message] = _errors([path])
    assert "exactly one of before, by" in message and "got before, by" in message


def test_structured_deadline_reads_like_the_words(write_pack) -> None:  # type: ignore[no-untyped-def]
    [loaded] = load_packs(
        [write_pack(MINIMAL_PACK.replace('"trước ngày 31/12"', "{working_days_after: 5, after: previous_hop}"))]
    )
    assert loaded.pack.reports[0].chain[1].rule().wording == "trong 05 ngày làm việc kể từ hạn của cấp dưới"


def test_unknown_pack_name() -> None:
    with pytest.raises(PackNotFound, match="bac-ninh-2024"):
        resolve_packs(["khong-co"])
    with pytest.raises(PackNotFound, match="no such file"):
        load_packs([Path("/nonexistent/pack.yaml")])


def test_shipped_packs_are_read_once_while_their_files_are_unchanged() -> None:
    from rules.loader import shipped_packs

    first, second = shipped_packs(), shipped_packs()
    assert first is not second  # callers get their own list
    assert [a is b for a, b in zip(first, second, strict=True)] == [True] * len(first)
