"""A supervisor's pages: 'Quá hạn' (filters, sort, pages, XLSX), 'Tỷ lệ báo cáo' (with a chart
drawn on the server), a unit's page; '/tong-hop/{code}' lands on the unit's page."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
