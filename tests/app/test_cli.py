"""The `dunghan` command as people and scripts use it."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from icalendar import Calendar
from typer.testing import CliRunner

from cli.main import app
from tests.rules.conftest import MINIMAL_PACK

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_calendar_due() -> None:
    result = run("calendar", "due", "trước ngày 25/11", "--year", "2026")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "wording": "trước ngày 25/11",
        "nominal_date": "2026-11-24",
        "due_date": "2026-11-25",
        "rolled": True,
        "reason": "Ngày Văn hóa Việt Nam",
        "due_at": "2026-11-25T23:59:59+07:00",
    }


def test_calendar_due_year_from_the_wording_and_switches() -> None:
    data = json.loads(run("calendar", "due", "trước ngày 05 tháng 12 năm 2024").stdout)
    assert (data["nominal_date"], data["due_date"], data["rolled"]) == ("2024-12-04", "2024-12-04", False)
    no_culture = json.loads(run("calendar", "due", "trước ngày 25/11", "--year", "2026", "--no-culture-day").stdout)
    assert no_culture["due_date"] == "2026-11-24"
    this_year = json.loads(run("calendar", "due", "chậm nhất ngày 20/12", "--at", "2027-03-01").stdout)
    assert this_year["nominal_date"] == "2027-12-20"
    relative = json.loads(
        run("calendar", "due", "trong 03 ngày làm việc kể từ ngày chốt số liệu", "--from", "2026-02-13").stdout
    )
    assert relative["due_date"] == "2026-02-25"


def test_calendar_due_refusals() -> None:
    bad = run("calendar", "due", "cuối tháng")
    assert bad.exit_code == 1
    assert "Accepted forms" in bad.stderr
    clash = run("calendar", "due", "trước ngày 05/12/2024", "--year", "2025")
    assert clash.exit_code == 1 and "contradicts --year 2025" in clash.stderr
    needs_from = run("calendar", "due", "trong 03 ngày làm việc kể từ ngày chốt số liệu")
    assert needs_from.exit_code == 1 and "--from" in needs_from.stderr


def test_calendar_add_and_working_day() -> None:
    assert json.loads(run("calendar", "add", "2026-02-14", "3", "--working").stdout) == {
        "start": "2026-02-14",
        "days": 3,
        "working": True,
        "result": "2026-02-25",
    }
    assert json.loads(run("calendar", "add", "2026-02-14", "3", "--calendar-days").stdout)["result"] == "2026-02-17"
    assert json.loads(run("calendar", "is-working-day", "2026-08-22").stdout) == {
        "date": "2026-08-22",
        "working": True,
        "reason": "Làm bù cho ngày 31/08/2026 (Thông báo 9441 của Bộ Nội vụ)",
    }
    assert json.loads(run("calendar", "is-working-day", "22/08/2026").stdout)["date"] == "2026-08-22"
    bad = run("calendar", "is-working-day", "22-08-2026")
    assert bad.exit_code == 1 and "expected a date, dd/mm/yyyy or YYYY-MM-DD" in bad.stderr


def test_calendar_holidays() -> None:
    rows = json.loads(run("calendar", "holidays", "2026").stdout)
    assert {
        "date": "2026-01-02",
        "name": "Nghỉ Tết Dương lịch (hoán đổi với thứ Bảy 10/01/2026, Công văn 12729/VPCP-KGVX)",
    } in rows
    assert {"date": "2026-02-17", "name": "Tết Nguyên Đán"} in rows
    assert all(set(row) == {"date", "name"} for row in rows)


def test_rules_check_shipped_packs() -> None:
    result = run("rules", "check", "--at", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert "4 pack(s) loaded: 0 error(s)" in result.stdout


def test_rules_check_reports_errors_with_positions(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        MINIMAL_PACK.replace('"trước ngày 31/12"', '"chậm nhất ngày 21/12"'), encoding="utf-8"
    )
    (tmp_path / "broken.yaml").write_text(
        MINIMAL_PACK.replace("id: thu-nghiem", "id: khac\nextra: 1"), encoding="utf-8"
    )
    result = run("rules", "check", str(tmp_path), "--year", "2026", "--format", "json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert {(Path(r["file"]).name, r["line"], r["col"], r["severity"]) for r in rows} >= {
        ("bad.yaml", 21, 19, "error"),  # the level above leaves the level below no working day
        ("broken.yaml", 3, 1, "error"),
    }
    assert all(set(r) == {"location", "file", "line", "col", "severity", "entry", "message"} for r in rows)


def test_rules_deadlines_json() -> None:
    result = run("rules", "deadlines", "lang-giang-2024", "--year", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    annual = next(r for r in rows if r["report"] == "tong-ket-nam" and r["hop"] == 1)
    assert annual == {
        "pack": "lang-giang-2024",
        "report": "tong-ket-nam",
        "report_name": "Báo cáo tổng kết công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm",
        "hop": 1,
        "from": "UBND các xã, thị trấn",
        "to": "UBND huyện (qua Phòng Lao động – TB&XH)",
        "period": "2024",
        "cutoff_start": "2023-12-15",
        "cutoff_end": "2024-11-14",
        "cutoff_text": None,
        "wording": "trước ngày 25/11",
        "nominal_date": "2024-11-24",
        "due_date": "2024-11-25",
        "rolled": True,
        "reason": "Chủ nhật",
        "due_at": "2024-11-25T23:59:59+07:00",
        "legal_basis": ["Mục III.3 Kế hoạch BĐG năm 2024 của UBND huyện Lạng Giang"],
        "assumed": None,
    }


def test_rules_deadlines_defaults_to_packs_valid_this_year() -> None:
    rows = json.loads(
        run("rules", "deadlines", "--at", "2026-11-22", "--format", "json", "--param", "budget_due=2026-07-20").stdout
    )
    assert {r["pack"] for r in rows} == {"hai-cap-2026", "ke-hoach-kinh-phi"}
    budget = next(r for r in rows if r["pack"] == "ke-hoach-kinh-phi")
    assert budget["due_date"] == "2026-07-20"
    assert {r["period"] for r in rows} == {"2026-H1", "2026"}


def test_rules_deadlines_refusals() -> None:
    outside = run("rules", "deadlines", "bac-ninh-2024", "--year", "2026")
    assert outside.exit_code == 1 and "does not apply in 2026" in outside.stderr
    unknown = run("rules", "deadlines", "khong-co")
    assert unknown.exit_code == 1 and "no pack 'khong-co'" in unknown.stderr
    bad_param = run("rules", "deadlines", "ke-hoach-kinh-phi", "--param", "budget_due", "--year", "2026")
    assert bad_param.exit_code == 1 and "NAME=YYYY-MM-DD" in bad_param.stderr
    bad_at = run("rules", "deadlines", "--at", "hôm qua")
    assert bad_at.exit_code == 1 and "--at 'hôm qua'" in bad_at.stderr


def test_rules_deadlines_ics(tmp_path: Path) -> None:
    out = tmp_path / "han.ics"
    result = run("rules", "deadlines", "bac-ninh-2024", "--year", "2024", "--format", "ics", "--output", str(out))
    assert result.exit_code == 0, result.output
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 7
    first = next(e for e in events if str(e["uid"]) == "bac-ninh-2024.ket-qua-ctqg.2024.hop1@dunghan")
    assert first.decoded("dtstart").isoformat() == "2024-12-24"
    assert "trước ngày 25 tháng 12" in str(first["description"])


def test_rules_schema_is_current() -> None:
    committed = json.loads(Path("rules/packs/pack.schema.json").read_text(encoding="utf-8"))
    assert json.loads(run("rules", "schema").stdout) == committed, (
        "run: dunghan rules schema -o rules/packs/pack.schema.json"
    )


def _commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    import typer.main

    command = typer.main.get_command(group)
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        if hasattr(sub, "commands"):
            for inner in sub.commands:
                yield (*prefix, name, inner)
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("command", list(_commands(app)))
def test_every_command_has_help_with_an_example(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example: dunghan " + " ".join(command) in result.stdout
