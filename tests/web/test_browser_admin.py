"""An admin in a real browser: a contacts file with one bad row is refused with that row named and
nothing written; the corrected file is previewed, then written, and the contact is found by a
search typed without diacritics. Every step is a screenshot in test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, expect
from sqlalchemy import Engine, text

from tests.web import conftest_browser
from tests.web.browser import DESKTOP, LiveServer, Shots, log_in, main_text

chromium_browser = conftest_browser.chromium_browser
new_context = conftest_browser.new_context
live_server = conftest_browser.live_server
shots = conftest_browser.shots

ADMIN = "quantri.24@tinh.example"
HEADER = "unit,name,role,email,zalo_phone,zalo_user_id,channels,active\n"
GOOD = "07627,Lê Thị Lan,focal_point,lan@xa.example,0987654321,,zalo,true\n"
BAD = "07627,Trần Văn Bình,head,khong-phai-email,,,email,true\n"


def _contacts(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM contact")).scalar_one())


def test_a_bad_row_is_named_and_nothing_written_then_the_corrected_file_goes_in(
    web_engine: Engine,
    new_context: Callable[[dict[str, int]], BrowserContext],
    live_server: LiveServer,
    shots: Shots,
    tmp_path: Path,
) -> None:
    page = new_context(DESKTOP).new_page()
    log_in(page, live_server.url, ADMIN)
    page.goto(f"{live_server.url}/quan-tri/nhap")
    shots.take(page, "import-form")

    bad = tmp_path / "lien-he.csv"
    bad.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    page.get_by_label("Tệp đơn vị hoặc liên hệ", exact=False).set_input_files(bad)
    with page.expect_navigation():
        page.get_by_role("button", name="Xem trước").click()
    shown = main_text(page)
    assert "1 lỗi; chưa ghi gì." in shown and "lien-he.csv: dòng 3 (07627)" in shown
    expect(page.get_by_role("button", name="Ghi vào cơ sở dữ liệu")).to_have_count(0)
    shots.take(page, "bad-row-named")
    assert _contacts(web_engine) == 0

    bad.write_text(HEADER + GOOD + BAD.replace("khong-phai-email", "binh@xa.example"), encoding="utf-8")
    page.get_by_label("Tệp đơn vị hoặc liên hệ", exact=False).set_input_files(bad)
    with page.expect_navigation():
        page.get_by_role("button", name="Xem trước").click()
    assert "2 liên hệ mới" in main_text(page)
    shots.take(page, "preview")
    assert _contacts(web_engine) == 0  # a preview writes nothing
    with page.expect_navigation():
        page.get_by_role("button", name="Ghi vào cơ sở dữ liệu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhập lien-he.csv")
    shots.take(page, "written")
    assert _contacts(web_engine) == 2

    page.goto(f"{live_server.url}/quan-tri/lien-he")
    page.get_by_label("Tìm (tên, e-mail, đơn vị)").fill("tran van binh")
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Trần Văn Bình")
    shots.take(page, "found-without-diacritics")


def test_a_broken_pack_changes_nothing_and_a_plan_previewed_then_applied_reaches_the_officer(
    web_engine: Engine,
    new_context: Callable[[dict[str, int]], BrowserContext],
    live_server: LiveServer,
    shots: Shots,
    tmp_path: Path,
) -> None:
    from tests.web.test_admin_regime import BROKEN, GOOD

    def obligations() -> int:
        with web_engine.connect() as c:
            return int(c.execute(text("SELECT count(*) FROM obligation")).scalar_one())

    page = new_context(DESKTOP).new_page()
    log_in(page, live_server.url, ADMIN)
    page.goto(f"{live_server.url}/quan-tri/goi")
    listed = main_text(page)
    pack = tmp_path / "thu-nghiem.yaml"
    pack.write_text(BROKEN, encoding="utf-8")
    page.get_by_label("Tệp gói quy định", exact=False).set_input_files(pack)
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra và tải lên").click()
    refused = main_text(page)
    assert "thu-nghiem.yaml:10:5" in refused and "thu-nghiem.yaml:15:5" in refused
    shots.take(page, "broken-pack")
    page.goto(f"{live_server.url}/quan-tri/goi")
    assert main_text(page) == listed  # nothing changed
    assert not (live_server.home / "packs" / "thu-nghiem-2026.yaml").exists()

    pack.write_text(GOOD, encoding="utf-8")
    page.get_by_label("Tệp gói quy định", exact=False).set_input_files(pack)
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra và tải lên").click()
    assert "thu-nghiem-2026" in main_text(page)
    page.goto(f"{live_server.url}/quan-tri/chu-ky/lap?goi=thu-nghiem-2026")
    before = obligations()
    with page.expect_navigation():
        page.get_by_role("button", name="Xem trước thay đổi").click()
    assert "Chưa có gì được ghi" in main_text(page) and obligations() == before
    shots.take(page, "plan-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Áp dụng", exact=False).click()
    assert obligations() > before
    shots.take(page, "plan-applied")

    officer = new_context(DESKTOP).new_page()
    log_in(officer, live_server.url, "canbo.07627@xa.example")
    expect(officer.locator("main")).to_contain_text("Báo cáo thử nghiệm của cấp xã năm")
    shots.take(officer, "officer-sees-it")
