"""`dunghan org import shipped`, `org show`, lineage files, contacts by date, and the supervisor
commands across the 2025 reform, as a person types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

pytestmark = pytest.mark.usefixtures("prefect_api")  # flows run on the session's one Prefect API

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def _shipped() -> None:
    done = run("org", "import", "shipped", "--province", "24")
    assert done.exit_code == 0, done.output
    assert "vn-lineage-2025.csv: 419 lineage link(s) added" in done.output


def test_shipped_trees_import_once_and_again_changes_nothing(workspace: Path) -> None:
    _shipped()
    again = run("org", "import", "shipped", "--province", "24")
    assert again.exit_code == 0, again.output
    assert "vn-three-tier.csv: 0 unit(s) inserted, 0 updated, 338 unchanged" in again.output
    assert "vn-lineage-2025.csv: 0 lineage link(s) added, 420 unchanged" in again.output


def test_org_show_tells_a_unit_by_its_date(workspace: Path) -> None:
    _shipped()
    old = run("org", "show", "07375", "--at", "2024-12-31")
    assert old.exit_code == 0, old.output
    assert old.output.startswith("Thị trấn Vôi (code 07375)\n")
    assert "parent on 31/12/2024: Huyện Lạng Giang (217, from 01/01/2024 to 30/06/2025)" in old.output
    assert "- Xã Lạng Giang (07375, from 01/07/2025), from 01/07/2025" in old.output
    province = run("org", "show", "24", "--at", "2025-04-01")
    assert "parent on 01/04/2025: Bộ Nội vụ (BNV, from 01/03/2025) (takes over from the parent unit that ended)" in (
        province.output
    )
    today = json.loads(run("org", "show", "24", "--at", "2026-01-01", "--format", "json").output)
    assert [p["name"] for p in today["predecessors"]] == ["Tỉnh Bắc Giang", "Tỉnh Bắc Ninh"]
    assert [u["name"] for u in today["same_code"]] == ["Tỉnh Bắc Giang"]
    missing = run("org", "show", "27", "--at", "2026-01-01")
    assert missing.exit_code == 1
    assert (
        "no unit with code 27 on 01/01/2026; the code is held by: Tỉnh Bắc Ninh (27, from 01/01/2024 to 30/06/2025)"
        in (missing.output)
    )


def test_a_contacts_file_attaches_by_at(workspace: Path, tmp_path: Path) -> None:
    _shipped()
    contacts = tmp_path / "lien-he.csv"
    contacts.write_text(
        "unit,name,role,email,zalo_phone,zalo_user_id,channels,active\n"
        "07375,Ngô Thị Đầu Mối,focal_point,daumoi@langgiang.example,,,email,true\n",
        encoding="utf-8",
    )
    old = run("org", "import", str(contacts), "--at", "2024-12-31")
    assert old.exit_code == 0, old.output
    today = run("org", "import", str(contacts), "--at", "2026-02-01")
    assert "contacts: 1 inserted" in today.output  # another unit: another contact, not an update
    wrong = run("org", "import", str(contacts), "--at", "2025-07-01T00:00", "--replace")
    assert wrong.exit_code == 0 and "1 unchanged" in wrong.output


def test_a_lineage_file_is_checked_against_the_tree(workspace: Path, tmp_path: Path) -> None:
    _shipped()
    lineage = tmp_path / "ke-thua.csv"
    lineage.write_text(
        "predecessor,successor,on,predecessor_name,successor_name\n"
        "07375,07375,2025-07-01,Thị trấn Vôi,Xã Lạng Giang\n"
        "07378,99999,2025-07-01,,\n",
        encoding="utf-8",
    )
    refused = run("org", "import", str(lineage))
    assert refused.exit_code == 1
    assert "ke-thua.csv: row 3 (07378 → 99999): no unit 99999 valid on 2025-07-01 (no unit has this code)" in (
        refused.output
    )
    lineage.write_text(lineage.read_text(encoding="utf-8").splitlines()[0] + "\n07375,07375,2025-07-01,,\n")
    done = run("org", "import", str(lineage))
    assert done.exit_code == 0 and "(0 added, 1 already stored)" in done.output


def test_status_and_trend_span_the_reform(workspace: Path) -> None:
    _shipped()
    for pack, year, at, under in (
        ("lang-giang-2024", "2024", "2024-02-20", []),
        ("bac-ninh-2024", "2024", "2024-04-10", []),
        ("hai-cap-2026", "2026", "2026-01-05", ["--under", "24"]),
    ):
        planned = run("cycle", "plan", pack, "--year", year, "--at", at, *under)
        assert planned.exit_code == 0, planned.output
    ambiguous = run("status", "--under", "24", "--year", "2025")
    assert ambiguous.exit_code == 1 and "code 24 names 2 different units" in ambiguous.output
    old = json.loads(run("status", "--under", "24", "--year", "2024", "--format", "json").output)
    assert {r["report"] for r in old} == {"so-ket-6-thang", "tong-ket-nam"}  # old Bắc Giang: Lạng Giang only
    both = json.loads(
        run(
            "status", "--under", "24", "--at", "2026-01-01", "--year", "2024", "--with-predecessors", "--format", "json"
        ).output
    )
    assert {r["came_from"] for r in both} == {
        "Tỉnh Bắc Giang (24, until 30/06/2025)",
        "Tỉnh Bắc Ninh (27, until 30/06/2025)",
    }
    trend = json.loads(run("trend", "bdg-nam", "--under", "24", "--at", "2027-01-15", "--format", "json").output)
    assert [(r["period"], r["pack"], r["came_from"]) for r in trend] == [
        ("2024", "lang-giang-2024", "Tỉnh Bắc Giang (24, until 30/06/2025)"),
        ("2024", "bac-ninh-2024", "Tỉnh Bắc Ninh (27, until 30/06/2025)"),
        ("2026", "hai-cap-2026", "Tỉnh Bắc Ninh (24, from 01/07/2025)"),
    ]
    assert [r["expected"] for r in trend] == [19, 14, 114]
