"""Packs from someone else: every hostile file is one located finding, never a traceback, and
never memory or time without end."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from rules.loader import MAX_PACK_BYTES, PackLoadError, load_overrides, load_packs
from rules.yaml_source import MAX_ALIASES, MAX_DEPTH, MAX_VALUES, Mark, YamlSyntaxError, load_with_positions
from tests.models import hostile_files as hostile
from tests.rules.conftest import MINIMAL_PACK

FINDING = re.compile(r"^\S+\.yaml:\d+:\d+: error: .+$")


def _only_finding(path: Path) -> str:
    with pytest.raises(PackLoadError) as caught:
        load_packs([path])
    [finding] = caught.value.findings
    text = str(finding).removeprefix(f"{path.parent}/")
    assert FINDING.match(text), text
    assert "\n" not in text
    return text


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    data = hostile.billion_laughs()
    assert len(data) < 7 * 1024
    started = time.perf_counter()
    message = _only_finding(hostile.write(tmp_path, "laughs.yaml", data))
    assert time.perf_counter() - started < 5
    assert f"more than {MAX_VALUES:,} values once aliases are expanded" in message


def test_aliases_beyond_the_budget_are_refused_where_the_first_extra_one_stands(tmp_path: Path) -> None:
    message = _only_finding(hostile.write(tmp_path, "aliases.yaml", hostile.many_aliases()))
    column = len("y: [") + (len("*x, ") * MAX_ALIASES) + 1
    assert message == f"aliases.yaml:2:{column}: error: more than {MAX_ALIASES} aliases (*name): refused"


def test_a_few_aliases_still_work() -> None:
    data, _ = load_with_positions("base: &b {to: [focal_point]}\nsteps: [*b, *b]\n")
    assert data["steps"] == [{"to": ["focal_point"]}, {"to": ["focal_point"]}]


@pytest.mark.parametrize("shape", ["deep-flow", "deep-block", "deep-mapping"])
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path, shape: str) -> None:
    message = _only_finding(hostile.write(tmp_path, f"{shape}.yaml", hostile.HOSTILE_YAML[shape]()))
    assert message.endswith(f"error: nested deeper than {MAX_DEPTH} levels: refused")


def test_an_alias_inside_itself_is_refused(tmp_path: Path) -> None:
    message = _only_finding(hostile.write(tmp_path, "loop.yaml", hostile.self_alias()))
    assert message == "loop.yaml:1:4: error: an alias refers to the value that contains it"


def test_a_pack_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    assert MAX_PACK_BYTES == 1024 * 1024
    message = _only_finding(hostile.write(tmp_path, "big.yaml", hostile.oversized_pack()))
    assert message == "big.yaml:1:1: error: the file is larger than 1 MiB, the limit: refused"


def test_a_pack_just_under_the_limit_is_read(tmp_path: Path) -> None:
    [loaded] = load_packs([hostile.write(tmp_path, "padded.yaml", hostile.oversized_pack(MAX_PACK_BYTES - 1))])
    assert loaded.pack.id == "thu-nghiem"


def test_a_pack_in_the_windows_code_page_names_the_first_bad_byte(tmp_path: Path) -> None:
    message = _only_finding(hostile.write(tmp_path, "cp1258.yaml", hostile.windows_1258_pack()))
    line = next(n for n, text in enumerate(MINIMAL_PACK.splitlines(), start=1) if "ó" in text)
    assert re.fullmatch(
        rf"cp1258\.yaml:{line}:\d+: error: not UTF-8 text \(byte 0x[0-9a-f]{{2}}\); save the file as UTF-8", message
    )


def test_a_nul_character_is_located(tmp_path: Path) -> None:
    message = _only_finding(hostile.write(tmp_path, "nul.yaml", hostile.nul_in_pack()))
    assert message.startswith("nul.yaml:4:12: error: YAML syntax: special characters are not allowed")


def test_a_value_that_does_not_fit_its_tag_is_located(tmp_path: Path) -> None:
    message = _only_finding(hostile.write(tmp_path, "tag.yaml", hostile.bad_tag()))
    assert message.startswith("tag.yaml:3:10: error: YAML value 'one' does not fit its tag")


def test_an_unknown_tag_is_located() -> None:
    with pytest.raises(YamlSyntaxError, match="could not determine a constructor") as caught:
        load_with_positions("x: !python/object:os.system ls\n")
    assert caught.value.mark == Mark(1, 4)


def test_calendar_overrides_have_the_same_limits(tmp_path: Path) -> None:
    (tmp_path / "laughs.yaml").write_bytes(hostile.billion_laughs())
    with pytest.raises(PackLoadError) as caught:
        load_overrides(["laughs"], folder=tmp_path)
    assert "values once aliases are expanded" in str(caught.value.findings[0])
