"""Nobody sees past their scope, on both backends: a matrix over two provinces, two communes of
each and every role. Every page with an id or a code in its path (enumerated from the app, so pages
added later are tried too) answers an id of another province, or of a unit out of the person's
scope in their own province, exactly as it answers an id that does not exist: 404 (403 where the
role may open no such page at all), and nothing of the target on the page. The list pages and
their downloads never name another province's units, whatever their filters ask; acting on
another province's obligation changes nothing.
"""

from __future__ import annotations

import functools
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook
from sqlalchemy import Engine, insert, text

from app import api_tokens
from app.settings import Settings, using
from models.tables import Contact
from rules.clock import fixed_clock
from tests.conftest import Templates
from tests.models.factory import at
from tests.web.browser import Route, app_routes
from tests.web.conftest import COMMUNES, NOW, Person, csrf_of, log_in, obligation_id, people
from tests.web.test_security import Snapshot, changed
from web.main import create_app

LATE = at("2026-06-25T09:00:00")  # after the half-year report's deadline (19/06): the overdue lists are full
MISSING = {"int": "2000000000", "str": "khong-co-ma-nay"}
# What each path parameter names. Not in the matrix: a `token`, a secret that is its own key (a
# set-password link, a calendar feed), not an id anyone could guess or be scoped out of (those
# pages test it); a `pack_id`, a rule pack shipped alike to every province (the admin pages').
KINDS = {
    "obligation_id": "obligation",
    "file_id": "file",
    "unit_id": "unit",
    "code": "code",
    "contact_id": "contact",
    "user_id": "user",
    "notice_id": "notice",
}
UNSCOPED = {"token", "pack_id"}
BY_OBLIGATION = {"obligation", "file"}  # scoped as obligations are; the other kinds as their unit
# The units whose things are tried: each province, its Sở Nội vụ and Sở Tư pháp, two communes.
UNITS = [
    code
    for province, communes in COMMUNES.items()
    for code in (province, f"{province}-SNV", f"{province}-STP", *communes)
]
REFUSED = (401, 403, 404)  # how a page may answer an id that does not exist (403: not for this role)
DOWNLOAD = re.compile(r"\.\w+$")


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    path: str
    province: str


@dataclass(frozen=True)
class Target:
    """Something a path can name, of a unit: an obligation, a stored file, the unit itself (by id
    or by code), a contact, a person who logs in, a message in the outbox."""

    kind: str
    value: str
    unit: Unit
    recipient_id: int | None  # an obligation's (or its file's) recipient unit
    shows: tuple[str, ...]  # what on a page would give it away


@dataclass
class World:
    engine: Engine
    units: dict[str, Unit]
    targets: list[Target]
    clients: dict[str, TestClient]  # logged in to the pages, and carrying the person's API token
    tokens: dict[str, str]
    people: list[Person]


def _units(engine: Engine) -> dict[str, Unit]:
    with engine.connect() as c:
        rows = c.execute(text("SELECT id, code, name, path FROM unit WHERE valid_to IS NULL")).all()
    return {
        r.code: Unit(r.id, r.code, r.name, r.path, r.path.split("/")[2] if r.path.count("/") > 2 else "") for r in rows
    }


