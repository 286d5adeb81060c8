"""Secrets and personal data stay out of what is shown: notice keys, error texts, the settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from models.tables import Notice
from notifications.admin import admin_notices

AT = datetime(2026, 12, 22, 1, 0, tzinfo=UTC)
TOKEN = "123456789:AAHs3cr3tT0k3n"
ADMIN_URL = f"tgram://{TOKEN}/-1001234567"


def test_an_admin_notice_key_holds_a_hash_of_the_apprise_url_not_its_secret() -> None:
    drafts = admin_notices(
        "gaps",
        {"sender": "Sở Nội vụ", "today": AT.date(), "gaps": []},
        key="gaps:2026-12-22",
        at=AT,
        admin_emails=["admin@snv.example"],
        admin_urls=[ADMIN_URL, "tgram://987654321:OtherT0ken/-100"],
    )
    email, apprise, other = drafts
    assert email.key == "gaps:2026-12-22:email:admin@snv.example"
    assert TOKEN not in apprise.key and apprise.key.startswith("gaps:2026-12-22:apprise:sha256:")
    assert apprise.address == ADMIN_URL  # sending needs it
    assert other.key != apprise.key  # two URLs, two keys
    again = admin_notices(
        "gaps", {"sender": "x", "today": AT.date(), "gaps": []}, key="gaps:2026-12-22", at=AT,
        admin_emails=[], admin_urls=[ADMIN_URL],
    )  # fmt: skip
    assert again[0].key == apprise.key  # the same occasion and URL: the same key, sent once


def test_the_settings_repr_hides_urls_that_carry_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.settings import Settings

    monkeypatch.setenv("DUNGHAN_SMTP_URL", "mailtos://snv:MatKhau123@smtp.example")
    monkeypatch.setenv("DUNGHAN_DATABASE_URL", "postgresql+psycopg://dunghan:MatKhau456@db/dunghan")
    monkeypatch.setenv("DUNGHAN_ADMIN_URLS", f'["{ADMIN_URL}"]')
    monkeypatch.setenv("DUNGHAN_ZALO_OA_TOKEN", "MatKhau789")
    shown = repr(Settings()) + str(Settings())
    for secret in ("MatKhau123", "MatKhau456", TOKEN, "MatKhau789"):
        assert secret not in shown


def test_a_database_error_shows_no_parameter_values(engine: Engine) -> None:
    row = dict(
        kind="reminder", recipient_role="focal_point", recipient_name="Nguyễn Thị Hoa", channel="email",
        address="hoa.nguyen@kinhbac.example", template="reminder", subject="Nhắc hạn báo cáo",
        body_text="Kính gửi chị Hoa, số điện thoại 0987654321", status="pending", attempts=0,
        created_at=AT, not_before=AT, key="k1",
    )  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(Notice), [row])
    with pytest.raises(IntegrityError) as duplicate, engine.begin() as connection:
        connection.execute(insert(Notice), [row])
    shown = str(duplicate.value)
    assert "INSERT INTO notice" in shown  # the statement, to find the fault
    for value in ("hoa.nguyen@kinhbac.example", "0987654321", "Nguyễn Thị Hoa", "Nhắc hạn"):
        assert value not in shown
    assert "[SQL parameters hidden due to hide_parameters=True]" in shown
