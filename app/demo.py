"""The demo workspace: Bắc Ninh's current tree, generated contacts, and a year of reporting so far.

Everything generated here is seeded, so the same instant gives the same workspace. Addresses are
under the reserved ``.example`` domain and Zalo ids are made up: the demo writes its messages to
the outbox folder and can send nothing. One person per role may log in to the web pages, with a
password generated (seeded too) and shown once by ``dunghan demo``: a demo's, never a real one's.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from app import users
from app.settings import Settings, get_settings
from models.org_rows import ContactRow, UnitRow
from models.tree import import_org, official_rows
from reports.org_files import read_org_file
from rules.calendar import WorkCalendar
from rules.errors import DunghanError
from rules.i18n import _
from rules.scope import EVERYWHERE

PROVINCE = "24"  # Bắc Ninh after 01/07/2025 (GSO code)
STANDING_AGENCY = "24-SNV"  # Sở Nội vụ: receives the reports and supervises
DEPARTMENTS = Path(__file__).parents[1] / "models" / "trees" / "bac-ninh-2026-departments.yaml"
MARKER = ".dunghan-demo"  # a folder the demo made and may replace


def plans(year: int) -> list[tuple[str, dict[str, date]]]:
    """The packs the demo plans for ``year``, with the dates their documents leave to the province."""
    return [("hai-cap-2026", {}), ("ke-hoach-kinh-phi", {"budget_due": date(year, 7, 20)})]


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Thị", "Văn", "Minh", "Thu", "Hữu", "Ngọc", "Quang", "Thanh"]
GIVEN = ["Hoa", "Lan", "Hương", "Mai", "Tuấn", "Hùng", "Dũng", "Hà", "Linh", "Nam", "Phương", "Sơn", "Thảo", "Trang"]


class DemoFolderRefused(DunghanError):
    """The chosen folder holds something the demo did not make; it is never overwritten."""


def demo_settings(home: Path) -> Settings:
    """The demo's settings: its folder, SQLite there, messages written to its outbox folder."""
    return get_settings().model_copy(
        update={
            "home": home,
            "database_url": None,
            "delivery": "folder",
            "admin_emails": ["quan-tri@bacninh.example"],
            "sender_name": "Sở Nội vụ tỉnh Bắc Ninh",
        }
    )


def prepare_home(home: Path) -> bool:
    """Make ``home`` ready for a new demo; True when an earlier demo was replaced.

    Prefect's own database (``prefect/``) is kept between runs: it holds no demo data, and
    building it again would add seconds to every run.
    """
    if not home.exists() or not any(home.iterdir()):
        home.mkdir(parents=True, exist_ok=True)
        (home / MARKER).write_text("dunghan demo workspace\n", encoding="utf-8")
        return False
    if not (home / MARKER).exists():
        raise DemoFolderRefused(
            _("{home} already holds files that the demo did not make; choose another folder with --home").format(
                home=home
            )
        )
    for entry in home.iterdir():
        if entry.name in (MARKER, "prefect"):
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return True


def demo_units() -> list[UnitRow]:
    """Bắc Ninh's current two-tier tree (official list) and its departments."""
    units, _contacts = read_org_file(DEPARTMENTS)
    return official_rows(PROVINCE) + list(units)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def demo_contacts(units: Sequence[UnitRow]) -> list[ContactRow]:
    """A focal point (cán bộ đầu mối) and a head (thủ trưởng) for every unit; a receiving officer
    and a supervisor at the Sở Nội vụ; a supervisor at the province. About a third of the focal
    points prefer Zalo, as many communes do; a few units have no head on file (a gap to fix)."""
    rows: list[ContactRow] = []

    def add(unit: str, role: str, channels: str, rng: random.Random, zalo: bool = False) -> None:
        slug = unit.lower().replace("-", "")
        rows.append(
            ContactRow(
                len(rows) + 1,
                unit,
                person(rng),
                role,
                f"{role.replace('_', '-')}.{slug}@bacninh.example",
                None,
                f"demo-{slug}-{role}" if zalo else None,
                channels,
                True,
            )
        )

    for unit in units:
        if unit.level == "ministry":
            continue
        rng = random.Random(f"contacts:{unit.code}")
        zalo = rng.random() < 0.35
        add(unit.code, "focal_point", "zalo,email" if zalo else "email", rng, zalo=zalo)
        if rng.random() < 0.97:
            add(unit.code, "head", "email", rng)
    rng = random.Random("contacts:standing")
    add(STANDING_AGENCY, "recipient_officer", "email", rng)
    add(STANDING_AGENCY, "supervisor", "email", rng)
    add(PROVINCE, "supervisor", "email", rng)
    return rows


# Who may log in to the demo's web pages: (e-mail, role, unit code).
DEMO_USERS = [
    ("canbo.daison@bacninh.example", "officer", "07627"),  # Xã Đại Sơn: has reports still to send
    ("tiep-nhan.snv@bacninh.example", "reviewer", STANDING_AGENCY),
    ("lanh-dao.tinh@bacninh.example", "supervisor", PROVINCE),
    ("quan-tri@bacninh.example", "admin", PROVINCE),
]
PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: str
    unit_code: str
    unit_name: str
    password: str


def demo_password(email: str, at: datetime) -> str:
    """A password of three groups of four ('xxxx-xxxx-xxxx'), seeded by the person and the instant."""
    rng = random.Random(f"password:{email}:{at.isoformat()}")
    return "-".join("".join(rng.choice(PASSWORD_LETTERS) for _letter in range(4)) for _group in range(3))


