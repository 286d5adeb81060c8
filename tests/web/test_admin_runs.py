"""The admin's page of runs (/quan-tri/lan-chay): the runs over everything and those within the
admin's unit, never another province's; not for other roles."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from models.runs import finish_run, start_run
from tests.models.factory import at

Client = Callable[..., TestClient]
ADMIN_24 = "quantri.24@tinh.example"
ADMIN_01 = "quantri.01@tinh.example"


def _runs(engine: Engine) -> None:
    for name, who, scope, outcome, message in (
        ("send_reminders", "prefect:send_reminders/daily", [], "ok", None),
        ("plan_cycle", "web:quantri.24@tinh.example", ["24"], "ok", "chu kỳ 7"),
        ("plan_cycle", "cli:hanoi", ["01"], "failed", "pack hn-rieng: no such pack"),
        ("rollup", "cli:root", ["07627"], "ok", None),
    ):
        run_id = start_run(
            engine,
            name=name,
            how="direct",
            who=who,
            scope=scope,
            parameters={"under": scope},
            at=at("2026-06-15T07:30"),
        )
        finish_run(engine, run_id, outcome=outcome, message=message, counts={"total": 3}, at=at("2026-06-15T07:31"))


def test_an_admin_sees_the_schedules_runs_and_those_of_their_province(client_for: Client, web_engine: Engine) -> None:
    _runs(web_engine)
    page = client_for(ADMIN_24).get("/quan-tri/lan-chay")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Lần chạy</h1>" in text
    assert "reminders" in text and "prefect:send_reminders/daily" in text
    assert "quantri.24@tinh.example" in text and "chu kỳ 7" in text
    assert "dòng lệnh (root)" in text and "activity roll-up" in text  # a commune of Bắc Ninh
    assert "hn-rieng" not in text and "dòng lệnh (hanoi)" not in text  # Hà Nội's run
    assert "15/06/2026 07:30" in text and "1 min 00 s" in text  # Vietnam time
    other = client_for(ADMIN_01).get("/quan-tri/lan-chay").text
    assert "hn-rieng" in other and "chu kỳ 7" not in other and "reminders" in other


def test_the_runs_filter_by_job_and_outcome(client_for: Client, web_engine: Engine) -> None:
    _runs(web_engine)
    admin = client_for(ADMIN_01)
    failed = admin.get("/quan-tri/lan-chay", params={"ket_qua": "failed"}).text
    assert "hn-rieng" in failed and "prefect:send_reminders/daily" not in failed
    sweeps = admin.get("/quan-tri/lan-chay", params={"viec": "send_reminders"}).text
    assert "prefect:send_reminders/daily" in sweeps and "hn-rieng" not in sweeps
    unknown = admin.get("/quan-tri/lan-chay", params={"viec": "<b>", "ket_qua": "x"})
    assert unknown.status_code == 200 and "hn-rieng" in unknown.text  # an unknown filter is no filter


def test_only_admins_see_the_runs(client_for: Client, web_engine: Engine) -> None:
    _runs(web_engine)
    for email in ("canbo.07627@xa.example", "tiepnhan.24@snv.example", "lanhdao.24@tinh.example"):
        assert client_for(email).get("/quan-tri/lan-chay").status_code == 403, email
    anonymous = client_for().get("/quan-tri/lan-chay", follow_redirects=False)
    assert anonymous.status_code == 303 and "/dang-nhap" in anonymous.headers["location"]
