"""What people reached for, as they type it: `org list`, `org show`, `org contacts` (and `contacts
list`), `obligation show`, `review … reopen`, `overdue`/`status --format xlsx` into reports/, and
`rules check` with a pack id. Every unit is taken on a day."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from rules.calendar import VIETNAM

runner = CliRunner()
CONTACTS = (
    "unit,name,role,email,zalo_phone,zalo_user_id,channels,active\n"
    "24-SYT,Nguyễn Thị Hoa,focal_point,hoa@syt.example,,,email,true\n"
    "24-SYT,Trần Văn Nam,head,nam@syt.example,,,email,false\n"
    '24-SNV,Lê Thu Tiếp Nhận,recipient_officer,tiepnhan@snv.example,0912345678,,"zalo,email",true\n'
)


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def _bac_ninh(tmp_path: Path) -> None:
    """Today's Bắc Ninh from the official list (with the standard agencies), its own departments, contacts."""
    done = run("org", "import", "vietnam-provinces", "--province", "24")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == [
        "imported 101 unit(s) from the official list (0 unit(s) already stored, kept)",
        "created 12 specialised agencies from the standard list (0 provincial agencies already stored, kept)",
    ]
    departments = run("org", "import", "bac-ninh-2026-departments.yaml")
    assert "(units: 6 inserted, 0 updated, 7 unchanged;" in departments.stdout  # the 7 standard ones: not twice
    contacts = tmp_path / "lien-he.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    assert run("org", "import", str(contacts), "--at", "2026-01-05").exit_code == 0


def _plan() -> None:
    from app import cycles
    from app.workspace import database

    now = datetime(2026, 1, 5, 9, tzinfo=VIETNAM)
    cycles.plan_cycle(database(), "hai-cap-2026", 2026, params={}, under=["24"], now=now, actor="t")


def test_org_list_shows_the_tree_on_a_day(workspace: Path, tmp_path: Path) -> None:
    _bac_ninh(tmp_path)
    agencies = json.loads(run("org", "list", "--under", "24", "--level", "province", "--format", "json").stdout)
    assert agencies[0]["code"] == "24" and agencies[0]["children"] == 99 + 18
    by_code = {a["code"]: a for a in agencies}
    assert by_code["24-SNV"]["source"] == "standard-agencies" and by_code["24-SNV"]["unit_type"] == "standing_agency"
    assert by_code["24-SYT"]["contacts"] == 1  # the active one
    assert by_code["24-CA"]["source"] == "bac-ninh-2026-departments.yaml"
    standard = json.loads(run("org", "list", "--source", "standard-agencies", "--format", "json").stdout)
    assert len(standard) == 12 and all(a["parent"] == "24" for a in standard)
    table = run("org", "list", "--under", "24", "--type", "standing_agency", "--at", "2026-01-05")
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].split() == [
        "code", "name", "level", "type", "parent", "valid", "from", "valid", "to", "under", "it", "contacts", "source"
    ]  # fmt: skip
    assert "24-SNV  Sở Nội vụ tỉnh Bắc Ninh  province level  standing agency" in table.stdout
    assert table.stdout.splitlines()[-1] == "1 unit(s) on 05/01/2026"
    found = run("org", "list", "--search", "dai son", "--limit", "1")
    assert "Xã Đại Sơn" in found.stdout
    before = run("org", "list", "--under", "24", "--at", "2025-06-30")
    assert before.exit_code == 1
    assert (
        "no unit with code 24 on 30/06/2025; the code is held by: Tỉnh Bắc Ninh (24, from 01/07/2025)" in before.stderr
    )
    refused = run("org", "import", "shipped", "--no-standard-agencies")
    assert refused.exit_code == 2 and "--no-standard-agencies goes only with vietnam-provinces" in refused.stderr
    wrong = run("org", "list", "--level", "huyen")
    assert wrong.exit_code == 1 and "--level 'huyen': choose one of ministry (Bộ), province (cấp tỉnh)" in wrong.stderr


def test_org_show_tells_source_children_and_contacts(workspace: Path, tmp_path: Path) -> None:
    _bac_ninh(tmp_path)
    standing = run("org", "show", "24-SNV", "--at", "2026-01-05")
    assert standing.exit_code == 0, standing.output
    assert standing.stdout.startswith("Sở Nội vụ tỉnh Bắc Ninh (code 24-SNV)\n")
    assert "  source:      the standard list of specialised agencies (standard-agencies)" in standing.stdout
    assert "    - Lê Thu Tiếp Nhận, officer of the receiving agency: tiepnhan@snv.example, Zalo 84912345678" in (
        standing.stdout
    )
    health = run("org", "show", "24-SYT")
    assert "  contacts:    1 in use (1 no longer used)" in health.stdout
    province = json.loads(run("org", "show", "24", "--format", "json").stdout)
    assert province["source"] == "vietnam-provinces"
    assert {(c["level"], c["unit_type"]): c["count"] for c in province["children"]}[
        ("commune", "people_committee")
    ] == 99
    assert sum(c["count"] for c in province["children"]) == 117


