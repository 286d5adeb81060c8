"""Several people at once, through two real server processes on one database: the same report
submitted eight times at the same instant is recorded once (one receipt, one e-mail), the others
are told in Vietnamese why not; the same report accepted by six reviewers' clicks at once is
accepted once. No request fails with a server error, on SQLite or on PostgreSQL."""

from __future__ import annotations

import re
import threading
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import text

from tests.conftest import Templates
from tests.web.browser import serve
from tests.web.conftest import PASSWORD, obligation_id


def _logged_in(base: str, email: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60.0)
    form = client.get("/dang-nhap").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token
    client.post("/dang-nhap", data={"email": email, "password": PASSWORD, "csrf": token[1], "tiep": "/"})
    home = client.get("/viec-can-lam" if "canbo" in email else "/cho-tiep-nhan")
    csrf = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert home.status_code == 200 and csrf, home.text
    return client, csrf[1]


def _all_at_once(calls: list) -> list[httpx.Response]:  # type: ignore[type-arg]
    start = threading.Barrier(len(calls))
    answers: list[httpx.Response | None] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        answers[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def test_one_report_submitted_and_accepted_by_many_at_once(
    backend: str, tmp_path: Path, web_templates: Templates
) -> None:
    engine = web_templates.copy(backend, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    oid = obligation_id(engine, "07627")
    with serve(url, tmp_path / "a") as first, serve(url, tmp_path / "b") as second:
        officers = [_logged_in(server.url, "canbo.07627@xa.example") for server in (first, second) * 4]
        report = tmp_path / "bao-cao.pdf"
        report.write_bytes(b"%PDF-1.4 bao cao")
        sent = _all_at_once(
            [
                (
                    lambda c=client, t=token: c.post(
                        f"/nghia-vu/{oid}/nop",
                        data={"csrf": t},
                        files=[("files", ("bao-cao.pdf", report.read_bytes(), "application/pdf"))],
                    )
                )
                for client, token in officers
            ]
        )
        assert Counter(r.status_code for r in sent) == {303: 1, 400: 7}, [r.text[-300:] for r in sent]
        refused = [r for r in sent if r.status_code == 400]
        assert all("Không thể nộp báo cáo đang ở trạng thái đã nộp" in r.text for r in refused)

        reviewers = [_logged_in(server.url, "tiepnhan.24@snv.example") for server in (first, second) * 3]
        accepted = _all_at_once(
            [
                (lambda c=client, t=token: c.post("/tiep-nhan", data={"csrf": t, "ids": [oid]}))
                for client, token in reviewers
            ]
        )
        assert Counter(r.status_code for r in accepted) == {303: 1, 400: 5}
        for client, _ in officers + reviewers:
            client.close()
    with engine.connect() as c:
        counts = c.execute(
            text(
                "SELECT (SELECT count(*) FROM submission), (SELECT count(*) FROM submission_file), "
                "(SELECT count(*) FROM notice WHERE kind = 'receipt'), "
                "(SELECT count(*) FROM auditevent WHERE entity_id = :i AND action IN ('submit', 'accept')), "
                "(SELECT state FROM obligation WHERE id = :i)"
            ),
            {"i": oid},
        ).one()
    engine.dispose()
    assert tuple(counts) == (1, 1, 1, 2, "accepted")
