"""Vietnamese by default: every message marked in the code has its translation in the catalogs,
the compiled catalogs are current, and a command run without DUNGHAN_LANG speaks Vietnamese
(click's and Typer's own words included) while DUNGHAN_LANG=en gives the English as written."""

from __future__ import annotations

import importlib.util
import os
import re
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


def run_python(code: str, *, lang: str | None, home: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """``code`` run the way ``dunghan`` is run, in ``lang`` (None: the default, Vietnamese)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DUNGHAN_LANG", "LANGUAGE", "LC_ALL", "LANG")}
    env.update(DUNGHAN_HOME=str(home), COLUMNS="200", LANG="C.UTF-8", **extra)
    if lang is not None:
        env["DUNGHAN_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False
    )


def test_an_error_of_the_app_follows_the_language(tmp_path: Path) -> None:
    home = tmp_path / "trong"
    vietnamese = dunghan("overdue", lang=None, home=home)
    assert vietnamese.returncode == 1
    assert vietnamese.stderr == (
        f"dunghan: chưa có dữ liệu nào ở {home}: hãy chạy dunghan demo để thử với dữ liệu mẫu, hoặc nhập cây đơn vị "
        "để bắt đầu (dunghan org import vietnam-provinces)\n"
    )
    english = dunghan("overdue", lang="en", home=home)
    assert english.returncode == 1
    assert english.stderr == (
        f"dunghan: no data in {home} yet: run dunghan demo to try it with sample data, or import the unit tree "
        "to begin (dunghan org import vietnam-provinces)\n"
    )
    assert not home.exists()  # a command that reads makes nothing


def test_the_headings_of_a_table_follow_the_language(tmp_path: Path) -> None:
    args = ("rules", "deadlines", "bac-ninh-2024", "--year", "2024")
    vietnamese = dunghan(*args, lang=None, home=tmp_path)
    assert vietnamese.returncode == 0, vietnamese.stderr
    headings = re.split(r"\s{2,}", vietnamese.stdout.splitlines()[0])
    assert headings == ["gói", "báo cáo", "bước", "từ", "gửi", "kỳ", "thời hạn", "theo văn bản", "hạn", "lý do lùi"]
    english = dunghan(*args, lang="en", home=tmp_path)
    headings = re.split(r"\s{2,}", english.stdout.splitlines()[0])
    assert headings == ["pack", "report", "step", "from", "to", "period", "deadline", "as written", "due", "why moved"]
    # The rows are the same data: only the headings change (and the columns' widths with them).
    rows = [line.split() for line in vietnamese.stdout.splitlines()[2:]]
    assert rows and [line.split() for line in english.stdout.splitlines()[2:]] == rows


def test_what_serve_says_follows_the_language(tmp_path: Path) -> None:
    serve = "import sys; sys.argv = ['dunghan', 'serve', '--no-web']; from cli.main import main; main()"
    elsewhere = {"PREFECT_API_URL": "http://127.0.0.1:9/api"}  # the schedule is a Prefect server's: nothing left
    vietnamese = run_python(serve, lang=None, home=tmp_path, **elsewhere)
    assert vietnamese.returncode == 1
    assert vietnamese.stderr.splitlines() == [
        "dunghan: PREFECT_API_URL đã đặt: lịch chạy do máy chủ Prefect và worker giữ",
        "dunghan: không có gì để chạy: bỏ --no-web hoặc --no-schedule",
    ]
    english = run_python(serve, lang="en", home=tmp_path, **elsewhere)
    assert english.returncode == 1
    assert english.stderr.splitlines() == [
        "dunghan: PREFECT_API_URL is set: the schedule is kept by the Prefect server and its workers",
        "dunghan: nothing to run: drop --no-web or --no-schedule",
    ]


def test_the_interrupt_is_said_in_the_language(tmp_path: Path) -> None:
    # A command that is interrupted (a real SIGINT, as Ctrl+C sends) while it runs.
    interrupted = (
        "import os, signal, time\n"
        "import cli.main\n"
        "def command(**kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(30)\n"
        "cli.main.app = command\n"
        "cli.main.main()\n"
    )
    vietnamese = run_python(interrupted, lang=None, home=tmp_path)
    assert vietnamese.returncode == 130
    assert vietnamese.stderr == "dunghan: đã dừng; việc đang ghi dở không được lưu, việc đã xong vẫn giữ nguyên\n"
    english = run_python(interrupted, lang="en", home=tmp_path)
    assert english.returncode == 130
    assert english.stderr == "dunghan: stopped; what was being written is not saved, what was done is kept\n"


def test_what_org_commands_refuse_follows_the_language(tmp_path: Path) -> None:
    wrong = ("org", "import", "shipped", "--no-standard-agencies")
    vietnamese = dunghan(*wrong, lang=None, home=tmp_path)
    assert vietnamese.returncode == 2
    assert vietnamese.stderr == "dunghan: --no-standard-agencies chỉ dùng với vietnam-provinces\n"
    english = dunghan(*wrong, lang="en", home=tmp_path)
    assert english.returncode == 2
    assert english.stderr == "dunghan: --no-standard-agencies goes only with vietnam-provinces\n"
    nowhere = dunghan("org", "contacts", lang=None, home=tmp_path)
    assert nowhere.returncode == 1
    assert "nói rõ đơn vị bằng --under MÃ (ví dụ --under 24; --under BNV cho cả nước)" in nowhere.stderr
    english = dunghan("org", "contacts", lang="en", home=tmp_path)
    assert english.returncode == 1
    assert "name the unit with --under CODE (for example --under 24; --under BNV for the whole country)" in (
        english.stderr
    )


def test_the_names_of_levels_and_types_follow_the_language(tmp_path: Path) -> None:
    imported = dunghan("org", "import", "vietnam-provinces", "--province", "24", lang=None, home=tmp_path)
    assert imported.returncode == 0, imported.stderr
    args = ("org", "list", "--under", "24", "--level", "province", "--type", "standing_agency")
    vietnamese = dunghan(*args, lang=None, home=tmp_path)
    english = dunghan(*args, lang="en", home=tmp_path)
    assert vietnamese.returncode == 0 and english.returncode == 0, vietnamese.stderr + english.stderr
    # Sở Nội vụ, created with the province's standard agencies: its name is data, its level and type are words.
    assert (
        "Sở Nội vụ" in vietnamese.stdout
        and "cấp tỉnh" in vietnamese.stdout
        and "cơ quan thường trực" in vietnamese.stdout
    )
    assert "Sở Nội vụ" in english.stdout and "province level" in english.stdout and "standing agency" in english.stdout
    assert "cấp tỉnh" not in english.stdout


def test_an_error_of_the_models_follows_the_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from models.database import make_engine, migrate
    from models.lifecycle import IllegalTransition, transition
    from models.units import UnitNotFound, unit_at

    engine = make_engine(f"sqlite:///{tmp_path / 'dunghan.db'}")
    migrate(engine)

    def refusals() -> list[str]:
        with pytest.raises(UnitNotFound) as unknown:
            unit_at(engine, "99", date(2026, 6, 30))
        with pytest.raises(IllegalTransition) as refused:
            transition("accepted", "submit")
        return [unknown.value.worded(lambda name: name, lambda action: f"dunghan {action}"), str(refused.value)]

    monkeypatch.delenv("DUNGHAN_LANG", raising=False)
    vietnamese = refusals()
    monkeypatch.setenv("DUNGHAN_LANG", "en")
    english = refusals()
    engine.dispose()
    assert vietnamese == [
        "không có đơn vị mã 99: kiểm tra mã, hoặc nhập cây đơn vị (dunghan org import)",
        "không thể nộp báo cáo đang ở trạng thái đã tiếp nhận: chỉ nộp được khi chưa nộp hoặc trả lại",
    ]
    # The sentence and the names in it follow the language (the pages and the API keep the stored names).
    assert english == [
        "no unit with code 99: check the code, or import the unit tree (dunghan org import)",
        "cannot submit a report in the state accepted: submit is allowed only in not submitted or returned",
    ]
