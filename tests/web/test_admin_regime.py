"""An admin's regime pages through HTTP: rule packs (a broken upload refused with its lines and
columns, a corrected one in force, its dated deadlines), cycles (a preview that writes nothing,
then applied and on the officer's list; parameters as the pack declares them; only within the
admin's unit), the province dashboard (only the admin's province; not for officers)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, insert, text

from app.settings import get_settings
from models.planning import plan_cycle
from models.tables import Notice
from reports.trend_svg import TrendLine, TrendPoint, trend_chart
from rules.clock import fixed_clock
from rules.loader import calendar_for, shipped_packs
from tests.models.factory import at
from tests.web.conftest import NOW, csrf_of, log_in, obligation_id
from web.main import create_app

Client = Callable[..., TestClient]
ADMIN_24 = "quantri.24@tinh.example"
OFFICER_07627 = "canbo.07627@xa.example"
LATER = at("2026-06-24T09:00:00")  # the half-year report's first hop was due Friday 19/06/2026

PACK = """\
format: 1
id: thu-nghiem-2026
version: "{version}"
title: "Báo cáo thử nghiệm công tác bình đẳng giới cấp xã"
issuer: "Sở Nội vụ"
legal_basis:
  - "Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 quy định về chế độ báo cáo của cơ quan hành chính nhà nước"
valid_from: "2026-01-01"
reports:
  - id: xa-nam
    name: "Báo cáo thử nghiệm của cấp xã năm"
    kind: periodic
    content: "Kết quả công tác bình đẳng giới của xã trong năm"
    method: [email]
    frequency: yearly
    cutoff: decree09
    chain:
      - from: {{level: commune, types: [people_committee], name: "UBND các xã, phường"}}
        to: {{level: province, unit_type: standing_agency, name: "Sở Nội vụ"}}
        deadline: "{deadline}"
        assumed: "Giả định: hạn thử nghiệm, chờ văn bản."
