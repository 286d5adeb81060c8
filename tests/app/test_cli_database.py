"""The database commands as an admin uses them: tree, cycle, submissions, supervision."""

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app

pytestmark = pytest.mark.usefixtures("prefect_api")  # flows run on the session's one Prefect API

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def _setup() -> None:
    assert run("org", "import", "vietnam-provinces", "--province", "24").exit_code == 0
    assert run("org", "import", "bac-ninh-2026-departments.yaml").exit_code == 0
    planned = run("cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24", "--at", "2026-01-05")
    assert planned.exit_code == 0, planned.output
    assert "345 obligation(s); 345 new" in planned.stdout


def test_tree_and_cycle(workspace: Path) -> None:
    _setup()
    again = run("cycle", "plan", "hai-cap-2026", "--year", "2026", "--under", "24")
    assert "0 new, 0 changed, 0 retired, 0 reinstated, 345 unchanged" in again.stdout
    if not (workspace / "dunghan.db").exists():  # on PostgreSQL the data folder holds no database
        assert "postgresql" in __import__("os").environ["DUNGHAN_DATABASE_URL"]
    nowhere = run("cycle", "plan", "hai-cap-2026", "--year", "2026")
    assert nowhere.exit_code == 1 and "--under CODE" in nowhere.stderr
    missing = run("cycle", "plan", "ke-hoach-kinh-phi", "--year", "2026", "--under", "24")
    assert missing.exit_code == 1 and "--param budget_due=YYYY-MM-DD" in missing.stderr


def test_import_refusal_lists_rows(workspace: Path, tmp_path: Path) -> None:
    bad = tmp_path / "lien-he.csv"
    bad.write_text(
        "unit,name,role,email,zalo_phone,zalo_user_id,channels,active\n24-SNV,Hoa,focal_point,hoa@x,,,email,true\n",
        encoding="utf-8",
    )
    result = run("org", "import", str(bad))
    assert result.exit_code == 1
    assert "lien-he.csv: row 2 (24-SNV): email 'hoa@x' is not an e-mail address" in result.stderr
    assert "nothing was imported" in result.stderr


def test_submit_review_and_supervise(workspace: Path, tmp_path: Path) -> None:
    _setup()
    report = tmp_path / "bao-cao.docx"
    report.write_bytes(b"PK fake docx")
    done = run("submit", "24-SYT", "bdg-6-thang", "2026-H1", "--file", str(report), "--at", "2026-06-22T10:00")
    assert done.exit_code == 0, done.output
    assert "24-SYT bdg-6-thang 2026-H1: pending → submitted (trễ 1 ngày làm việc)" in done.stdout
    assert list((workspace / "files").rglob("*.docx"))
    returned = run("review", "24-SYT", "bdg-6-thang", "2026-H1", "return")
    assert returned.exit_code == 1 and "returning a report needs --reason" in returned.stderr
    assert run("review", "24-SYT", "bdg-6-thang", "2026-H1", "return", "--reason", "Thiếu biểu").exit_code == 0
    extended = run("extend", "24-STP", "bdg-6-thang", "2026-H1", "--until", "2026-06-30", "--reason", "Chờ số liệu")
    assert extended.exit_code == 0 and "due 30/06/2026" in extended.stdout
    assert run("exempt", "07627", "bdg-6-thang", "2026-H1", "--reason", "Thử").exit_code == 0
    rows = json.loads(
        run(
            "overdue",
            "--at",
            "2026-06-24T09:00",
            "--under",
            "24",
            "--level",
            "province",
            "--format",
            "json",
            "--soon",
            "0",
        ).stdout
    )
    units = [r["unit"] for r in rows]
    assert "24-STP" not in units and "24-SYT" in units  # extended; returned is open again
    assert all(r["status"] == "quá hạn" for r in rows)
    out = tmp_path / "qua-han.xlsx"
    assert run("overdue", "--at", "2026-06-24T09:00", "--format", "xlsx", "-o", str(out)).exit_code == 0
    sheet = load_workbook(out).active
    # Under the title block (title; unit and instant; counts; a blank row), the heading on row 5.
    assert sheet is not None and sheet["A5"].value == "Tình trạng" and sheet.max_row == 5 + 114 - 2 + 1
    status = json.loads(run("status", "--year", "2026", "--at", "2026-06-24T09:00", "--format", "json").stdout)
    communes = next(s for s in status if s["level"] == "commune" and s["report"] == "bdg-6-thang")
    assert (communes["expected"], communes["exempted"], communes["overdue"]) == (98, 1, 98)
    default = run("overdue", "--at", "2026-06-24T09:00", "--format", "xlsx")  # to reports/, as rollup does
    assert default.exit_code == 0, default.output
    written = Path(default.stdout.strip().splitlines()[-1].split(" to ", 1)[1])  # "wrote 113 rows to PATH"
    assert written.parent == workspace / "reports" and written.name.startswith("qua-han-") and written.exists()


