"""Everyone's calendar feed: their deadlines at a secret, revocable address (iCalendar)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
