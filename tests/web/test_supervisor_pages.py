"""A supervisor's pages through HTTP: the overdue list (scope, filters, sort, pages, XLSX), the
rates with their chart, a unit's page and the way there by code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from io import BytesIO
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from models.obligations import submit
from reports.rates_svg import rates_chart
from rules.clock import fixed_clock
from rules.loader import calendar_for
from tests.models.factory import at
from tests.web.conftest import log_in, obligation_id
from web.main import create_app

Client = Callable[..., TestClient]
LATER = at("2026-06-24T09:00:00")  # the half-year report's first hop was due Friday 19/06/2026
SUPERVISOR_24 = "lanhdao.24@tinh.example"
HEADINGS = [
    "Tình trạng",
    "Đơn vị",
    "Cấp",
    "Báo cáo",
    "Kỳ báo cáo",
    "Hạn nộp",
    "Số ngày làm việc đã quá hạn",
    "Số ngày làm việc còn lại đến hạn",
    "Trạng thái",
    "Đã gia hạn",
    "Cán bộ đầu mối",
    "Thủ trưởng",
    "Nơi nhận",
    "Mã đơn vị",
    "Văn bản ghi",
    "Thư điện tử đầu mối",
    "Thư điện tử thủ trưởng",
    "Số nghĩa vụ",
]


@pytest.fixture
def client_at(web_engine: Engine) -> Iterator[Callable[[str, datetime], TestClient]]:
    """``client_at(email, instant)``: a logged-in client of the pages whose clock stands at ``instant``."""
    opened: list[TestClient] = []

    def make(email: str, instant: datetime = LATER) -> TestClient:
        client = TestClient(create_app(web_engine, clock=fixed_clock(instant)))
        opened.append(client)
        return log_in(client, email)

    yield make
    for client in opened:
        client.close()


def unit_id(engine: Engine, code: str) -> int:
    with engine.connect() as c:
        return int(
            c.execute(text("SELECT id FROM unit WHERE code = :c AND valid_to IS NULL"), {"c": code}).scalar_one()
        )


def path_of(engine: Engine, code: str) -> str:
    with engine.connect() as c:
        return str(
            c.execute(text("SELECT path FROM unit WHERE code = :c AND valid_to IS NULL"), {"c": code}).scalar_one()
        )


def open_under(engine: Engine, province: str, *, due_before: str) -> list[tuple[str, str]]:
    """(unit code, unit name) of the open obligations of a province's subtree due before a day."""
    path = path_of(engine, province)
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT u.code, u.name, o.due_date FROM obligation o JOIN unit u ON u.id = o.unit_id "
                "WHERE u.path LIKE :p AND o.state IN ('pending', 'returned') AND o.retired = :no"
            ),
            {"p": f"{path}%", "no": False},
        ).all()
    return [(r[0], r[1]) for r in rows if str(r[2]) < due_before]


def sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    """The list's heading row and its rows (below the title block: title, unit, counts)."""
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    first = next(i for i, row in enumerate(rows) if row and row[0] == "Tình trạng")
    return [tuple(row) for row in rows[first:]]


def count_of(page_text: str) -> int:
    found = re.search(r"Tìm thấy <b>(\d+)</b>", page_text)
    assert found, page_text
    return int(found[1])


def body_rows(page_text: str) -> list[str]:
    return re.findall(r'<tr class="(?:do|vang|xam|xanh|cam)">(.*?)</tr>', page_text, re.S)


def test_overdue_shows_the_supervisors_province_only(web_engine: Engine, client_at: Client) -> None:
    supervisor = client_at(SUPERVISOR_24)
    page = supervisor.get("/qua-han")
    assert page.status_code == 200, page.text
    # Late at 24/06: the half-year report of every unit of 24 (due 19/06); the second hop (due
    # 29/06, within three working days) is due soon. Nothing of Hà Nội (01).
    expected = open_under(web_engine, "24", due_before="2026-06-30")
    assert count_of(page.text) == len(expected) > 100
    assert "Xã Đại Sơn" in page.text and "quá hạn 3 ngày làm việc" in page.text
    hanoi = {code for code, _ in open_under(web_engine, "01", due_before="2026-06-30")}
    assert hanoi and not any(f'<span class="code">{code}</span>' in page.text for code in hanoi)
    assert "Hà Nội" not in page.text

    book = supervisor.get("/qua-han.xlsx")
    assert book.status_code == 200
    assert book.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in book.headers["content-disposition"]
    rows = sheet_rows(book.content)
    assert list(rows[0]) == HEADINGS
    assert len(rows) - 1 == len(expected)  # every row, not one page
    assert {r[13] for r in rows[1:]} == {code for code, _ in expected}
    assert not {r[13] for r in rows[1:]} & hanoi
    daison = next(r for r in rows[1:] if r[13] == "07627" and r[0] == "quá hạn")
    assert daison[1] == "Xã Đại Sơn" and daison[2] == "cấp xã" and daison[4] == "6 tháng đầu năm 2026"
    assert isinstance(daison[5], datetime) and daison[5].date().isoformat() == "2026-06-19"
    assert daison[6] == 3 and daison[7] is None
    assert daison[8] == "chưa nộp" and daison[17] == obligation_id(web_engine, "07627")


