"""'Sự việc và yêu cầu báo cáo' through HTTP, on SQLite and PostgreSQL: an admin records an event
and reads the obligations it started, with their due days; recording it again changes nothing and
says so; a request reaches two units; a unit outside the admin's province, an unknown code, a day
that does not parse are refused under the field they are about, with nothing written; an officer
may not; a ministry admin may, for the country; each admin lists only the occasions of their own
province. Last, the page in a real browser, on a desktop and on a phone, each step a screenshot in
test-artifacts/screenshots/.

The workspace's clock is Monday 15/06/2026. Due days, counted by hand on the 2026 calendar (no day
off in June): an event on Wednesday 10/06, three working days → Monday 15/06 at the commune, three
more → Thursday 18/06 at the Sở Nội vụ; a request received Friday 12/06 allowing 5 working days →
Friday 19/06.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from fastapi.testclient import TestClient
from httpx import Response
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import Engine, text

from app import users
from tests.models.factory import at
from tests.web import conftest_browser
from tests.web.browser import DESKTOP, PHONE, LiveServer, Shots, log_in, main_text
from tests.web.conftest import PASSWORD, csrf_of

# The browser fixtures, taken by name.
chromium_browser = conftest_browser.chromium_browser
new_context = conftest_browser.new_context
live_server = conftest_browser.live_server
shots = conftest_browser.shots

Client = Callable[..., TestClient]
ADMIN_24 = "quantri.24@tinh.example"  # Bắc Ninh
ADMIN_01 = "quantri.01@tinh.example"  # Hà Nội
OFFICER_07627 = "canbo.07627@xa.example"
PAGE = "/quan-tri/su-viec"
EVENT = "phat-hien-vu-viec"
EVENT_NAME = "Phát hiện vụ việc bạo lực trên cơ sở giới"
ON_REQUEST = "bao-cao-dot-xuat"
ON_REQUEST_NAME = "Báo cáo đột xuất về công tác bình đẳng giới theo yêu cầu"


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as c:
        return int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _written(engine: Engine) -> tuple[int, int, int]:
    return _count(engine, "occasion"), _count(engine, "obligation"), _count(engine, "auditevent")


def _post(client: TestClient, path: str, data: dict[str, str]) -> Response:
    token = csrf_of(client.get(PAGE).text)
    sent: Response = client.post(path, data={**data, "csrf": token})
    return sent


def _event(client: TestClient, unit: str = "07627", day: str = "10/06/2026", kind: str = EVENT) -> Response:
    return _post(client, f"{PAGE}/ghi-nhan", {"kind": kind, "unit": unit, "date": day})


def _text(response: Response) -> str:
    """The page as a person reads it: tags out, entities decoded, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def _under(response: Response, field: str) -> str:
    """The problem the page shows right under ``field`` ('' if none)."""
    found = re.search(rf'<p class="field-error" id="loi-{field}">(.*?)</p>', response.text, re.S)
    return unescape(found[1]) if found else ""


def _occasion_obligations(engine: Engine) -> list[tuple[str, str, int, str, str]]:
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT u.code, o.report_id, o.hop, o.period, o.due_date FROM obligation o "
                "JOIN cycle c ON c.id = o.cycle_id JOIN unit u ON u.id = o.unit_id "
                "WHERE c.scope = '@theo-su-kien' ORDER BY o.report_id, o.hop, u.code"
            )
        ).all()
    return [(r[0], r[1], r[2], r[3], str(r[4])) for r in rows]


def test_the_admin_index_links_to_the_page_which_offers_the_packs_events_and_reports(client_for: Client) -> None:
    admin = client_for(ADMIN_24)
    assert f'href="{PAGE}"' in admin.get("/quan-tri").text
    shown = admin.get(PAGE)
    assert shown.status_code == 200
    assert f'<option value="{EVENT}"' in shown.text and EVENT_NAME in shown.text
    assert f'<option value="{ON_REQUEST}"' in shown.text and ON_REQUEST_NAME in shown.text
    assert 'value="15/06/2026"' in shown.text  # the dates start at today, as people write them
    assert "Đã ghi nhận (0)" in _text(shown)


