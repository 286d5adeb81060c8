"""`dunghan user`: add with a link or a password on stdin, list, a new link, disable."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=stdin)


def test_users_are_added_listed_and_disabled(workspace: Path) -> None:
    assert run("org", "import", "vietnam-provinces", "--province", "24").exit_code == 0
    assert run("org", "import", "bac-ninh-2026-departments.yaml").exit_code == 0
    added = run("user", "add", "Hoa@SNV.example", "--name", "Nguyễn Thị Hoa", "--role", "reviewer", "--unit", "24-SNV")
    assert added.exit_code == 0, added.output
    assert "added hoa@snv.example (reviewer, Sở Nội vụ tỉnh Bắc Ninh)" in added.output
    assert "one-time link to set the password (valid 72 hours): http://127.0.0.1:8000/dat-mat-khau/" in added.output
    typed = run(
        "user", "add", "lan@xa.example", "--name", "Lê Lan", "--role", "officer", "--unit", "07375",
        "--password-stdin", stdin="mật khẩu đủ dài\n",
    )  # fmt: skip
    assert typed.exit_code == 0 and "one-time link" not in typed.output
    short = run(
        "user", "add", "b@xa.example", "--name", "B", "--role", "officer", "--unit", "07375",
        "--password-stdin", stdin="ngắn\n",
    )  # fmt: skip
    assert short.exit_code == 1 and "--password: at least 10 characters" in short.stderr
    twice = run("user", "add", "hoa@snv.example", "--name", "X", "--role", "officer", "--unit", "24")
    assert twice.exit_code == 1 and "already exists" in twice.stderr
    rows = json.loads(run("user", "list", "--format", "json").stdout)
    assert [(r["email"], r["unit_name"], r["has_password"]) for r in rows] == [
        ("hoa@snv.example", "Sở Nội vụ tỉnh Bắc Ninh", False),
        ("lan@xa.example", "Xã Lạng Giang", True),
    ]
    link = run("user", "link", "hoa@snv.example")
    assert link.exit_code == 0 and "/dat-mat-khau/" in link.stdout
    assert run("user", "disable", "lan@xa.example").exit_code == 0
    rows = json.loads(run("user", "list", "--format", "json").stdout)
    assert [r["active"] for r in rows] == [True, False]
    unknown = run("user", "disable", "ai@do.example")
    assert unknown.exit_code == 1 and "no user with the e-mail ai@do.example" in unknown.stderr