@pytest.mark.parametrize("email", ["canbo.07627@xa.example", "tiepnhan.24@snv.example"])
def test_officers_and_reviewers_may_not_open_the_supervisors_lists(client_at: Client, email: str) -> None:
    client = client_at(email)
    for path in ("/qua-han", "/qua-han.xlsx", "/ty-le"):
        refused = client.get(path)
        assert refused.status_code == 403, path
        assert "Không được phép" in refused.text


def test_overdue_filters(web_engine: Engine, client_at: Client) -> None:
    supervisor = client_at(SUPERVISOR_24)
    communes = supervisor.get("/qua-han.xlsx", params={"cap": "commune"})
    levels = {r[2] for r in sheet_rows(communes.content)[1:]}
    assert levels == {"cấp xã"}
    named = supervisor.get("/qua-han", params={"don_vi": "dai son"})  # no case, no diacritics
    assert count_of(named.text) == 1 and "Xã Đại Sơn" in named.text
    by_code = supervisor.get("/qua-han", params={"don_vi": "07627"})
    assert count_of(by_code.text) == 1
    soon = supervisor.get("/qua-han.xlsx", params={"tinh_trang": "sap-den-han"})
    soon_rows = sheet_rows(soon.content)[1:]
    assert soon_rows and {r[0] for r in soon_rows} == {"sắp đến hạn"} and all(r[7] is not None for r in soon_rows)
    late = supervisor.get("/qua-han", params={"tinh_trang": "qua-han"})
    assert count_of(late.text) == count_of(supervisor.get("/qua-han").text) - len(soon_rows)
    none = supervisor.get("/qua-han", params={"ky": "2026", "cap": "commune"})  # yearly reports: due in December
    assert count_of(none.text) == 0 and "Không có báo cáo nào" in none.text
    report = supervisor.get("/qua-han", params={"bao_cao": "bdg-6-thang", "ky": "2026-H1"})
    assert count_of(report.text) == count_of(supervisor.get("/qua-han").text)
    # The form keeps what was chosen, and the download carries the same filters.
    assert '<option value="commune" selected>' in supervisor.get("/qua-han", params={"cap": "commune"}).text
    assert 'href="/qua-han.xlsx?don_vi=dai+son"' in named.text


def test_overdue_sorts(client_at: Client) -> None:
    supervisor = client_at(SUPERVISOR_24)

    def names(**params: str) -> list[str]:
        return [str(r[1]) for r in sheet_rows(supervisor.get("/qua-han.xlsx", params=params).content)[1:]]

    by_due = sheet_rows(supervisor.get("/qua-han.xlsx").content)[1:]
    assert [r[5] for r in by_due] == sorted(r[5] for r in by_due)  # type: ignore[type-var]
    late_first = sheet_rows(supervisor.get("/qua-han.xlsx", params={"sap_xep": "tre", "chieu": "giam"}).content)[1:]
    assert late_first[0][0] == "quá hạn" and late_first[-1][0] == "sắp đến hạn"
    ascending = names(sap_xep="don-vi", cap="commune", tinh_trang="qua-han")
    descending = names(sap_xep="don-vi", chieu="giam", cap="commune", tinh_trang="qua-han")
    assert descending == ascending[::-1] and ascending[0] != ascending[-1]
    assert ascending.index("Xã An Lạc") < ascending.index("Xã Đại Sơn") < ascending.index("Xã Yên Định")
    # A heading links to its sort, and once sorted by it, to the other way round.
    page = supervisor.get("/qua-han", params={"sap_xep": "don-vi"})
    assert 'aria-sort="ascending"' in page.text
    assert 'href="/qua-han?sap_xep=don-vi&amp;chieu=giam"' in page.text
    assert 'href="/qua-han?sap_xep=tre&amp;chieu=giam"' in page.text  # lateness: the most late first


def test_overdue_pages_of_a_hundred(web_engine: Engine, client_at: Client) -> None:
    supervisor = client_at(SUPERVISOR_24)
    total = len(open_under(web_engine, "24", due_before="2026-06-30"))
    first = supervisor.get("/qua-han")
    assert len(body_rows(first.text)) == 100
    assert "dòng 1–100" in first.text and 'href="/qua-han?trang=2"' in first.text
    second = supervisor.get("/qua-han", params={"trang": 2})
    assert len(body_rows(second.text)) == total - 100
    assert f"dòng 101–{total}" in second.text and '<span aria-current="page">2</span>' in second.text
    beyond = supervisor.get("/qua-han", params={"trang": 99})  # past the last: the last
    assert '<span aria-current="page">2</span>' in beyond.text
    # Sorting a page keeps the filters and starts again at the first page.
    filtered = supervisor.get("/qua-han", params={"cap": "commune", "trang": 2})
    assert 'href="/qua-han?cap=commune&amp;sap_xep=don-vi"' in filtered.text


