"""The regime, the Action Month and the API in a real browser against `dunghan serve`: a broken
correction of a pack shows its errors at their lines and columns and changes nothing; a plan of a
pack not yet planned, previewed then applied, reaches a department's officer; an activity entered
by a commune's officer shows on the province's campaign page, whose totals are the ones
`dunghan rollup … --format json` prints; a commune's API key, made on 'Mã API', reads its own
obligation and not another commune's (404). Every step is a screenshot in
test-artifacts/screenshots/. (A contacts file with one bad row: tests/web/test_browser_admin.py.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import Engine, text

from app.activities import record_entry
from app.campaigns import choose_campaign
from rules.activity import ActivityEntry
from rules.numbers import vn_number
from tests.models.factory import at
from tests.web import conftest_browser
from tests.web.browser import DESKTOP, PHONE, ROOT, LiveServer, Shots, log_in, main_text, serve
from tests.web.conftest import obligation_id

# The browser fixtures, taken by name.
chromium_browser = conftest_browser.chromium_browser
new_context = conftest_browser.new_context
live_server = conftest_browser.live_server
shots = conftest_browser.shots

Contexts = Callable[[dict[str, int]], BrowserContext]

ADMIN = "quantri.24@tinh.example"  # the admin of Bắc Ninh
SUPERVISOR = "lanhdao.24@tinh.example"
OFFICER = "canbo.07627@xa.example"  # Xã Đại Sơn, Bắc Ninh
NEIGHBOUR = "07615"  # another commune of Bắc Ninh
FAR_COMMUNE = "00004"  # a commune of Hà Nội
DEPARTMENT_OFFICER = "canbo.24-STP@so.example"  # Sở Tư pháp tỉnh Bắc Ninh
FAR_DEPARTMENT_OFFICER = "canbo.01-STP@so.example"  # Sở Tư pháp of Hà Nội
SHIPPED = ROOT / "rules" / "packs" / "hai-cap-2026.yaml"
IN_THE_MONTH = "2026-12-01T08:00"  # inside the 2026 Action Month (15/11–15/12)

# The yearly budget plan: shipped, not planned in the web workspace (only hai-cap-2026 is), asked
# of the province's departments and organisations, its deadline a parameter the admin must give.
BUDGET_PACK = "ke-hoach-kinh-phi"
BUDGET_DUE = "Hạn gửi kế hoạch và dự toán kinh phí theo lịch xây dựng dự toán ngân sách của tỉnh"  # its description
BUDGET_REPORT = "ke-hoach-kinh-phi-nam-sau"
BUDGET_REPORT_NAME = "Kế hoạch hoạt động và dự toán kinh phí bình đẳng giới, vì sự tiến bộ phụ nữ năm sau"
BUDGET_PARAM = "Hạn gửi kế hoạch và dự toán kinh phí theo lịch xây dựng dự toán ngân sách của tỉnh"

# The tiles of the campaign page (their ids) and the roll-up's figures they show.
TILES = (
    ("so-hoat-dong", "activities"),
    ("nguoi-tham-gia", "participants"),
    ("nam", "male"),
    ("nu", "female"),
    ("san-pham", "media_total"),
    ("kinh-phi", "budget"),
)
ACTIVITY = "Tập huấn kỹ năng phòng, chống bạo lực gia đình cho tổ hòa giải thôn"


# --- helpers ---------------------------------------------------------------------------------


def _count(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as c:
        return int(c.execute(text(sql), params).scalar_one())


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (none if it does not exist), by its path inside it."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _where(content: str, file_name: str, line: str, word: str) -> str:
    """'file:line:column' of ``word`` on the first line of ``content`` that reads ``line``, both
    counted from 1 as the checker writes them."""
    return f"{file_name}:{content.splitlines().index(line) + 1}:{line.index(word) + 1}"


def _upload_pack(page: Page, path: Path) -> None:
    page.get_by_label("Tệp gói quy định", exact=False).set_input_files(path)
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra và tải lên").click()


def _findings(page: Page) -> dict[str, str]:
    """The checker's findings on the packs page: location → what it says."""
    return {
        row.locator("td.where").inner_text().strip(): " ".join(row.locator("td.message").inner_text().split())
        for row in page.locator("#ket-qua-kiem-tra tbody tr").all()
    }


