"""The Action Month and the indicators: officers' activity forms, campaign pages, indicator entry."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
