"""The web door's defences, on both backends: every POST route refuses a form without its token
and changes nothing; the sixth wrong password within 15 minutes waits and says until when;
logging out and `dunghan user disable` end a session at once; the session cookie is HttpOnly and
SameSite=Lax; the page after logging in is always on this site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from urllib.parse import quote, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import Engine, MetaData, Table, insert, select, text

from app import users
from app.settings import get_settings
from models.tables import Contact
from rules.calendar import VIETNAM
from tests.web import conftest_browser
from tests.web.browser import DESKTOP, PHONE, LiveServer, Route, Shots, app_routes, log_in, main_text
from tests.web.conftest import NOW, PASSWORD, csrf_of, obligation_id
from web.main import create_app
from web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, checked_form

# The browser fixtures, taken by name.
chromium_browser = conftest_browser.chromium_browser
new_context = conftest_browser.new_context
live_server = conftest_browser.live_server
shots = conftest_browser.shots

Client = Callable[..., TestClient]
NewContext = Callable[[dict[str, int]], BrowserContext]
OFFICER = "canbo.07627@xa.example"
ACTORS = {  # one person of each role in Bắc Ninh: a POST is tried by each
    "officer": OFFICER,
    "reviewer": "tiepnhan.24@snv.example",
    "supervisor": "lanhdao.24@tinh.example",
    "admin": "quantri.24@tinh.example",
}
EVIL = "evil.example"
# Where a log-in's `tiep` could try to send a person: other hosts spelled every way a browser reads.
OFF_SITE = [
    f"https://{EVIL}/",
    f"http://{EVIL}",
    f"//{EVIL}/viec-can-lam",
    f"///{EVIL}",
    f"/\\{EVIL}",
    f"\\\\{EVIL}",
    f"\\/{EVIL}",
    f"/\t/{EVIL}",
    f"/\n/{EVIL}",
    f" //{EVIL}",
    f"http:{EVIL}",
    f"https:/{EVIL}",
    f"//{EVIL}@127.0.0.1",
    f"//127.0.0.1@{EVIL}",
    f"/%2F{EVIL}",
    f"%2F%2F{EVIL}",
    "javascript:alert(1)",
    f"data:text/html,<a href=//{EVIL}>",
]
# The spellings only a browser's reading of an address makes dangerous, tried in Chromium too.
BROWSER_READS = [t for t in OFF_SITE if re.search(r"[\\\s]|^///|^https?:[^/]|^https:/[^/]", t)]


# --- helpers ---------------------------------------------------------------------------------


# When a session or an API token was last used: reading a page moves it, so a snapshot leaves it out.
LAST_USED = {("web_session", "seen_at"), ("api_token", "last_used_at")}


class Snapshot:
    """Every row of every table (but the times of last use) and the stored files: what a
    refused request must leave as it was."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata = MetaData()
        metadata.reflect(engine)
        self.tables: list[Table] = list(metadata.sorted_tables)

    def take(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        with self.engine.connect() as connection:
            for table in self.tables:
                columns = [c for c in table.columns if (table.name, c.name) not in LAST_USED]
                found[table.name] = sorted(repr(tuple(row)) for row in connection.execute(select(*columns)))
        files = get_settings().files_dir
        found["<files>"] = sorted(str(p) for p in files.rglob("*")) if files.exists() else []
        return found


def changed(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def link_token(engine: Engine, email: str) -> str:
    """A live one-time token to set ``email``'s password (the secret in the link)."""
    return users.new_link(engine, email, at=NOW, link_base=None).rsplit("/", 1)[1]


def fill_path(route: Route, values: dict[str, str]) -> str:
    unknown = [p for p in route.path_params if p not in values]
    if unknown:
        pytest.fail(f"{route.method} {route.path}: say which value to try for {unknown} in this test")
    return route.path.format(**{p: values[p] for p in route.path_params})


def guards_with_session_token(route: Route) -> bool:
    return any(d.call is checked_form for d in route.route.dependant.dependencies)


def browser_target(base: str, location: str) -> str:
    """Where a browser goes for ``location`` (WHATWG: tabs and newlines dropped, leading spaces and
    controls trimmed, a backslash read as a slash in http and https addresses)."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f ")
    return urljoin(base, cleaned.replace("\\", "/"))


# --- a form without its token ----------------------------------------------------------------


def _path_values(engine: Engine) -> dict[str, str]:
    """A real target for each path parameter of a POST route (the token checks come first, but
    'changes nothing' means most with something there to change)."""
    with engine.begin() as c:
        unit_id, user_id = c.execute(text("SELECT unit_id, id FROM app_user WHERE email = :e"), {"e": OFFICER}).one()
        c.execute(
            insert(Contact).values(
                unit_id=unit_id, name="Cán bộ đầu mối", role="focal_point", email="dau-moi@xa.example", channels="email"
            )
        )
        contact_id = c.execute(text("SELECT max(id) FROM contact")).scalar_one()
    return {
        "obligation_id": str(obligation_id(engine, "07627")),
        "token": link_token(engine, OFFICER),
        "user_id": str(user_id),
        "contact_id": str(contact_id),
    }


def test_every_post_route_refuses_a_form_without_its_token_and_changes_nothing(
    web_engine: Engine, client_for: Client
) -> None:
    """Every POST of the pages, by each role, without the session's form token (or with another
    session's); the log-in and set-password forms without theirs; the JSON API with the session's
    cookie alone (it reads only its bearer tokens, so a cookie sent by another site opens nothing)."""
    clients = {role: client_for(email) for role, email in ACTORS.items()}
    tokens = {role: csrf_of(c.get("/").text) for role, c in clients.items()}
    values = _path_values(web_engine)
    form = {
        "email": OFFICER,
        "password": PASSWORD,
        "again": PASSWORD,
        "tiep": "/",
        "note": "Ghi chú",
        "reason": "Lý do",
        "until": "2026-06-30",
        "ids": values["obligation_id"],
    }
    files = [("files", ("Báo cáo.pdf", b"%PDF-1.4 bao cao", "application/pdf"))]
    snapshot = Snapshot(web_engine)
    routes = app_routes(clients["officer"].app, "POST")  # type: ignore[arg-type]
    refused, problems = 0, []
    for route in routes:
        path = fill_path(route, values)
        before = snapshot.take()
        if route.mount:  # the JSON API: a session cookie is not a key
            example = route.json_example()
            for role, client in clients.items():
                if example is not None:
                    answer = client.post(path, json=example, follow_redirects=False)
                else:
                    answer = client.post(path, data=form, files=files, follow_redirects=False)
                refused += 1
                if answer.status_code != 401:
                    problems.append(f"{route.path} by the {role} with the session cookie only: {answer.status_code}")
        elif guards_with_session_token(route):
            for role, client in clients.items():
                someone_else = tokens["reviewer" if role == "officer" else "officer"]
                tries = {
                    "no token": ({}, {}),
                    "an empty token": ({"csrf": ""}, {}),
                    "another session's token": ({"csrf": someone_else}, {}),
                    "another session's token as a header": ({}, {"X-CSRF-Token": someone_else}),
                }
                for what, (extra, headers) in tries.items():
                    answer = client.post(
                        path, data={**form, **extra}, files=files, headers=headers, follow_redirects=False
                    )
                    refused += 1
                    if answer.status_code != 403 or "Biểu mẫu không hợp lệ" not in answer.text:
                        problems.append(f"{route.path} by the {role} with {what}: {answer.status_code}")
        else:  # a form before any session (log in, set a password): its token comes with the form
            stranger = client_for()
            stranger.get(path)
            other = client_for()
            elsewhere = other.get(path)
            tries_public = {"no token": {}, "another form's token": {"csrf": csrf_of(elsewhere.text)}}
            for what, extra in tries_public.items():
                answer = stranger.post(path, data={**form, **extra}, follow_redirects=False)
                refused += 1
                if answer.status_code != 403 or "Biểu mẫu đã cũ" not in answer.text:
                    problems.append(f"{route.path} with {what}: {answer.status_code}")
                if SESSION_COOKIE in answer.cookies:
                    problems.append(f"{route.path} with {what}: a session cookie was set")
        after = snapshot.take()
        if changed(before, after):
            problems.append(f"{route.path}: changed {changed(before, after)}")
    print(f"\nPOST routes: {len(routes)}, forms refused: {refused}, problems: {len(problems)}")
    assert not problems, "\n".join(problems)
    assert len(routes) >= 11 and refused >= 4 * 4 * 9  # the routes of today at least, each tried by every role
    for client in clients.values():  # the sessions live on: nothing was done, not even a log-out
        assert client.get("/lich").status_code == 200


# --- failed log-ins --------------------------------------------------------------------------


@pytest.fixture
def clocked(web_engine: Engine) -> Iterator[tuple[TestClient, list[datetime]]]:
    """A client of the pages whose clock the test moves (``moments[0]``)."""
    moments = [NOW]
    with TestClient(create_app(web_engine, clock=lambda: moments[0])) as client:
        yield client, moments


def _try_login(client: TestClient, password: str, email: str = OFFICER) -> tuple[int, str, bool]:
    """(status, the message the page shows, whether a session began)."""
    form = client.get("/dang-nhap")
    answer = client.post(
        "/dang-nhap",
        data={"email": email, "password": password, "csrf": csrf_of(form.text), "tiep": "/"},
        follow_redirects=False,
    )
    message = re.search(r'<p class="error" role="alert">([^<]*)</p>', answer.text)
    return answer.status_code, message[1] if message else "", SESSION_COOKIE in answer.cookies


def test_the_sixth_wrong_password_waits_even_with_the_right_one_and_says_until_when(
    clocked: tuple[TestClient, list[datetime]],
) -> None:
    client, moments = clocked
    for _ in range(5):
        assert _try_login(client, "mat-khau-sai-1") == (401, "E-mail hoặc mật khẩu không đúng.", False)
    wait = "Too many failed log-ins: try again after 09:15"
    assert _try_login(client, "mat-khau-sai-2") == (429, wait, False)
    assert _try_login(client, PASSWORD) == (429, wait, False)  # the right password waits too
    moments[0] = NOW + timedelta(minutes=15, seconds=1)
    assert _try_login(client, PASSWORD) == (303, "", True)


def test_the_time_it_says_is_when_the_oldest_failure_leaves_the_window(
    clocked: tuple[TestClient, list[datetime]],
) -> None:
    client, moments = clocked
    for minute in (0, 2, 4, 6, 8):  # five failures spread over eight minutes
        moments[0] = NOW + timedelta(minutes=minute)
        assert _try_login(client, "mat-khau-sai")[0] == 401
    moments[0] = NOW + timedelta(minutes=10)
    status, message, _ = _try_login(client, PASSWORD)
    assert status == 429
    first_free = NOW + timedelta(minutes=15)  # the 09:00 failure leaves the window then
    assert message.endswith(f"try again after {first_free.astimezone(VIETNAM):%H:%M}"), message
    moments[0] = first_free + timedelta(seconds=1)
    assert _try_login(client, PASSWORD)[0] == 303


# --- sessions --------------------------------------------------------------------------------


def test_logging_out_ends_the_session_the_old_cookie_opens_nothing(client_for: Client) -> None:
    officer = client_for(OFFICER)
    cookie = officer.cookies[SESSION_COOKIE]
    page = officer.get("/viec-can-lam")
    assert page.status_code == 200 and "Việc cần làm" in page.text
    out = officer.post("/dang-xuat", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/dang-nhap"
    assert re.search(rf"{SESSION_COOKIE}=\"?\"?;.*Max-Age=0", out.headers["set-cookie"])  # the browser forgets it

    replay = client_for()
    replay.cookies.set(SESSION_COOKIE, cookie)
    again = replay.get("/viec-can-lam", follow_redirects=False)
    # told why, once: the stale cookie is dropped with that answer
    assert again.status_code == 303 and again.headers["location"] == "/dang-nhap?tiep=/viec-can-lam&het_phien=1"
    assert replay.get("/viec-can-lam").url.path == "/dang-nhap"
    htmx = replay.get("/viec-can-lam", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/dang-nhap?tiep=/viec-can-lam")
    posted = replay.post("/dang-xuat", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"].startswith("/dang-nhap")


def test_the_session_cookie_is_http_only_and_same_site_lax(client_for: Client) -> None:
    client = client_for()
    form = client.get("/dang-nhap")
    login_cookie = form.headers["set-cookie"]
    assert login_cookie.startswith(f"{LOGIN_CSRF_COOKIE}=")
    assert "HttpOnly" in login_cookie and "SameSite=lax" in login_cookie
    done = client.post(
        "/dang-nhap",
        data={"email": OFFICER, "password": PASSWORD, "csrf": csrf_of(form.text), "tiep": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session = next(c for c in done.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}="))
    attributes = {a.strip().split("=")[0].casefold(): a.strip() for a in session.split(";")[1:]}
    assert "httponly" in attributes and attributes["samesite"].casefold() == "samesite=lax"
    assert attributes["path"] == "Path=/" and "secure" not in attributes and "domain" not in attributes


def test_the_session_cookie_is_secure_over_https(web_engine: Engine) -> None:
    with TestClient(create_app(web_engine, clock=lambda: NOW), base_url="https://testserver") as client:
        form = client.get("/dang-nhap")
        done = client.post(
            "/dang-nhap",
            data={"email": OFFICER, "password": PASSWORD, "csrf": csrf_of(form.text), "tiep": "/"},
            follow_redirects=False,
        )
    session = next(c for c in done.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}="))
    assert "Secure" in session and "HttpOnly" in session and "SameSite=lax" in session


# --- where a log-in leads ----------------------------------------------------------------------


def test_a_logins_next_page_never_leaves_the_site(client_for: Client) -> None:
    """Each spelling of another host, posted as the form's `tiep` (whatever the form held)."""
    left = []
    for target in OFF_SITE:
        client = client_for()
        form = client.get(f"/dang-nhap?tiep={quote(target, safe='')}")
        done = client.post(
            "/dang-nhap",
            data={"email": OFFICER, "password": PASSWORD, "csrf": csrf_of(form.text), "tiep": target},
            follow_redirects=False,
        )
        assert done.status_code == 303, (target, done.status_code)
        landing = browser_target("http://testserver/dang-nhap", done.headers["location"])
        if urlsplit(landing).scheme != "http" or urlsplit(landing).hostname != "testserver":
            left.append(f"{target!r} → {done.headers['location']!r} ({landing})")
    assert not left, "\n".join(left)


def test_a_logins_next_page_is_followed_on_the_site(client_for: Client, web_engine: Engine) -> None:
    oid = obligation_id(web_engine, "07627")
    asked = client_for().get(f"/nghia-vu/{oid}", follow_redirects=False)
    assert asked.headers["location"] == f"/dang-nhap?tiep=/nghia-vu/{oid}"
    client = client_for()
    form = client.get(asked.headers["location"])
    done = client.post(
        "/dang-nhap",
        data={"email": OFFICER, "password": PASSWORD, "csrf": csrf_of(form.text), "tiep": f"/nghia-vu/{oid}"},
        follow_redirects=False,
    )
    assert done.headers["location"] == f"/nghia-vu/{oid}"


# --- in the browser, against `dunghan serve` -----------------------------------------------------


def test_in_the_browser_off_site_next_pages_stay_home_and_scripts_never_see_the_cookie(
    new_context: NewContext, live_server: LiveServer, shots: Shots
) -> None:
    base = live_server.url
    context = new_context(DESKTOP)
    left: list[str] = []
    context.on("request", lambda r: left.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None)
    page = context.new_page()
    for n, target in enumerate(BROWSER_READS):
        context.clear_cookies()
        page.goto(f"{base}/dang-nhap?tiep={quote(target, safe='')}")
        page.get_by_label("E-mail").fill(OFFICER)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()
        assert urlsplit(page.url).hostname == "127.0.0.1", (target, page.url)
        if n == 0:
            shots.take(page, "logged-in-despite-off-site-next")
    assert left == []
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies[SESSION_COOKIE]["httpOnly"] is True and cookies[SESSION_COOKIE]["sameSite"] == "Lax"
    assert SESSION_COOKIE not in page.evaluate("document.cookie")


def test_disabling_a_person_ends_their_live_session_at_once(
    new_context: NewContext, live_server: LiveServer, shots: Shots
) -> None:
    base = live_server.url
    page = new_context(PHONE).new_page()
    log_in(page, base, OFFICER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    shots.take(page, "officer-working")

    done = live_server.dunghan("user", "disable", OFFICER, "--by", "quantri.24@tinh.example")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"đã khóa {OFFICER}"  # the server's people read Vietnamese

    with page.expect_navigation():
        page.get_by_role("link", name="Việc cần làm").click()
    assert page.url == f"{base}/dang-nhap?tiep=/viec-can-lam&het_phien=1"
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    expect(page.get_by_role("status")).to_contain_text("Phiên đăng nhập đã kết thúc")
    shots.take(page, "session-ended")
    log_in(page, base, OFFICER)
    assert urlsplit(page.url).path == "/dang-nhap"
    assert "E-mail hoặc mật khẩu không đúng." in main_text(page)
    shots.take(page, "cannot-log-in-again")
