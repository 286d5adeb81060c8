"""An admin's pages: tree and contacts, users, packs, cycles, outbox, the province dashboard."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
