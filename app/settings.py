"""Settings from the environment, read once (DUNGHAN_HOME, DUNGHAN_DATABASE_URL, …)."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUNGHAN_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("dunghan", appauthor=False)),
        description="the data folder: database, stored files, outbox, reports",
    )
    # Fields that may carry a password or a token stay out of the settings' repr (repr=False), so
    # printing or logging the settings never shows them.
    database_url: str | None = Field(None, repr=False, description="SQLAlchemy URL; default: SQLite in the data folder")

    # Delivery. "folder" (the default) writes every message to the outbox folder instead of sending.
    delivery: Literal["folder", "send"] = "folder"
    smtp_url: str | None = Field(None, repr=False, description="Apprise mailto:// or mailtos:// URL of the SMTP server")
    email_from: str = "Hệ thống nhắc hạn dunghan <dunghan@localhost>"
    sender_name: str = Field("dunghan", description="who the messages say they come from, e.g. Sở Nội vụ Bắc Ninh")
    sender_contact: str | None = Field(
        None,
        description="whom to ask at the sending agency, ending every message "
        "(e.g. Phòng Gia đình và Bình đẳng giới, điện thoại 0222 3822 123, bdg@snv.bacninh.gov.vn)",
    )
    salutation: str = Field(
        "đồng chí", description='how messages address a person: "Kính gửi đồng chí …"; empty for the name alone'
    )
    link_base: str | None = Field(None, description="base URL of the web pages, for links in messages")
    zalo_oa_token: SecretStr | None = None
    zalo_oa_url: str = "https://openapi.zalo.me"
    zns_token: SecretStr | None = None
    zns_url: str = "https://business.openapi.zalo.me"
    zns_templates: dict[str, str] = Field(
        default_factory=dict, description='approved ZNS template ids by kind, JSON: {"reminder": "123456"}'
    )
    zns_mode: Literal["production", "development"] | None = None
    admin_emails: list[str] = Field(default_factory=list, description="who hears of gaps and failures (JSON list)")
    admin_urls: list[str] = Field(
        default_factory=list, repr=False, description="Apprise URLs for the admin (JSON list)"
    )
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    # 20 a second: what an agency's own mail server or its provincial relay takes from one sender
    # without throttling it, greylisting it or marking it as bulk mail; an ordinary morning
    # (about 17,500 notices nationwide on a busy day) then takes about 15 minutes, a first sweep or
    # a catch-up after missed days (about 115,000) about 1 hour 36 minutes. Raise it, or 0 for no
    # limit, when the server is known to take more: the sender itself writes several hundred a second.
    rate_email: float = Field(
        20.0,
        description="messages a second, 0 for no limit; 20 a second: a busy national morning "
        "(about 17,500 mails) in about 15 minutes, a first sweep or catch-up (about 115,000) in about 1 h 36 min",
    )
    rate_zalo: float = 5.0
    rate_zns: float = 5.0
    rate_apprise: float = 2.0
    concurrency_email: int = Field(2, ge=1, description="SMTP sessions at once")
    concurrency_zalo: int = Field(2, ge=1)
    concurrency_zns: int = Field(2, ge=1)
    smtp_batch: int = Field(200, ge=1, description="messages per SMTP session")
    delivery_lease_seconds: float = Field(
        1800, gt=0, description="how long a delivering process holds the notices it claimed before others may"
    )
    delivery_chunk: int = Field(200, ge=1, description="notices claimed at a time by one delivering process")
    channel_trip_after: int = Field(
        3, ge=1, description="failures of a channel in a row before a run stops calling it and falls back"
    )
    retry_max_attempts: int = Field(6, ge=1)
    retry_base_minutes: float = Field(5.0, gt=0)

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'dunghan.db'}"

    @property
    def files_dir(self) -> Path:
        return self.home / "files"

    @property
    def outbox_dir(self) -> Path:
        return self.home / "outbox"


_chosen: contextvars.ContextVar[Settings | None] = contextvars.ContextVar("dunghan_settings", default=None)


@functools.cache
def _from_environment() -> Settings:
    return Settings()


def get_settings() -> Settings:
    """The settings in force: those a caller chose with :func:`using`, else the environment's."""
    return _chosen.get() or _from_environment()


get_settings.cache_clear = _from_environment.cache_clear  # type: ignore[attr-defined]  # read the environment again


@contextlib.contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """Run the block (use cases, flows in this process) with ``settings``; the environment is untouched."""
    token = _chosen.set(settings)
    try:
        yield settings
    finally:
        _chosen.reset(token)
