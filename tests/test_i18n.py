"""Vietnamese by default: every message marked in the code has its translation in the catalogs,
the compiled catalogs are current, and a command run without DUNGHAN_LANG speaks Vietnamese
(click's and Typer's own words included) while DUNGHAN_LANG=en gives the English as written."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from rules import i18n
from rules.errors import PackNotFound

ROOT = Path(__file__).resolve().parent.parent


def catalogs_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def dunghan(*args: str, lang: str | None, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DUNGHAN_LANG", "LANGUAGE", "LC_ALL", "LANG")}
    env.update(DUNGHAN_HOME=str(home), COLUMNS="200", LANG="C.UTF-8")
    if lang is not None:
        env["DUNGHAN_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_every_message_marked_in_the_code_has_its_vietnamese() -> None:
    found = list(catalogs_script().problems())
    assert found == []


def test_the_placeholder_check_sees_a_translation_that_drops_one() -> None:
    script = catalogs_script()
    assert script.placeholders("no pack {name!r}: one of {known}") == {"name", "known"}
    assert script.placeholders("không có gói {name!r}") != script.placeholders("no pack {name!r}: one of {known}")
    assert script.placeholders("{{literal}} {field}") == {"field"}


def test_a_message_is_vietnamese_by_default_and_english_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    message = "no pack {name!r}: give a file path or one of {known}"
    monkeypatch.delenv("DUNGHAN_LANG", raising=False)
    vietnamese = i18n._(message)
    assert vietnamese != message and "{name!r}" in vietnamese and "{known}" in vietnamese
    monkeypatch.setenv("DUNGHAN_LANG", "en")
    assert i18n._(message) == message
    monkeypatch.setenv("DUNGHAN_LANG", "fr")  # a language we do not have: Vietnamese
    assert i18n._(message) == vietnamese


def test_an_error_raised_deep_down_reaches_a_person_in_vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    from rules.loader import resolve_packs

    monkeypatch.delenv("DUNGHAN_LANG", raising=False)
    with pytest.raises(PackNotFound) as raised:
        resolve_packs(["khong-co-goi-nay"])
    assert "khong-co-goi-nay" in str(raised.value)
    assert "no pack" not in str(raised.value)


def test_the_command_speaks_vietnamese_by_default(tmp_path: Path) -> None:
    library = i18n.catalog("vi", i18n.LIBRARY_DOMAIN)
    usage, options = library.gettext("Usage:"), library.gettext("Options")
    assert usage != "Usage:" and options != "Options"  # the catalog has them
    shown = dunghan("--help", lang=None, home=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert usage in shown.stdout and options in shown.stdout
    assert "Usage:" not in shown.stdout and "Show this message and exit" not in shown.stdout
    english = dunghan("--help", lang="en", home=tmp_path)
    assert "Usage:" in english.stdout and "Show this message and exit" in english.stdout


def test_a_refused_command_says_why_in_vietnamese(tmp_path: Path) -> None:
    missing = str(tmp_path / "khong-co.yaml")
    refused = dunghan("rules", "check", missing, lang=None, home=tmp_path)
    assert refused.returncode == 1
    assert missing in refused.stderr and "Traceback" not in refused.stderr
    english = dunghan("rules", "check", missing, lang="en", home=tmp_path)
    assert english.returncode == 1 and "no such file or folder" in english.stderr
    assert "no such file" not in refused.stderr
    assert any(letter in refused.stderr for letter in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def test_a_missing_argument_is_said_in_vietnamese_by_click(tmp_path: Path) -> None:
    library = i18n.catalog("vi", i18n.LIBRARY_DOMAIN)
    refused = dunghan("cycle", "plan", lang=None, home=tmp_path)
    assert refused.returncode == 2
    assert library.gettext("Missing argument") in refused.stderr and "Missing argument" not in refused.stderr
