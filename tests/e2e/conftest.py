"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PRIEMNAYA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
# Playwright's sync API runs an event loop in this thread; the live server and ORM calls from the
# test body are still synchronous, so Django's async-safety guard must be told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_shared_sqlite():
    """On in-memory SQLite the live server's threads share the test's one connection (Django's
    connections_override), so two requests at once (two files uploaded together) collide with
    «cannot open savepoint - SQL statements in progress». A real server has a connection per
    thread; here each response is built and read whole under one lock."""
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return
    from django.core.servers.basehttp import ThreadedWSGIServer

    lock = threading.Lock()

    class OneAtATime(ThreadedWSGIServer):
        def set_app(self, application):
            def serial(environ, start_response):
                with lock:
                    result = application(environ, start_response)
                    try:
                        return list(result)
                    finally:
                        if hasattr(result, "close"):
                            result.close()

            super().set_app(serial)

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = OneAtATime
    yield
    LiveServerThread.server_class = threaded


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (.ci/run installs it)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        original = browser.new_context

        def new_context(**kwargs):
            context = original(**kwargs)
            context.set_default_timeout(10_000)
            return context

        browser.new_context = new_context
        yield browser
        browser.close()


@pytest.fixture
def shot():
    """Return a function that saves a full-page screenshot under test-artifacts/e2e/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