"""
GOOD = PACK.format(version="2026.1", deadline="trước ngày 18/12")
# A misspelt key (line 15, column 5) leaves the report without its frequency (line 10, column 5),
# and a method no one knows (line 14, column 14).
BROKEN = GOOD.replace("    frequency: yearly", "    frequncy: yearly").replace("[email]", "[fax]")


@pytest.fixture
def client_at(web_engine: Engine) -> Iterator[Callable[..., TestClient]]:
    """``client_at(email, instant)``: a logged-in client of the pages, with the regime pages."""
    opened: list[TestClient] = []

    def make(email: str, instant: datetime = NOW) -> TestClient:
        app = create_app(web_engine, clock=fixed_clock(instant))
        client = TestClient(app)
        opened.append(client)
        return log_in(client, email)

    yield make
    for client in opened:
        client.close()


def _obligations(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM obligation")).scalar_one())


def _upload(client: TestClient, content: str, name: str = "thu-nghiem.yaml") -> Response:
    token = csrf_of(client.get("/quan-tri/goi").text)
    answer: Response = client.post(
        "/quan-tri/goi",
        data={"csrf": token},
        files={"tep": (name, content.encode("utf-8"), "application/yaml")},
    )
    return answer


def _form(client: TestClient, path: str, fields: dict[str, str]) -> Response:
    token = csrf_of(client.get("/quan-tri/chu-ky/lap").text)
    answer: Response = client.post(path, data={"csrf": token, **fields}, follow_redirects=False)
    return answer


def test_a_broken_pack_is_refused_with_its_lines_and_columns(client_at: Client, web_engine: Engine) -> None:
    admin = client_at(ADMIN_24)
    before = admin.get("/quan-tri/goi").text
    assert "thu-nghiem-2026" not in before
    refused = _upload(admin, BROKEN)
    assert refused.status_code == 400
    assert "Gói chưa được tải lên: 3 lỗi" in refused.text
    for where, what in (
        ("thu-nghiem.yaml:10:5", "missing key &#39;frequency&#39;"),
        ("thu-nghiem.yaml:14:14", "Input should be"),
        ("thu-nghiem.yaml:15:5", "unknown key &#39;frequncy&#39;"),
    ):
        assert where in refused.text and what in refused.text
    folder = get_settings().home / "packs"
    assert not folder.exists() or not any(folder.iterdir())  # nothing written, not even a temporary file
    after = admin.get("/quan-tri/goi").text
    assert "thu-nghiem-2026" not in after
    assert _rows(after) == _rows(before)
    # A deadline before Decree 09's default cut-off ends: the meaning checks of `dunghan rules check`
    # say so as a warning, which does not stop the upload.
    early = _upload(admin, PACK.format(version="2026.1", deadline="trước ngày 10/12"))
    assert early.status_code == 200, early.text
    assert "0 lỗi, 1 cảnh báo" in early.text
    assert "thu-nghiem.yaml:20:19" in early.text and "Decree 09&#39;s default data window" in early.text
    assert (folder / "thu-nghiem-2026.yaml").exists()


def _rows(page: str) -> list[str]:
    return re.findall(r'href="/quan-tri/goi/([^"]+)"', page)


def test_a_corrected_pack_is_in_force_with_its_deadlines(client_at: Client, web_engine: Engine) -> None:
    admin = client_at(ADMIN_24)
    stored = _upload(admin, GOOD)
    assert stored.status_code == 200, stored.text
    assert "Đã tải lên gói thu-nghiem-2026 phiên bản 2026.1." in stored.text
    assert "thu-nghiem-2026" in _rows(stored.text)
    assert (get_settings().home / "packs" / "thu-nghiem-2026.yaml").read_text(encoding="utf-8") == GOOD
    listed = admin.get("/quan-tri/goi").text
    assert "thu-nghiem-2026" in _rows(listed) and "quantri.24@tinh.example" in listed
    page = admin.get("/quan-tri/goi/thu-nghiem-2026", params={"nam": 2026})
    assert page.status_code == 200
    assert "Báo cáo thử nghiệm của cấp xã năm" in page.text
    assert "trước ngày 18/12" in page.text and "17/12/2026" in page.text
    assert "Giả định: hạn thử nghiệm, chờ văn bản." in page.text
    # The shipped pack's deadlines with their assumed notes and days off.
    shipped = admin.get("/quan-tri/goi/hai-cap-2026", params={"nam": 2026}).text
    assert "21/12/2026" in shipped and "lùi vì" in shipped  # "trước ngày 20/12": Saturday rolled to Monday
    assert "Giả định: 04 ngày làm việc sau khi chốt số liệu (14/6)." in shipped
    # The same id again needs a higher version; a higher one replaces the upload, the old kept aside.
    same = _upload(admin, GOOD.replace("Báo cáo thử nghiệm của cấp xã năm", "Tên khác"))
    assert same.status_code == 400 and "thu-nghiem.yaml:3:10" in same.text and "needs a higher version" in same.text
    newer = _upload(admin, PACK.format(version="2026.2", deadline="trước ngày 22/12"))
    assert newer.status_code == 200 and "thay phiên bản 2026.1" in newer.text
    assert list((get_settings().home / "packs" / "cu").glob("thu-nghiem-2026-2026.1-*.yaml"))
    # A shipped pack's id with a lower version is refused at its version's line and column.
    lower = (Path("rules/packs/hai-cap-2026.yaml")).read_text(encoding="utf-8").replace('"2026.1"', '"2025.9"')
    clash = _upload(admin, lower, "hai-cap.yaml")
    assert clash.status_code == 400 and "hai-cap.yaml:9:10" in clash.text and "a shipped pack" in clash.text


def test_a_plan_is_previewed_then_applied(client_at: Client, web_engine: Engine) -> None:
    admin = client_at(ADMIN_24)
    assert _upload(admin, GOOD).status_code == 200
    form = admin.get("/quan-tri/chu-ky/lap", params={"goi": "thu-nghiem-2026"})
    assert form.status_code == 200 and 'name="duoi" value="24"' in form.text
    before = _obligations(web_engine)
    fields = {"goi": "thu-nghiem-2026", "nam": "2026", "duoi": "24"}
    preview = _form(admin, "/quan-tri/chu-ky/xem-truoc", fields)
    assert preview.status_code == 200, preview.text
    assert _obligations(web_engine) == before  # nothing written
    created = int(re.search(r"<b>(\d+)</b> mới", preview.text)[1])  # type: ignore[index]
    assert created > 90  # one for every commune of Bắc Ninh
    assert "Chưa có gì được ghi" in preview.text and "17/12/2026" in preview.text
    assert "chu kỳ mới" in preview.text
    done = _form(admin, "/quan-tri/chu-ky/ap-dung", fields)
    assert done.status_code == 303
    assert _obligations(web_engine) == before + created
    listed = admin.get(done.headers["location"]).text
    assert f"{created} nghĩa vụ mới" in listed and "thu-nghiem-2026" in listed
    officer = client_at(OFFICER_07627)
    todo = officer.get("/viec-can-lam").text
    assert "Báo cáo thử nghiệm của cấp xã năm" in todo
    # A corrected version re-dates the same obligations: the preview says so, then applying does.
    assert _upload(admin, PACK.format(version="2026.2", deadline="trước ngày 22/12")).status_code == 200
    again = _form(admin, "/quan-tri/chu-ky/xem-truoc", fields)
    assert again.status_code == 200
    assert f"<b>{created}</b> thay đổi" in again.text and "<b>0</b> mới" in again.text
    assert "17/12/2026 → <b>21/12/2026</b>" in again.text  # 22/12 minus a day, Monday
    assert "lập lại chu kỳ đã có" in again.text
    assert _form(admin, "/quan-tri/chu-ky/ap-dung", fields).status_code == 303
    assert _obligations(web_engine) == before + created
    mine = obligation_id(web_engine, "07627", "xa-nam", "2026")
    with web_engine.connect() as c:
        due = c.execute(text("SELECT due_date FROM obligation WHERE id = :i"), {"i": mine}).scalar_one()
    assert str(due)[:10] == "2026-12-21"
    # The officer's page of the obligation reads the uploaded pack as it would a shipped one.
    page = officer.get(f"/nghia-vu/{mine}").text
    assert "Kết quả công tác bình đẳng giới của xã trong năm" in page
    assert "Nghị định số 09/2019/NĐ-CP" in page and "Báo cáo thử nghiệm công tác bình đẳng giới cấp xã" in page


def test_parameters_as_the_pack_declares_them(client_at: Client, web_engine: Engine) -> None:
    admin = client_at(ADMIN_24)
    before = _obligations(web_engine)
    unknown = _form(
        admin,
        "/quan-tri/chu-ky/xem-truoc",
        {"goi": "hai-cap-2026", "nam": "2026", "duoi": "24", "tham_so_khong_co": "2026-12-01"},
    )
    assert unknown.status_code == 400
    assert "khong_co" in unknown.text and "the pack declares: thang_hanh_dong_due" in unknown.text
    form = admin.get("/quan-tri/chu-ky/lap", params={"goi": "ke-hoach-kinh-phi", "nam": "2026"}).text
    assert 'name="tham_so_budget_due"' in form and "(bắt buộc)" in form
    missing = _form(admin, "/quan-tri/chu-ky/xem-truoc", {"goi": "ke-hoach-kinh-phi", "nam": "2026", "duoi": "24"})
    assert missing.status_code == 400
    assert "Required parameters missing: budget_due (Hạn gửi kế hoạch" in missing.text
    assert _obligations(web_engine) == before
    given = _form(
        admin,
        "/quan-tri/chu-ky/xem-truoc",
        {"goi": "ke-hoach-kinh-phi", "nam": "2026", "duoi": "24", "tham_so_budget_due": "2026-07-20"},
    )
    assert given.status_code == 200 and "20/07/2026" in given.text
    assert _obligations(web_engine) == before


def test_planning_stays_within_the_admins_unit(client_at: Client, web_engine: Engine) -> None:
    admin = client_at(ADMIN_24)
    assert _upload(admin, GOOD).status_code == 200
    before = _obligations(web_engine)
    wider = _form(admin, "/quan-tri/chu-ky/ap-dung", {"goi": "thu-nghiem-2026", "nam": "2026", "duoi": "01"})
    assert wider.status_code == 400 and "not under Tỉnh Bắc Ninh" in wider.text
    # The shipped pack was planned over both provinces: planning Bắc Ninh again would ask twice.
    twice = _form(admin, "/quan-tri/chu-ky/xem-truoc", {"goi": "hai-cap-2026", "nam": "2026", "duoi": "24"})
    assert twice.status_code == 400 and "is already planned for the scope «01,24»" in twice.text
    assert _obligations(web_engine) == before
    cycles = admin.get("/quan-tri/chu-ky").text
    assert "phạm vi «01,24» rộng hơn hoặc ngoài đơn vị của bạn" in cycles
    # A commune of the province is within it.
    commune = _form(admin, "/quan-tri/chu-ky/xem-truoc", {"goi": "thu-nghiem-2026", "nam": "2026", "duoi": "07627"})
    assert commune.status_code == 200 and "<b>1</b> mới" in commune.text


def test_only_admins(client_at: Client) -> None:
    officer = client_at(OFFICER_07627)
    for path in ("/quan-tri/goi", "/quan-tri/goi/hai-cap-2026", "/quan-tri/chu-ky", "/quan-tri/chu-ky/lap",
                 "/quan-tri/tong-quan"):  # fmt: skip
        assert officer.get(path).status_code == 403, path
    supervisor = client_at("lanhdao.24@tinh.example")
    assert supervisor.get("/quan-tri/tong-quan").status_code == 403
    token = csrf_of(officer.get("/viec-can-lam").text)
    refused = officer.post("/quan-tri/goi", data={"csrf": token}, files={"tep": ("a.yaml", GOOD.encode(), "text/yaml")})
    assert refused.status_code == 403
    assert not (get_settings().home / "packs").exists()
    admin = client_at(ADMIN_24)
    assert admin.post("/quan-tri/goi", files={"tep": ("a.yaml", GOOD.encode(), "text/yaml")}).status_code == 403


def _notice(engine: Engine, obligation: int, channel: str, sent: datetime, key: str) -> None:
    with engine.begin() as c:
        c.execute(
            insert(Notice).values(
                key=key,
                kind="reminder",
                obligation_id=obligation,
                recipient_role="focal_point",
                recipient_name="Cán bộ",
                channel=channel,
                address="a@b.example",
                template="reminder",
                subject="Nhắc hạn",
                body_text="Nhắc hạn",
                status="sent",
                created_at=sent,
                not_before=sent,
                sent_at=sent,
            )
        )


def test_the_dashboard_shows_only_the_admins_province(client_at: Client, web_engine: Engine) -> None:
    for n, (unit, channel) in enumerate(
        (("07627", "email"), ("07627", "zalo"), ("07615", "email"), ("00004", "email"))
    ):
        _notice(web_engine, obligation_id(web_engine, unit), channel, LATER - timedelta(days=1), f"k{n}")
    admin = client_at(ADMIN_24, LATER)
    page = admin.get("/quan-tri/tong-quan")
    assert page.status_code == 200
    assert "Tổng quan Tỉnh Bắc Ninh" in page.text
    assert "<svg" in page.text and "Báo cáo kết quả công tác bình đẳng giới" in page.text
    late = page.text[page.text.index('id="tre-nhieu"') : page.text.index('id="tin-nhac"')]
    codes = re.findall(r'<span class="code">([^<]+)</span>', late)
    assert len(codes) == 10 and all(c.startswith(("07", "24-")) for c in codes), codes
    assert "00004" not in late and "Hà Nội" not in page.text
    notices = page.text[page.text.index('id="tin-nhac"') :]
    day = f"{(LATER - timedelta(days=1)).date():%d/%m/%Y}"
    assert day in notices
    assert re.search(r"<tfoot>.*<b>3</b></td></tr></tfoot>", notices, re.S)  # Hà Nội's notice is not counted
    other = client_at("quantri.01@tinh.example", LATER).get("/quan-tri/tong-quan").text
    assert "Hà Nội" in other and codes[0] not in other


def test_a_preview_writes_nothing_and_says_what_planning_does(web_engine: Engine) -> None:
    pack = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
    calendar = calendar_for(pack)
    moved = {"thang_hanh_dong_due": date(2026, 12, 24)}
    kwargs = {"params": moved, "scope": ["01", "24"], "now": LATER, "actor": "test"}
    before = _obligations(web_engine)
    with web_engine.connect() as c:
        events = c.execute(text("SELECT count(*) FROM auditevent")).scalar_one()
    seen = plan_cycle(web_engine, pack, 2026, calendar, preview=True, **kwargs)  # type: ignore[arg-type]
    assert seen.preview and seen.updated > 0 and seen.created == 0
    assert {c.kind for c in seen.changes} == {"updated"} and len(seen.changes) == seen.updated
    assert {c.report_id for c in seen.changes} == {"thang-hanh-dong"}
    assert {c.due_after for c in seen.changes if c.hop == 1} == {date(2026, 12, 24)}
    with web_engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM auditevent")).scalar_one() == events
    assert _obligations(web_engine) == before
    done = plan_cycle(web_engine, pack, 2026, calendar, **kwargs)  # type: ignore[arg-type]
    assert (done.created, done.updated, done.retired, done.reinstated, done.unchanged) == (
        seen.created,
        seen.updated,
        seen.retired,
        seen.reinstated,
        seen.unchanged,
    )
    assert not done.preview and done.changes == ()


def test_the_trend_chart() -> None:
    lines = [
        TrendLine("Cấp xã – tỷ lệ nộp", [TrendPoint(50.0, "1/2"), None, TrendPoint(100.0)]),
        TrendLine("Cấp xã – tỷ lệ đúng hạn", [TrendPoint(12.5), TrendPoint(25.0), None], dashed=True),
    ]
    svg = trend_chart(["6 tháng đầu\n2025", "cả năm\n2025", "6 tháng đầu\n2026"], lines, title="Xu hướng <x>")
    assert svg == trend_chart(["6 tháng đầu\n2025", "cả năm\n2025", "6 tháng đầu\n2026"], lines, title="Xu hướng <x>")
    assert svg.startswith("<svg") and '<title id="trend-title">Xu hướng &lt;x&gt;</title>' in svg
    assert "Cấp xã – tỷ lệ nộp, 6 tháng đầu 2025: 50% (1/2)" in svg
    assert "Cấp xã – tỷ lệ đúng hạn, cả năm 2025: 25%" in svg
    assert svg.count("<circle") == 4 and 'stroke-dasharray="6 4"' in svg
    # A gap breaks the line: one segment per line here.
    assert svg.count('stroke-width="2.5"') == 1
