"""An officer's pages through HTTP: the list, the obligation page, submitting files, the receipt."""

from __future__ import annotations

import email
import re
from collections.abc import Callable
from email import policy
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.web.conftest import csrf_of, obligation_id

Client = Callable[..., TestClient]


def test_todo_lists_the_units_open_obligations_most_urgent_first(web_engine: Engine, client_for: Client) -> None:
    page = client_for("canbo.07627@xa.example").get("/viec-can-lam")
    assert page.status_code == 200
    assert "Việc cần làm" in page.text and "Xã Đại Sơn" in page.text
    titles = page.text.count('class="title"')
    with web_engine.connect() as c:
        open_ = c.execute(
            text(
                "SELECT count(*) FROM obligation o JOIN unit u ON u.id = o.unit_id "
                "WHERE u.code = '07627' AND o.state IN ('pending', 'returned', 'submitted')"
            )
        ).scalar_one()
    assert titles == open_ > 0
    # most urgent first: the half-year report (19/06/2026) before the yearly ones (December)
    assert page.text.index("19/06/2026") < page.text.index("/12/2026")
    assert "còn 4 ngày làm việc" in page.text  # Mon 15/06 → Fri 19/06


def test_submit_files_gives_a_receipt_and_queues_its_email(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example")
    oid = obligation_id(web_engine, "07627")
    page = officer.get(f"/nghia-vu/{oid}")
    assert page.status_code == 200 and "Nộp báo cáo" in page.text and "Căn cứ" in page.text
    sent = officer.post(
        f"/nghia-vu/{oid}/nop",
        data={"csrf": csrf_of(page.text), "note": "Bản có chữ ký số"},
        files=[
            ("files", ("Báo cáo 6 tháng.pdf", b"%PDF-1.4 bao cao", "application/pdf")),
            ("files", ("Phụ lục.xlsx", b"PK\x03\x04 phu luc", "application/vnd.ms-excel")),
        ],
        follow_redirects=True,
    )
    assert sent.status_code == 200
    receipt = sent.url.params["da_nop"]
    assert receipt.startswith("BC-") and f"Số biên nhận: {receipt}" in sent.text
    assert "Báo cáo 6 tháng.pdf" in sent.text and "Phụ lục.xlsx" in sent.text
    with web_engine.connect() as c:
        state = c.execute(text("SELECT state FROM obligation WHERE id = :id"), {"id": oid}).scalar_one()
        notice = c.execute(
            text("SELECT address, subject, body_text, status, result FROM notice WHERE kind = 'receipt'")
        ).one()
        actors = c.execute(
            text("SELECT actor FROM auditevent WHERE entity_id = :id AND action = 'submit'"), {"id": oid}
        ).all()
    assert state == "submitted"
    assert notice.address == "canbo.07627@xa.example" and receipt in notice.subject
    assert "Báo cáo 6 tháng.pdf" in notice.body_text and "đúng hạn" in notice.body_text
    # delivered right after the page answered (here: written to the outbox folder, as configured)
    assert notice.status == "sent"
    mail = email.message_from_bytes(Path(notice.result).read_bytes(), policy=policy.default)
    assert mail["To"] == "Người dùng 07627 <canbo.07627@xa.example>" and receipt in mail["Subject"]
    plain = mail.get_body(preferencelist=("plain",))
    assert plain is not None and f"Số biên nhận: {receipt}" in plain.get_content()
    assert [a[0] for a in actors] == ["web:canbo.07627@xa.example"]
    first_file = re.search(r'href="(/tep/\d+)">Báo cáo 6 tháng.pdf', sent.text)
    assert first_file
    download = officer.get(first_file[1])
    assert download.status_code == 200 and download.content == b"%PDF-1.4 bao cao"


def test_a_refused_file_says_which_and_writes_nothing(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example")
    oid = obligation_id(web_engine, "07627")
    page = officer.get(f"/nghia-vu/{oid}")
    refused = officer.post(
        f"/nghia-vu/{oid}/nop",
        data={"csrf": csrf_of(page.text)},
        files=[("files", ("virus.exe", b"MZ", "application/octet-stream"))],
    )
    assert refused.status_code == 400
    assert "Tệp báo cáo: the file &#39;virus.exe&#39; is not of a kind taken" in refused.text
    with web_engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM submission")).scalar_one() == 0


def test_an_officer_cannot_review_and_a_reviewer_cannot_submit(web_engine: Engine, client_for: Client) -> None:
    oid = obligation_id(web_engine, "07627")
    officer = client_for("canbo.07627@xa.example")
    page = officer.get(f"/nghia-vu/{oid}")
    refused = officer.post(f"/nghia-vu/{oid}/tiep-nhan", data={"csrf": csrf_of(page.text)})
    assert refused.status_code == 403 and "may not accept or return reports" in refused.text
    reviewer = client_for("tiepnhan.24@snv.example")
    page = reviewer.get(f"/nghia-vu/{oid}")
    assert page.status_code == 200 and "Nộp báo cáo" not in page.text
    refused = reviewer.post(
        f"/nghia-vu/{oid}/nop",
        data={"csrf": csrf_of(page.text)},
        files=[("files", ("a.pdf", b"%PDF", "application/pdf"))],
    )
    assert refused.status_code == 403 and "may not submit reports" in refused.text


def test_a_file_name_too_long_to_keep_is_refused_in_words(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example")
    oid = obligation_id(web_engine, "07627")
    page = officer.get(f"/nghia-vu/{oid}")
    refused = officer.post(
        f"/nghia-vu/{oid}/nop",
        data={"csrf": csrf_of(page.text)},
        files=[("files", ("b" * 300 + ".pdf", b"%PDF-1.4", "application/pdf"))],
    )
    assert refused.status_code == 400 and "is longer than 255 characters" in refused.text
    with web_engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM submission")).scalar_one() == 0


def test_a_message_in_the_address_is_never_shown_as_ours(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example")
    oid = obligation_id(web_engine, "07627")
    forged = officer.get(f"/nghia-vu/{oid}?da_nop=BC-999999")
    assert forged.status_code == 200 and "BC-999999" not in forged.text and 'role="status"' not in forged.text


def test_an_ended_session_says_so_and_an_unknown_page_keeps_the_menu(web_engine: Engine, client_for: Client) -> None:
    officer = client_for("canbo.07627@xa.example")
    missing = officer.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and "Việc cần làm" in missing.text and "Đăng xuất" in missing.text
    token = csrf_of(officer.get("/viec-can-lam").text)
    stale = officer.cookies.get("dunghan_phien")
    officer.post("/dang-xuat", data={"csrf": token})
    officer.cookies.set("dunghan_phien", stale or "")
    again = officer.get("/viec-can-lam")
    assert again.url.path == "/dang-nhap" and "Phiên đăng nhập đã kết thúc" in again.text


def test_numbers_and_texts_past_what_the_database_holds_are_answered_in_words(
    web_engine: Engine, client_for: Client
) -> None:
    officer = client_for("canbo.07627@xa.example")
    for address in ("/nghia-vu/99999999999999999999", "/nghia-vu/9999999999", "/tep/99999999999999999999"):
        answer = officer.get(address)
        assert answer.status_code == 404 and "Việc cần làm" in answer.text, address
    oid = obligation_id(web_engine, "07627")
    page = officer.get(f"/nghia-vu/{oid}")
    long_note = officer.post(
        f"/nghia-vu/{oid}/nop",
        data={"csrf": csrf_of(page.text), "note": "x" * 2001},
        files=[("files", ("a.pdf", b"%PDF-1.4", "application/pdf"))],
    )
    assert long_note.status_code == 400, long_note.text
    assert re.findall(r"role=\"alert\">([^<]*)", long_note.text) == ["Ghi chú: 2.001 characters long, at most 2.000"]
    nul = officer.post(
        f"/nghia-vu/{oid}/nop",
        data={"csrf": csrf_of(page.text), "note": "Bản ký số\x00"},
        files=[("files", ("a.pdf", b"%PDF-1.4", "application/pdf"))],
        follow_redirects=True,
    )
    assert nul.status_code == 200
    with web_engine.connect() as c:
        assert c.execute(text("SELECT note FROM submission")).scalar_one() == "Bản ký số"
