"""The indicator table (Phụ lục 01) on the web pages: a responsible unit enters its figures (ratios
computed, never typed), a supervisor reads the progress against the targets and downloads the files."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from app import cycles, users
from app.settings import Settings, using
from rules.clock import fixed_clock
from tests.conftest import Templates, templates
from tests.models.bac_ninh_2024 import bac_ninh_2024
from tests.models.factory import at
from tests.web.conftest import PASSWORD, csrf_of, log_in
from web.main import create_app

NOW = at("2025-01-10T08:00:00")  # the 2024 table is due: its figures are being entered
SLDTBXH = "sldtbxh@so.example"  # Sở Lao động – TB&XH: III.3.1 and III.3.2, whose ratio is III.3.3
SYT = "syt@so.example"  # Sở Y tế
SUPERVISOR = "lanhdao@bacninh.example"  # the province (27, before the 2025 reform)
STRANGER = "lanhdao@bacninh-moi.example"  # the new Bắc Ninh (24, from 01/07/2025): not the 2024 table's
PEOPLE = [
    (SLDTBXH, "officer", "27-SLDTBXH", "2024-05-01T08:00:00"),
    (SYT, "officer", "27-SYT", "2024-05-01T08:00:00"),
    (SUPERVISOR, "supervisor", "27", "2024-05-01T08:00:00"),
    (STRANGER, "supervisor", "24", "2025-08-01T08:00:00"),
]
ENTRY = "/chi-tieu/nhap"
Client = Callable[[str], TestClient]


def build(engine: Engine) -> None:
    """Bắc Ninh before the reform, its 2024 plan (the indicator table's report), and the people."""
    with tempfile.TemporaryDirectory() as folder:
        bac_ninh_2024(engine, Path(folder))
    cycles.plan_cycle(engine, "bac-ninh-2024", 2024, params={}, under=[], now=at("2024-04-10T08:00:00"), actor="test")
    for email, role, unit, when in PEOPLE:
        users.add_user(
            engine,
            email=email,
            name=f"Người dùng {unit}",
            role=role,
            unit=unit,
            at=at(when),
            actor="test",
            password=PASSWORD,
            link_base=None,
        )


@pytest.fixture(scope="module")
def indicator_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    yield from templates(tmp_path_factory, build)


@pytest.fixture
def engine_2024(backend: str, tmp_path: Path, indicator_templates: Templates) -> Iterator[Engine]:
    engine = indicator_templates.copy(backend, tmp_path)
    settings = Settings(home=tmp_path / "home", database_url=engine.url.render_as_string(hide_password=False))
    with using(settings):
        yield engine
    engine.dispose()


@pytest.fixture
def person(engine_2024: Engine) -> Iterator[Client]:
    app = create_app(engine_2024, clock=fixed_clock(NOW))
    opened: list[TestClient] = []

    def make(email: str) -> TestClient:
        client = TestClient(app)
        opened.append(client)
        return log_in(client, email)

    yield make
    for client in opened:
        client.close()


def _values(engine: Engine) -> dict[tuple[str, str], tuple[float, str | None, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT u.code, v.indicator_code, v.value, v.note, v.entered_by FROM indicator_value v "
                "JOIN unit u ON u.id = v.unit_id"
            )
        ).all()
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def _row(page_text: str, code: str) -> str:
    found = re.search(rf'<tr class="[a-z]+" id="ct-{re.escape(code)}">(.*?)</tr>', page_text, re.S)
    assert found, f"no row {code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[1])).strip()


def test_a_responsible_unit_enters_its_figures_and_the_ratio_is_computed(engine_2024: Engine, person: Client) -> None:
    officer = person(SLDTBXH)
    form = officer.get(ENTRY)
    assert form.status_code == 200
    assert "Sở Lao động – Thương binh và Xã hội tỉnh Bắc Ninh" in form.text and "hạn gửi" in form.text
    fields = re.findall(r'name="ct:([^"]+)"', form.text)
    assert "III.3.1" in fields and "III.3.2" in fields
    assert "III.3.3" not in fields and "IV.1" not in fields  # a ratio is never typed; Sở Y tế's row is not theirs
    assert "III.3.3" in form.text  # the ratio is shown, computed
    token = csrf_of(form.text)

    refused = officer.post(
        ENTRY, data={"csrf": token, "nam": "2024", "ct:III.3.1": "12", "ct:III.3.2": "9,5", "ct:V.2": "120"}
    )
    assert refused.status_code == 400
    shown = re.sub(r"<[^>]+>", "", refused.text)
    assert "Chỉ tiêu III.3.2: 9,5 is not a whole number (người)" in shown
    assert "Chỉ tiêu V.2: 120 is not a percentage from 0 to 100" in shown
    assert 'value="9,5"' in refused.text  # what was typed stays
    assert _values(engine_2024) == {}  # nothing kept, not even the good figure

    saved = officer.post(
        ENTRY,
        data={
            "csrf": token,
            "nam": "2024",
            "ct:III.3.1": "12",
            "ct:III.3.2": "9",
            "gc:III.3.2": "Báo cáo của Trung tâm Công tác xã hội",
            "ct:V.2": "31,5",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/chi-tieu?nam=2024&xong=luu"
    assert _values(engine_2024) == {
        ("27-SLDTBXH", "III.3.1"): (12.0, None, f"web:{SLDTBXH}"),
        ("27-SLDTBXH", "III.3.2"): (9.0, "Báo cáo của Trung tâm Công tác xã hội", f"web:{SLDTBXH}"),
        ("27-SLDTBXH", "V.2"): (31.5, None, f"web:{SLDTBXH}"),
    }
    page = officer.get(saved.headers["location"])
    assert "Đã lưu số liệu." in page.text
    assert _row(page.text, "III.3.3").startswith("III.3.3 Tỷ lệ nạn nhân bị mua bán")
    assert '<b>75</b>% <span class="badge xam"' in page.text  # 9 / 12 × 100, computed, marked so
    assert "Chưa đạt mục tiêu 2025 (≥ 100%): còn cách 25 điểm %" in _row(page.text, "III.3.3")
    assert "Đạt mục tiêu 2025 (≥ 30%)" in _row(page.text, "V.2")
    again = officer.get(ENTRY)
    assert 'value="31,5"' in again.text and 'value="Báo cáo của Trung tâm Công tác xã hội"' in again.text

    # A correction is in the audit trail, with the old and the new figure.
    officer.post(
        ENTRY,
        data={"csrf": token, "nam": "2024", "ct:III.3.1": "10", "gc:III.3.2": "Báo cáo của Trung tâm Công tác xã hội"},
    )
    with engine_2024.connect() as connection:
        notes = [r[0] for r in connection.execute(text("SELECT note FROM auditevent WHERE entity = 'indicator_value'"))]
    assert "27-SLDTBXH III.3.1 2024: 12 → 10 (web)" in notes


def test_a_supervisor_reads_the_progress_and_downloads_the_table(engine_2024: Engine, person: Client) -> None:
    health = person(SYT)
    form = health.get(ENTRY)
    health.post(ENTRY, data={"csrf": csrf_of(form.text), "nam": "2024", "ct:IV.1": "112", "ct:IV.3": "17,5"})
    supervisor = person(SUPERVISOR)
    page = supervisor.get("/chi-tieu")
    assert page.status_code == 200
    assert "Kết quả thực hiện mục tiêu, chỉ tiêu năm 2024" in page.text
    assert "Chưa đạt mục tiêu 2025 (≤ 111 bé trai/100 bé gái): còn cách 1 bé trai/100 bé gái" in _row(page.text, "IV.1")
    assert "Đạt mục tiêu 2025 (≤ 18 ca sinh/1.000 phụ nữ)" in _row(page.text, "IV.3")
    assert re.search(r'id="dat">1<', page.text) and re.search(r'id="chua-dat">1<', page.text)
    assert "Nhập số liệu" not in page.text  # a supervisor reads
    assert supervisor.get(ENTRY).status_code == 403
    workbook = supervisor.get("/chi-tieu.xlsx")
    assert workbook.status_code == 200
    assert 'filename="ket-qua-chi-tieu-bac-ninh-2024-2024.xlsx"' in workbook.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    cells = [v for row in sheet.iter_rows(values_only=True) for v in row]
    assert 112 in cells and "Mục tiêu 2025" in cells
    document = supervisor.get("/chi-tieu.docx")
    assert document.status_code == 200
    assert "Sở Lao động" in zipfile.ZipFile(io.BytesIO(document.content)).read("word/document.xml").decode()


def test_out_of_scope_the_table_is_not_shown(engine_2024: Engine, person: Client) -> None:
    stranger = person(STRANGER)
    page = stranger.get("/chi-tieu")
    assert page.status_code == 200 and "Chưa có bảng chỉ tiêu" in page.text
    for path in ("/chi-tieu?nam=2024", "/chi-tieu.xlsx?nam=2024", "/chi-tieu.docx?nam=2024", ENTRY):
        assert stranger.get(path).status_code == 404, path
    officer = person(SYT)
    token = csrf_of(officer.get(ENTRY).text)
    # Another unit's row cannot be entered through the form: it is not in it, and is ignored.
    officer.post(ENTRY, data={"csrf": token, "nam": "2024", "ct:III.3.1": "99"})
    assert _values(engine_2024) == {}
    assert officer.get("/chi-tieu?nam=2019").status_code == 404
