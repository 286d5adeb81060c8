"""`dunghan org import` again: what it did, counted; `--replace` for a unit's whole contact list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

pytestmark = pytest.mark.usefixtures("prefect_api")  # flows run on the session's one Prefect API

runner = CliRunner()
HEADER = "unit,name,role,email,zalo_phone,zalo_user_id,channels,active\n"
HOA = "24-SYT,Nguyễn Thị Hoa,focal_point,hoa@syt.bacninh.gov.vn,,,email,true\n"
NAM = "24-SYT,Trần Văn Nam,head,nam@syt.bacninh.gov.vn,,,email,true\n"


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_importing_again_says_what_changed_and_reminds_once(workspace: Path, tmp_path: Path) -> None:
    assert run("org", "import", "vietnam-provinces", "--province", "24").exit_code == 0
    assert run("org", "import", "bac-ninh-2026-departments.yaml").exit_code == 0
    departments = run("org", "import", "bac-ninh-2026-departments.yaml")
    assert departments.exit_code == 0, departments.output
    assert "(units: 0 inserted, 0 updated, 13 unchanged;" in departments.stdout
    path = tmp_path / "lien-he.csv"
    path.write_text(HEADER + HOA + NAM, encoding="utf-8")
    assert "contacts: 2 inserted, 0 updated, 0 unchanged, 0 deactivated" in run("org", "import", str(path)).stdout
    again = run("org", "import", str(path))
    assert again.stdout == (
        "imported 0 unit(s) and 2 contact(s) from lien-he.csv (units: 0 inserted, 0 updated, 0 unchanged; "
        "contacts: 0 inserted, 0 updated, 2 unchanged, 0 deactivated)\n"
    )
    path.write_text(HEADER + HOA.replace("email,true", '"zalo,email",true').replace(",,,", ",0987654321,,"), "utf-8")
    replaced = run("org", "import", str(path), "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "contacts: 0 inserted, 1 updated, 0 unchanged, 1 deactivated" in replaced.stdout
    refused = run("org", "import", "vietnam-provinces", "--replace")
    assert refused.exit_code == 2 and "--replace goes with a file of contacts" in refused.stderr

    planned = run("cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24-SYT", "--at", "2026-01-05")
    assert planned.exit_code == 0, planned.output
    sweep = json.loads(run("remind", "--at", "2026-12-17T07:30", "--dry-run", "--format", "json").stdout)
    to_syt = [(n["report"], n["step"], n["channel"]) for n in sweep["notices"] if n["unit"] == "24-SYT"]
    assert to_syt and len(to_syt) == len(set(to_syt))  # each reminder once: Hoa only, Nam deactivated