def _dunghan_json(server: LiveServer, *args: str) -> Any:
    """What a `dunghan` command prints as JSON, run on the server's database and data folder."""
    done = server.dunghan(*args)
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)


def _cells(page: Page, row_selector: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(row_selector).locator("th, td").all_inner_texts()]


def _coverage(row: dict[str, Any]) -> list[str]:
    """A roll-up's units expected, units that logged and their rate, as the campaign page writes them."""
    rate = "—" if row["coverage"] is None else f"{vn_number(row['coverage'], 1)}%"
    return [vn_number(row["expected"], 0), vn_number(row["logged"], 0), rate]


def _figures(row: dict[str, Any]) -> list[str]:
    """A roll-up's figures in the columns of the campaign page's tables, written the Vietnamese way."""
    keys = ("activities", "male", "female", "participants", "media_total", "budget")
    return [vn_number(row[k], 0) for k in keys]


@pytest.fixture
def month_server(web_engine: Engine, tmp_path: Path) -> Iterator[LiveServer]:
    """`dunghan serve` on the test's copy of the web workspace, its clock starting inside the 2026
    Action Month (live_server's clock starts on 15/06/2026, before the month)."""
    with serve(web_engine.url.render_as_string(hide_password=False), tmp_path / "home", at=IN_THE_MONTH) as server:
        yield server


# --- 1. a broken pack --------------------------------------------------------------------------


def test_a_broken_correction_of_a_pack_shows_its_errors_and_changes_nothing(
    new_context: Contexts, live_server: LiveServer, shots: Shots, tmp_path: Path
) -> None:
    stored = live_server.home / "packs"
    shipped = SHIPPED.read_text(encoding="utf-8")
    page = new_context(DESKTOP).new_page()
    log_in(page, live_server.url, ADMIN)
    with page.expect_navigation():
        page.get_by_role("link", name="Quản trị", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Gói quy định", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gói quy định")
    expect(page.locator("table.packs tbody tr").filter(has_text="hai-cap-2026")).to_contain_text("2026.1")
    shots.take(page, "packs")

    # A correction of the shipped two-tier pack (a higher version) is checked and stored.
    corrected = tmp_path / "may-quan-tri" / "hai-cap-2026.yaml"
    corrected.parent.mkdir()
    corrected.write_text(shipped.replace('version: "2026.1"', 'version: "2026.2"'), encoding="utf-8")
    _upload_pack(page, corrected)
    expect(page.get_by_role("status")).to_have_text(
        "Đã tải lên gói hai-cap-2026 phiên bản 2026.2, thay phiên bản 2026.1."
    )
    row = page.locator("table.packs tbody tr").filter(has_text="hai-cap-2026")
    expect(row).to_contain_text("2026.2")
    source = row.locator("td[data-label='Nguồn']")
    expect(source).to_contain_text("tải lên, thay bản có sẵn 2026.1")
    expect(source.locator(".code")).to_contain_text(f"{ADMIN}, 15/06/2026 09:")  # who, when
    shots.take(page, "correction-stored")
    page.goto(f"{live_server.url}/quan-tri/goi")
    listed = main_text(page)
    kept = _files(stored)
    assert list(kept) == ["hai-cap-2026.yaml"]

    # The next correction is broken: a misspelt key (so a report has lost its frequency) and a
    # way of sending no one knows. Each error is listed at its line and column; nothing changes.
    broken_text = (
        shipped.replace('version: "2026.1"', 'version: "2026.3"')
        .replace("    frequency: yearly", "    frequncy: yearly", 1)
        .replace("    method: [email, software]", "    method: [email, fax]", 1)
    )
    broken = corrected.with_name("hai-cap-2026-sua.yaml")
    broken.write_text(broken_text, encoding="utf-8")
    _upload_pack(page, broken)
    expect(page.get_by_role("alert")).to_have_text(
        "Gói chưa được tải lên: 3 lỗi trong tệp hai-cap-2026-sua.yaml. Sửa rồi tải lên lại."
    )
    result = page.locator("#ket-qua-kiem-tra")
    expect(result).to_contain_text("3 lỗi, 0 cảnh báo. Không có gì thay đổi")
    expect(result.locator("tbody .badge.do")).to_have_count(3)
    found = _findings(page)
    lost = _where(broken_text, broken.name, "  - id: bdg-nam", "id")
    misspelt = _where(broken_text, broken.name, "    frequncy: yearly", "frequncy")
    unknown = _where(broken_text, broken.name, "    method: [email, fax]", "fax")
    assert sorted(found) == sorted([lost, misspelt, unknown]), found
    assert found[lost] == "thiếu khóa 'frequency'" and found[misspelt] == "khóa 'frequncy' không hợp lệ"
    assert "'email'" in found[unknown] and "'software'" in found[unknown]
    shots.take(page, "broken-correction-refused")

    page.goto(f"{live_server.url}/quan-tri/goi")
    assert main_text(page) == listed  # the list of packs is what it was
    assert _files(stored) == kept  # the stored correction untouched, nothing put aside
    page.goto(f"{live_server.url}/quan-tri/chu-ky/lap")
    offered = page.get_by_label("Gói quy định").locator("option").all_inner_texts()
    assert any(o.endswith("(hai-cap-2026 2026.2)") for o in offered), offered
    assert not any("2026.3" in o for o in offered)
    page.get_by_label("Gói quy định").select_option("hai-cap-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Chọn gói").click()
    expect(page.locator("form.plan .hint").first).to_contain_text("Phiên bản 2026.2 ·")
    shots.take(page, "plans-use-the-stored-correction")


