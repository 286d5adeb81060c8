"""One story in a real browser, end to end against `dunghan serve`: an officer submits the half-year
report from a phone, the reviewer returns it with a reason, the officer reads the reason and
submits again, the reviewer accepts it with the form that accepts several at once, and the
supervisor sees the reporting rate move. Every step is a screenshot in test-artifacts/screenshots/.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.web import conftest_browser
from tests.web.browser import DESKTOP, PHONE, LiveServer, Shots, log_in, main_text

# The browser fixtures, taken by name.
chromium_browser = conftest_browser.chromium_browser
new_context = conftest_browser.new_context
live_server = conftest_browser.live_server
shots = conftest_browser.shots

OFFICER = "canbo.07627@xa.example"  # Xã Đại Sơn, Bắc Ninh
OTHER_OFFICER = "canbo.07615@xa.example"  # another commune of Bắc Ninh
REVIEWER = "tiepnhan.24@snv.example"  # Sở Nội vụ Bắc Ninh
SUPERVISOR = "lanhdao.24@tinh.example"
REPORT = "Báo cáo kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ 6 tháng đầu năm"
PERIOD = "6 tháng đầu năm 2026"
REASON = "Thiếu phụ lục số liệu cán bộ nữ; bổ sung rồi gửi lại."


def _report_file(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def _submit(page: Page, files: list[Path], note: str) -> str:
    """Submit ``files`` on the obligation page that is open; the receipt number the page shows."""
    page.locator("input[name=files]").set_input_files(files)
    page.get_by_label("Ghi chú").fill(note)
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp", exact=True).click()
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("Đã nộp. Số biên nhận:")
    found = re.search(r"Số biên nhận: (\S+);", notice.inner_text())
    assert found, notice.inner_text()
    return found[1]


def _rates(page: Page) -> dict[str, str]:
    """The row of the communes' half-year report on 'Tỷ lệ báo cáo', as its cells read."""
    row = page.locator("main table tbody tr").filter(has_text=REPORT).filter(has_text=PERIOD)
    expect(row).to_have_count(1)
    cells = row.locator("td")
    return {
        str(cells.nth(i).get_attribute("data-label")): " ".join(cells.nth(i).inner_text().split())
        for i in range(cells.count())
    }


def _mails_to(outbox: Path, address: str) -> list[tuple[str, str]]:
    """(subject, text) of every e-mail written to the outbox folder for ``address``, decoded as
    a mail program shows them."""
    found = []
    for path in sorted(outbox.rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message["To"]):
            body = message.get_body(preferencelist=("plain",))
            found.append((str(message["Subject"]), body.get_content() if body is not None else ""))
    return found


def _percent(part: int, whole: int) -> str:
    """A rate as the pages write it in Vietnamese: one decimal after a comma, none when whole."""
    return f"{round(100 * part / whole, 1):.1f}".replace(".", ",").removesuffix(",0") + "%"


