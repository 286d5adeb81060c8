"""The calendar feed through HTTP: '/lich' makes a secret address (shown once, only its hash kept),
the address reads the owner's open obligations as iCalendar without logging in, exactly in their
scope; a new address, revoking it or disabling the owner ends the old one (404)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Engine, text

from app import calendar_feed, users
from app.settings import get_settings, using
from models.worklist import NotVisible, WorkRow
from reports.ics import obligations_ics
from rules.calendar import VIETNAM
from tests.web.conftest import NOW, csrf_of, obligation_id

Client = Callable[..., TestClient]
FEED = re.compile(r">(http://testserver/lich/([A-Za-z0-9_-]+)\.ics)</textarea>")


def _make_feed(client: TestClient) -> tuple[str, str]:
    """Make a new address through the page as a person would; (its path, its secret)."""
    page = client.get("/lich")
    made = client.post("/lich/tao", data={"csrf": csrf_of(page.text)})
    assert made.status_code == 200, made.text
    found = FEED.search(made.text)
    assert found, made.text
    return found[1].removeprefix("http://testserver"), found[2]


def _events(body: bytes) -> dict[int, Any]:
    """The feed's events by obligation id (read back from their UIDs)."""
    cal = Calendar.from_ical(body)
    found = {}
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid.startswith("nghia-vu-") and uid.endswith("@dunghan")
        found[int(uid.removeprefix("nghia-vu-").removesuffix("@dunghan"))] = event
    return found


def _ids(engine: Engine, where: str, **params: str) -> set[int]:
    """The open obligations (not sent yet, or returned) that match ``where`` (on o and its unit u)."""
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT o.id FROM obligation o JOIN unit u ON u.id = o.unit_id "
                f"WHERE o.state IN ('pending', 'returned') AND NOT o.retired AND ({where})"
            ),
            params,
        ).all()
    return {int(r[0]) for r in rows}