def add_demo_users(engine: Engine, *, at: datetime) -> list[DemoUser]:
    """One person per role (an officer of a commune, a reviewer at the Sở Nội vụ, a supervisor and
    an admin at the province), each with a password of their own; only its hash is stored."""
    added = []
    for email, role, unit in DEMO_USERS:
        password = demo_password(email, at)
        made = users.add_user(
            engine,
            email=email,
            name=person(random.Random(f"user:{email}")),
            role=role,
            unit=unit,
            at=at,
            actor="demo",
            password=password,
            link_base=None,
        )
        added.append(DemoUser(email, role, unit, made.unit_name, password))
    return added


def load_tree(engine: Engine) -> tuple[int, int]:
    """Import the tree and the contacts; (units, contacts)."""
    units = demo_units()
    contacts = demo_contacts(units)
    summary = import_org(engine, units, contacts, source="demo", label="demo")
    return summary.units, summary.contacts


@dataclass
class Submitted:
    on_time: int = 0
    late: int = 0
    returned: list[str] = field(default_factory=list)


def record_submissions(engine: Engine, *, at: datetime, calendar: WorkCalendar) -> Submitted:
    """Most units have reported what was due before ``at`` (some late); a few have not.

    Each open obligation due within the next two weeks gets a seeded fate: submitted on time
    (about 70%), late (10%), not yet (20%); one submitted report is returned for correction.
    Only submissions dated before ``at`` are recorded.
    """
    from models import queries
    from models.obligations import ObligationKey, review, submit

    done = Submitted()
    rows = queries.overdue(engine, at=at, calendar=calendar, under=EVERYWHERE, soon=10)
    for row in sorted(rows, key=lambda r: (r.due_at, r.unit, r.report, r.period, r.hop)):
        rng = random.Random(f"submission:{row.unit}:{row.report}:{row.period}:{row.hop}")
        fate = rng.random()
        if fate < 0.7:
            when = row.due_at - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
        elif fate < 0.8:
            when = row.due_at + timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
        else:
            continue
        if when > at:
            continue
        key = ObligationKey(row.unit, row.report, row.period, row.hop)
        submit(engine, key, at=when, actor=f"demo:{row.unit}", calendar=calendar, note=None)
        if when <= row.due_at:
            done.on_time += 1
        else:
            done.late += 1
        if not done.returned and row.level == "commune" and when + timedelta(days=2) <= at:
            review(
                engine,
                key,
                "return",
                at=when + timedelta(days=2),
                actor="demo:24-SNV",
                reason="Thiếu số liệu về số vụ bạo lực trên cơ sở giới được hỗ trợ (mục II.3)",
                calendar=calendar,
            )
            done.returned.append(str(key))
    return done


ACTION_MONTH = "thang-hanh-dong"
# What a commune or department typically runs in the Action Month, and how large it is.
ACTIVITIES: list[tuple[str, str, int, dict[str, int]]] = [  # (type, title, participants, media)
    ("le-phat-dong", "Lễ phát động Tháng hành động vì bình đẳng giới", 180, {"panel": 2}),
    ("truyen-thong-truc-tiep", "Truyền thông về phòng ngừa bạo lực trên cơ sở giới tại nhà văn hóa thôn", 60, {}),
    ("tin-bai", "Tin bài trên trang thông tin điện tử và đài truyền thanh", 0, {"news": 2, "broadcast": 3}),
    ("pano-ap-phich", "Treo băng rôn, khẩu hiệu hưởng ứng Tháng hành động", 0, {"panel": 6}),
    ("hoi-nghi", "Tọa đàm về bình đẳng giới trong gia đình", 45, {}),
    ("tap-huan", "Tập huấn kỹ năng cho cán bộ đầu mối, tổ hòa giải", 35, {"print": 40}),
    ("thap-sang-mau-cam", "Thắp sáng, trang trí màu cam trụ sở", 0, {"online": 1}),
]


def record_demo_activities(engine: Engine, *, at: datetime) -> int:
    """Action Month logs from about three units in four, dated between 15/11 and ``at``.

    Nothing is logged before the campaign starts; each unit logs one to four activities, seeded
    by its code so that the same instant gives the same logs.
    """
    from models.activity_logs import LogRow, record_logs
    from rules.activity import ActivityEntry, campaign_window, find_campaign
    from rules.loader import shipped_packs

    chosen = find_campaign([p.pack for p in shipped_packs()], ACTION_MONTH, at.year)
    window = campaign_window(chosen.campaign, at.year)
    today = at.date()
    if today < window.start:
        return 0
    last = min(today, window.end)
    units = [u for u in demo_units() if u.level != "ministry" and u.code != PROVINCE]
    rows: list[LogRow] = []
    for unit in units:
        rng = random.Random(f"action-month:{unit.code}:{at.year}")
        if rng.random() > 0.75:
            continue
        for kind, title, size, media in rng.sample(ACTIVITIES, rng.randint(1, 4)):
            day = window.start + timedelta(days=rng.randint(0, (last - window.start).days))
            people = int(size * rng.uniform(0.6, 1.4))
            female = int(people * rng.uniform(0.45, 0.7))
            entry = ActivityEntry(
                day=day,
                activity_type=kind,
                title=title,
                male=people - female,
                female=female,
                media=dict(media),
                budget=rng.choice([0, 0, 500_000, 1_500_000, 3_000_000]) if people else 0,
            )
            rows.append(LogRow(len(rows) + 1, unit.code, entry))
    return record_logs(
        engine, rows, chosen=chosen, year=at.year, now=at, actor="demo", source="demo", label="demo", columns={}
    ).added
