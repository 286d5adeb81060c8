"""The contract of `dunghan calendar due WORDING --period PERIOD [--event D] [--format json]`, run as
scripts run it: in a process of its own."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

FIELDS = ["wording", "period", "nominal_date", "due_date", "due_at", "rolled", "reason", "assumed"]


def dunghan(*args: str, home: Path, lang: str | None = "en") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DUNGHAN_LANG", "LANGUAGE", "LC_ALL", "LANG")}
    env.update(DUNGHAN_HOME=str(home), LANG="C.UTF-8")
    if lang is not None:
        env["DUNGHAN_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "calendar", "due", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_one_json_object_with_the_contract_fields(tmp_path: Path) -> None:
    done = dunghan("trước 10 giờ ngày hôm sau", "--period", "2026-08-28", "--format", "json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == FIELDS
    assert data == {
        "wording": "trước 10 giờ ngày hôm sau",
        "period": "2026-08-28",
        "nominal_date": "2026-08-29",
        "due_date": "2026-09-03",
        "due_at": "2026-09-03T10:00:00+07:00",
        "rolled": True,
        "reason": "Thứ Bảy",
        "assumed": None,
    }


def test_monthly_periods_use_the_decree_09_window(tmp_path: Path) -> None:
    # March 2026's window ends 14/03: "ngày 20 hằng tháng" is 20/03, a Friday.
    data = json.loads(dunghan("chậm nhất ngày 20 hằng tháng", "--period", "2026-03", home=tmp_path).stdout)
    assert (data["due_date"], data["rolled"]) == ("2026-03-20", False)
    # The wording may say otherwise: the month after the period.
    data = json.loads(dunghan("chậm nhất ngày 20 của tháng tiếp theo", "--period", "2026-03", home=tmp_path).stdout)
    assert data["due_date"] == "2026-04-20"


def test_an_event_and_an_assumption(tmp_path: Path) -> None:
    data = json.loads(
        dunghan(
            "chậm nhất 15 ngày trước ngày tổ chức hội nghị", "--period", "2026", "--event", "2026-05-16", home=tmp_path
        ).stdout
    )
    assert (data["nominal_date"], data["due_date"], data["reason"]) == (
        "2026-05-01",
        "2026-04-29",
        "Ngày Quốc tế Lao động",
    )
    month = json.loads(dunghan("định kỳ tháng 12 hằng năm", "--period", "2026", home=tmp_path).stdout)
    assert month["due_date"] == "2026-12-31" and "31/12/2026" in month["assumed"]


@pytest.mark.parametrize(
    ("wording", "words"),
    [
        ("khi có yêu cầu", ("yêu cầu", "--event")),
        ("đột xuất", ("yêu cầu", "--event")),
        ("hằng năm", ("tham số", "chu kỳ")),
        ("trong 03 ngày làm việc kể từ ngày nhận được văn bản yêu cầu", ("sự kiện", "--event")),
    ],
)
def test_no_computable_day_exits_1_with_one_vietnamese_line(
    wording: str, words: tuple[str, ...], tmp_path: Path
) -> None:
    done = dunghan(wording, "--period", "2026", home=tmp_path, lang=None)
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert line.startswith("dunghan: ") and wording in line
    assert re.search("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", line.replace(wording, ""))
    prose = re.sub(r"--\w+", "", line)  # the flags keep their names
    assert not re.search(r"\b(?:give|report|counts|event)\b", prose), line  # said in Vietnamese, not English
    for word in words:
        assert word in line, line


def test_the_year_usage_still_works(tmp_path: Path) -> None:
    data = json.loads(dunghan("trước ngày 25/11", "--year", "2026", home=tmp_path).stdout)
    assert (data["due_date"], data["reason"]) == ("2026-11-25", "Ngày Văn hóa Việt Nam")
    clash = dunghan("trước ngày 25/11", "--year", "2026", "--period", "2026", home=tmp_path)
    assert clash.returncode == 1 and "--period" in clash.stderr
    bad = dunghan("trước ngày 25/11", "--period", "2026-W99", home=tmp_path)
    assert bad.returncode == 1 and "2026-W36" in bad.stderr