def test_an_admin_records_an_event_and_sees_its_obligations(client_for: Client, web_engine: Engine) -> None:
    admin = client_for(ADMIN_24)
    before = _written(web_engine)
    done = _event(admin)
    assert done.status_code == 200, done.text
    page = _text(done)
    assert "Đã ghi nhận sự việc" in page
    assert f"{EVENT_NAME} tại Xã Đại Sơn (07627), ngày 10/06/2026" in page
    assert "Đã tạo 2 nghĩa vụ" in page
    assert "15/06/2026 trong 03 ngày làm việc kể từ ngày phát hiện vụ việc" in page
    assert "18/06/2026 trong 03 ngày làm việc kể từ hạn của cấp dưới" in page
    assert _occasion_obligations(web_engine) == [
        ("07627", "vu-viec-bao-luc", 1, "2026-06-10", "2026-06-15"),
        ("24-SNV", "vu-viec-bao-luc", 2, "2026-06-10", "2026-06-18"),
    ]
    after = _written(web_engine)
    # one occasion, two obligations, their audit (the occasion and each obligation)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (1, 2, 3)
    # the list: the commune's obligation, linked to its page
    listed = _text(admin.get(PAGE))
    assert "Đã ghi nhận (1)" in listed
    assert f"10/06/2026 sự việc {EVENT_NAME} Xã Đại Sơn 07627 hạn 15/06/2026 · " in listed
    with web_engine.connect() as c:
        commune_hop = c.execute(
            text(
                "SELECT o.id FROM obligation o JOIN unit u ON u.id = o.unit_id "
                "WHERE o.period = '2026-06-10' AND u.code = '07627'"
            )
        ).scalar_one()
    assert f'href="/nghia-vu/{commune_hop}"' in admin.get(PAGE).text


def test_recording_the_event_again_says_so_and_writes_nothing(client_for: Client, web_engine: Engine) -> None:
    admin = client_for(ADMIN_24)
    first = _event(admin)
    assert first.status_code == 200
    once = _written(web_engine)
    again = _event(admin, day="2026-06-10")  # the same day, written the ISO way
    assert again.status_code == 200
    page = _text(again)
    assert "Sự việc này đã được ghi nhận trước đây" in page and "không ghi thêm gì" in page
    assert "Đã ghi nhận sự việc" not in page
    assert again.text.count('<span class="badge xam">đã có</span>') == 2 and 'class="badge xanh"' not in again.text
    assert _written(web_engine) == once
    assert "Đã ghi nhận (1)" in _text(admin.get(PAGE))


def test_a_request_reaches_two_units(client_for: Client, web_engine: Engine) -> None:
    admin = client_for(ADMIN_24)
    before = _count(web_engine, "occasion")
    done = _post(
        admin,
        f"{PAGE}/yeu-cau",
        {
            "report": ON_REQUEST,
            "to": "07627,\n24-STP",
            "received": "12/06/2026",
            "days": "5",
            "reference": "Công văn số 212/SNV-BĐG",
        },
    )
    assert done.status_code == 200, done.text
    page = _text(done)
    assert "Đã ghi nhận yêu cầu báo cáo" in page
    assert (
        f"{ON_REQUEST_NAME} (Công văn số 212/SNV-BĐG), văn bản nhận ngày 12/06/2026: 2 đơn vị mới được yêu cầu" in page
    )
    assert page.count("19/06/2026 trong 05 ngày làm việc kể từ ngày nhận được văn bản yêu cầu") == 2
    assert _occasion_obligations(web_engine) == [
        ("07627", ON_REQUEST, 1, "2026-06-12", "2026-06-19"),
        ("24-STP", ON_REQUEST, 1, "2026-06-12", "2026-06-19"),
    ]
    assert _count(web_engine, "occasion") == before + 2
    listed = _text(admin.get(PAGE))
    assert "Đã ghi nhận (2)" in listed and listed.count("Công văn số 212/SNV-BĐG") == 2
    # asked again, one unit more: only the new one is written
    more = _post(
        admin,
        f"{PAGE}/yeu-cau",
        {"report": ON_REQUEST, "to": "07627 07615", "received": "12/06/2026", "days": "5", "reference": ""},
    )
    assert more.status_code == 200
    assert "1 đơn vị mới được yêu cầu" in _text(more)
    assert "Đã yêu cầu trước đây, giữ nguyên: 07627." in _text(more)
    assert _count(web_engine, "occasion") == before + 3