def test_contacts_are_listed_under_a_unit(workspace: Path, tmp_path: Path) -> None:
    _bac_ninh(tmp_path)
    listed = run("org", "contacts", "--under", "24")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:4] == ["unit", "code", "unit", "full"]
    assert [line.split()[0] for line in lines[2:-1]] == ["24-SNV", "24-SYT"]
    assert lines[-1] == "2 contact(s)"
    everyone = json.loads(run("contacts", "list", "--under", "24", "--all", "--format", "json").stdout)
    assert [(c["name"], c["role_name"], c["active"]) for c in everyone] == [
        ("Lê Thu Tiếp Nhận", "officer of the receiving agency", True),
        ("Nguyễn Thị Hoa", "focal point", True),
        ("Trần Văn Nam", "head of unit", False),
    ]
    heads = json.loads(run("org", "contacts", "--under", "24-SYT", "--role", "head", "--all", "-f", "json").stdout)
    assert [c["name"] for c in heads] == ["Trần Văn Nam"]
    nowhere = run("contacts", "list")
    assert nowhere.exit_code == 1 and "name the unit with --under CODE" in nowhere.stderr
    none = run("org", "contacts", "--under", "24-STP")
    assert none.exit_code == 0 and none.stdout.startswith("no contact under the unit 24-STP yet")
    role = run("org", "contacts", "--under", "24", "--role", "boss")
    assert role.exit_code == 1 and "--role 'boss': choose one of focal_point (cán bộ đầu mối)" in role.stderr


def test_obligation_show_and_review_reopen(workspace: Path, tmp_path: Path) -> None:
    _bac_ninh(tmp_path)
    _plan()
    report = tmp_path / "bao-cao.pdf"
    report.write_bytes(b"%PDF-1.4 thu")
    key = ("24-SYT", "bdg-6-thang", "2026-H1")
    assert run("submit", *key, "--file", str(report), "--at", "2026-06-22T10:00", "--by", "hoa").exit_code == 0
    assert run("review", *key, "accept", "--at", "2026-06-23T09:00", "--by", "tiepnhan").exit_code == 0
    no_reason = run("review", *key, "reopen", "--at", "2026-06-23T10:00")
    assert no_reason.exit_code == 1 and "reopening needs --reason" in no_reason.stderr
    reopened = run(
        "review", *key, "reopen", "--reason", "Tiếp nhận nhầm", "--at", "2026-06-23T10:00", "--by", "tiepnhan"
    )
    assert reopened.exit_code == 0, reopened.output
    assert reopened.stdout == "24-SYT bdg-6-thang 2026-H1: accepted → submitted\n"
    assert run("exempt", "07627", "bdg-6-thang", "2026-H1", "--reason", "Thử").exit_code == 0
    undone = run("review", "07627", "bdg-6-thang", "2026-H1", "reopen", "--reason", "Miễn nhầm")
    assert undone.stdout == "07627 bdg-6-thang 2026-H1: exempted → pending\n"

    shown = run("obligation", "show", *key, "--at", "2026-06-24T09:00")
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    assert text.startswith(
        "Báo cáo kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ 6 tháng đầu năm (bdg-6-thang)\n"
    )
    assert "  unit:        Sở Y tế tỉnh Bắc Ninh (24-SYT)" in text
    assert "  due:         19/06/2026 (trước ngày 20/6)" in text
    assert "  state:       đã nộp" in text
    assert "  - BC-000001, 22/06/2026 10:00, hoa: bao-cao.pdf" in text
    history = text.split("Action log:\n")[1].splitlines()
    assert [line.split("  ")[1] for line in history[2:]] == ["22/06/2026 10:00", "23/06/2026 09:00", "23/06/2026 10:00"]
    assert "mở lại" in history[-1] and "đã tiếp nhận → đã nộp" in history[-1] and "Tiếp nhận nhầm" in history[-1]
    data = json.loads(run("obligation", "show", *key, "--format", "json").stdout)
    assert [e["action"] for e in data["events"]] == ["submit", "accept", "reopen"]
    assert data["events"][0]["at"] == "2026-06-22T10:00:00+07:00"  # Vietnam time, not UTC
    assert data["submissions"][0]["receipt"] == "BC-000001" and data["pack"] == "hai-cap-2026"
    missing = run("obligation", "show", "24-SYT", "bdg-nam", "2025")
    assert missing.exit_code == 1 and "no obligation 24-SYT bdg-nam 2025" in missing.stderr


