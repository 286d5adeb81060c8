"""The JSON API under /api/v1 through HTTP, on both backends: personal tokens (made on the page
and at the command line, shown once, stored hashed, revoked, stopped by disabling the person,
their last use recorded at most once a minute), scope exactly as on the pages (404 alike for out
of scope and unknown), submitting and reviewing with the audit trail naming ``api:EMAIL``, and
every error a JSON body in Vietnamese."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from app import activities, api_tokens, users
from app.campaigns import choose_campaign
from cli.main import app as cli
from rules.activity import ActivityEntry
from rules.clock import fixed_clock
from tests.web.conftest import NOW, csrf_of, log_in, obligation_id
from web.main import create_app

Api = Callable[..., TestClient]
OFFICER = "canbo.07627@xa.example"
OTHER_OFFICER = "canbo.07615@xa.example"
REVIEWER = "tiepnhan.24@snv.example"
SUPERVISOR = "lanhdao.24@tinh.example"
ADMIN = "quantri.24@tinh.example"
HANOI_SUPERVISOR = "lanhdao.01@tinh.example"
AT_NOW = fixed_clock(NOW)
PDF = ("files", ("Báo cáo 6 tháng.pdf", b"%PDF-1.4 bao cao", "application/pdf"))


def pages_app(engine: Engine, clock: Callable[[], datetime] = AT_NOW) -> TestClient:
    """A client of the whole site (pages and API) at ``clock``; the token page included."""
    return TestClient(create_app(engine, clock=clock))


@pytest.fixture
def api_for(web_engine: Engine) -> Iterator[Api]:
    """``api_for(email)``: a client of the API at NOW carrying a new token of ``email``."""
    opened: list[TestClient] = []

    def make(email: str | None = None, *, clock: Callable[[], datetime] = AT_NOW) -> TestClient:
        client = TestClient(create_app(web_engine, clock=clock), base_url="http://testserver/api/v1")
        opened.append(client)
        if email is not None:
            made = api_tokens.create_for(web_engine, email, name="kiểm thử", at=NOW, actor="test")
            client.headers["Authorization"] = f"Bearer {made.secret}"
        return client

    yield make
    for client in opened:
        client.close()


def _actors(engine: Engine, oid: int, action: str) -> list[str]:
    with engine.connect() as c:
        rows = c.execute(
            text("SELECT actor FROM auditevent WHERE entity = 'obligation' AND entity_id = :i AND action = :a"),
            {"i": oid, "a": action},
        ).all()
    return [r[0] for r in rows]


def _codes_under(engine: Engine, province: str) -> set[str]:
    """The codes of the units of today's tree under ``province`` (and its own)."""
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT code FROM unit WHERE valid_to IS NULL AND path LIKE "
                "(SELECT path FROM unit WHERE code = :p AND valid_to IS NULL) || '%'"
            ),
            {"p": province},
        ).all()
    return {r[0] for r in rows}


# --- tokens ----------------------------------------------------------------------------------


def test_a_token_made_on_the_page_is_shown_once_stored_hashed_and_revoked_at_once(web_engine: Engine) -> None:
    person = log_in(pages_app(web_engine), OFFICER)
    page = person.get("/ma-api")
    assert page.status_code == 200 and "Bạn chưa có mã nào đang dùng" in page.text
    made = person.post("/ma-api/tao", data={"csrf": csrf_of(page.text), "name": "Bảng tổng hợp"})
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = re.search(r"<textarea[^>]*>(dh_[^<]+)</textarea>", made.text)
    assert secret, made.text
    token = secret[1]
    assert "Mã chỉ hiện một lần" in made.text and "Bảng tổng hợp" in made.text
    assert token not in person.get("/ma-api").text  # never shown again
    with web_engine.connect() as c:
        stored = c.execute(text("SELECT token_sha256, name, created_by FROM api_token")).one()
        everything = " ".join(str(v) for v in c.execute(text("SELECT * FROM api_token")).one())
    assert stored.token_sha256 == hashlib.sha256(token.encode()).hexdigest() and token not in everything
    assert stored.name == "Bảng tổng hợp" and stored.created_by == f"web:{OFFICER}"

    api = TestClient(person.app, base_url="http://testserver/api/v1", headers={"Authorization": f"Bearer {token}"})
    me = api.get("/me")
    assert me.status_code == 200
    assert me.json()["email"] == OFFICER and me.json()["role"] == "officer" and me.json()["unit"]["code"] == "07627"

    listed = person.get("/ma-api")
    token_id = re.search(r'name="id" value="(\d+)"', listed.text)
    assert token_id and "Bảng tổng hợp" in listed.text
    revoked = person.post(
        "/ma-api/thu-hoi", data={"csrf": csrf_of(listed.text), "id": token_id[1]}, follow_redirects=True
    )
    assert revoked.status_code == 200 and "Đã thu hồi mã" in revoked.text
    refused = api.get("/me")
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert "mã truy cập" in refused.json()["detail"]