def test_xlsx_templates_round_trip_into_imports(workspace: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _setup()
    contacts = tmp_path / "lien-he.xlsx"
    assert run("org", "template", "contacts", "-o", str(contacts)).exit_code == 0
    book = load_workbook(contacts)
    sheet = book.active
    assert sheet is not None
    sheet.append(["24-SYT", "Trần Văn Nam", "head", "nam@syt.bacninh.gov.vn", "", "", "email", "true"])
    book.save(contacts)
    imported = run("org", "import", str(contacts))
    assert imported.exit_code == 0, imported.output
    assert "imported 0 unit(s) and 1 contact(s)" in imported.stdout  # the template's example is not

    untouched = tmp_path / "mau.csv"
    assert run("org", "template", "contacts", "-o", str(untouched)).exit_code == 0
    refused = run("org", "import", str(untouched))
    assert refused.exit_code == 1 and "nothing to import" in refused.output

    updates = tmp_path / "tinh-hinh-nop.xlsx"
    assert run("submissions", "template", "-o", str(updates)).exit_code == 0
    book = load_workbook(updates)
    sheet = book.active
    assert sheet is not None and sheet["A1"].value == "mã đơn vị"
    sheet.append(["24-SYT", "bdg-6-thang", "2026-H1", 1, "nộp", "2026-06-18T16:00", "Nguyễn Thị Hoa", ""])
    sheet.append(["24-SYT", "bdg-6-thang", "2026-H1", 1, "tiếp nhận", "2026-06-20T09:00", "snv", ""])
    sheet.append(["24-STP", "bdg-6-thang", "2026-H1", None, "nộp", "2026-06-25", None, None])
    book.save(updates)
    applied = run("submissions", "import", str(updates))
    assert applied.exit_code == 0, applied.output
    assert "applied 3 status update(s)" in applied.stdout
    rows = json.loads(run("overdue", "--at", "2026-06-26T09:00", "--under", "24-STP", "--format", "json").stdout)
    assert rows == []


def test_submissions_import_is_all_or_nothing(workspace: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    _setup()
    path = tmp_path / "nop.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit", "report", "period", "hop", "action", "at", "by", "note"])
    sheet.append(["24-SYT", "bdg-6-thang", "2026-H1", 1, "submit", "2026-06-18", "hoa", None])
    sheet.append(["24-STP", "bdg-6-thang", "2026-H1", 1, "accept", "2026-06-18", "snv", None])  # not submitted
    sheet.append(["24-KHONG-CO", "bdg-6-thang", "2026-H1", 1, "submit", "2026-06-18", "x", None])
    sheet.append(["24-STC", "bdg-6-thang", "2026-H1", 1, "gửi", "2026-06-18", "x", None])
    book.save(path)
    refused = run("submissions", "import", str(path))
    assert refused.exit_code == 1
    assert "row 5 (24-STC): action 'gửi' is not one of" in refused.stderr
    sheet.delete_rows(5)
    book.save(path)
    refused = run("submissions", "import", str(path))
    assert "nop.xlsx: row 3 (24-STP): cannot accept a report in the state not submitted" in refused.stderr
    assert "row 4 (24-KHONG-CO): no obligation 24-KHONG-CO" in refused.stderr
    assert "nothing was imported" in refused.stderr
    status = json.loads(run("status", "--year", "2026", "--at", "2026-06-24T09:00", "--format", "json").stdout)
    assert sum(s["submitted"] for s in status) == 0  # row 2 was valid, but nothing was kept