def test_overdue_rows_link_to_the_obligation_and_the_unit(web_engine: Engine, client_at: Client) -> None:
    supervisor = client_at(SUPERVISOR_24)
    page = supervisor.get("/qua-han", params={"don_vi": "07627", "tinh_trang": "qua-han"})
    oid, uid = obligation_id(web_engine, "07627"), unit_id(web_engine, "07627")
    assert f'href="/nghia-vu/{oid}"' in page.text and f'href="/don-vi/{uid}"' in page.text
    assert supervisor.get(f"/nghia-vu/{oid}").status_code == 200
    # htmx swaps the list only: the form and the sort links ask for it, and the address follows.
    assert 'hx-select="#qua-han"' in page.text and 'hx-boost="true"' in page.text
    swapped = supervisor.get("/qua-han", params={"cap": "commune"}, headers={"HX-Request": "true"})
    assert swapped.status_code == 200 and 'id="qua-han"' in swapped.text


def test_rates_with_their_chart(web_engine: Engine, client_at: Client) -> None:
    calendar = calendar_for()
    with web_engine.connect() as c:
        communes = [
            r[0]
            for r in c.execute(
                text(
                    "SELECT u.code FROM obligation o JOIN unit u ON u.id = o.unit_id WHERE u.path LIKE :p "
                    "AND o.unit_level = 'commune' AND o.report_id = 'bdg-6-thang' AND o.period = '2026-H1'"
                ),
                {"p": f"{path_of(web_engine, '24')}%"},
            )
        ]
    expected = len(communes)
    for n, code in enumerate(sorted(communes)[:5]):
        # four on time (by Friday 19/06), the fifth late (Monday 22/06)
        when = at("2026-06-18T10:00:00") if n < 4 else at("2026-06-22T10:00:00")
        submit(web_engine, obligation_id(web_engine, code), at=when, actor="test", calendar=calendar)
    supervisor = client_at(SUPERVISOR_24)
    page = supervisor.get("/ty-le", params={"bao_cao": "bdg-6-thang", "cap": "commune"})
    assert page.status_code == 200
    reporting = f"{round(100 * 5 / expected, 1)}".replace(".", ",").removesuffix(",0") + "%"
    timely = f"{round(100 * 4 / expected, 1)}".replace(".", ",").removesuffix(",0") + "%"
    assert reporting == "5,1%"  # 5 of the 99 communes of Bắc Ninh
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert 'role="img"' in svg and '<title id="ty-le-title">' in svg and "<script" not in svg
    assert f"Tỷ lệ nộp: {reporting} (5/{expected} đơn vị)" in svg
    assert f"Tỷ lệ đúng hạn: {timely} (4/{expected} đơn vị)" in svg
    assert f"<b>{reporting}</b>" in page.text and f"<b>{timely}</b>" in page.text
    # The whole year by default (this year); Hà Nội's communes are not counted.
    whole = supervisor.get("/ty-le")
    assert "Tỷ lệ báo cáo năm 2026" in whole.text and "Thành phố Hà Nội" not in whole.text
    assert f'<td data-label="Phải nộp" class="num">{expected}</td>' in whole.text
    assert "Không có báo cáo nào" in supervisor.get("/ty-le", params={"nam": 2031}).text


def test_the_chart_writes_percentages_the_vietnamese_way() -> None:
    def row(label: str, expected: int, submitted: int, on_time: int) -> SimpleNamespace:
        return SimpleNamespace(
            label=label,
            expected=expected,
            submitted=submitted,
            on_time=on_time,
            reporting_rate=round(100 * submitted / expected, 1),
            timeliness_rate=round(100 * on_time / expected, 1),
        )

    rows = [row("Cấp xã · năm 2026", 8, 1, 0), row("Cấp tỉnh <Sở>", 3, 3, 3)]
    svg = rates_chart(rows, title="Tỷ lệ & số liệu")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>Tỷ lệ nộp: 12,5% (1/8 đơn vị)</title>" in svg and ">12,5%</text>" in svg
    assert "<title>Tỷ lệ đúng hạn: 100% (3/3 đơn vị)</title>" in svg
    assert "Cấp tỉnh &lt;Sở&gt;" in svg and "Tỷ lệ &amp; số liệu" in svg  # text escaped
    assert rates_chart(rows) == rates_chart(rows)
    assert "Không có số liệu" in rates_chart([])


