"""Helpers for the tests of the running pages: `dunghan serve` as a subprocess on a free port,
Debian's Chromium driven by Playwright, numbered screenshots of every step kept under
test-artifacts/, and the app's routes enumerated (so pages added later are tested too).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from starlette.routing import BaseRoute, Mount

from tests.web.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SERVE_AT = "2026-06-15T09:00"  # the web workspace's NOW: the server's clock starts there and runs on
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def chromium_path() -> str:
    """Debian's Chromium; without it a browser test is skipped locally and fails in CI."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).is_file():
        message = "no Chromium: apt-get install chromium (see .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveServer:
    """`dunghan serve` running in a subprocess on ``url`` with its data folder ``home``."""

    url: str
    home: Path
    env: dict[str, str]
    log: Path

    def dunghan(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a `dunghan` command on the server's database and data folder."""
        return subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@contextmanager
def serve(database_url: str, home: Path, *, at: str = SERVE_AT, timeout: float = 60.0) -> Iterator[LiveServer]:
    """Start `dunghan serve --port <free port> --at <at>` on ``database_url``, wait until the
    log-in page answers, and stop the server afterwards."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # The pages in the language their people read (the rest of the suite reads the English).
    env = {**os.environ, "DUNGHAN_HOME": str(home), "DUNGHAN_DATABASE_URL": database_url, "DUNGHAN_LANG": "vi"}
    env.pop("DUNGHAN_SERVE_AT", None)
    log = home / "serve.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--at", at],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(process, f"{url}/dang-nhap", log, timeout)
            yield LiveServer(url=url, home=home, env=env, log=log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _wait_until_up(process: subprocess.Popen[bytes], probe: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dunghan serve stopped ({process.returncode}):\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(probe, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"dunghan serve did not answer {probe} within {timeout:.0f} s:\n{log.read_text()}")


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium (Debian's), closed afterwards."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = _launch(playwright, executable)
        try:
            yield browser
        finally:
            browser.close()


def _launch(playwright: Playwright, executable: str) -> Browser:
    # The browser's own controls (file picker, date field) in Vietnamese, as people here see them:
    # Chromium on Linux takes its language from LANGUAGE (with Debian's chromium-l10n installed).
    return playwright.chromium.launch(
        executable_path=executable,
        args=["--no-sandbox", "--lang=vi"],
        env={**os.environ, "LANGUAGE": "vi"},
    )


@dataclass
class Shots:
    """Numbered full-page screenshots of a test's steps: ``<folder>/NN-step.png``."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    @classmethod
    def for_test(cls, test_name: str) -> Shots:
        folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", test_name).strip("-")
        shutil.rmtree(folder, ignore_errors=True)  # this run's steps only
        folder.mkdir(parents=True)
        return cls(folder)

    def take(self, page: Page, step: str) -> Path:
        path = self.folder / f"{len(self.taken) + 1:02d}-{step}.png"
        page.screenshot(path=path, full_page=True)
        self.taken.append(path)
        return path


def log_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the form as a person would, and wait for their home page."""
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()


def main_text(page: Page) -> str:
    """What the page's main part says, as a person reads it (whitespace collapsed)."""
    return " ".join(page.locator("main").inner_text().split())


@dataclass(frozen=True)
class Route:
    """One route of the app: its method, its full path with ``{parameters}``, the FastAPI route,
    and the path of the sub-application it is mounted under ('' for the pages)."""

    method: str
    path: str
    route: APIRoute
    mount: str = ""

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)(?::\w+)?}", self.path)

    @property
    def query_params(self) -> list[str]:
        return [p.name for p in self.route.dependant.query_params]

    @property
    def text_query_params(self) -> list[str]:
        """The query parameters that take any text (a code, a name): not numbers, flags or choices."""
        return [
            p.name
            for p in self.route.dependant.query_params
            if p.field_info.annotation is str or str in typing.get_args(p.field_info.annotation)
        ]

    def json_example(self) -> dict[str, object] | None:
        """The first example of the route's JSON body as its model documents it, if it takes one."""
        body = self.route.body_field
        model = getattr(getattr(body, "field_info", None), "annotation", None)
        config = getattr(model, "model_config", None) or {}
        extra = config.get("json_schema_extra") if isinstance(config, dict) else None
        examples = extra.get("examples") if isinstance(extra, dict) else None
        return dict(examples[0]) if examples else None


def app_routes(app: FastAPI, method: str) -> list[Route]:
    """Every route of ``app`` answering ``method``: included routers at any depth, and the routes
    of FastAPI applications mounted inside it (the JSON API)."""
    found: list[Route] = []

    def walk(routes: list[BaseRoute], prefix: str, mount: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)  # FastAPI keeps included routers whole
            if included is not None:
                context = getattr(route, "include_context", None)
                walk(included.routes, prefix + (context.prefix if context is not None else ""), mount)
            elif isinstance(route, Mount) and isinstance(route.app, FastAPI):
                walk(route.app.routes, prefix + route.path, prefix + route.path)
            elif isinstance(route, APIRoute) and method in (route.methods or set()):
                found.append(Route(method, prefix + route.path_format, route, mount))

    walk(app.routes, "", "")
    assert found, f"no {method} route found: has FastAPI changed how it keeps routes?"
    return found
