"""The JSON API under /api/v1, a sub-application with its own OpenAPI page: per-user tokens carry
the user's role and scope; errors are JSON with a Vietnamese message."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from rules.clock import Clock


def create_api(engine: Engine, *, clock: Clock) -> FastAPI:
    api = FastAPI(title="dunghan API", version="1", docs_url=None, redoc_url=None, openapi_url=None)
    api.state.engine = engine
    api.state.clock = clock
    return api
