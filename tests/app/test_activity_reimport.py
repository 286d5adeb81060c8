"""A corrected activity form replaces the unit's earlier one (audited), so the roll-up never
counts a unit's activities twice; the very same file is still refused."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import Result
from sqlalchemy import select
from sqlmodel import col
from typer.testing import CliRunner

from app.workspace import database
from cli.main import app
from models.tables import AuditEvent
from tests.app.test_activity_cli import CellInput, _fill, _tree

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def form_for(unit: str, path: Path, rows: list[list[CellInput]]) -> Path:
    made = run("activity", "template", unit, "--campaign", "thang-hanh-dong", "--year", "2026", "-o", str(path))
    assert made.exit_code == 0, made.output
    _fill(path, rows)
    return path


def total(*, under: str = "24") -> dict[str, int]:
    data = json.loads(run("rollup", "thang-hanh-dong", "--year", "2026", "--under", under, "--format", "json").stdout)
    return {"activities": data["total"]["activities"], "participants": data["total"]["participants"]}


LAUNCH: list[CellInput] = [date(2026, 11, 15), "le-phat-dong", "Lễ phát động", 80, 120, 200]
TRAINING: list[CellInput] = [date(2026, 11, 20), "tap-huan", "Tập huấn cán bộ", 10, 30, 40]


def test_a_corrected_form_replaces_the_units_earlier_one(workspace: Path, tmp_path: Path) -> None:
    _tree()
    first = form_for("07375", tmp_path / "hoat-dong.xlsx", [LAUNCH, TRAINING])
    other_unit = form_for("24-SYT", tmp_path / "syt.xlsx", [TRAINING])
    assert run("activity", "import", str(first), "--at", "2026-12-16").exit_code == 0
    assert run("activity", "import", str(other_unit), "--at", "2026-12-16").exit_code == 0
    added_by_hand = run(
        "activity", "add", "07375", "--campaign", "thang-hanh-dong", "--date", "2026-12-01", "--type", "mit-tinh",
        "--title", "Mít tinh", "--male", "5", "--female", "5", "--at", "2026-12-02",
    )  # fmt: skip
    assert added_by_hand.exit_code == 0, added_by_hand.output
    assert total() == {"activities": 4, "participants": 200 + 40 + 40 + 10}

    corrected = form_for("07375", tmp_path / "hoat-dong-sua.xlsx", [[*LAUNCH[:3], 80, 130, 210], TRAINING])
    again = run("activity", "import", str(corrected), "--at", "2026-12-17")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [
        "imported 2 activities of unit 07375 from hoat-dong-sua.xlsx",
        f"  replacing 2 activities of unit 07375 imported before from hoat-dong.xlsx (sha256 {digest(first)})",
    ]
    # one number changed: 10 more participants, not the whole file counted twice; the other
    # unit's file and the entry added by hand stay
    assert total() == {"activities": 4, "participants": 210 + 40 + 40 + 10}

    with database().connect() as connection:
        events = connection.execute(
            select(col(AuditEvent.action), col(AuditEvent.note), col(AuditEvent.actor))
            .where(col(AuditEvent.entity) == "activity_import")
            .order_by(col(AuditEvent.id))
        ).all()
    assert [(e.action, e.note) for e in events] == [
        ("import", f"unit 07375: 2 log(s) from hoat-dong.xlsx (sha256 {digest(first)})"),
        ("import", f"unit 24-SYT: 1 log(s) from syt.xlsx (sha256 {digest(other_unit)})"),
        (
            "replace",
            f"unit 07375: 2 log(s) of hoat-dong.xlsx (sha256 {digest(first)}) replaced by 2 log(s) from "
            f"hoat-dong-sua.xlsx (sha256 {digest(corrected)})",
        ),
    ]

    same = run("activity", "import", str(corrected), "--at", "2026-12-18")
    assert same.exit_code == 1 and "this very file was imported on 17/12/2026 (2 activities)" in same.stderr
    assert total() == {"activities": 4, "participants": 300}


def digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
