"""Settings from the environment, read once (DUNGHAN_HOME, DUNGHAN_DATABASE_URL, …)."""

from __future__ import annotations

import functools
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUNGHAN_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("dunghan", appauthor=False)),
        description="the data folder: database, stored files, outbox, reports",
    )
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite in the data folder")

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'dunghan.db'}"

    @property
    def files_dir(self) -> Path:
        return self.home / "files"


@functools.cache
def get_settings() -> Settings:
    return Settings()
