"""The obligation page and the API say what a due date assumed: that it is an estimate (a Tết
break not decided yet), or the pack's own note, as planning stored it; a date with no note shows none.
They name the report's other recipients (đồng gửi) too."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app import api_tokens
from rules.clock import fixed_clock
from tests.web.conftest import NOW, obligation_id
from web.main import create_app

OFFICER = "canbo.07627@xa.example"
ESTIMATE = "Ước tính: lịch nghỉ Tết Nguyên đán 2027 chưa được quyết định; hạn có thể thay đổi."


def _api(engine: Engine) -> TestClient:
    """The API as the officer, through a token of theirs."""
    token = api_tokens.create_for(engine, OFFICER, name="kiểm thử", at=NOW, actor="test").secret
    return TestClient(
        create_app(engine, clock=fixed_clock(NOW)),
        base_url="http://testserver/api/v1",
        headers={"Authorization": f"Bearer {token}"},
    )


def _note(engine: Engine, oid: int, note: str | None) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE obligation SET assumed = :note WHERE id = :id"), {"note": note, "id": oid})


def test_the_page_and_the_api_show_the_estimate(web_engine: Engine, client_for: Callable[[str], TestClient]) -> None:
    marked, yearly = obligation_id(web_engine, "07627"), obligation_id(web_engine, "07627", "bdg-nam", "2026")
    officer = client_for(OFFICER)
    # The half-year report's hop carries the pack's own note, stored when it was planned.
    assert '<span class="wording assumed">Giả định: ' in officer.get(f"/nghia-vu/{marked}").text
    _note(web_engine, marked, ESTIMATE)
    page = officer.get(f"/nghia-vu/{marked}")
    assert page.status_code == 200 and f'<span class="wording assumed">{ESTIMATE}</span>' in page.text
    _note(web_engine, yearly, None)  # as an obligation planned before notes were kept
    assert 'class="wording assumed"' not in officer.get(f"/nghia-vu/{yearly}").text

    with _api(web_engine) as api:
        assert api.get(f"/obligations/{marked}").json()["assumed"] == ESTIMATE
        assert api.get(f"/obligations/{yearly}").json()["assumed"] is None
        listed = {o["id"]: o["assumed"] for o in api.get("/obligations").json()["items"]}
        assert listed[marked] == ESTIMATE


def test_the_page_and_the_api_name_the_other_recipients(
    web_engine: Engine, client_for: Callable[[str], TestClient]
) -> None:
    oid = obligation_id(web_engine, "07627")
    officer = client_for(OFFICER)
    assert "<dt>Đồng gửi</dt>" not in officer.get(f"/nghia-vu/{oid}").text
    with web_engine.begin() as connection:
        connection.execute(
            text("UPDATE obligation SET also_recipients = :names WHERE id = :id"),
            {"names": '["UBND tỉnh Bắc Ninh", "Hội Liên hiệp Phụ nữ tỉnh"]', "id": oid},
        )
    page = officer.get(f"/nghia-vu/{oid}").text
    assert "<dt>Đồng gửi</dt><dd>UBND tỉnh Bắc Ninh; Hội Liên hiệp Phụ nữ tỉnh</dd>" in page
    with _api(web_engine) as api:
        found = api.get(f"/obligations/{oid}").json()["also_recipients"]
    assert found == ["UBND tỉnh Bắc Ninh", "Hội Liên hiệp Phụ nữ tỉnh"]
