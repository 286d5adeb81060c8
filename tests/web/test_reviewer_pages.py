"""A reviewer's pages through HTTP: the queue oldest first, return with a reason, accept several at
once (all or none), extend, reopen; each action in the audit trail under the person's e-mail."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app import worklist
from app.worklist import Upload
from models.org_rows import ContactRow
from models.tree import import_org
from tests.models.factory import at
from tests.web.conftest import csrf_of, obligation_id

Client = Callable[..., TestClient]


def _submit(engine: Engine, unit: str, when: str, tmp: object) -> int:
    """Submit the half-year report of ``unit`` as its officer would (the use case the page calls)."""
    from pathlib import Path

    from app.users import SessionUser

    oid = obligation_id(engine, unit)
    file = Path(str(tmp)) / f"{unit}.pdf"
    file.write_bytes(b"%PDF-1.4 " + unit.encode())
    with engine.connect() as c:
        user_id, unit_id = c.execute(
            text("SELECT id, unit_id FROM app_user WHERE email = :e"), {"e": f"canbo.{unit}@xa.example"}
        ).one()
    viewer = worklist.viewer_for(
        engine, SessionUser(0, user_id, f"canbo.{unit}@xa.example", "Cán bộ", "officer", unit_id, "")
    )
    worklist.submit(engine, viewer, oid, uploads=[Upload(file.name, file, file.stat().st_size)], note=None, at=at(when))
    return oid


def _states(engine: Engine, *ids: int) -> list[str]:
    with engine.connect() as c:
        return [c.execute(text("SELECT state FROM obligation WHERE id = :i"), {"i": i}).scalar_one() for i in ids]


def test_the_queue_shows_what_was_sent_here_oldest_first(web_engine: Engine, client_for: Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    later = _submit(web_engine, "07615", "2026-06-12T10:00:00", tmp_path)
    earlier = _submit(web_engine, "07627", "2026-06-11T10:00:00", tmp_path)
    _submit(web_engine, "00004", "2026-06-10T10:00:00", tmp_path)  # Hà Nội's: another Sở Nội vụ
    page = client_for("tiepnhan.24@snv.example").get("/cho-tiep-nhan")
    assert page.status_code == 200
    assert page.text.index(f'value="{earlier}"') < page.text.index(f'value="{later}"')
    assert "Phường Ba Đình" not in page.text and page.text.count('name="ids"') == 2


def test_return_needs_a_reason_and_the_officer_reads_it(web_engine: Engine, client_for: Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    oid = _submit(web_engine, "07627", "2026-06-12T10:00:00", tmp_path)
    reviewer = client_for("tiepnhan.24@snv.example")
    page = reviewer.get(f"/nghia-vu/{oid}")
    assert "Tiếp nhận" in page.text and "07627.pdf" in page.text
    refused = reviewer.post(f"/nghia-vu/{oid}/tra-lai", data={"csrf": csrf_of(page.text), "reason": "  "})
    assert refused.status_code == 400 and "Lý do" in refused.text
    assert _states(web_engine, oid) == ["submitted"]
    done = reviewer.post(f"/nghia-vu/{oid}/tra-lai", data={"csrf": csrf_of(page.text), "reason": "Thiếu số liệu mục 4"})
    assert done.status_code == 200 and "Đã trả lại" in done.text
    officer_page = client_for("canbo.07627@xa.example").get("/viec-can-lam")
    assert "Bị trả lại: Thiếu số liệu mục 4" in officer_page.text
    with web_engine.connect() as c:
        actor = c.execute(
            text("SELECT actor FROM auditevent WHERE entity_id = :i AND action = 'return'"), {"i": oid}
        ).scalar_one()
    assert actor == "web:tiepnhan.24@snv.example"


def test_accept_several_at_once_is_all_or_none(web_engine: Engine, client_for: Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = _submit(web_engine, "07627", "2026-06-11T10:00:00", tmp_path)
    second = _submit(web_engine, "07615", "2026-06-12T10:00:00", tmp_path)
    pending = obligation_id(web_engine, "24-STP")  # addressed here, but nothing sent yet
    reviewer = client_for("tiepnhan.24@snv.example")
    token = csrf_of(reviewer.get("/cho-tiep-nhan").text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUNGHAN_LANG", "vi")  # the page in the language its readers get
        refused = reviewer.post("/tiep-nhan", data={"csrf": token, "ids": [first, second, pending]})
    alert = re.findall(r'role="alert">([^<]*)', refused.text)
    assert refused.status_code == 400 and alert == [
        "Sở Tư pháp tỉnh Bắc Ninh, Báo cáo kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ 6 tháng "
        "đầu năm 2026: không thể tiếp nhận báo cáo đang ở trạng thái chưa nộp: "  # the period said once
        "chỉ tiếp nhận được khi đã nộp"
    ]
    assert _states(web_engine, first, second) == ["submitted", "submitted"]
    officer = ContactRow(1, "07627", "Nguyễn Thị Cán", "focal_point", "canbo@daison.example", None, None, "email", True)
    import_org(web_engine, [], [officer], source="test")
    done = reviewer.post("/tiep-nhan", data={"csrf": token, "ids": [first, second]}, follow_redirects=True)
    assert "Đã tiếp nhận 2 báo cáo." in done.text
    assert _states(web_engine, first, second) == ["accepted", "accepted"]
    # Each unit's officer is told of the acceptance (queued with it), once per report.
    with web_engine.connect() as c:
        told = c.execute(text("SELECT obligation_id, address FROM notice WHERE key LIKE 'accepted:%'")).all()
    assert [tuple(row) for row in told] == [(first, "canbo@daison.example")]  # 07615 has no officer on file


def test_an_id_out_of_scope_in_a_batch_is_unknown(web_engine: Engine, client_for: Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ours = _submit(web_engine, "07627", "2026-06-11T10:00:00", tmp_path)
    theirs = _submit(web_engine, "00004", "2026-06-11T10:00:00", tmp_path)
    reviewer = client_for("tiepnhan.24@snv.example")
    token = csrf_of(reviewer.get("/cho-tiep-nhan").text)
    refused = reviewer.post("/tiep-nhan", data={"csrf": token, "ids": [ours, theirs]})
    assert refused.status_code == 404
    assert _states(web_engine, ours, theirs) == ["submitted", "submitted"]


def test_extend_then_reopen(web_engine: Engine, client_for: Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    oid = obligation_id(web_engine, "07627")
    reviewer = client_for("tiepnhan.24@snv.example")
    token = csrf_of(reviewer.get(f"/nghia-vu/{oid}").text)
    early = reviewer.post(f"/nghia-vu/{oid}/gia-han", data={"csrf": token, "until": "2026-06-01", "reason": "x"})
    assert early.status_code == 400 and "Hạn mới 01/06/2026" in early.text
    done = reviewer.post(
        f"/nghia-vu/{oid}/gia-han", data={"csrf": token, "until": "2026-06-26", "reason": "Chờ số liệu thống kê"}
    )
    assert done.status_code == 200 and "Đã gia hạn đến hết ngày 26/06/2026" in done.text
    assert "(đã gia hạn)" in done.text
    _submit(web_engine, "07627", "2026-06-24T10:00:00", tmp_path)
    reviewer.post("/tiep-nhan", data={"csrf": token, "ids": [oid]})
    assert _states(web_engine, oid) == ["accepted"]
    reopened = reviewer.post(f"/nghia-vu/{oid}/mo-lai", data={"csrf": token, "reason": "Tiếp nhận nhầm kỳ"})
    assert reopened.status_code == 200 and "Đã mở lại." in reopened.text
    assert _states(web_engine, oid) == ["submitted"]
