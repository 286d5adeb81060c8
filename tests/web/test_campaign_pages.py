"""The Action Month on the web pages: an officer's activities (add, correct, delete, the XLSX form
uploaded), refused entries, scope, and the campaign page against the roll-up of `dunghan rollup`."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from app import rollups
from app.activities import record_entry, write_template
from app.campaigns import choose_campaign
from rules.activity import ActivityEntry
from rules.clock import fixed_clock
from rules.numbers import vn_number
from tests.models.factory import at
from tests.web.conftest import csrf_of, log_in
from web.main import create_app

LATE = at("2026-12-01T08:00:00")  # in the middle of the 2026 Action Month (15/11–15/12)
OFFICER = "canbo.07627@xa.example"  # Xã Đại Sơn, Bắc Ninh
NEIGHBOUR = "canbo.07615@xa.example"  # another commune of Bắc Ninh
FAR_OFFICER = "canbo.00004@xa.example"  # a commune of Hà Nội
SUPERVISOR = "lanhdao.24@tinh.example"
FAR_SUPERVISOR = "lanhdao.01@tinh.example"
ADD = "/thang-hanh-dong/hoat-dong"

Client = Callable[[str], TestClient]


@pytest.fixture
def late(web_engine: Engine) -> Iterator[Client]:
    """``late(email)``: a logged-in client of the pages on 01/12/2026, inside the campaign."""
    app = create_app(web_engine, clock=fixed_clock(LATE))
    opened: list[TestClient] = []

    def make(email: str) -> TestClient:
        client = TestClient(app)
        opened.append(client)
        return log_in(client, email)

    yield make
    for client in opened:
        client.close()


def _form(page_text: str, **values: str) -> dict[str, str]:
    """The add form of an activity filled in as a person would, with the page's token."""
    form = {
        "csrf": csrf_of(page_text),
        "nam": "2026",
        "day": "2026-11-20",
        "activity_type": "tap-huan",
        "title": "Tập huấn về bình đẳng giới cho cán bộ thôn",
        "male": "12",
        "female": "28",
        "total": "",
        "media.panel": "2",
        "media.online": "3",
        "budget": "1.500.000",
        "note": "Tổ chức tại hội trường xã",
    }
    form.update(values)
    return form


def _logs(engine: Engine) -> list[tuple[object, ...]]:
    """Every log, its day as text (YYYY-MM-DD) on both databases."""
    with engine.connect() as connection:
        return [
            (*r[:3], str(r[3]), *r[4:])
            for r in connection.execute(
                text(
                    "SELECT a.id, u.code, a.year, a.activity_date, a.title, a.participants_male, "
                    "a.participants_female, a.participants_total, a.media_panel, a.media_online, a.budget_vnd, "
                    "a.note, a.source, a.recorded_by FROM activity_log a JOIN unit u ON u.id = a.unit_id ORDER BY a.id"
                )
            )
        ]


