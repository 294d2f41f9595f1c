"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the test itself still talks to the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser(django_db_setup) -> Iterator[object]:
    from django.db import connection
    from playwright.sync_api import sync_playwright

    # Once Playwright's event loop runs in this thread, Django hands out a fresh connection object for
    # this context, without the test database's serialized contents: serialized rollback would then
    # restore nothing (programme 2025, holiday schedules, reference codes). Carry them over.
    contents = getattr(connection, "_test_serialized_contents", None)

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package (scripts/bootstrap does it as root)."
        )
    with sync_playwright() as playwright:
        if contents is not None:
            connection._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def accept_confirmations(page) -> None:
    """Answer 确定 to the confirmations of irreversible actions, as the user walking the year does."""
    page.on("dialog", lambda dialog: dialog.accept())


@contextmanager
def page_of_size(browser, width: int, height: int) -> Iterator[object]:
    """A new page of ``width``×``height`` in Chinese that accepts confirmations; its context is closed after."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    accept_confirmations(page)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page (390×844, like a current iPhone) in Chinese."""
    with page_of_size(browser, 390, 844) as page:
        yield page


@pytest.fixture
def desktop(browser):
    with page_of_size(browser, 1280, 900) as page:
        yield page
