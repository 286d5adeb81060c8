"""A contact no configured channel reaches is a gap: listed for the admin, and `org import` warns."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from app.org import reach, unreachable_contacts
from app.settings import Settings
from cli.main import app
from models.org_rows import ContactRow
from models.tables import Notice
from notifications.admin import admin_notices, unreachable_rows
from notifications.channels import Reach, SmtpChannel
from notifications.rate_limit import RateLimiter
from tests.notifications.notices import NOW, Reports
from tests.notifications.peers import smtp_server

NO_ZNS_TEMPLATE = Reach(zalo_oa=True, zns=True)
WITH_TEMPLATE = Reach(zalo_oa=True, zns=True, zns_templates=frozenset({"reminder"}))


@dataclass(frozen=True)
class Person:
    unit_id: int
    name: str
    role: str
    email: str | None
    zalo_user_id: str | None
    zalo_phone: str | None
    active: bool = True


PHONE_ONLY = Person(7, "Ngô Thị Lan", "focal_point", None, None, "84912345678")
WITH_EMAIL = Person(7, "Trần Văn Nam", "head", "nam@syt.bacninh.gov.vn", None, "84912345679")
FOLLOWER_ONLY = Person(8, "Lý Văn Sơn", "focal_point", None, "4815162342", None)
NOTHING = Person(8, "Đinh Thị Mai", "deputy", None, None, None)
RETIRED = Person(8, "Phan Văn Cũ", "focal_point", None, None, "84900000000", active=False)


def test_a_zalo_phone_without_a_zns_template_reaches_nobody() -> None:
    why = NO_ZNS_TEMPLATE.why_not(email=None, zalo_user_id=None, zalo_phone="84912345678")
    assert why is not None and "DUNGHAN_ZNS_TEMPLATES" in why
    assert WITH_TEMPLATE.why_not(email=None, zalo_user_id=None, zalo_phone="84912345678") is None
    assert NO_ZNS_TEMPLATE.why_not(email="a@b.vn", zalo_user_id=None, zalo_phone="84912345678") is None


def test_a_follower_id_without_zalo_oa_and_a_phone_without_zns_say_which_setting_is_missing() -> None:
    nothing_on = Reach(zalo_oa=False, zns=False)
    assert "DUNGHAN_ZALO_OA_TOKEN" in (nothing_on.why_not(email=None, zalo_user_id="48", zalo_phone=None) or "")
    assert "DUNGHAN_ZNS_TOKEN" in (nothing_on.why_not(email=None, zalo_user_id=None, zalo_phone="849") or "")


def test_the_settings_decide_what_is_configured() -> None:
    sending = Settings(delivery="send", smtp_url="mailto://127.0.0.1:25?from=a@b.vn")
    assert reach(sending) == Reach(zalo_oa=False, zns=False)
    with_zns = Settings(delivery="send", zns_token=SecretStr("t"), zns_templates={"reminder": "2101"})
    assert reach(with_zns).channels(email=None, zalo_user_id=None, zalo_phone="849") == {"zns"}
    assert reach(Settings()).channels(email=None, zalo_user_id="48", zalo_phone="849") == {"zalo"}  # no template


def test_the_unreachable_contacts_are_listed_for_the_admin_by_mail() -> None:
    units = {7: ("24-SYT", "Sở Y tế tỉnh Bắc Ninh"), 8: ("24-STP", "Sở Tư pháp tỉnh Bắc Ninh")}
    rows = unreachable_rows(
        [PHONE_ONLY, WITH_EMAIL, FOLLOWER_ONLY, NOTHING, RETIRED], Reach(zalo_oa=False, zns=True), units
    )
    assert [(r["unit"], r["name"]) for r in rows] == [
        ("24-SYT", "Ngô Thị Lan"),
        ("24-STP", "Lý Văn Sơn"),
        ("24-STP", "Đinh Thị Mai"),
    ]
    [draft] = admin_notices(
        "gaps",
        {"sender": "Sở Nội vụ tỉnh Bắc Ninh", "today": NOW.date(), "gaps": [], "unreachable": rows},
        key="gaps:2026-12-22",
        at=NOW,
        admin_emails=["admin@snv.bacninh.gov.vn"],
        admin_urls=[],
    )
    assert draft.subject == "[dunghan] 3 đầu mối không nhận được tin nhắn ngày 22/12/2026"
    notice = Notice(id=1, status="pending", attempts=0, created_at=NOW, **draft.__dict__)
    with smtp_server() as (url, mailbox):
        SmtpChannel(url, sender=None, clock=lambda: NOW, limiter=RateLimiter(0)).send([notice], Reports())
    [(_envelope, message)] = mailbox.messages
    assert isinstance(message, EmailMessage)
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    assert "Sở Y tế tỉnh Bắc Ninh (24-SYT): Ngô Thị Lan, cán bộ đầu mối" in text
    assert "DUNGHAN_ZNS_TEMPLATES" in text and "DUNGHAN_ZALO_OA_TOKEN" in text
    assert "Phan Văn Cũ" not in text  # an inactive contact is not expected to be reached


def test_the_gaps_message_without_unreachable_contacts_reads_as_before() -> None:
    gap = {
        "unit": "24-SYT",
        "unit_name": "Sở Y tế",
        "role_name": "thủ trưởng đơn vị",
        "report_name": "BC",
        "period_name": "năm 2026",
    }
    [draft] = admin_notices(
        "gaps",
        {"sender": "Sở Nội vụ", "today": NOW.date(), "gaps": [gap]},
        key="gaps:2026-12-22",
        at=NOW,
        admin_emails=["admin@snv.bacninh.gov.vn"],
        admin_urls=[],
    )
    assert draft.subject == "[dunghan] 1 lời nhắc không có người nhận ngày 22/12/2026"
    assert "đầu mối không nhận được" not in draft.body_text


def test_the_import_lists_the_contacts_it_keeps_but_cannot_reach() -> None:
    contacts = [
        ContactRow(2, "24-SYT", "Ngô Thị Lan", "focal_point", None, "84912345678", None, "zalo", True),
        ContactRow(3, "24-SYT", "Trần Văn Nam", "head", "nam@syt.bacninh.gov.vn", None, None, "email", True),
        ContactRow(4, "24-SYT", "Phan Văn Cũ", "deputy", None, "84900000000", None, "zalo", False),
    ]
    [line] = unreachable_contacts(contacts, "lien-he.csv", Settings())
    assert line.startswith("lien-he.csv: row 2 (24-SYT): Ngô Thị Lan (cán bộ đầu mối)")
    assert "DUNGHAN_ZNS_TEMPLATES" in line
    with_template = Settings(zns_templates={"reminder": "2101"})
    assert unreachable_contacts(contacts, "lien-he.csv", with_template) == []


@pytest.mark.usefixtures("workspace")
def test_org_import_warns_about_a_contact_only_a_zalo_phone_would_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DUNGHAN_ZNS_TEMPLATES", raising=False)
    tree = tmp_path / "so-y-te.yaml"
    tree.write_text(
        "units:\n"
        "- {code: '24', name: Tỉnh Bắc Ninh, level: province, type: people_committee, valid_from: '2025-07-01'}\n"
        "- {code: 24-SYT, name: Sở Y tế tỉnh Bắc Ninh, level: province, type: department, parent: '24',"
        " valid_from: '2025-07-01'}\n"
        "contacts:\n"
        "- {unit: 24-SYT, name: Ngô Thị Lan, role: focal_point, zalo_phone: '0912345678', channels: zalo}\n"
        "- {unit: 24-SYT, name: Trần Văn Nam, role: head, email: nam@syt.bacninh.gov.vn, channels: email}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["org", "import", str(tree)])
    assert result.exit_code == 0, result.output
    assert "imported 2 unit(s) and 2 contact(s)" in result.stdout
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert "Ngô Thị Lan" in warning and "cannot be reached by any configured channel" in warning
    assert "DUNGHAN_ZNS_TEMPLATES" in warning