def _audit(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [
            tuple(r)
            for r in connection.execute(
                text("SELECT actor, action, entity_id, note FROM auditevent WHERE entity = 'activity_log' ORDER BY id")
            )
        ]


def _tile(page_text: str, key: str) -> str:
    found = re.search(rf'id="{key}">([^<]+)<', page_text)
    assert found, f"no {key} on the page"
    return found[1]


def _entry(day: date, kind: str, title: str, male: int, female: int, **extra: object) -> ActivityEntry:
    return ActivityEntry(day=day, activity_type=kind, title=title, male=male, female=female, **extra)  # type: ignore[arg-type]


def _record(engine: Engine, unit: str, year: int, entry: ActivityEntry) -> None:
    """A log added through the use case ``dunghan activity add`` calls."""
    record_entry(
        engine,
        unit,
        entry,
        chosen=choose_campaign(None, "thang-hanh-dong", year),
        year=year,
        now=LATE,
        actor="cli:test",
        source="cli",
        columns={},
    )


def test_an_officers_activity_shows_in_the_campaign_page_with_the_rollups_totals(
    web_engine: Engine, late: Client, tmp_path: Path
) -> None:
    officer = late(OFFICER)
    page = officer.get(ADD)
    assert page.status_code == 200
    assert "Thêm hoạt động" in page.text and "Xã Đại Sơn" in page.text and "Chưa có hoạt động nào" in page.text
    added = officer.post(ADD, data=_form(page.text), follow_redirects=False)
    assert added.status_code == 303, added.text
    assert "xong=them" in added.headers["location"]
    listed = officer.get(added.headers["location"])
    assert "Đã thêm hoạt động." in listed.text
    assert "Tập huấn về bình đẳng giới cho cán bộ thôn" in listed.text and "1.500.000" in listed.text
    [log] = _logs(web_engine)
    assert log[1:] == (
        "07627", 2026, "2026-11-20", "Tập huấn về bình đẳng giới cho cán bộ thôn",
        12, 28, 40, 2, 3, 1_500_000, "Tổ chức tại hội trường xã", "web", f"web:{OFFICER}",
    )  # fmt: skip

    # More logs through the use cases: a department of Bắc Ninh this year, the commune last year,
    # and a commune of Hà Nội (which the Bắc Ninh page must not count).
    _record(web_engine, "24-STP", 2026, _entry(date(2026, 11, 25), "hoi-nghi", "Hội nghị pháp luật", 30, 45))
    _record(web_engine, "07627", 2025, _entry(date(2025, 11, 18), "le-phat-dong", "Lễ phát động", 50, 70))
    _record(web_engine, "00004", 2026, _entry(date(2026, 11, 16), "mit-tinh", "Mít tinh", 300, 400))

    supervisor = late(SUPERVISOR)
    campaign = supervisor.get("/thang-hanh-dong")
    assert campaign.status_code == 200
    expected = rollups.roll_up(web_engine, campaign="thang-hanh-dong", year=2026, under="24")
    total = expected.total
    assert (total.activities, total.participants, total.male, total.female) == (2, 115, 42, 73)
    assert _tile(campaign.text, "so-hoat-dong") == vn_number(total.activities, 0)
    assert _tile(campaign.text, "nguoi-tham-gia") == vn_number(total.participants, 0)
    assert _tile(campaign.text, "nam") == vn_number(total.male, 0)
    assert _tile(campaign.text, "nu") == vn_number(total.female, 0)
    assert _tile(campaign.text, "san-pham") == vn_number(total.media_total, 0) == "5"
    assert _tile(campaign.text, "kinh-phi") == vn_number(total.budget, 0) == "1.500.000"
    assert _tile(campaign.text, "da-bao-cao") == f"{expected.logged}/{expected.expected}"
    assert expected.logged == 2 and expected.expected > 100  # the communes and departments of Bắc Ninh
    assert "Cấp xã" in campaign.text and "Cấp tỉnh" in campaign.text
    assert "Tập huấn, bồi dưỡng" in campaign.text and "Hội nghị, hội thảo, tọa đàm" in campaign.text
    assert "So sánh với năm 2025" in campaign.text and "Hoạt động năm 2025" in campaign.text  # the previous year
    assert "<svg" in campaign.text and "Đã báo cáo: 1/" in campaign.text  # the chart, per level
    assert "Hà Nội" not in campaign.text

    # The files are the ones `dunghan rollup --under 24` writes.
    workbook = supervisor.get("/thang-hanh-dong/tong-hop.xlsx")
    assert workbook.status_code == 200
    assert 'filename="thang-hanh-dong-2026-24.xlsx"' in workbook.headers["content-disposition"]
    written = rollups.write_workbook(expected, tmp_path, tmp_path / "cli.xlsx")
    ours, theirs = load_workbook(io.BytesIO(workbook.content)), load_workbook(written)
    assert ours.sheetnames == theirs.sheetnames
    for name in ours.sheetnames:
        assert list(ours[name].values) == list(theirs[name].values), name
    document = supervisor.get("/thang-hanh-dong/tong-hop.docx")
    assert document.status_code == 200
    body = zipfile.ZipFile(io.BytesIO(document.content)).read("word/document.xml").decode()
    assert "Tháng hành động" in body and "SỞ NỘI VỤ" in body

    # The commune's own page: its totals, as `dunghan rollup --under 07627` gives them.
    own = officer.get("/thang-hanh-dong")
    mine = rollups.roll_up(web_engine, campaign="thang-hanh-dong", year=2026, under="07627")
    assert _tile(own.text, "so-hoat-dong") == "1" == vn_number(mine.total.activities, 0)
    assert _tile(own.text, "nguoi-tham-gia") == "40" == vn_number(mine.total.participants, 0)
    assert "Ghi hoạt động của đơn vị" in own.text and "Tỉnh Bắc Ninh" not in own.text.split("<main>")[1]
    # A supervisor opens a commune under them; the one of another province cannot.
    assert _tile(supervisor.get("/thang-hanh-dong?don_vi=07627").text, "nguoi-tham-gia") == "40"
    assert late(FAR_SUPERVISOR).get("/thang-hanh-dong?don_vi=07627").status_code == 404
    assert officer.get("/thang-hanh-dong?don_vi=24").status_code == 404
    assert officer.get("/thang-hanh-dong?nam=2019").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"total": "50"}, "Số người tham gia: tổng số", "men 12 + women 28 = 40, not the total 50"),
        ({"day": "2026-10-20"}, "Ngày", "the date 20/10/2026 is outside the Action Month of 2026"),
        ({"day": "2026-12-05"}, "Ngày", "the date 05/12/2026 is after today (01/12/2026)"),
        ({"note": "Liên hệ chị H. số 0987 654 321"}, "Ghi chú", "seems to hold a phone number"),
        ({"title": "Hỗ trợ nạn nhân CCCD 001203004567"}, "Tên hoạt động", "seems to hold an identity-card number"),
        ({"male": "mười"}, "Số người tham gia: nam", "«mười» is not a whole number, zero or more"),
        ({"activity_type": "khong-co"}, "Loại hoạt động", "choose an activity type from the campaign"),
    ],
)
def test_a_bad_activity_is_refused_naming_its_field_and_writes_nothing(
    web_engine: Engine, late: Client, changes: dict[str, str], field: str, words: str
) -> None:
    officer = late(OFFICER)
    page = officer.get(ADD)
    refused = officer.post(ADD, data=_form(page.text, **changes), follow_redirects=False)
    assert refused.status_code == 400
    assert "Chưa lưu" in refused.text
    shown = re.sub(r"<[^>]+>", "", refused.text)
    assert f"{field}: {words}" in shown, shown[shown.find("Cần sửa") :][:600]
    assert 'class="field-error"' in refused.text and 'aria-invalid="true"' in refused.text
    assert "Tập huấn về bình đẳng giới cho cán bộ thôn" in refused.text or "title" in changes  # typed values kept
    assert _logs(web_engine) == []


