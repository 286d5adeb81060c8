"""Fixtures for the tests in a real browser. pytest loads only conftest.py by itself, so a test
module takes these by binding their names: ``live_server = conftest_browser.live_server``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext
from sqlalchemy import Engine

from tests.web.browser import LiveServer, Shots, chromium, serve


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    """One headless Chromium for the module's tests (each test opens contexts of its own)."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def live_server(web_engine: Engine, tmp_path: Path) -> Iterator[LiveServer]:
    """`dunghan serve` on the test's copy of the web workspace, its clock starting at NOW."""
    with serve(web_engine.url.render_as_string(hide_password=False), tmp_path / "home") as server:
        yield server


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    """Screenshots of this test's steps, in test-artifacts/screenshots/<test name>/."""
    return Shots.for_test(request.node.name)


@pytest.fixture
def new_context(chromium_browser: Browser) -> Iterator[Callable[[dict[str, int]], BrowserContext]]:
    """``new_context(viewport)``: a fresh browser (own cookies) of that size, in Vietnamese and
    Vietnam's time; a phone below 720 px. Closed at the end of the test, passed or failed."""
    opened: list[BrowserContext] = []

    def make(viewport: dict[str, int]) -> BrowserContext:
        phone = viewport["width"] < 720
        context = chromium_browser.new_context(
            viewport=viewport,  # type: ignore[arg-type]
            is_mobile=phone,
            has_touch=phone,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()