def test_a_units_page(web_engine: Engine, client_at: Client) -> None:
    calendar = calendar_for()
    submit(web_engine, obligation_id(web_engine, "07627"), at=at("2026-06-22T10:00:00"), actor="x", calendar=calendar)
    supervisor = client_at(SUPERVISOR_24)
    province = supervisor.get(f"/don-vi/{unit_id(web_engine, '24')}")
    assert province.status_code == 200 and "Tỉnh Bắc Ninh" in province.text
    commune_id = unit_id(web_engine, "07627")
    assert f'href="/don-vi/{commune_id}">Xã Đại Sơn</a>' in province.text  # down the tree
    assert f'href="/don-vi/{unit_id(web_engine, "24-STP")}"' in province.text
    commune = supervisor.get(f"/don-vi/{commune_id}")
    assert commune.status_code == 200 and f'href="/don-vi/{unit_id(web_engine, "24")}"' in commune.text  # back up
    history = re.search(r"<td data-label=\"Kỳ\">6 tháng đầu năm 2026</td>(.*?)</tr>", commune.text, re.S)
    assert history, commune.text
    cells = re.findall(r'data-label="([^"]+)" class="num">(.*?)</td>', history[1])
    assert dict(cells)["Trễ hạn"] == '<span class="badge cam">1</span>' and dict(cells)["Đúng hạn"] == "0"
    assert "nộp báo cáo" in commune.text and "Báo cáo kết quả công tác bình đẳng giới" in commune.text
    # Out of the supervisor's province: not there.
    assert supervisor.get(f"/don-vi/{unit_id(web_engine, '01')}").status_code == 404
    assert supervisor.get(f"/don-vi/{unit_id(web_engine, '00004')}").status_code == 404
    assert supervisor.get("/don-vi/999999").status_code == 404
    # An officer opens their own unit's page, no other.
    officer = client_at("canbo.07627@xa.example")
    assert officer.get(f"/don-vi/{commune_id}").status_code == 200
    assert officer.get(f"/don-vi/{unit_id(web_engine, '24')}").status_code == 404


def test_a_code_leads_to_its_units_page(web_engine: Engine, client_at: Client) -> None:
    supervisor = client_at(SUPERVISOR_24)
    found = supervisor.get("/tong-hop/07627", follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/don-vi/{unit_id(web_engine, '07627')}"
    assert supervisor.get("/tong-hop/24", follow_redirects=False).status_code == 303
    assert supervisor.get("/tong-hop/01", follow_redirects=False).status_code == 404
    assert supervisor.get("/tong-hop/00004", follow_redirects=False).status_code == 404
    assert supervisor.get("/tong-hop/99999", follow_redirects=False).status_code == 404
    hanoi = client_at("lanhdao.01@tinh.example")
    assert (
        hanoi.get("/tong-hop/01", follow_redirects=False).headers["location"] == f"/don-vi/{unit_id(web_engine, '01')}"
    )


@pytest.mark.parametrize("descending", [False, True])
def test_the_database_pages_the_list_as_every_row_would(web_engine: Engine, descending: bool) -> None:
    """Sorted by due day, the overdue page is read by the database alone; each of its pages, with
    each filter, holds exactly the rows the whole list sorted here would put there."""
    from app import supervision
    from app.users import SessionUser
    from app.worklist import viewer_for

    with web_engine.connect() as c:
        user_id, unit_id = c.execute(
            text("SELECT id, unit_id FROM app_user WHERE email = 'lanhdao.24@tinh.example'")
        ).one()
    viewer = viewer_for(web_engine, SessionUser(0, user_id, "lanhdao.24@tinh.example", "x", "supervisor", unit_id, ""))
    now = at("2026-12-23T09:00:00")  # the half-year, yearly and Action Month reports all overdue
    for wanted in (
        supervision.OverdueFilter(descending=descending),
        supervision.OverdueFilter(level="commune", descending=descending),
        supervision.OverdueFilter(status="qua-han", period="2026", descending=descending),
        supervision.OverdueFilter(status="sap-den-han", descending=descending),
    ):
        every = supervision.overdue_rows(web_engine, viewer, at=now, wanted=wanted, contacts=False)
        assert wanted.status == "sap-den-han" or len(every) > supervision.PAGE_SIZE
        for number in (1, 2, 99):
            shown = supervision.overdue_page(web_engine, viewer, at=now, wanted=wanted, page=number)
            page = min(number, shown.pages)
            expected = every[(page - 1) * supervision.PAGE_SIZE : page * supervision.PAGE_SIZE]
            assert [line.id for line in shown.lines] == [r.id for r in expected]
            assert (shown.total, shown.late) == (len(every), sum(1 for r in every if r.status == "quá hạn"))
