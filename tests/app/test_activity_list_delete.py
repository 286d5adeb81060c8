"""`dunghan activity list` and `dunghan activity delete`: the logs with their ids, one deleted and audited."""

import json
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def _add(unit: str, day: str, kind: str, title: str, male: str, female: str) -> None:
    added = run(
        "activity", "add", unit, "--campaign", "thang-hanh-dong", "--date", day, "--type", kind,
        "--title", title, "--male", male, "--female", female, "--media", "panel=2", "--budget", "2.000.000",
        "--at", "2026-12-10", "--by", "Nguyễn Thị Hoa",
    )  # fmt: skip
    assert added.exit_code == 0, added.output


def test_list_then_delete_one_log(workspace: Path) -> None:
    assert run("org", "import", "vietnam-provinces", "--province", "24").exit_code == 0
    assert run("org", "import", "bac-ninh-2026-departments.yaml").exit_code == 0
    _add("07375", "2026-11-15", "le-phat-dong", "Lễ phát động Tháng hành động", "80", "120")
    _add("07375", "2026-11-20", "tap-huan", "Tập huấn cán bộ", "10", "30")
    _add("24-SYT", "2026-12-01", "hoi-nghi", "Hội nghị ngành y tế", "15", "25")

    table = run("activity", "list", "07375", "--campaign", "thang-hanh-dong", "--year", "2026")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split()[:4] == ["id", "unit", "code", "day"] and "title" in lines[0]
    assert "Lễ phát động Tháng hành động" in table.stdout and "Hội nghị ngành y tế" not in table.stdout
    assert "15/11/2026" in table.stdout and "2.000.000" in table.stdout
    assert lines[-1] == "2 activities"

    listed = run("activity", "list", "--campaign", "thang-hanh-dong", "--year", "2026", "--format", "json")
    assert listed.exit_code == 0, listed.output
    logs = json.loads(listed.stdout)
    assert [(log["unit"], log["title"], log["participants"]) for log in logs] == [
        ("07375", "Lễ phát động Tháng hành động", 200),
        ("07375", "Tập huấn cán bộ", 40),
        ("24-SYT", "Hội nghị ngành y tế", 40),
    ]
    assert logs[0]["media"]["panel"] == 2 and logs[0]["source"] == "cli" and logs[0]["day"] == "2026-11-15"

    training = next(log["id"] for log in logs if log["title"] == "Tập huấn cán bộ")
    deleted = run("activity", "delete", str(training), "--by", "Trần Văn Nam", "--at", "2026-12-11")
    assert deleted.exit_code == 0, deleted.output
    assert deleted.stdout.strip() == (
        f"deleted activity {training} of 07375 (thang-hanh-dong 2026): 20/11/2026 tap-huan 'Tập huấn cán bộ'"
    )
    left = json.loads(run("activity", "list", "--campaign", "thang-hanh-dong", "--year", "2026", "-f", "json").stdout)
    assert [log["title"] for log in left] == ["Lễ phát động Tháng hành động", "Hội nghị ngành y tế"]
    rolled = json.loads(run("rollup", "thang-hanh-dong", "--year", "2026", "--under", "24", "--format", "json").stdout)
    assert rolled["total"]["activities"] == 2 and rolled["total"]["participants"] == 240

    from app.workspace import database

    with database().connect() as connection:
        events = connection.execute(
            text("SELECT actor, action, entity_id, note FROM auditevent WHERE entity = 'activity_log'")
        ).all()
    assert len(events) == 1
    actor, action, entity_id, note = events[0]
    assert (actor, action, entity_id) == ("Trần Văn Nam", "delete", training)
    assert "07375 thang-hanh-dong 2026" in note and "«Tập huấn cán bộ»" in note and "nữ 30" in note

    again = run("activity", "delete", str(training))
    assert again.exit_code == 1 and f"no activity log {training}" in again.stderr
    none = run("activity", "list", "07375", "--campaign", "thang-hanh-dong", "--year", "2025")
    assert none.exit_code == 0 and none.stdout.strip() == "no activity logged for thang-hanh-dong 2025 by 07375"
    unknown = run("activity", "list", "99999", "--campaign", "thang-hanh-dong", "--year", "2026")
    assert unknown.exit_code == 1 and "no unit '99999' valid on 15/12/2026" in unknown.stderr
