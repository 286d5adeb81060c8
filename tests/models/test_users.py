"""People who log in: added with a scope unit held today, a one-time link that works once for 72
hours, Argon2 hashes, log-ins refused alike for every wrong reason, guessing slowed down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from app import users
from models.database import read_connection
from models.tables import AuditEvent, User, WebSession
from models.users import UserError
from rules.errors import DunghanError
from tests.models.factory import at, bac_ninh_2026

NOW = at("2026-07-01T09:00:00")


@pytest.fixture
def tree(engine: Engine) -> Engine:
    bac_ninh_2026(engine)
    return engine


def _add(engine: Engine, email: str = "Hoa@SNV.bacninh.example", password: str | None = None) -> users.AddedUser:
    return users.add_user(
        engine,
        email=email,
        name="Nguyễn Thị Hoa",
        role="reviewer",
        unit="24-SNV",
        at=NOW,
        actor="admin",
        password=password,
        link_base="https://dunghan.bacninh.example/",
    )


def test_a_user_gets_a_link_that_sets_the_password_once(tree: Engine) -> None:
    added = _add(tree)
    assert added.unit_name == "Sở Nội vụ tỉnh Bắc Ninh"
    assert added.link is not None and added.link.startswith("https://dunghan.bacninh.example/dat-mat-khau/")
    token = added.link.rsplit("/", 1)[1]
    with pytest.raises(users.LoginRefused):  # no password yet
        users.authenticate(tree, email="hoa@snv.bacninh.example", password="x" * 12, address="10.0.0.1", at=NOW)
    with pytest.raises(DunghanError) as short:
        users.set_password(tree, token, "ngắn", at=NOW)
    assert short.value.field == "password"
    users.set_password(tree, token, "mật khẩu đủ dài", at=NOW + timedelta(hours=71))
    with pytest.raises(UserError, match="used or expired"):
        users.set_password(tree, token, "một mật khẩu khác", at=NOW + timedelta(hours=71, minutes=1))
    user_id = users.authenticate(
        tree, email="HOA@snv.bacninh.example ", password="mật khẩu đủ dài", address="10.0.0.1", at=NOW
    )
    with read_connection(tree) as connection:
        stored = connection.execute(select(col(User.password_hash)).where(col(User.id) == user_id)).scalar_one()
        actions = connection.execute(
            select(col(AuditEvent.action)).where(col(AuditEvent.entity) == "user", col(AuditEvent.entity_id) == user_id)
        ).scalars()
        assert stored is not None and stored.startswith("$argon2id$") and "mật khẩu" not in stored
        assert list(actions) == ["user_added", "password_set"]


def test_a_link_expires_after_72_hours_and_a_new_one_ends_the_old(tree: Engine) -> None:
    first = _add(tree).link
    assert first is not None
    with pytest.raises(UserError):
        users.set_password(tree, first.rsplit("/", 1)[1], "mật khẩu đủ dài", at=NOW + timedelta(hours=72))
    second = users.new_link(tree, "hoa@snv.bacninh.example", at=NOW, link_base=None)
    third = users.new_link(tree, "hoa@snv.bacninh.example", at=NOW, link_base=None)
    with pytest.raises(UserError):
        users.set_password(tree, second.rsplit("/", 1)[1], "mật khẩu đủ dài", at=NOW)
    users.set_password(tree, third.rsplit("/", 1)[1], "mật khẩu đủ dài", at=NOW)


def test_an_email_is_taken_once_and_the_unit_is_looked_up_by_date(tree: Engine) -> None:
    _add(tree, password="mật khẩu đủ dài")
    with pytest.raises(UserError, match="already exists"):
        _add(tree, email="hoa@snv.bacninh.example")
    with pytest.raises(DunghanError, match="no unit with code 99"):
        users.add_user(
            tree,
            email="x@y.example",
            name="X",
            role="officer",
            unit="99",
            at=NOW,
            actor="a",
            password=None,
            link_base=None,
        )


def test_the_sixth_try_waits_even_with_the_right_password(tree: Engine) -> None:
    _add(tree, password="mật khẩu đủ dài")
    for minute in range(5):
        with pytest.raises(users.LoginRefused) as refused:
            users.authenticate(
                tree,
                email="hoa@snv.bacninh.example",
                password="sai",
                address="10.0.0.9",
                at=NOW + timedelta(minutes=minute),
            )
        assert not isinstance(refused.value, users.TooManyFailures)
    with pytest.raises(users.TooManyFailures):
        users.authenticate(
            tree,
            email="hoa@snv.bacninh.example",
            password="mật khẩu đủ dài",
            address="10.0.0.1",
            at=NOW + timedelta(minutes=5),
        )
    with pytest.raises(users.TooManyFailures):  # the same address, another account
        users.authenticate(
            tree, email="khac@x.example", password="x", address="10.0.0.9", at=NOW + timedelta(minutes=6)
        )
    later = NOW + timedelta(minutes=20)  # the window has passed
    assert users.authenticate(
        tree, email="hoa@snv.bacninh.example", password="mật khẩu đủ dài", address="10.0.0.9", at=later
    )


def test_a_disabled_user_is_refused_like_a_wrong_password(tree: Engine) -> None:
    _add(tree, password="mật khẩu đủ dài")
    users.disable(tree, "hoa@snv.bacninh.example", at=NOW, actor="admin")
    with pytest.raises(users.LoginRefused, match="wrong e-mail or password"):
        users.authenticate(
            tree, email="hoa@snv.bacninh.example", password="mật khẩu đủ dài", address="10.0.0.1", at=NOW
        )
    with pytest.raises(users.LoginRefused, match="wrong e-mail or password"):
        users.authenticate(tree, email="nobody@x.example", password="mật khẩu đủ dài", address="10.0.0.2", at=NOW)
    [row] = users.listing(tree)
    assert (row.email, row.role, row.unit_code, row.active, row.has_password) == (
        "hoa@snv.bacninh.example",
        "reviewer",
        "24-SNV",
        False,
        True,
    )


def test_a_session_lives_until_logout_disabling_or_eight_idle_hours(tree: Engine) -> None:
    _add(tree, password="mật khẩu đủ dài")
    email, password = "hoa@snv.bacninh.example", "mật khẩu đủ dài"
    token = users.log_in(tree, email=email, password=password, address="10.0.0.1", at=NOW)
    live = users.session_user(tree, token, at=NOW + timedelta(hours=7))
    assert live is not None and (live.email, live.role) == (email, "reviewer") and len(live.csrf) >= 40
    assert users.session_user(tree, token, at=NOW + timedelta(hours=14, minutes=59)) is not None  # seen at 7 h
    assert users.session_user(tree, token, at=NOW + timedelta(hours=23)) is None  # 8 idle hours: over
    assert users.session_user(tree, "not-a-token", at=NOW) is None and users.session_user(tree, None, at=NOW) is None
    second = users.log_in(tree, email=email, password=password, address="10.0.0.1", at=NOW)
    users.log_out(tree, second, at=NOW + timedelta(minutes=1))
    assert users.session_user(tree, second, at=NOW + timedelta(minutes=2)) is None
    third = users.log_in(tree, email=email, password=password, address="10.0.0.1", at=NOW)
    users.disable(tree, email, at=NOW + timedelta(minutes=3), actor="admin")
    assert users.session_user(tree, third, at=NOW + timedelta(minutes=4)) is None  # ended at once
    with read_connection(tree) as connection:
        stored = connection.execute(select(col(WebSession.token_sha256))).scalars().all()
    assert len(stored) == 3 and token not in stored and second not in stored  # only hashes are kept