# --- 2. a plan previewed, then applied -------------------------------------------------------


def test_a_plan_previewed_then_applied_reaches_the_departments_officer(
    web_engine: Engine, new_context: Contexts, live_server: LiveServer, shots: Shots
) -> None:
    def planned() -> int:
        return _count(web_engine, "SELECT count(*) FROM obligation WHERE report_id = :r", r=BUDGET_REPORT)

    everything = _count(web_engine, "SELECT count(*) FROM obligation")
    assert planned() == 0  # the workspace has planned only the two-tier pack

    # The department's officer has nothing of it to do yet.
    officer = new_context(PHONE).new_page()
    log_in(officer, live_server.url, DEPARTMENT_OFFICER)
    expect(officer.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    expect(officer.locator("main")).not_to_contain_text(BUDGET_REPORT_NAME)
    shots.take(officer, "officer-todo-before")

    # The admin opens 'Chu kỳ báo cáo', chooses the pack, and fills in the form it declares.
    admin = new_context(DESKTOP).new_page()
    log_in(admin, live_server.url, ADMIN)
    admin.goto(f"{live_server.url}/quan-tri/chu-ky")
    expect(admin.locator("table.cycles tbody tr")).to_have_count(1)  # the two-tier pack's cycle
    shots.take(admin, "cycles-before")
    with admin.expect_navigation():
        admin.get_by_role("link", name="Lập kế hoạch mới").click()
    admin.get_by_label("Gói quy định").select_option(BUDGET_PACK)
    with admin.expect_navigation():
        admin.get_by_role("button", name="Chọn gói").click()
    plan = admin.locator("form.plan")
    expect(plan.get_by_role("heading", level=2)).to_contain_text("Xây dựng kế hoạch và bố trí kinh phí")
    expect(plan.locator("fieldset")).to_contain_text("budget_due (bắt buộc)")
    plan.get_by_label("Năm").select_option("2026")
    expect(plan.get_by_label("Mã đơn vị")).to_have_value("24")
    plan.get_by_label(BUDGET_PARAM, exact=False).fill("2026-07-20")
    shots.take(admin, "plan-form")

    with admin.expect_navigation():
        admin.get_by_role("button", name="Xem trước thay đổi").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Xem trước: Xây dựng kế hoạch")
    expect(admin.get_by_role("status")).to_contain_text("Chưa có gì được ghi.")
    sub = " ".join(admin.locator("p.sub").inner_text().split())
    assert f"năm 2026 · mã đơn vị 24 · {BUDGET_DUE}: 20/07/2026 · chu kỳ mới" in sub
    stats = admin.get_by_role("list", name="Tóm tắt")
    created = int(stats.locator("li").filter(has_text="mới").first.locator("b").inner_text())
    assert created > 5  # the departments and organisations of Bắc Ninh
    change = admin.locator("table.changes tbody tr")
    expect(change).to_have_count(1)
    expect(change).to_contain_text(BUDGET_REPORT_NAME)
    expect(change.locator("td[data-label='Hạn']")).to_have_text("20/07/2026")
    expect(change.locator("td[data-label='Số nghĩa vụ']")).to_have_text(str(created))
    expect(change).to_contain_text("Sở Tư pháp tỉnh Bắc Ninh")
    assert planned() == 0 and _count(web_engine, "SELECT count(*) FROM obligation") == everything
    shots.take(admin, "plan-preview")

    with admin.expect_navigation():
        admin.get_by_role("button", name=f"Áp dụng {created} thay đổi").click()
    expect(admin.get_by_role("status")).to_have_text(
        f"Đã lập kế hoạch {BUDGET_PACK} năm 2026 (24): {created} nghĩa vụ mới, 0 thay đổi, "
        "0 không còn yêu cầu, 0 yêu cầu trở lại, 0 giữ nguyên."
    )
    cycle = admin.locator("table.cycles tbody tr").filter(has_text=BUDGET_PACK)
    expect(cycle.locator("td[data-label='Nghĩa vụ']")).to_have_text(str(created))
    expect(cycle.locator("td[data-label='Tham số']")).to_have_text(f"{BUDGET_DUE}: 20/07/2026")
    shots.take(admin, "plan-applied")
    assert planned() == created
    assert _count(web_engine, "SELECT count(*) FROM obligation") == everything + created
    with web_engine.connect() as c:
        due = c.execute(
            text(
                "SELECT o.due_date FROM obligation o JOIN unit u ON u.id = o.unit_id "
                "WHERE u.code = '24-STP' AND u.valid_to IS NULL AND o.report_id = :r"
            ),
            {"r": BUDGET_REPORT},
        ).scalar_one()
    assert str(due)[:10] == "2026-07-20"

    # The department's officer now has it to do, due on the day the admin gave.
    officer.reload()
    card = officer.locator("li.card").filter(has=officer.get_by_role("link", name=BUDGET_REPORT_NAME))
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Hạn: 20/07/2026")
    expect(card).to_contain_text("Kỳ năm 2026")
    shots.take(officer, "officer-todo-after")
    # …and the same department in Hà Nội does not: the plan was for Bắc Ninh only.
    far = new_context(PHONE).new_page()
    log_in(far, live_server.url, FAR_DEPARTMENT_OFFICER)
    expect(far.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    expect(far.locator("main")).not_to_contain_text(BUDGET_REPORT_NAME)
    shots.take(far, "other-province-officer-todo")


# --- 4. an activity on the campaign page, totals as `dunghan rollup` ---------------------------


def test_an_officers_activity_shows_on_the_campaign_page_with_the_totals_of_dunghan_rollup(
    web_engine: Engine, new_context: Contexts, month_server: LiveServer, shots: Shots
) -> None:
    base = month_server.url
    # Two more logs, through the use case `dunghan activity add` calls: a department of Bắc Ninh,
    # and a commune of Hà Nội (which the Bắc Ninh page must not count).
    for unit, kind, title, male, female in (
        ("24-STP", "hoi-nghi", "Hội nghị phổ biến pháp luật về bình đẳng giới", 30, 45),
        (FAR_COMMUNE, "mit-tinh", "Mít tinh hưởng ứng Tháng hành động", 300, 400),
    ):
        entry = ActivityEntry(day=date(2026, 11, 25), activity_type=kind, title=title, male=male, female=female)
        record_entry(
            web_engine,
            unit,
            entry,
            chosen=choose_campaign(None, "thang-hanh-dong", 2026),
            year=2026,
            now=at(IN_THE_MONTH),
            actor="cli:test",
            source="cli",
            columns={},
        )

    # The commune's officer, on a phone, opens 'Tháng hành động' and enters an activity.
    officer = new_context(PHONE).new_page()
    log_in(officer, base, OFFICER)
    with officer.expect_navigation():
        officer.get_by_role("link", name="Tháng hành động", exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Hoạt động Tháng hành động 2026")
    expect(officer.locator("#danh-sach")).to_contain_text("Chưa có hoạt động nào.")
    form = officer.locator("form.activity")
    form.get_by_label("Ngày", exact=True).fill("2026-11-20")
    form.get_by_label("Loại hoạt động").select_option(label="Tập huấn, bồi dưỡng")
    form.get_by_label("Tên hoạt động").fill(ACTIVITY)
    form.get_by_label("Nam", exact=True).fill("14")
    form.get_by_label("Nữ", exact=True).fill("31")
    form.get_by_label("Tờ rơi, tài liệu, ấn phẩm").fill("60")
    form.get_by_label("Pano, áp phích, băng rôn, khẩu hiệu").fill("2")
    form.get_by_label("Kinh phí (đồng)").fill("2.500.000")
    form.get_by_label("Ghi chú").fill("Tổ chức tại nhà văn hóa thôn")
    shots.take(officer, "officer-activity-form")
    with officer.expect_navigation():
        form.get_by_role("button", name="Lưu hoạt động").click()
    expect(officer.get_by_role("status")).to_have_text("Đã thêm hoạt động.")
    log = officer.locator("#danh-sach li.log")
    expect(log).to_have_count(1)
    expect(log).to_contain_text(ACTIVITY)
    expect(log.locator(".figures")).to_have_text(
        "Người tham gia: 45 (nam 14, nữ 31) · Sản phẩm: 62 · Kinh phí: 2.500.000 đồng"
    )
    shots.take(officer, "officer-activity-saved")
    with web_engine.connect() as c:
        stored = c.execute(
            text(
                "SELECT a.title, a.participants_male, a.participants_female, a.participants_total, a.media_print, "
                "a.media_panel, a.budget_vnd, a.source, a.recorded_by FROM activity_log a "
                "JOIN unit u ON u.id = a.unit_id WHERE u.code = '07627'"
            )
        ).all()
    assert [tuple(r) for r in stored] == [(ACTIVITY, 14, 31, 45, 60, 2, 2_500_000, "web", f"web:{OFFICER}")]

    # The province's supervisor opens the campaign page: its figures are what `dunghan rollup`
    # prints for the same campaign, year and unit.
    supervisor = new_context(DESKTOP).new_page()
    log_in(supervisor, base, SUPERVISOR)
    with supervisor.expect_navigation():
        supervisor.get_by_role("link", name="Tháng hành động", exact=True).click()
    expect(supervisor.get_by_role("heading", level=1)).to_have_text("Tháng hành động năm 2026")
    rolled = _dunghan_json(
        month_server, "rollup", "thang-hanh-dong", "--year", "2026", "--under", "24", "--format", "json"
    )
    total = rolled["total"]
    assert (total["activities"], total["participants"], total["budget"]) == (2, 120, 2_500_000)  # not Hà Nội's
    for tile, key in TILES:
        expect(supervisor.locator(f"#{tile}")).to_have_text(vn_number(total[key], 0))
    expect(supervisor.locator("#da-bao-cao")).to_have_text(f"{rolled['logged']}/{rolled['expected']}")
    levels = supervisor.locator("#theo-cap tbody tr")
    expect(levels).to_have_count(len(rolled["levels"]) + 1)
    for index, level in enumerate(rolled["levels"]):
        cells = _cells(supervisor, f"#theo-cap tbody tr >> nth={index}")
        assert cells[1:] == _coverage(level) + _figures(level["total"]), (level["level"], cells)
    assert _cells(supervisor, "#theo-cap tbody tr.total")[1:] == _coverage(rolled) + _figures(total)
    for kind in rolled["types"]:
        cells = _cells(supervisor, f"#theo-loai tbody tr:has(th:text-is('{kind['name']}'))")
        assert cells[1:5] == [vn_number(kind[k], 0) for k in ("activities", "male", "female", "participants")]
    expect(supervisor.locator("main")).not_to_contain_text("Hà Nội")
    shots.take(supervisor, "supervisor-campaign-page")

    # The supervisor opens the commune from the list of units: its figures, as
    # `dunghan rollup --under 07627` gives them.
    mine = _dunghan_json(
        month_server, "rollup", "thang-hanh-dong", "--year", "2026", "--under", "07627", "--format", "json"
    )["total"]
    assert (mine["activities"], mine["participants"], mine["media_total"]) == (1, 45, 62)
    supervisor.locator("#don-vi summary").filter(has_text="Số liệu từng đơn vị").click()
    with supervisor.expect_navigation():
        supervisor.locator("#don-vi .units-table").get_by_role("link", name="Xã Đại Sơn", exact=True).click()
    expect(supervisor.get_by_role("navigation", name="Đơn vị cấp trên")).to_have_text("Tỉnh Bắc Ninh › Xã Đại Sơn")
    for tile, key in TILES:
        expect(supervisor.locator(f"#{tile}")).to_have_text(vn_number(mine[key], 0))
    expect(supervisor.locator("#da-bao-cao")).to_have_text("1/1")
    expect(supervisor.get_by_role("link", name="Hoạt động của Xã Đại Sơn")).to_be_visible()  # to read, not to write
    shots.take(supervisor, "supervisor-opens-the-commune")

    # The commune's own campaign page says the same.
    officer.goto(f"{base}/thang-hanh-dong")
    for tile, key in TILES:
        expect(officer.locator(f"#{tile}")).to_have_text(vn_number(mine[key], 0))
    expect(officer.get_by_role("link", name="Ghi hoạt động của đơn vị")).to_be_visible()
    shots.take(officer, "officer-campaign-page")


# --- 5. an API key of a commune --------------------------------------------------------------


def test_a_communes_api_key_reads_its_own_obligation_and_not_another_communes(
    web_engine: Engine, new_context: Contexts, live_server: LiveServer, shots: Shots
) -> None:
    page = new_context(DESKTOP).new_page()
    log_in(page, live_server.url, OFFICER)
    with page.expect_navigation():
        page.get_by_role("link", name="Mã API").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mã truy cập API")
    expect(page.locator("main")).to_contain_text("Bạn chưa có mã nào đang dùng.")
    shots.take(page, "tokens-none")
    page.get_by_label("Tên mã (chương trình nào dùng nó)").fill("Bảng tính của xã")
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo mã").click()
    made = page.locator("#ma-moi")
    expect(made.get_by_role("heading", level=2)).to_have_text("Mã mới: Bảng tính của xã")
    expect(made).to_contain_text("Mã chỉ hiện một lần")
    secret = made.get_by_label("Mã truy cập (chọn hết rồi sao chép)").input_value().strip()
    assert len(secret) >= 32
    shots.take(page, "token-made")
    with web_engine.connect() as c:
        kept = c.execute(text("SELECT name, token_sha256 FROM api_token")).all()
    assert [tuple(r) for r in kept] == [("Bảng tính của xã", hashlib.sha256(secret.encode()).hexdigest())]

    own, neighbour, far = (obligation_id(web_engine, code) for code in ("07627", NEIGHBOUR, FAR_COMMUNE))
    with httpx.Client(base_url=f"{live_server.url}/api/v1", headers={"Authorization": f"Bearer {secret}"}) as api:
        me = api.get("/me")
        assert me.status_code == 200 and me.json()["unit"]["code"] == "07627"
        mine = api.get(f"/obligations/{own}")
        assert mine.status_code == 200, mine.text
        assert (mine.json()["id"], mine.json()["unit_code"]) == (own, "07627")
        for other in (neighbour, far):
            refused = api.get(f"/obligations/{other}")
            assert refused.status_code == 404 and refused.json() == {"detail": "không tìm thấy"}, other
        listed = api.get("/obligations", params={"limit": 500}).json()
        assert listed["total"] > 0 and {o["unit_code"] for o in listed["items"]} == {"07627"}
        assert api.get("/obligations", params={"unit": NEIGHBOUR}).json()["total"] == 0

    # The page shows the key used; revoked there, it opens nothing more.
    page.goto(f"{live_server.url}/ma-api")
    row = page.locator("main table tbody tr").filter(has_text="Bảng tính của xã")
    expect(row.locator("td[data-label='Dùng lần cuối']")).to_contain_text("15/06/2026 09:")
    expect(page.locator("main")).not_to_contain_text(secret)  # shown once only
    shots.take(page, "token-used")
    with page.expect_navigation():
        row.get_by_role("button", name="Thu hồi").click()
    expect(page.get_by_role("status")).to_have_text("Đã thu hồi mã: chương trình dùng mã này không truy cập được nữa.")
    shots.take(page, "token-revoked")
    gone = httpx.get(f"{live_server.url}/api/v1/obligations/{own}", headers={"Authorization": f"Bearer {secret}"})
    assert gone.status_code == 401 and "Bearer" in gone.json()["detail"]