def test_a_unit_outside_the_admins_province_is_refused_under_its_field(client_for: Client, web_engine: Engine) -> None:
    admin = client_for(ADMIN_24)
    before = _written(web_engine)
    refused = _event(admin, unit="00004")  # a commune of Hà Nội
    assert refused.status_code == 400
    assert "is not under Tỉnh Bắc Ninh" in _under(refused, "unit")
    assert 'href="#f-unit">Mã đơn vị</a>' in refused.text  # the summary names the field and links to it
    assert 'id="f-unit" type="text" name="unit" value="00004"' in refused.text  # what was typed stays
    # a request naming one such unit among good ones: refused whole
    request = _post(
        admin, f"{PAGE}/yeu-cau", {"report": ON_REQUEST, "to": "07627, 00004", "received": "12/06/2026", "days": "5"}
    )
    assert request.status_code == 400
    assert "(00004) is not under Tỉnh Bắc Ninh" in _under(request, "to")
    assert 'href="#f-to">Mã các đơn vị được yêu cầu</a>' in request.text
    assert _written(web_engine) == before


def test_every_problem_of_the_form_is_shown_under_its_field(client_for: Client, web_engine: Engine) -> None:
    admin = client_for(ADMIN_24)
    before = _written(web_engine)
    refused = _event(admin, unit="99999", day="31/02/2026", kind="vu-viec-khac")
    assert refused.status_code == 400
    assert _under(refused, "kind") == "Choose the kind of event from the list"
    assert _under(refused, "unit").startswith("No unit has the code 99999 on 15/06/2026")
    assert _under(refused, "date") == "'31/02/2026' is not a date: write it dd/mm/yyyy, e.g. 28/08/2026"
    assert "Chưa ghi gì" in refused.text
    # a day after today is the use case's refusal, under the date
    later = _event(admin, day="16/06/2026")
    assert later.status_code == 400 and "is after today (15/06/2026)" in _under(later, "date")
    # a report due "khi có yêu cầu" needs the days the request allows
    no_days = _post(admin, f"{PAGE}/yeu-cau", {"report": ON_REQUEST, "to": "07627", "received": "12/06/2026"})
    assert no_days.status_code == 400 and "working days" in _under(no_days, "days")
    bad_days = _post(
        admin, f"{PAGE}/yeu-cau", {"report": ON_REQUEST, "to": "07627", "received": "12/06/2026", "days": "năm"}
    )
    assert _under(bad_days, "days") == "Write a whole number of working days from 1 to 365"
    assert _written(web_engine) == before


def test_an_officer_may_not_record_or_request(client_for: Client, web_engine: Engine) -> None:
    officer = client_for(OFFICER_07627)
    before = _written(web_engine)
    assert officer.get(PAGE).status_code == 403
    token = csrf_of(officer.get("/viec-can-lam").text)
    event = officer.post(f"{PAGE}/ghi-nhan", data={"kind": EVENT, "unit": "07627", "date": "10/06/2026", "csrf": token})
    assert event.status_code == 403 and "Only an administrator may do this" in _text(event)
    request = officer.post(
        f"{PAGE}/yeu-cau",
        data={"report": ON_REQUEST, "to": "07627", "received": "12/06/2026", "days": "5", "csrf": token},
    )
    assert request.status_code == 403
    assert _written(web_engine) == before


def test_a_form_without_its_token_is_refused(client_for: Client, web_engine: Engine) -> None:
    admin = client_for(ADMIN_24)
    before = _written(web_engine)
    forged = admin.post(f"{PAGE}/ghi-nhan", data={"kind": EVENT, "unit": "07627", "date": "10/06/2026"})
    assert forged.status_code == 403
    assert _written(web_engine) == before