def test_an_officer_gets_their_units_open_deadlines_and_nothing_else(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example")
    path, token = _make_feed(officer)
    answer = client_for().get(path)  # no log-in: the address is the key
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    events = _events(answer.content)
    mine = _ids(web_engine, "u.code = :code AND u.valid_to IS NULL", code="07627")
    assert set(events) == mine and len(mine) > 0
    assert not set(events) & _ids(web_engine, "u.path LIKE :p", p="%/01/%")  # never Hà Nội's
    half_year = events[obligation_id(web_engine, "07627")]
    assert half_year["DTSTART"].dt == date(2026, 6, 19)  # all day, on the last day
    assert half_year["DTEND"].dt == date(2026, 6, 20)
    assert str(half_year["SUMMARY"]).startswith("Hạn: ") and "6 tháng đầu năm 2026" in str(half_year["SUMMARY"])
    assert "Xã Đại Sơn" in str(half_year["DESCRIPTION"]) and "Gửi tới:" in str(half_year["DESCRIPTION"])
    assert "URL" not in half_year  # no link without link_base
    again = _events(client_for().get(path).content)
    assert set(again) == set(events)  # stable UIDs: a program updates, never duplicates
    with web_engine.connect() as c:  # only the hash of the secret is kept
        stored = c.execute(text("SELECT token_sha256 FROM user_token WHERE purpose = 'calendar'")).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


def test_the_feed_links_each_obligation_to_its_page_when_the_address_is_set(
    web_engine: Engine, client_for: Client
) -> None:
    with using(get_settings().model_copy(update={"link_base": "https://dunghan.example/"})):
        page = client_for("canbo.07627@xa.example").get("/lich")
        made = client_for("canbo.07627@xa.example").post("/lich/tao", data={"csrf": csrf_of(page.text)})
        assert made.status_code == 403  # another session's form token
        officer = client_for("canbo.07627@xa.example")
        page = officer.get("/lich")
        made = officer.post("/lich/tao", data={"csrf": csrf_of(page.text)})
        found = re.search(r">https://dunghan\.example/lich/([A-Za-z0-9_-]+)\.ics</textarea>", made.text)
        assert found, made.text
        assert "webcal://dunghan.example/lich/" in made.text
        events = _events(client_for().get(f"/lich/{found[1]}.ics").content)
    oid = obligation_id(web_engine, "07627")
    assert str(events[oid]["URL"]) == f"https://dunghan.example/nghia-vu/{oid}"
    assert f"https://dunghan.example/nghia-vu/{oid}" in str(events[oid]["DESCRIPTION"])


@pytest.mark.parametrize(
    ("email", "where", "code"),
    [
        ("tiepnhan.24@snv.example", "o.recipient_unit_id = (SELECT id FROM unit WHERE code = :code)", "24-SNV"),
        ("lanhdao.24@tinh.example", "u.path LIKE :code", "%/24/%"),
        ("quantri.01@tinh.example", "u.path LIKE :code", "%/01/%"),
    ],
)
def test_reviewers_and_supervisors_get_what_they_see_on_the_pages(
    web_engine: Engine, client_for: Client, email: str, where: str, code: str
) -> None:
    path, _ = _make_feed(client_for(email))
    events = _events(client_for().get(path).content)
    expected = _ids(web_engine, where, code=code)
    assert set(events) == expected and 0 < len(expected) <= calendar_feed.MAX_EVENTS
    some = events[min(events)]
    assert " – " in str(some["SUMMARY"])  # those who follow several units read which one


def test_a_sent_report_leaves_the_feed(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example")
    path, _ = _make_feed(officer)
    oid = obligation_id(web_engine, "07627")
    page = officer.get(f"/nghia-vu/{oid}")
    sent = officer.post(
        f"/nghia-vu/{oid}/nop",
        data={"csrf": csrf_of(page.text)},
        files=[("files", ("bao-cao.pdf", b"%PDF-1.4 bao cao", "application/pdf"))],
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert oid not in _events(client_for().get(path).content)


def test_a_new_address_ends_the_old_one_and_revoking_ends_both(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example")
    first, _ = _make_feed(officer)
    second, _ = _make_feed(officer)
    stranger = client_for()
    assert stranger.get(first).status_code == 404
    assert stranger.get(second).status_code == 200
    page = officer.get("/lich")
    assert "Bạn đang có một địa chỉ lịch" in page.text
    assert "/lich/" not in page.text.replace('action="/lich/', "")  # the address is never shown again
    done = officer.post("/lich/thu-hoi", data={"csrf": csrf_of(page.text)})
    assert (
        done.status_code == 200 and "Đã thu hồi địa chỉ lịch" in done.text and "Bạn chưa có địa chỉ lịch" in done.text
    )
    assert stranger.get(second).status_code == 404
    assert stranger.get("/lich/khong-co-dia-chi-nay-dau-ca-mot-chut-nao-het.ics").status_code == 404
    assert stranger.get("/lich/ngan.ics").status_code == 404


def test_disabling_the_owner_ends_the_feed_and_expiry_too(web_engine: Engine, client_for: Client) -> None:
    path, token = _make_feed(client_for("tiepnhan.24@snv.example"))
    stranger = client_for()
    assert stranger.get(path).status_code == 200
    with pytest.raises(NotVisible):
        calendar_feed.feed(web_engine, token, at=NOW + calendar_feed.FEED_VALID + timedelta(minutes=1), link_base=None)
    users.disable(web_engine, "tiepnhan.24@snv.example", at=NOW, actor="test")
    answer = stranger.get(path)
    assert answer.status_code == 404 and "Không tìm thấy" in answer.text


def test_the_forms_need_the_sessions_token(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example")
    assert officer.post("/lich/tao").status_code == 403
    assert officer.post("/lich/tao", data={"csrf": "gia-mao"}).status_code == 403
    _make_feed(officer)
    assert officer.post("/lich/thu-hoi", data={"csrf": "gia-mao"}).status_code == 403
    with web_engine.connect() as c:
        live = c.execute(
            text("SELECT count(*) FROM user_token WHERE purpose = 'calendar' AND used_at IS NULL")
        ).scalar_one()
    assert live == 1  # neither refused form did anything
    anonymous = client_for().get("/lich", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/dang-nhap")


def test_the_page_says_what_the_feed_holds_in_the_persons_role(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example").get("/lich")
    assert officer.status_code == 200 and "Lịch hạn báo cáo" in officer.text
    assert "Các báo cáo Xã Đại Sơn còn phải gửi" in officer.text and "Bạn chưa có địa chỉ lịch" in officer.text
    reviewer = client_for("tiepnhan.24@snv.example").get("/lich")
    assert "phải gửi tới Sở Nội vụ" in reviewer.text
    assert officer.headers["cache-control"] == "no-store"


def test_the_written_calendar_reads_back_exactly_in_any_calendar_program() -> None:
    """Escaping and folding: long Vietnamese lines, commas, semicolons and a returned report's reason."""
    row = WorkRow(
        7,
        "07627",
        "Xã Đại Sơn",
        "bdg-6-thang",
        "Báo cáo kết quả thực hiện công tác bình đẳng giới, vì sự tiến bộ của phụ nữ; 6 tháng đầu năm",
        "2026-H1",
        2,
        "Sở Nội vụ tỉnh Bắc Ninh",
        "trước ngày 20 tháng 6; gửi kèm phụ lục",
        date(2026, 6, 19),
        date(2026, 6, 19),
        NOW + timedelta(days=4),
        None,
        "returned",
        True,
        4,
        None,
        "Thiếu số liệu, mục II.3; bảng 2 \\ phụ lục",
        "Ước tính: lịch nghỉ Tết Nguyên đán 2027 chưa được quyết định; hạn có thể thay đổi.",
        ("UBND tỉnh Bắc Ninh", "Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam"),
    )
    body = obligations_ics([row], name="Hạn báo cáo – Xã Đại Sơn", generated_at=NOW, link_base=None, with_unit=False)
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Hạn: {row.report_name} (kỳ 6 tháng đầu năm 2026)"
    description = str(event["DESCRIPTION"]).split("\n")
    assert f"Báo cáo: {row.report_name}, kỳ 6 tháng đầu năm 2026, chặng 2" in description
    assert "Văn bản ghi: “trước ngày 20 tháng 6; gửi kèm phụ lục”" in description
    assert f"Hạn cuối: {row.due_at.astimezone(VIETNAM):%H:%M ngày %d/%m/%Y} (đã gia hạn)" in description
    assert "Trạng thái: trả lại" in description
    assert (
        "Gửi tới: Sở Nội vụ tỉnh Bắc Ninh; đồng gửi: UBND tỉnh Bắc Ninh; "
        "Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam"
    ) in description
    assert f"Ghi chú về hạn: {row.assumed}" in description
    assert "Lý do trả lại: Thiếu số liệu, mục II.3; bảng 2 \\ phụ lục" in description