def test_a_token_page_form_without_its_session_token_is_refused(web_engine: Engine) -> None:
    person = log_in(pages_app(web_engine), OFFICER)
    refused = person.post("/ma-api/tao", data={"name": "x"})
    assert refused.status_code == 403
    with web_engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM api_token")).scalar_one() == 0


def test_someone_cannot_revoke_another_persons_token(web_engine: Engine) -> None:
    theirs = api_tokens.create_for(web_engine, OTHER_OFFICER, name="của người khác", at=NOW, actor="test")
    person = log_in(pages_app(web_engine), OFFICER)
    page = person.get("/ma-api")
    refused = person.post("/ma-api/thu-hoi", data={"csrf": csrf_of(page.text), "id": str(theirs.id)})
    assert refused.status_code == 400 and f"You have no live access token number {theirs.id}" in refused.text
    assert api_tokens.tokens_for(web_engine, OTHER_OFFICER)[0].live


def test_the_command_line_prints_a_token_once_lists_and_revokes_it(web_engine: Engine, api_for: Api) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["user", "token", SUPERVISOR, "--name", "Kho dữ liệu", "--by", "cli:root"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("dh_") and "\n" not in secret
    api = api_for()
    assert api.get("/me", headers={"Authorization": f"Bearer {secret}"}).json()["role"] == "supervisor"

    listed = runner.invoke(cli, ["user", "token-list", SUPERVISOR, "--format", "json"])
    assert listed.exit_code == 0 and secret not in listed.stdout
    assert '"name": "Kho dữ liệu"' in listed.stdout and '"created_by": "cli:root"' in listed.stdout
    token_id = api_tokens.tokens_for(web_engine, SUPERVISOR)[0].id

    revoked = runner.invoke(cli, ["user", "token-revoke", SUPERVISOR, "--id", str(token_id)])
    assert revoked.exit_code == 0, revoked.output
    assert api.get("/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    again = runner.invoke(cli, ["user", "token-revoke", SUPERVISOR, "--id", str(token_id)])
    assert again.exit_code == 1 and f"has no live access token number {token_id}" in again.stderr
    with web_engine.connect() as c:
        audit = c.execute(
            text("SELECT action, actor FROM auditevent WHERE entity = 'user' AND action LIKE 'api_token%' ORDER BY id")
        ).all()
    assert [tuple(a) for a in audit] == [("api_token_created", "cli:root"), ("api_token_revoked", audit[1][1])]


def test_disabling_the_person_stops_their_tokens_at_once(web_engine: Engine, api_for: Api) -> None:
    api = api_for(OFFICER)
    assert api.get("/obligations").status_code == 200
    users.disable(web_engine, OFFICER, at=NOW, actor="test")
    refused = api.get("/obligations")
    assert refused.status_code == 401 and refused.json()["detail"].startswith("Cần mã truy cập API hợp lệ")


def test_the_last_use_is_recorded_at_most_once_a_minute(web_engine: Engine, api_for: Api) -> None:
    moments = [NOW]
    api = api_for(OFFICER, clock=lambda: moments[0])

    def last_use() -> datetime | None:
        return api_tokens.tokens_for(web_engine, OFFICER)[0].last_used_at

    assert last_use() is None
    api.get("/me")
    assert last_use() == NOW
    moments[0] = NOW + timedelta(seconds=50)
    api.get("/me")
    assert last_use() == NOW  # no write within the minute
    moments[0] = NOW + timedelta(seconds=61)
    api.get("/me")
    assert last_use() == NOW + timedelta(seconds=61)


def test_a_wrong_or_malformed_token_is_401_in_vietnamese(api_for: Api) -> None:
    api = api_for()
    for headers in ({}, {"Authorization": "Bearer dh_khong-co"}, {"Authorization": "Basic YTpi"}):
        answer = api.get("/obligations", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.json() == {"detail": answer.json()["detail"]} and "Bearer" in answer.json()["detail"]


# --- scope -----------------------------------------------------------------------------------


def test_a_communes_token_cannot_read_another_communes_obligation(web_engine: Engine, api_for: Api) -> None:
    api = api_for(OFFICER)
    own, other = obligation_id(web_engine, "07627"), obligation_id(web_engine, "07615")
    assert api.get(f"/obligations/{own}").status_code == 200
    elsewhere = api.get(f"/obligations/{other}")
    unknown = api.get("/obligations/99999999")
    assert elsewhere.status_code == unknown.status_code == 404
    assert elsewhere.json() == unknown.json() == {"detail": "không tìm thấy"}
    listed = api.get("/obligations", params={"limit": 500}).json()
    assert listed["total"] == len(listed["items"]) > 0
    assert {o["unit_code"] for o in listed["items"]} == {"07627"}
    assert api.get("/obligations", params={"unit": "07615"}).json()["total"] == 0
    submitted = api.post(f"/obligations/{other}/submissions", files=[PDF])
    assert submitted.status_code == 404 and submitted.json() == {"detail": "không tìm thấy"}


def test_a_provinces_supervisor_never_lists_another_province(web_engine: Engine, api_for: Api) -> None:
    api = api_for(SUPERVISOR)
    listed, offset = [], 0
    while True:
        page = api.get("/obligations", params={"limit": 500, "offset": offset}).json()
        listed += page["items"]
        offset += 500
        if offset >= page["total"]:
            break
    assert len(listed) == page["total"] > 0
    with web_engine.connect() as c:
        under_24 = c.execute(
            text(
                "SELECT count(*) FROM obligation o JOIN unit u ON u.id = o.unit_id "
                "WHERE u.path LIKE (SELECT path FROM unit WHERE code = '24' AND valid_to IS NULL) || '%' "
                "AND o.retired = :no"
            ),
            {"no": False},
        ).scalar_one()
    assert len(listed) == under_24
    assert "00004" not in {o["unit_code"] for o in listed} and "07627" in {o["unit_code"] for o in listed}
    assert api.get(f"/obligations/{obligation_id(web_engine, '00004')}").status_code == 404
    assert api.get("/obligations", params={"unit": "00004"}).json()["total"] == 0
    bac_ninh, ha_noi = _codes_under(web_engine, "24"), _codes_under(web_engine, "01")
    assert {o["unit_code"] for o in listed} <= bac_ninh
    later = api_for(SUPERVISOR, clock=fixed_clock(NOW + timedelta(days=10)))
    overdue = later.get("/overdue", params={"limit": 500}).json()
    assert overdue["late"] > 0 and {r["unit_code"] for r in overdue["items"]} <= bac_ninh
    units = api.get("/units", params={"limit": 500}).json()
    assert {"24", "07627", "24-SNV"} <= {u["code"] for u in units["items"]} <= bac_ninh
    assert units["total"] == len(units["items"])
    theirs = api_for(HANOI_SUPERVISOR).get("/obligations", params={"limit": 500}).json()
    assert theirs["total"] > 0 and {o["unit_code"] for o in theirs["items"]} <= ha_noi
    assert not bac_ninh & ha_noi


def test_filters_and_paging_of_the_obligations(web_engine: Engine, api_for: Api) -> None:
    api = api_for(SUPERVISOR)
    half_year = api.get("/obligations", params={"report": "bdg-6-thang", "period": "2026-H1", "level": "commune"})
    body = half_year.json()
    assert half_year.status_code == 200 and body["total"] > 0
    assert {(o["report"], o["period"], o["state"]) for o in body["items"]} == {("bdg-6-thang", "2026-H1", "pending")}
    first = body["items"][0]
    assert first["period_name"] == "6 tháng đầu năm 2026" and first["due_date"] == "2026-06-19"
    assert first["due_at"].endswith("+07:00") and first["state_name"] == "chưa nộp"
    page_1 = api.get("/obligations", params={"limit": 2}).json()
    page_2 = api.get("/obligations", params={"limit": 2, "offset": 2}).json()
    assert page_1["total"] == page_2["total"] and len(page_1["items"]) == len(page_2["items"]) == 2
    assert {o["id"] for o in page_1["items"]}.isdisjoint(o["id"] for o in page_2["items"])
    assert api.get("/obligations", params={"overdue": "true"}).json()["total"] == 0  # nothing late on 15/06
    later = api_for(SUPERVISOR, clock=fixed_clock(NOW + timedelta(days=10)))
    late = later.get("/obligations", params={"overdue": "true", "limit": 500}).json()
    assert late["total"] > 0 and all(o["overdue"] and o["working_days"] < 0 for o in late["items"])
    assert api.get("/obligations", params={"state": "accepted"}).json()["total"] == 0


def test_a_reviewer_lists_only_what_is_sent_to_their_unit(web_engine: Engine, api_for: Api) -> None:
    listed = api_for(REVIEWER).get("/obligations", params={"limit": 500}).json()
    with web_engine.connect() as c:
        expected = c.execute(
            text(
                "SELECT count(*) FROM obligation o JOIN unit r ON r.id = o.recipient_unit_id "
                "WHERE r.code = '24-SNV' AND o.retired = :no"
            ),
            {"no": False},
        ).scalar_one()
    assert listed["total"] == expected > 0


# --- acting through the API ------------------------------------------------------------------


def test_submit_then_review_through_the_api_with_the_audit_trail(web_engine: Engine, api_for: Api) -> None:
    officer, reviewer = api_for(OFFICER), api_for(REVIEWER)
    oid = obligation_id(web_engine, "07627")
    sent = officer.post(
        f"/obligations/{oid}/submissions",
        files=[PDF, ("files", ("Phụ lục.xlsx", b"PK\x03\x04 phu luc", "application/vnd.ms-excel"))],
        data={"note": "Bản có chữ ký số"},
    )
    assert sent.status_code == 201, sent.text
    receipt = sent.json()
    assert receipt["receipt"].startswith("BC-") and receipt["state"] == "submitted"
    assert receipt["timeliness"] == "đúng hạn" and receipt["sent_to"] == OFFICER
    assert receipt["files"] == ["Báo cáo 6 tháng.pdf", "Phụ lục.xlsx"] and receipt["note"] == "Bản có chữ ký số"
    assert receipt["submitted_at"] == "2026-06-15T09:00:00+07:00"
    assert _actors(web_engine, oid, "submit") == [f"api:{OFFICER}"]
    with web_engine.connect() as c:
        notice = c.execute(text("SELECT address, subject FROM notice WHERE kind = 'receipt'")).one()
    assert notice.address == OFFICER and receipt["receipt"] in notice.subject

    detail = officer.get(f"/obligations/{oid}").json()
    assert detail["state"] == "submitted" and detail["report_info"]["legal_basis"]
    [submission] = detail["submissions"]
    assert submission["receipt"] == receipt["receipt"] and submission["actor"] == f"api:{OFFICER}"
    assert [(f["name"], f["size"]) for f in submission["files"]] == [("Báo cáo 6 tháng.pdf", 16), ("Phụ lục.xlsx", 12)]
    assert submission["files"][0]["sha256"] == hashlib.sha256(b"%PDF-1.4 bao cao").hexdigest()
    assert [e["action"] for e in detail["history"]][-1] == "submit"

    not_theirs = officer.post(f"/obligations/{oid}/review", json={"decision": "accept"})
    assert not_theirs.status_code == 403
    assert not_theirs.json() == {"detail": "The role cán bộ báo cáo may not accept or return reports"}

    no_reason = reviewer.post(f"/obligations/{oid}/review", json={"decision": "return", "reason": "  "})
    assert no_reason.status_code == 400
    assert no_reason.json()["field"] == "reason" and "Lý do (reason)" in no_reason.json()["detail"]

    returned = reviewer.post(f"/obligations/{oid}/review", json={"decision": "return", "reason": "Thiếu phụ lục 2"})
    assert returned.status_code == 200, returned.text
    assert returned.json()["from_state"] == "submitted" and returned.json()["to_state"] == "returned"
    assert returned.json()["obligation"]["return_reason"] == "Thiếu phụ lục 2"
    assert _actors(web_engine, oid, "return") == [f"api:{REVIEWER}"]

    again = officer.post(f"/obligations/{oid}/submissions", files=[PDF])
    assert again.status_code == 201
    accepted = reviewer.post(f"/obligations/{oid}/review", json={"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json()["obligation"]["state"] == "accepted"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUNGHAN_LANG", "vi")  # the reason in the language the API gives by default
        twice = reviewer.post(f"/obligations/{oid}/review", json={"decision": "accept"})
    assert twice.status_code == 409 and twice.json()["detail"].startswith(
        "Không thể tiếp nhận báo cáo đang ở trạng thái đã tiếp nhận"
    )
    assert _actors(web_engine, oid, "accept") == [f"api:{REVIEWER}"]


def test_a_refused_file_names_the_field_and_writes_nothing(web_engine: Engine, api_for: Api) -> None:
    officer = api_for(OFFICER)
    oid = obligation_id(web_engine, "07627")
    refused = officer.post(f"/obligations/{oid}/submissions", files=[("files", ("virus.exe", b"MZ", "x/y"))])
    assert refused.status_code == 400
    assert refused.json()["field"] == "files"
    assert refused.json()["detail"].startswith("Tệp báo cáo (files): the file 'virus.exe' is not of a kind taken")
    nothing = officer.post(f"/obligations/{oid}/submissions", data={"note": "quên tệp"})
    assert nothing.status_code == 422 and nothing.json()["field"] == "files"
    assert nothing.json()["errors"] == [{"field": "files", "message": "thiếu"}]
    assert _actors(web_engine, oid, "submit") == []


def test_extend_through_the_api(web_engine: Engine, api_for: Api) -> None:
    reviewer = api_for(REVIEWER)
    oid = obligation_id(web_engine, "07615")
    done = reviewer.post(f"/obligations/{oid}/extension", json={"until": "2026-06-30", "reason": "Mưa lũ"})
    assert done.status_code == 200, done.text
    obligation = done.json()["obligation"]
    assert obligation["due_date"] == "2026-06-30" and obligation["late_with_permission"] is True
    assert obligation["due_at"] == "2026-06-30T23:59:59+07:00" or obligation["due_at"].startswith("2026-06-30T23:59")
    assert _actors(web_engine, oid, "extend") == [f"api:{REVIEWER}"]
    earlier = reviewer.post(f"/obligations/{oid}/extension", json={"until": "2026-06-20", "reason": "Lại"})
    assert earlier.status_code == 400 and earlier.json()["field"] == "until"
    assert earlier.json()["detail"].startswith("Hạn mới (until)")
    bad = reviewer.post(f"/obligations/{oid}/extension", json={"until": "2026-13-01", "reason": "x"})
    assert bad.status_code == 422 and bad.json()["field"] == "until"
    assert "Hạn mới (until): phải là ngày dạng YYYY-MM-DD" in bad.json()["detail"]
    officer = api_for(OTHER_OFFICER).post(f"/obligations/{oid}/extension", json={"until": "2026-07-30", "reason": "x"})
    assert officer.status_code == 403 and officer.json()["detail"].startswith(
        "The role cán bộ báo cáo may not extend deadlines"
    )


# --- supervision, units, activities ----------------------------------------------------------


def test_status_and_overdue_are_for_supervisors_and_admins(web_engine: Engine, api_for: Api) -> None:
    for email in (OFFICER, REVIEWER):
        for path in ("/status", "/overdue"):
            refused = api_for(email).get(path)
            assert refused.status_code == 403, (email, path)
            assert refused.json()["detail"].endswith("may not see this page")
    status = api_for(SUPERVISOR).get("/status").json()
    assert status["year"] == 2026 and status["unit"]["code"] == "24"
    half = [r for r in status["lines"] if r["report"] == "bdg-6-thang" and r["level"] == "commune"]
    assert half and half[0]["report_name"] and half[0]["expected"] > 0 and half[0]["reporting_rate"] == 0.0
    wednesday = fixed_clock(NOW + timedelta(days=2))  # the half-year report due in 2 working days
    admin = (
        api_for(ADMIN, clock=wednesday).get("/overdue", params={"status": "soon", "sort": "unit", "limit": 5}).json()
    )
    assert admin["total"] == admin["soon"] > 0 and admin["late"] == 0 and len(admin["items"]) == 5
    assert all(r["status"] == "sắp đến hạn" for r in admin["items"])


def test_units_in_scope(api_for: Api) -> None:
    mine = api_for(OFFICER).get("/units").json()
    assert [u["code"] for u in mine["items"]] == ["07627"] and mine["total"] == 1
    communes = api_for(SUPERVISOR).get("/units", params={"level": "commune", "limit": 1}).json()
    assert communes["total"] > 1 and communes["items"][0]["level"] == "commune"
    assert communes["items"][0]["level_name"] == "cấp xã" and communes["items"][0]["valid_from"] == "2025-07-01"


def test_activities_of_the_units_in_scope(web_engine: Engine, api_for: Api) -> None:
    month = choose_campaign(None, "thang-hanh-dong", 2025)
    for unit, title in (("07627", "Lễ phát động ở xã"), ("07615", "Tập huấn"), ("00004", "Ở Hà Nội")):
        activities.record_entry(
            web_engine,
            unit,
            ActivityEntry(date(2025, 11, 20), "le-phat-dong", title, male=10, female=12),
            chosen=month,
            year=2025,
            now=NOW,
            actor="test",
            source="test",
            columns={},
        )
    own = api_for(OFFICER).get("/activities").json()
    assert [a["title"] for a in own["items"]] == ["Lễ phát động ở xã"]
    assert own["items"][0]["participants_total"] == 22 and own["items"][0]["activity_date"] == "2025-11-20"
    province = api_for(SUPERVISOR).get("/activities", params={"campaign": "thang-hanh-dong", "year": 2025}).json()
    assert sorted(a["unit_code"] for a in province["items"]) == ["07615", "07627"] and province["total"] == 2
    assert api_for(HANOI_SUPERVISOR).get("/activities").json()["total"] == 1


# --- errors and the documentation ------------------------------------------------------------


def test_errors_are_json_in_vietnamese(api_for: Api) -> None:
    api = api_for(SUPERVISOR)
    too_many = api.get("/obligations", params={"limit": 0})
    assert too_many.status_code == 422 and too_many.json()["field"] == "limit"
    assert too_many.json()["detail"] == "Dữ liệu không hợp lệ: Số dòng mỗi trang (limit): phải từ 1 trở lên"
    wrong_state = api.get("/obligations", params={"state": "xong"})
    assert wrong_state.status_code == 422 and "Trạng thái (state): phải là một trong" in wrong_state.json()["detail"]
    wrong_code = api.get("/obligations", params={"report": "báo cáo"})
    assert wrong_code.status_code == 422 and wrong_code.json()["field"] == "report"
    not_json = api.post("/obligations/1/review", content=b"{", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 422 and "không phải JSON hợp lệ" in not_json.json()["detail"]
    nowhere = api.get("/khong-co")
    assert nowhere.status_code == 404 and nowhere.json() == {"detail": "không tìm thấy"}
    wrong_method = api.delete("/obligations")
    assert wrong_method.status_code == 405 and "phương thức" in wrong_method.json()["detail"]
    control = api.post("/obligations/1/review", json={"decision": "return", "reason": "a\x00b"})
    assert control.status_code == 422 and control.json()["field"] == "reason"


def test_the_documentation_page_uses_the_vendored_swagger_ui(api_for: Api) -> None:
    api = api_for()
    docs = api.get("/docs")
    assert docs.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text and "/static/swagger/swagger-ui.css" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    site = TestClient(api.app)
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert site.get(f"/static/swagger/{asset}").status_code == 200, asset
    schema = api.get("/openapi.json").json()
    assert schema["servers"] == [{"url": "/api/v1"}]
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) == 10 and all(op["summary"] and op["description"] for op in operations)
    assert all("security" in op for op in operations)