def _open_report_from_todo(page: Page) -> None:
    card = page.locator("li.card").filter(has=page.get_by_role("link", name=REPORT, exact=True))
    expect(card).to_have_count(1)
    with page.expect_navigation():
        card.get_by_role("link", name=REPORT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(REPORT)


def test_submit_return_resubmit_accept_and_the_rate_moves(
    new_context: Callable[[dict[str, int]], BrowserContext], live_server: LiveServer, shots: Shots, tmp_path: Path
) -> None:
    base = live_server.url
    first = _report_file(tmp_path / "may-cua-xa", "Báo cáo 6 tháng đầu năm 2026.pdf", b"%PDF-1.4 ban dau")
    appendix = _report_file(tmp_path / "may-cua-xa", "Phụ lục số liệu.xlsx", b"PK\x03\x04 phu luc")
    other = _report_file(tmp_path / "may-xa-khac", "Báo cáo 6 tháng xã Sơn Động.pdf", b"%PDF-1.4 xa khac")

    officer, reviewer, supervisor = (new_context(size).new_page() for size in (PHONE, DESKTOP, DESKTOP))

    # The supervisor looks at the communes' half-year rates before anyone has sent anything.
    log_in(supervisor, base, SUPERVISOR)
    with supervisor.expect_navigation():
        supervisor.get_by_role("link", name="Tỷ lệ báo cáo").click()
    expect(supervisor.get_by_role("heading", level=1)).to_have_text("Tỷ lệ báo cáo năm 2026")
    choose = supervisor.get_by_role("search", name="Chọn số liệu")
    choose.get_by_label("Báo cáo").select_option(label=REPORT)
    choose.get_by_label("Cấp").select_option(label="cấp xã")
    with supervisor.expect_navigation():
        supervisor.get_by_role("button", name="Xem").click()
    before = _rates(supervisor)
    expected = int(before["Phải nộp"])
    assert expected > 2 and before["Cấp"] == "cấp xã"
    assert (before["Đã nộp"], before["Đúng hạn"], before["Tỷ lệ nộp"]) == ("0", "0", "0%")
    shots.take(supervisor, "supervisor-rates-before")

    # The officer logs in on a phone and finds the half-year report on 'Việc cần làm'.
    officer.goto(f"{base}/dang-nhap")
    shots.take(officer, "officer-login")
    log_in(officer, base, OFFICER)
    assert officer.url == f"{base}/viec-can-lam"
    expect(officer.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    todo = main_text(officer)
    assert "Xã Đại Sơn" in todo and "hôm nay 15/06/2026" in todo
    card = officer.locator("li.card").filter(has=officer.get_by_role("link", name=REPORT, exact=True))
    expect(card).to_contain_text(f"Kỳ {PERIOD}")
    expect(card).to_contain_text("19/06/2026")
    expect(card).to_contain_text("còn 4 ngày làm việc")
    shots.take(officer, "officer-todo")
    _open_report_from_todo(officer)
    expect(officer.get_by_role("heading", name="Nộp báo cáo")).to_be_visible()
    shots.take(officer, "officer-obligation")
    first_receipt = _submit(officer, [first], "Bản có chữ ký số")
    page_text = main_text(officer)
    assert f"biên nhận cũng được gửi tới {OFFICER}" in page_text
    assert first_receipt in page_text and first.name in page_text
    assert "đã nộp đúng hạn" in page_text.casefold()
    shots.take(officer, "officer-submitted")

    # The reviewer opens 'Chờ tiếp nhận', opens the report and returns it with a reason.
    log_in(reviewer, base, REVIEWER)
    assert reviewer.url == f"{base}/cho-tiep-nhan"
    row = reviewer.locator("tbody tr").filter(has_text="Xã Đại Sơn")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(PERIOD)
    expect(row).to_contain_text("15/06/2026")
    shots.take(reviewer, "reviewer-queue")
    with reviewer.expect_navigation():
        row.get_by_role("link", name=REPORT, exact=True).click()
    expect(reviewer.locator("main")).to_contain_text(first_receipt)
    expect(reviewer.get_by_role("link", name=first.name)).to_be_visible()
    shots.take(reviewer, "reviewer-obligation")
    reviewer.get_by_label("Lý do trả lại").fill(REASON)
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Trả lại", exact=True).click()
    expect(reviewer.get_by_role("status")).to_have_text("Đã trả lại báo cáo; đơn vị được báo lý do.")
    shots.take(reviewer, "reviewer-returned")

    # The officer reads the reason on 'Việc cần làm' and on the report's page, and submits again.
    officer.goto(f"{base}/viec-can-lam")
    card = officer.locator("li.card").filter(has=officer.get_by_role("link", name=REPORT, exact=True))
    expect(card).to_contain_text(f"Bị trả lại: {REASON}")
    expect(card.locator(".badge")).to_have_text("trả lại, còn 4 ngày làm việc")
    shots.take(officer, "officer-todo-returned")
    _open_report_from_todo(officer)
    expect(officer.locator("dd.reason")).to_have_text(REASON)
    expect(officer.get_by_role("heading", name="Nộp lại báo cáo")).to_be_visible()
    shots.take(officer, "officer-reason")
    second_receipt = _submit(officer, [first, appendix], "Đã bổ sung phụ lục")
    assert second_receipt != first_receipt
    assert appendix.name in main_text(officer)
    shots.take(officer, "officer-resubmitted")

    # Another commune submits too, so the reviewer accepts several at once.
    other_officer = new_context(PHONE).new_page()
    log_in(other_officer, base, OTHER_OFFICER)
    _open_report_from_todo(other_officer)
    _submit(other_officer, [other], "")
    shots.take(other_officer, "other-officer-submitted")

    reviewer.goto(f"{base}/cho-tiep-nhan")
    rows = reviewer.locator("tbody tr")
    expect(rows).to_have_count(2)
    reviewer.get_by_label("Chọn tất cả").check()
    for box in reviewer.locator("input[name=ids]").all():
        expect(box).to_be_checked()
    shots.take(reviewer, "reviewer-select-all")
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Tiếp nhận các báo cáo đã chọn").first.click()
    expect(reviewer.get_by_role("status")).to_have_text("Đã tiếp nhận 2 báo cáo.")
    expect(reviewer.locator("main")).to_contain_text("Không có báo cáo nào chờ tiếp nhận.")
    shots.take(reviewer, "reviewer-accepted")

    # The officer sees it accepted, the return and its reason kept in the history.
    officer.goto(officer.url.split("?")[0])  # the page itself, without the notice of the last submission
    expect(officer.locator("main dl")).to_contain_text("đã tiếp nhận")
    history = officer.locator("ol.history:not(.messages)")
    expect(history).to_contain_text("trả lại")
    expect(history).to_contain_text(REASON)
    shots.take(officer, "officer-accepted")
    mails = _mails_to(live_server.home / "outbox", OFFICER)  # the receipts went out by e-mail too
    for receipt in (first_receipt, second_receipt):
        assert any(receipt in subject and receipt in body for subject, body in mails), (receipt, mails)

    # The supervisor sees the two communes counted: sent, on time, and the rates moved.
    supervisor.reload()
    after = _rates(supervisor)
    assert after["Phải nộp"] == before["Phải nộp"]
    assert (after["Đã nộp"], after["Đúng hạn"]) == ("2", "2")
    assert after["Tỷ lệ nộp"] == after["Tỷ lệ đúng hạn"] == _percent(2, expected) != before["Tỷ lệ nộp"]
    expect(supervisor.locator("figure.chart svg")).to_be_visible()
    shots.take(supervisor, "supervisor-rates-after")