def test_the_unit_of_an_obligation_is_taken_on_the_day_given(workspace: Path) -> None:
    """07375 was Thị trấn Vôi (2024 obligations of Lạng Giang) and is Xã Lạng Giang."""
    assert run("org", "import", "shipped", "--province", "24").exit_code == 0
    from app import cycles
    from app.workspace import database

    cycles.plan_cycle(
        database(), "lang-giang-2024", 2024, params={}, under=[], now=datetime(2024, 1, 10, tzinfo=VIETNAM), actor="t"
    )
    old = run("obligation", "show", "07375", "so-ket-6-thang", "2024-H1", "--format", "json")
    assert old.exit_code == 0, old.output
    assert json.loads(old.stdout)["obligation"]["unit_name"] == "Thị trấn Vôi"
    same = run("obligation", "show", "07375", "so-ket-6-thang", "2024-H1", "--at", "2024-05-01", "-f", "json")
    assert json.loads(same.stdout)["obligation"]["unit_name"] == "Thị trấn Vôi"
    today = run("obligation", "show", "07375", "so-ket-6-thang", "2024-H1", "--at", "2026-01-05")
    assert today.exit_code == 1
    assert "no obligation 07375 so-ket-6-thang 2024-H1 of Xã Lạng Giang (07375, from 01/07/2025)" in today.stderr


def test_overdue_and_status_spreadsheets_go_to_reports(workspace: Path, tmp_path: Path) -> None:
    _bac_ninh(tmp_path)
    _plan()
    overdue = run("overdue", "--under", "24", "--at", "2026-06-24T09:00", "--format", "xlsx")
    assert overdue.exit_code == 0, overdue.output
    path = workspace / "reports" / "qua-han-24-2026-06-24.xlsx"
    # 99 communes and 15 departments late with their six-month report, the Sở Nội vụ's due soon
    assert overdue.stdout == f"wrote {99 + 16} rows to {path}\n"
    sheet = load_workbook(path).active
    assert sheet is not None and sheet.title == "Quá hạn" and sheet.max_row == 5 + 99 + 16
    assert [c.value for c in sheet[5]][:3] == ["Tình trạng", "Đơn vị", "Cấp"]  # the web's /qua-han.xlsx
    assert str(sheet["A2"].value).startswith("Đơn vị: Tỉnh Bắc Ninh (24)")  # the unit by its name
    chosen = tmp_path / "ra" / "qh.xlsx"
    assert run("overdue", "--at", "2026-06-24T09:00", "-f", "xlsx", "-o", str(chosen)).exit_code == 0
    assert load_workbook(chosen).active.max_row == 5 + 99 + 16  # type: ignore[union-attr]
    status = run("status", "--under", "24", "--year", "2026", "--at", "2026-06-24T09:00", "--format", "xlsx")
    assert status.exit_code == 0, status.output
    rates = workspace / "reports" / "ty-le-bao-cao-24-2026-2026-06-24.xlsx"
    assert status.stdout == f"wrote 6 rows to {rates}\n"
    sheet = load_workbook(rates).active
    assert sheet is not None and sheet.title == "Tỷ lệ báo cáo"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][0] == "Đơn vị: Tỉnh Bắc Ninh (24) – tính đến 09:00 ngày 24/06/2026"
    assert rows[3][:4] == ["Cấp", "Báo cáo", "Kỳ báo cáo", "Phải nộp"]  # under the title block
    six_months = "Báo cáo kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ 6 tháng đầu năm"
    assert ["cấp xã", six_months, "6 tháng đầu năm 2026", 99, 0, 0, 99, 0, 0, 0, "bdg-6-thang"] in rows


def test_rules_check_takes_pack_ids() -> None:
    one = run("rules", "check", "hai-cap-2026", "--year", "2026")
    assert one.exit_code == 0, one.output
    assert one.stdout.splitlines()[-1] == "1 pack(s) loaded: 0 error(s), 1 warning(s)"
    from rules.loader import PACKS_DIR

    file = str(PACKS_DIR / "lang-giang-2024.yaml")
    both = run("rules", "check", "hai-cap-2026", file, "--year", "2024", "-f", "json")
    assert both.exit_code == 0 and {Path(r["file"]).name for r in json.loads(both.stdout)} <= {
        "hai-cap-2026.yaml",
        "lang-giang-2024.yaml",
    }
    unknown = run("rules", "check", "hai-cap-2027")
    assert unknown.exit_code == 1
    assert "no pack 'hai-cap-2027': did you mean hai-cap-2026?" in unknown.stderr


def test_rules_check_takes_the_id_of_an_uploaded_pack(workspace: Path) -> None:
    from rules.loader import PACKS_DIR

    uploaded = workspace / "packs"
    uploaded.mkdir(parents=True)
    text = (PACKS_DIR / "ke-hoach-kinh-phi.yaml").read_text(encoding="utf-8")
    (uploaded / "ke-hoach-tinh.yaml").write_text(
        text.replace("id: ke-hoach-kinh-phi", "id: ke-hoach-tinh", 1), encoding="utf-8"
    )
    checked = run("rules", "check", "ke-hoach-tinh", "--year", "2026", "-f", "json")
    assert checked.exit_code == 0, checked.output
    assert {Path(r["file"]).name for r in json.loads(checked.stdout)} <= {"ke-hoach-tinh.yaml"}
    near = run("rules", "check", "ke-hoach-tin")
    assert near.exit_code == 1 and "did you mean ke-hoach-tinh?" in near.stderr