def _submit(client: TestClient, oid: int, file_name: str) -> None:
    page = client.get(f"/nghia-vu/{oid}")
    sent = client.post(
        f"/nghia-vu/{oid}/nop",
        data={"csrf": csrf_of(page.text)},
        files=[("files", (file_name, b"%PDF-1.4 " + file_name.encode(), "application/pdf"))],
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text


def _targets(engine: Engine, units: dict[str, Unit]) -> list[Target]:
    by_id = {u.id: u for u in units.values()}
    tried = {units[c].id for c in [*UNITS, "BNV"]}
    found: list[Target] = []
    with engine.connect() as c:
        for oid, unit_id, recipient in c.execute(
            text(
                "SELECT id, unit_id, recipient_unit_id FROM obligation "
                "WHERE report_id = 'bdg-6-thang' AND period = '2026-H1'"
            )
        ):
            if unit_id in tried:
                found.append(Target("obligation", str(oid), by_id[unit_id], recipient, (by_id[unit_id].name,)))
        for fid, name, unit_id, recipient in c.execute(
            text(
                "SELECT f.id, f.file_name, o.unit_id, o.recipient_unit_id FROM submission_file f "
                "JOIN submission s ON s.id = f.submission_id JOIN obligation o ON o.id = s.obligation_id"
            )
        ):
            found.append(Target("file", str(fid), by_id[unit_id], recipient, (name, by_id[unit_id].name)))
        for cid, name, email, unit_id in c.execute(text("SELECT id, name, email, unit_id FROM contact")):
            if unit_id in tried:
                found.append(Target("contact", str(cid), by_id[unit_id], None, (name, email)))
        for uid, email, unit_id in c.execute(text("SELECT id, email, unit_id FROM app_user")):
            found.append(Target("user", str(uid), by_id[unit_id], None, (email,)))
        for nid, address, subject, unit_id in c.execute(
            text(
                "SELECT n.id, n.address, n.subject, o.unit_id FROM notice n JOIN obligation o ON o.id = n.obligation_id"
            )
        ):
            found.append(Target("notice", str(nid), by_id[unit_id], None, (address, subject)))
    for code in [*UNITS, "BNV"]:
        unit = units[code]
        found.append(Target("unit", str(unit.id), unit, None, (unit.name,)))
        found.append(Target("code", code, unit, None, (unit.name,)))
    return found


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, web_templates: Templates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One copy of the web workspace per backend for the whole module (its tests only read, or
    check that nothing changed): everyone logged in; a file sent (with its e-mailed receipt) by
    every commune and department tried, and a contact at every unit tried."""
    backend = str(request.param)
    folder = tmp_path_factory.mktemp(f"leaks-{backend}")
    engine = web_templates.copy(backend, folder)
    settings = Settings(home=folder / "home", database_url=engine.url.render_as_string(hide_password=False))
    with using(settings):
        app = create_app(engine, clock=fixed_clock(NOW))
        everyone = people()
        clients = {p.email: log_in(TestClient(app), p.email) for p in everyone}
        tokens = {
            p.email: api_tokens.create_for(engine, p.email, name=None, at=NOW, actor="test").secret for p in everyone
        }
        for email, client in clients.items():
            client.headers["Authorization"] = f"Bearer {tokens[email]}"
        units = _units(engine)
        with engine.begin() as c:
            c.execute(
                insert(Contact),
                [
                    {
                        "unit_id": units[code].id,
                        "name": f"Cán bộ đầu mối {code}",
                        "role": "focal_point",
                        "email": f"dau-moi.{code.casefold()}@donvi.example",
                        "channels": "email",
                        "active": True,
                    }
                    for code in [*UNITS, "BNV"]
                ],
            )
        for person in everyone:
            if person.role == "officer":
                oid = obligation_id(engine, person.unit)
                _submit(clients[person.email], oid, f"Báo cáo riêng {person.unit}.pdf")
        targets = _targets(engine, units)
        kinds = {t.kind for t in targets}
        assert kinds == set(KINDS.values()), kinds
        assert len([t for t in targets if t.kind == "file"]) == 6  # four communes, two departments
        yield World(engine, units, targets, clients, tokens, everyone)
        for client in clients.values():
            client.close()
    engine.dispose()


def sees(person: Person, me: Unit, target: Target) -> bool:
    """Whether ``person`` may see ``target``: scope as the issue states it, written here again."""
    if target.kind in BY_OBLIGATION:
        if person.role == "officer":
            return target.unit.id == me.id
        if person.role == "reviewer":
            return target.recipient_id == me.id
        return target.unit.path.startswith(me.path)
    if person.role in ("supervisor", "admin"):
        return target.unit.path.startswith(me.path)
    return target.unit.id == me.id


def _id_routes(app: object) -> Iterator[tuple[Route, str]]:
    for route in app_routes(app, "GET"):  # type: ignore[arg-type]
        params = route.path_params
        if not params or set(params) <= UNSCOPED:
            continue
        unknown = [p for p in params if p not in KINDS]
        if unknown or len(params) != 1:
            pytest.fail(f"GET {route.path}: say in KINDS what {params} name, so the matrix tries it")
        yield route, KINDS[params[0]]


def test_no_page_opens_what_is_out_of_scope(world: World) -> None:
    app = next(iter(world.clients.values())).app
    attempts, leaks, controls = 0, [], 0
    routes = list(_id_routes(app))
    assert {kind for _, kind in routes} >= {"obligation", "file", "unit", "code"}
    for route, kind in routes:
        param = route.path_params[0]
        missing = MISSING["str" if kind == "code" else "int"]
        for person in world.people:
            client, me = world.clients[person.email], world.units[person.unit]
            baseline = client.get(route.path.format(**{param: missing}), follow_redirects=False)
            assert baseline.status_code in REFUSED, (route.path, person.email, baseline.status_code)
            for target in (t for t in world.targets if t.kind == kind):
                answer = client.get(route.path.format(**{param: target.value}), follow_redirects=False)
                if sees(person, me, target):
                    controls += 1
                    if answer.status_code not in (200, 303) and (answer.status_code, baseline.status_code) != (
                        403,
                        403,
                    ):
                        leaks.append(f"{person.email} cannot open {route.path} {target.value}: {answer.status_code}")
                    continue
                attempts += 1
                if answer.text != baseline.text:  # the pages may have changed meanwhile: ask again
                    baseline = client.get(route.path.format(**{param: missing}), follow_redirects=False)
                shown = [s for s in target.shows if s in answer.text and s not in baseline.text]
                if answer.status_code != baseline.status_code or answer.text != baseline.text or shown:
                    leaks.append(
                        f"{person.email} ({person.role}) {route.path} = {target.value} ({target.unit.code}): "
                        f"{answer.status_code}, not as an unknown id ({baseline.status_code}), shows {shown}"
                    )
    print(f"\nout-of-scope attempts: {attempts}, leaks: {len(leaks)}, in-scope controls: {controls}")
    assert not leaks, "\n".join(leaks)
    assert attempts > 300 and controls > 100


def _readable(content: bytes, media_type: str) -> str:
    """What a person reads in an answer: the page, every cell of a workbook, a document's text."""
    if media_type.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    if "json" in media_type:  # names as written, whether or not the JSON escaped them
        return json.dumps(json.loads(content), ensure_ascii=False)
    if content[:2] == b"PK":  # a Word document or another zipped format: every part's text
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        return re.sub(r"<[^>]+>", "", xml)
    return content.decode("utf-8", "replace")


def _forbidden(world: World, person: Person) -> set[str]:
    """Names of units that must not appear on ``person``'s lists: every unit of the other
    province (those no name of their own province or above contains), and for an officer the
    other commune and department tried in their own province."""
    me = world.units[person.unit]
    others = [u for u in world.units.values() if u.province and u.province != me.province]
    allowed = [u.name for u in world.units.values() if u.province in ("", me.province)]
    names = {u.name for u in others if not any(u.name in a for a in allowed)}
    if person.role == "officer":  # the other commune and department tried (their recipient may be named)
        names |= {
            world.units[c].name
            for c in UNITS
            if world.units[c].province == me.province and c != me.code and c not in (me.province, f"{me.province}-SNV")
        }
    return names


def test_lists_and_downloads_never_name_another_provinces_units(world: World) -> None:
    """One person of each role in each province reads every page without an id in its path, then
    again with each filter set to the other province, or to one of its communes."""
    app = create_app(world.engine, clock=fixed_clock(LATE))  # the lists at their fullest
    routes = [r for r in app_routes(app, "GET") if not r.path_params]
    assert {r.path for r in routes} >= {"/viec-can-lam", "/cho-tiep-nhan", "/qua-han", "/ty-le"}
    first_communes = {communes[0] for communes in COMMUNES.values()}
    readers = [p for p in world.people if p.role != "officer" or p.unit in first_communes]
    assert len(readers) == 8  # four roles, two provinces
    attempts, leaks, named_own = 0, [], 0
    for person in readers:
        me = world.units[person.unit]
        forbidden = _forbidden(world, person)
        other = next(p for p in COMMUNES if p != me.province)
        with TestClient(app, headers={"Authorization": f"Bearer {world.tokens[person.email]}"}) as client:
            log_in(client, person.email)
            for route in routes:
                first = client.get(route.path)
                queries: list[dict[str, str]] = [{}]
                if first.status_code == 200:  # each text filter naming the other province, then one of its communes
                    values = [other] if DOWNLOAD.search(route.path) else [other, COMMUNES[other][0]]
                    queries += [{q: v} for q in route.text_query_params for v in values]
                for query in queries:
                    answer = first if not query else client.get(route.path, params=query)
                    attempts += 1
                    body = _readable(answer.content, answer.headers.get("content-type", ""))
                    found = sorted(n for n in forbidden if n in body)
                    if found:
                        leaks.append(f"{person.email} {route.path} {query}: {answer.status_code} names {found[:5]}")
                    if person.role in ("supervisor", "admin") and route.path == "/qua-han" and not query:
                        named_own += any(u.name in body for u in world.units.values() if u.province == me.province)
    print(f"\nlist pages read: {attempts}, naming another province: {len(leaks)}")
    assert not leaks, "\n".join(leaks)
    assert attempts > 150
    assert named_own == 4  # the supervisors' overdue lists are not empty: they name their own units


ACT_FORM = {"reason": "Lý do", "until": "2026-06-30", "note": "Ghi chú"}
ACT_FILES = [("files", ("Báo cáo.pdf", b"%PDF-1.4", "application/pdf"))]


def _act(client: TestClient, route: Route, csrf: str, oid: object) -> Response:
    """Post to an action on obligation ``oid``: the API's documented body, else the pages' form."""
    path = route.path.format(obligation_id=oid)
    example = route.json_example()
    if example is not None:
        answer: Response = client.post(path, json=example, follow_redirects=False)
    else:
        fields = {**ACT_FORM, "csrf": csrf, "ids": str(oid)}
        answer = client.post(path, data=fields, files=ACT_FILES, follow_redirects=False)
    return answer


def test_acting_on_another_provinces_obligation_changes_nothing(world: World) -> None:
    app = next(iter(world.clients.values())).app
    snapshot = Snapshot(world.engine)
    # All submitted: accepting, returning, extending or reopening would each change something.
    targets = {c: obligation_id(world.engine, c) for c in ("07627", "07615", "24-STP", "00004", "00070", "01-STP")}
    routes = [r for r in app_routes(app, "POST") if "obligation_id" in r.path_params]  # type: ignore[arg-type]
    assert len(routes) >= 5
    attempts, problems = 0, []
    before = snapshot.take()
    for person in world.people:
        client, me = world.clients[person.email], world.units[person.unit]
        token = csrf_of(client.get("/lich").text)
        for route in routes:
            post = functools.partial(_act, client, route, token)
            missing = post(MISSING["int"])
            assert missing.status_code == 404, (route.path, missing.status_code, missing.text)
            for code, oid in targets.items():
                if world.units[code].province == me.province:
                    continue
                attempts += 1
                answer = post(oid)
                if answer.status_code != 404 or answer.text != missing.text:
                    problems.append(f"{person.email} {route.path} on {code}: {answer.status_code}")
        # the form that accepts several at once, given the ids of both provinces
        answer = client.post(
            "/tiep-nhan", data={"csrf": token, "ids": [str(o) for o in targets.values()]}, follow_redirects=False
        )
        attempts += 1
        if answer.status_code not in (403, 404):
            problems.append(f"{person.email} /tiep-nhan with both provinces' ids: {answer.status_code}")
    after = snapshot.take()
    print(f"\nactions tried on another province: {attempts}, went through: {len(problems)}")
    assert not problems, "\n".join(problems)
    assert changed(before, after) == []
    assert attempts > 100