def test_a_ministry_admin_records_for_the_country_and_each_province_lists_its_own(
    client_for: Client, web_engine: Engine
) -> None:
    users.add_user(
        web_engine,
        email="quantri@bnv.example",
        name="Quản trị Bộ Nội vụ",
        role="admin",
        unit="BNV",
        at=at("2026-01-05T08:00:00"),
        actor="test",
        password=PASSWORD,
        link_base=None,
    )
    ministry = client_for("quantri@bnv.example")
    done = _event(ministry, unit="00004")  # a commune of Hà Nội
    assert done.status_code == 200, done.text
    assert "Đã ghi nhận sự việc" in _text(done)
    assert _event(client_for(ADMIN_24)).status_code == 200  # and one in Bắc Ninh, by its admin
    assert "Đã ghi nhận (2)" in _text(ministry.get(PAGE))
    hanoi = _text(client_for(ADMIN_01).get(PAGE))
    assert "Đã ghi nhận (1)" in hanoi and "00004" in hanoi and "07627" not in hanoi
    bac_ninh = _text(client_for(ADMIN_24).get(PAGE))
    assert "Đã ghi nhận (1)" in bac_ninh and "07627" in bac_ninh and "00004" not in bac_ninh


# In a real browser.


def _open_page(page: Page, base: str) -> None:
    log_in(page, base, ADMIN_24)
    page.goto(f"{base}/quan-tri")
    with page.expect_navigation():
        page.get_by_role("link", name="Sự việc và yêu cầu báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sự việc và yêu cầu báo cáo")


def test_in_a_browser_an_admin_records_an_event_and_requests_a_report(
    new_context: Callable[[dict[str, int]], BrowserContext], live_server: LiveServer, shots: Shots
) -> None:
    base = live_server.url
    desktop = new_context(DESKTOP).new_page()
    _open_page(desktop, base)
    shots.take(desktop, "desktop-page")
    form = desktop.locator("#su-viec")
    form.locator("summary").click()
    form.get_by_label("Loại sự việc").select_option(label=EVENT_NAME)
    form.get_by_label("Mã đơn vị nơi xảy ra").fill("07627")
    form.get_by_label("Ngày xảy ra").fill("10/06/2026")
    shots.take(desktop, "desktop-event-form")
    with desktop.expect_navigation():
        form.get_by_role("button", name="Ghi nhận sự việc").click()
    result = desktop.locator("#ket-qua")
    expect(result).to_contain_text("Đã ghi nhận sự việc")
    expect(result).to_contain_text("15/06/2026")
    expect(result).to_contain_text("18/06/2026")
    assert "Đã ghi nhận (1)" in main_text(desktop)
    shots.take(desktop, "desktop-event-recorded")

    phone = new_context(PHONE).new_page()
    _open_page(phone, base)
    asked = phone.locator("#yeu-cau")
    asked.locator("summary").click()
    asked.get_by_label("Mã các đơn vị được yêu cầu").fill("07627, 00004")
    asked.get_by_label("Ngày nhận văn bản yêu cầu").fill("12/06/2026")
    asked.get_by_label("Số ngày làm việc").fill("5")
    asked.get_by_label("Số, ký hiệu văn bản").fill("Công văn số 212/SNV-BĐG")
    shots.take(phone, "phone-request-form")
    with phone.expect_navigation():
        asked.get_by_role("button", name="Ghi nhận yêu cầu").click()
    expect(phone.locator("#loi-to")).to_contain_text("00004")
    expect(phone.get_by_label("Mã các đơn vị được yêu cầu")).to_have_attribute("aria-invalid", "true")
    shots.take(phone, "phone-request-refused")
    phone.get_by_label("Mã các đơn vị được yêu cầu").fill("07627, 24-STP")
    with phone.expect_navigation():
        phone.locator("#yeu-cau").get_by_role("button", name="Ghi nhận yêu cầu").click()
    expect(phone.locator("#ket-qua")).to_contain_text("2 đơn vị mới được yêu cầu")
    assert "Đã ghi nhận (3)" in main_text(phone)
    shots.take(phone, "phone-request-recorded")