def test_every_problem_is_named_at_once(web_engine: Engine, late: Client) -> None:
    officer = late(OFFICER)
    page = officer.get(ADD)
    bad = _form(page.text, day="2026-10-20", total="50", note="Gọi 0987654321")
    refused = officer.post(ADD, data=bad, follow_redirects=False)
    assert refused.status_code == 400
    shown = re.sub(r"<[^>]+>", "", refused.text)
    for field in ("Ngày:", "Số người tham gia: tổng số:", "Ghi chú:"):
        assert field in shown
    assert shown.index("Ngày:") < shown.index("Số người tham gia: tổng số:") < shown.index("Ghi chú:")
    assert _logs(web_engine) == []


def _added(web_engine: Engine, late: Client) -> tuple[TestClient, int]:
    officer = late(OFFICER)
    page = officer.get(ADD)
    assert officer.post(ADD, data=_form(page.text), follow_redirects=False).status_code == 303
    [log] = _logs(web_engine)
    return officer, int(log[0])  # type: ignore[call-overload]


def test_only_the_units_officer_changes_its_activity(web_engine: Engine, late: Client) -> None:
    officer, log_id = _added(web_engine, late)
    before = _logs(web_engine)
    for email, code in (
        (NEIGHBOUR, 404),
        (FAR_OFFICER, 404),
        (FAR_SUPERVISOR, 404),
        (SUPERVISOR, 403),  # reads the commune's activities, may not change them
    ):
        other = late(email)
        token = csrf_of(other.get("/lich").text)
        assert other.get(f"/thang-hanh-dong/hoat-dong/sua?id={log_id}").status_code == code, email
        assert other.get(f"/thang-hanh-dong/hoat-dong/xoa?id={log_id}").status_code == code, email
        edit = _form(f'name="csrf" value="{token}"', id=str(log_id), female="30")
        assert other.post("/thang-hanh-dong/hoat-dong/sua", data=edit).status_code == code, email
        gone = other.post("/thang-hanh-dong/hoat-dong/xoa", data={"csrf": token, "id": str(log_id)})
        assert gone.status_code == code, email
    neighbour = late(NEIGHBOUR)
    assert neighbour.get("/thang-hanh-dong/hoat-dong?don_vi=07627").status_code == 404
    assert "Tập huấn về bình đẳng giới" not in neighbour.get(ADD).text
    listed = late(SUPERVISOR).get("/thang-hanh-dong/hoat-dong?don_vi=07627")
    assert listed.status_code == 200 and "Tập huấn về bình đẳng giới" in listed.text and "Sửa</a>" not in listed.text
    assert late(OFFICER).get("/thang-hanh-dong/hoat-dong/sua?id=2000000000").status_code == 404
    assert _logs(web_engine) == before and _audit(web_engine) == []

    # The officer corrects it: a refused correction changes nothing, a good one is audited.
    form = officer.get(f"/thang-hanh-dong/hoat-dong/sua?id={log_id}")
    assert form.status_code == 200 and 'value="Tập huấn về bình đẳng giới cho cán bộ thôn"' in form.text
    wrong = officer.post(
        "/thang-hanh-dong/hoat-dong/sua", data=_form(form.text, id=str(log_id), female="30", total="40")
    )
    assert wrong.status_code == 400 and "men 12 + women 30 = 42, not the total 40" in wrong.text
    assert _logs(web_engine) == before
    saved = officer.post(
        "/thang-hanh-dong/hoat-dong/sua",
        data=_form(form.text, id=str(log_id), female="30", total="", note=""),
        follow_redirects=False,
    )
    assert saved.status_code == 303 and "xong=sua" in saved.headers["location"]
    [log] = _logs(web_engine)
    assert log[6:8] == (30, 42) and log[11] is None
    [event] = _audit(web_engine)
    assert event[:3] == (f"web:{OFFICER}", "correct", log_id)
    assert "nữ 28 → 30" in str(event[3]) and "tổng số 40 → 42" in str(event[3]) and "ghi chú" in str(event[3])

    # …and deletes it: the audit trail keeps what it said.
    confirm = officer.get(f"/thang-hanh-dong/hoat-dong/xoa?id={log_id}")
    assert confirm.status_code == 200 and "Xóa hoạt động này?" in confirm.text
    deleted = officer.post(
        "/thang-hanh-dong/hoat-dong/xoa",
        data={"csrf": csrf_of(confirm.text), "id": str(log_id)},
        follow_redirects=False,
    )
    assert deleted.status_code == 303 and "xong=xoa" in deleted.headers["location"]
    assert _logs(web_engine) == []
    events = _audit(web_engine)
    assert [e[1] for e in events] == ["correct", "delete"]
    assert "«Tập huấn về bình đẳng giới cho cán bộ thôn»" in str(events[1][3]) and "nữ 30" in str(events[1][3])
    assert officer.get(f"/thang-hanh-dong/hoat-dong/sua?id={log_id}").status_code == 404