def test_remind_writes_the_outbox_folder_and_never_twice(workspace: Path, tmp_path: Path) -> None:
    _setup()
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "unit,name,role,email,zalo_phone,zalo_user_id,channels,active\n"
        '24-SYT,Nguyễn Thị Hoa,focal_point,hoa@syt.bacninh.gov.vn,,4815162342,"zalo,email",true\n'
        "24-SYT,Trần Văn Nam,head,nam@syt.bacninh.gov.vn,,,email,true\n",
        encoding="utf-8",
    )
    assert run("org", "import", str(contacts)).exit_code == 0
    dry = run("remind", "--at", "2026-12-17T07:30", "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    assert {n["status"] for n in json.loads(dry.stdout)["notices"]} == {"would send"}
    first = run("remind", "--at", "2026-12-17T07:30", "--format", "json")
    assert first.exit_code == 0, first.output
    result = json.loads(first.stdout)
    rows = [n for n in result["notices"] if n["unit"] == "24-SYT"]
    assert {(n["report"], n["step"], n["channel"], n["status"]) for n in rows} >= {
        ("bdg-nam", "default:truoc-2@2026-12-17", "zalo", "written"),
    }
    assert any(g["role"] == "focal_point" for g in result["gaps"])  # communes have no contacts
    written = sorted((workspace / "outbox" / "2026-12-17").iterdir())
    assert any(p.suffix == ".json" for p in written) and any(p.suffix == ".eml" for p in written)
    zalo = json.loads(next(p for p in written if p.suffix == ".json").read_text(encoding="utf-8"))
    assert zalo["body"]["recipient"]["user_id"] == "4815162342" and "Sở Y tế" in zalo["body"]["message"]["text"]
    again = run("remind", "--at", "2026-12-17T07:30")
    assert again.exit_code == 0 and "0 notice(s) queued, 0 delivered" in again.stdout
    listed = run("outbox", "list", "--status", "sent", "--format", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == len(written)
    table = run("outbox", "list", "--status", "sent").stdout
    # In folder mode nothing left the machine; the 07:30 sweep is shown at 07:30, Vietnam time.
    assert "state" in table and "written to the folder" in table and not re.search(r"\bsent\b", table)
    assert "17/12/2026 07:30" in table and f"written to the folder: {len(written)}" in table
    assert "commune level" in run("status", "--year", "2026").stdout
    assert run("outbox", "list", "--status", "lost").exit_code != 0
    short = run("outbox", "--status", "sent", "--format", "json")
    assert short.exit_code == 0 and len(json.loads(short.stdout)) == len(written)
    retried = run("outbox", "retry")
    assert retried.exit_code == 0 and "0 notice(s) made ready again" in retried.stdout


def test_a_plan_is_refused_before_any_work_in_one_line(workspace: Path) -> None:
    _setup()
    cases = {
        ("ke-hoach-kinh-phi", "--year", "2026", "--under", "24", "--param", "budget_du=2026-07-20"): (
            "did you mean budget_due?"
        ),
        ("hai-cap-2026", "--year", "2099", "--under", "24"): "year 2099 out of range: --year from 2019 to",
        ("hai-cap-2026", "--year", "2026", "--under", "99999"): "no unit with code '99999' on 30/06/2026",
    }
    for args, said in cases.items():
        refused = run("cycle", "plan", *args)
        assert refused.exit_code == 1 and said in refused.stderr, refused.stderr
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    misspelt = run("cycle", "plan", "ke-hoach-kinh-ph", "--year", "2026", "--under", "24")
    assert misspelt.exit_code == 1 and "did you mean ke-hoach-kinh-phi?" in misspelt.stderr
    level = run("overdue", "--level", "tinh")
    assert level.exit_code == 1 and "--level 'tinh': choose one of ministry (Bộ), province (cấp tỉnh)" in level.stderr
    year = run("status", "--year", "1900")
    assert year.exit_code == 1 and "year 1900 out of range: --year from 2019 to" in year.stderr
