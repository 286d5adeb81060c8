"""The web pages' workspace: two provinces (Bắc Ninh 24 and Hà Nội 01) with their departments, the
2026 two-tier pack planned over both, and one user of each role in each province and in two
communes of each. Built once per backend and module; each test works on a copy of its own.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app import cycles, org, users
from app.settings import Settings, using
from rules.clock import fixed_clock
from tests.conftest import Templates, templates
from tests.models.factory import at
from web.main import create_app

NOW = at("2026-06-15T09:00:00")  # before the half-year report's last day (19/06/2026)
PASSWORD = "mat-khau-thu-nghiem"
PACK = "hai-cap-2026"
DEPARTMENTS = Path("models/trees/bac-ninh-2026-departments.yaml")
COMMUNES = {"24": ("07627", "07615"), "01": ("00004", "00070")}  # two communes of each province


@dataclass(frozen=True)
class Person:
    email: str
    role: str
    unit: str


def people() -> list[Person]:
    """One officer per commune and department, a reviewer at each Sở Nội vụ, a supervisor and an
    admin at each province."""
    found = []
    for province, communes in COMMUNES.items():
        for commune in communes:
            found.append(Person(f"canbo.{commune}@xa.example", "officer", commune))
        found.append(Person(f"canbo.{province}-STP@so.example", "officer", f"{province}-STP"))
        found.append(Person(f"tiepnhan.{province}@snv.example", "reviewer", f"{province}-SNV"))
        found.append(Person(f"lanhdao.{province}@tinh.example", "supervisor", province))
        found.append(Person(f"quantri.{province}@tinh.example", "admin", province))
    return found


def _departments_of(province: str, name: str, folder: Path) -> Path:
    """Bắc Ninh's departments file made over for another province (its codes and names)."""
    source = DEPARTMENTS.read_text(encoding="utf-8")
    made = folder / f"{province}-departments.yaml"
    made.write_text(
        source.replace("'24'", f"'{province}'").replace("24-", f"{province}-").replace("Bắc Ninh", name),
        encoding="utf-8",
    )
    return made


def build(engine: Engine) -> None:
    """Through the use cases, as an admin would: the official tree, the departments, the plan, the users."""
    with tempfile.TemporaryDirectory() as folder:
        for province, name in (("24", "Bắc Ninh"), ("01", "Hà Nội")):
            org.import_official(engine, province)
            departments = DEPARTMENTS if province == "24" else _departments_of(province, name, Path(folder))
            org.import_file(engine, str(departments), today=lambda: NOW.date())
    cycles.plan_cycle(engine, PACK, 2026, params={}, under=["24", "01"], now=at("2026-01-05T08:00:00"), actor="test")
    for person in people():
        users.add_user(
            engine,
            email=person.email,
            name=f"Người dùng {person.unit}",
            role=person.role,
            unit=person.unit,
            at=at("2026-01-05T08:00:00"),
            actor="test",
            password=PASSWORD,
            link_base=None,
        )


@pytest.fixture(scope="module")
def web_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    yield from templates(tmp_path_factory, build)


@pytest.fixture
def web_engine(backend: str, tmp_path: Path, web_templates: Templates) -> Iterator[Engine]:
    """A copy of the web workspace on the backend under test, with its data folder in ``tmp_path``."""
    engine = web_templates.copy(backend, tmp_path)
    settings = Settings(home=tmp_path / "home", database_url=engine.url.render_as_string(hide_password=False))
    with using(settings):
        yield engine
    engine.dispose()


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    """Log ``client`` in through the form, as a browser would."""
    form = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, form.text
    done = client.post(
        "/dang-nhap", data={"email": email, "password": password, "csrf": token[1], "tiep": "/"}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    return client


def csrf_of(page_text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page_text)
    assert found, "no form token on the page"
    return found[1]


@pytest.fixture
def client_for(web_engine: Engine) -> Iterator[object]:
    """``client_for(email)``: a logged-in client of the pages at NOW (a fixed clock)."""
    app = create_app(web_engine, clock=fixed_clock(NOW))
    opened: list[TestClient] = []

    def make(email: str | None = None) -> TestClient:
        client = TestClient(app)
        opened.append(client)
        return log_in(client, email) if email else client

    yield make
    for client in opened:
        client.close()


def obligation_id(engine: Engine, unit: str, report: str = "bdg-6-thang", period: str = "2026-H1") -> int:
    """The id of a unit's obligation (the unit as its code today)."""
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT o.id FROM obligation o JOIN unit u ON u.id = o.unit_id "
                "WHERE u.code = :code AND u.valid_to IS NULL AND o.report_id = :report AND o.period = :period"
            ),
            {"code": unit, "report": report, "period": period},
        ).all()
    assert len(found) == 1, (unit, report, period, found)
    return int(found[0][0])