def _fill(content: bytes, rows: list[list[Any]]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    sheet = book["Hoạt động"]
    for index, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=index, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: TestClient, name: str, content: bytes) -> httpx.Response:
    token = csrf_of(client.get(ADD).text)
    answer: httpx.Response = client.post(
        "/thang-hanh-dong/nhap-tep",
        data={"csrf": token, "nam": "2026"},
        files=[("tep", (name, content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))],
        follow_redirects=False,
    )
    return answer


def test_the_filled_in_form_is_uploaded_all_rows_or_none(web_engine: Engine, late: Client, tmp_path: Path) -> None:
    officer = late(OFFICER)
    template = officer.get("/thang-hanh-dong/bieu-mau.xlsx")
    assert template.status_code == 200
    assert 'filename="hoat-dong-07627-2026.xlsx"' in template.headers["content-disposition"]
    good = [
        [date(2026, 11, 15), "Lễ phát động Tháng hành động", "Lễ phát động", 80, 120, 200, 1, 0, 0, 4, 2, 5000000],
        ["20/11/2026", "tap-huan", "Tập huấn cán bộ", 10, 30, None, None, None, 50, None, None, "1.500.000"],
    ]
    bad = [
        good[0],
        ["21/11/2026", "tap-huan", "Tập huấn", 10, 30, 45, None, None, None, None, None, None, "Gọi 0987654321"],
    ]
    refused = _upload(officer, "hoat-dong-sai.xlsx", _fill(template.content, bad))
    assert refused.status_code == 400
    shown = re.sub(r"<[^>]+>", "", refused.text)
    assert "Tệp hoat-dong-sai.xlsx chưa được nhập" in shown
    assert "row 3, column «Số người tham gia: tổng số»: men 10 + women 30 = 40, not the total 45" in shown
    assert "row 3, column «Ghi chú»: seems to hold a phone number" in shown
    assert _logs(web_engine) == []

    filled = _fill(template.content, good)
    done = _upload(officer, "hoat-dong-07627.xlsx", filled)
    assert done.status_code == 303, done.text
    page = officer.get(done.headers["location"])
    assert "Đã nhập 2 hoạt động từ tệp." in page.text and "Nhập từ tệp hoat-dong-07627.xlsx" in page.text
    assert [(r[1], r[7], r[12]) for r in _logs(web_engine)] == [
        ("07627", 200, "hoat-dong-07627.xlsx"),
        ("07627", 40, "hoat-dong-07627.xlsx"),
    ]
    again = _upload(officer, "hoat-dong-07627.xlsx", filled)
    assert again.status_code == 400 and "this very file was imported on 01/12/2026" in again.text

    # Another unit's form is refused by its code; a supervisor may not upload at all.
    theirs = write_template(
        web_engine,
        tmp_path / "hoat-dong-07615.xlsx",
        chosen=choose_campaign(None, "thang-hanh-dong", 2026),
        year=2026,
        unit="07615",
    )
    other = _upload(officer, "hoat-dong-07615.xlsx", _fill(theirs.read_bytes(), good[:1]))
    assert other.status_code == 400 and "the form gives the unit code 07615, not 07627" in other.text
    supervisor = late(SUPERVISOR)
    token = csrf_of(supervisor.get("/thang-hanh-dong").text)
    answer = supervisor.post(
        "/thang-hanh-dong/nhap-tep",
        data={"csrf": token, "nam": "2026"},
        files=[("tep", ("x.xlsx", _fill(template.content, good), "application/octet-stream"))],
    )
    assert answer.status_code == 403
    assert len(_logs(web_engine)) == 2
    assert supervisor.get("/thang-hanh-dong/bieu-mau.xlsx").status_code == 403


def test_the_campaign_year_before_its_window_is_last_years(
    web_engine: Engine, client_for: Callable[..., TestClient]
) -> None:
    # On 15/06/2026 the 2026 campaign has not begun: the pages show 2025, whose window is past.
    officer = client_for(OFFICER)
    page = officer.get(ADD)
    assert page.status_code == 200 and "Hoạt động Tháng hành động 2025" in page.text
    added = officer.post(ADD, data=_form(page.text, nam="2025", day="2025-12-01"), follow_redirects=False)
    assert added.status_code == 303
    assert [(r[1], r[2]) for r in _logs(web_engine)] == [("07627", 2025)]
    assert "Tháng hành động năm 2025" in client_for(SUPERVISOR).get("/thang-hanh-dong").text
