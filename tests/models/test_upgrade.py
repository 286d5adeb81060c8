"""A database made by every earlier migration, with realistic rows in every table, upgrades to
the head without losing a row (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, func, insert, inspect, select, text
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers the tables)
from models.database import MIGRATIONS, current_revision, head_revision, migrate
from tests.conftest import empty_engine

POSTGRES_URL = os.environ.get("DUNGHAN_TEST_POSTGRES_URL")
AT = datetime(2026, 6, 20, 2, 0, tzinfo=UTC)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def earlier_revisions() -> list[str]:
    """Every revision but the head, oldest first."""
    scripts = ScriptDirectory.from_config(_config())
    return [s.revision for s in reversed(list(scripts.walk_revisions())) if s.revision != head_revision()]


def upgrade_to(engine: Engine, revision: str) -> None:
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


# Realistic rows for every table any migration creates, in the order foreign keys need. Columns
# a revision does not have yet are left out when the rows are written.
ROWS: dict[str, list[dict[str, Any]]] = {
    "auditevent": [
        dict(id=1, at=AT, actor="cli:snv", entity="obligation", entity_id=1, action="submit", from_state="pending")
        | dict(to_state="submitted", note="Nộp qua cổng")
    ],
    "cycle": [
        dict(id=1, pack_id="hai-cap-2026", pack_version="1", year=2026, scope="24", params="{}", planned_at=AT)
        | dict(reminders='{"default": []}')
    ],
    "unit": [
        dict(id=1, code="24", name="Tỉnh Bắc Ninh", level="province", unit_type="people_committee", parent_id=None)
        | dict(path="/24/", valid_from=date(2025, 7, 1), valid_to=None, merged_into=None, source="vietnam-provinces"),
        dict(id=2, code="07375", name="Phường Kinh Bắc", level="commune", unit_type="people_committee", parent_id=1)
        | dict(path="/24/07375/", valid_from=date(2025, 7, 1), valid_to=None, merged_into=None, source="file"),
        dict(id=3, code="27", name="Tỉnh Bắc Ninh", level="province", unit_type="people_committee", parent_id=None)
        | dict(path="/27/", valid_from=date(2024, 1, 1), valid_to=date(2025, 6, 30), merged_into="24", source="file"),
    ],
    "unit_lineage": [dict(id=1, predecessor_id=3, successor_id=1, took_over_on=date(2025, 7, 1), source="file")],
    "contact": [
        dict(id=1, unit_id=2, name="Nguyễn Thị Hoa", role="focal_point", email="hoa@kinhbac.example")
        | dict(zalo_phone="84987654321", zalo_user_id=None, channels="zalo,email", active=True)
    ],
    "obligation": [
        dict(id=n, cycle_id=1, unit_id=2, unit_level="commune", report_id="bdg-6-thang", report_name="Báo cáo")
        | dict(period=period, hop=1, recipient_name="UBND tỉnh", recipient_unit_id=1, wording="trước ngày 15/6")
        | dict(nominal_date=date(2026, 6, 15), due_date=date(2026, 6, 15), rolled_reason=None)
        | dict(due_at=AT, state=state, late_with_permission=n == 2, retired=False, returned_at=None)
        | dict(also_recipients=None, assumed=None)
        for n, period, state in ((1, "2026-H1", "submitted"), (2, "2026-H2", "pending"))
    ],
    "submission": [
        dict(id=1, obligation_id=1, submitted_at=AT, actor="cli:hoa", file_name="bao-cao.docx")
        | dict(file_path="files/2026/bao-cao.docx", sha256="a" * 64, note=None)
    ],
    "submission_file": [
        dict(id=1, submission_id=1, file_name="bao-cao.docx", file_path="files/2026/bao-cao.docx")
        | dict(sha256="a" * 64, size_bytes=1234)
    ],
    "extension": [
        dict(id=1, obligation_id=2, old_due_at=AT, new_due_at=AT, reason="Chờ số liệu", granted_by="cli:snv")
        | dict(granted_at=AT)
    ],
    "notice": [
        dict(id=1, key="1:default:truoc-2@2026-06-13:email:1", kind="reminder", obligation_id=2, step="truoc-2")
        | dict(contact_id=1, recipient_role="focal_point", recipient_name="Nguyễn Thị Hoa", channel="email")
        | dict(address="hoa@kinhbac.example", template="reminder", subject="Nhắc hạn", body_text="Kính gửi…")
        | dict(body_html=None, payload=None, note=None, fallback_of=None, status="sent", attempts=1)
        | dict(last_error=None, result="file", created_at=AT, not_before=AT, sent_at=AT, owner=None, lease_until=None)
    ],
    "activity_log": [
        dict(id=1, campaign_id="thang-hanh-dong", pack_id="hai-cap-2026", year=2026, unit_id=2)
        | dict(activity_date=date(2026, 11, 15), activity_type="le-phat-dong", title="Lễ phát động")
        | dict(participants_male=80, participants_female=120, participants_total=200, media_news=1)
        | dict(media_broadcast=0, media_print=0, media_panel=4, media_online=2, budget_vnd=5_000_000, note=None)
        | dict(source="hoat-dong.xlsx", source_sha256="b" * 64, recorded_by="cli:hoa", recorded_at=AT)
    ],
    "activity_import": [
        dict(id=1, sha256="b" * 64, source="hoat-dong.xlsx", campaign_id="thang-hanh-dong", year=2026, units=1)
        | dict(activities=1, imported_by="cli:hoa", imported_at=AT)
    ],
    "indicator_value": [
        dict(id=1, pack_id="hai-cap-2026", form_id="phu-luc-01", year=2026, indicator_code="1.1", unit_id=2)
        | dict(value=52.5, note=None, source="cli", entered_by="cli:snv", entered_at=AT)
    ],
    "app_user": [
        dict(id=1, email="hoa@snv.bacninh.example", name="Nguyễn Thị Hoa", role="reviewer", unit_id=1)
        | dict(password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", active=True, created_at=AT)
        | dict(created_by="cli:admin")
    ],
    "user_token": [
        dict(id=1, user_id=1, purpose="set_password", token_sha256="c" * 64, created_at=AT, expires_at=AT, used_at=AT)
    ],
    "login_attempt": [dict(id=1, email="hoa@snv.bacninh.example", address="10.0.0.1", at=AT, ok=True)],
    "web_session": [
        dict(id=1, user_id=1, token_sha256="d" * 64, csrf="e" * 43, address="10.0.0.1", started_at=AT, seen_at=AT)
        | dict(ended_at=None)
    ],
    "api_token": [
        dict(id=1, user_id=1, name="phần mềm một cửa", token_sha256="f" * 64, created_at=AT, created_by="web:x")
        | dict(last_used_at=None, revoked_at=None)
    ],
    "occasion": [
        dict(id=1, pack_id="hai-cap-2026", kind="event", name="vu-viec-bao-luc", unit_id=2, day=date(2026, 6, 1))
        | dict(recorded_at=AT, actor="cli:hoa", reference=None, note="Phát hiện vụ việc")
    ],
    "run": [
        dict(id=1, name="send_reminders", how="direct", who="cli:hoa", scope="[]", parameters='{"at": null}')
        | dict(started_at=AT, finished_at=AT, outcome="ok", message=None, counts='{"queued": 3}')
    ],
}


def fill(engine: Engine) -> dict[str, int]:
    """Write the rows of every table the database has, with the columns it has; the counts."""
    with engine.begin() as connection:
        present = set(inspect(connection).get_table_names()) - {"alembic_version"}
        assert present <= set(ROWS), f"no rows for {sorted(present - set(ROWS))}: add them to ROWS"
        for name in [t for t in ROWS if t in present]:
            columns = {c["name"] for c in inspect(connection).get_columns(name)}
            model = SQLModel.metadata.tables[name]
            table = Table(name, MetaData(), *(c._copy() for c in model.columns if c.name in columns))
            rows = [{k: v for k, v in row.items() if k in columns} for row in ROWS[name]]
            assert all(set(row) == columns for row in rows), f"{name}: rows miss {columns - set(rows[0])}"
            connection.execute(insert(table), rows)
        if engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
            for name in present:
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), 100)"))
    return {name: len(ROWS[name]) for name in present}


def counts(engine: Engine, tables: set[str]) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(text(name))).scalar_one() for name in tables}


def test_every_earlier_revision_is_tested() -> None:
    assert earlier_revisions()[:6] == ["0001", "0002", "0003", "0004", "0005", "0006"]
    assert head_revision() not in earlier_revisions()


@pytest.mark.parametrize("revision", earlier_revisions())
def test_a_full_database_at_each_revision_upgrades_to_the_head(backend: str, tmp_path: Path, revision: str) -> None:
    engine = empty_engine(backend, tmp_path, "old.db")
    try:
        upgrade_to(engine, revision)
        written = fill(engine)
        assert {"unit", "contact", "obligation", "submission", "extension"} <= set(written)

        migrate(engine)

        assert current_revision(engine) == head_revision()
        assert counts(engine, set(written)) == written  # not a row lost
        with engine.connect() as connection:
            levels = connection.execute(text("SELECT id, unit_level FROM obligation ORDER BY id")).all()
            assert [tuple(r) for r in levels] == [(1, "commune"), (2, "commune")]
            also = connection.execute(text("SELECT also_recipients FROM obligation")).scalars().all()
            assert also == [None, None]  # planned before recipients in one hop: none also sent it
            assumed = connection.execute(text("SELECT assumed FROM obligation")).scalars().all()
            assert assumed == [None, None]  # planned before the note was kept: none
            due = connection.execute(text("SELECT obligation_id FROM extension")).scalar_one()
            assert due == 2
            lineage = connection.execute(text("SELECT predecessor_id, successor_id, took_over_on FROM unit_lineage"))
            assert [(p, s, str(d)) for p, s, d in lineage] == [(3, 1, "2025-07-01")]  # merged_into resolved by date
            if backend == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again
    finally:
        engine.dispose()
