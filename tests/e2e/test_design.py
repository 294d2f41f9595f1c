"""Every page of every role in a real browser: axe-core finds no serious or critical violation, nothing
scrolls sideways at 360 px, every tap target is at least 44 × 44 px on a phone, and a screenshot of each
page at 390 × 844 and 1366 × 900 goes to docs/screenshots/ (<role>-<page>-phone.png / -desktop.png).

The pages are found, not listed: the URL conf's pages without arguments and every page their links lead
to over the demo year, one per view (:func:`voucher.testing.design.role_pages`).
"""

from __future__ import annotations

import pytest
from django.test import Client

from voucher.accounts.models import User
from voucher.demo.seed import DEMO_PASSWORD, seed_demo
from voucher.testing.browser import login
from voucher.testing.design import (
    axe_violations,
    compact_screenshot,
    role_pages,
    sideways_overflow,
    small_tap_targets,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROLES = {
    "public": None,
    "enterprise": "ent_food",
    "provider": "provider_ai",
    "reviewer": "reviewer1",
    "admin": "admin",
}
NARROW = {"width": 360, "height": 780}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def design_page(browser):
    """A page that may inject axe-core (the platform's CSP forbids scripts from elsewhere)."""
    context = browser.new_context(viewport=NARROW, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def _slug(view_name: str) -> str:
    return view_name.replace(":", "-").replace("_", "-")


def _pages(username: str | None) -> dict[str, str]:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return role_pages(client)


@pytest.mark.parametrize("role", list(ROLES))
def test_design_every_page_of_each_role_is_accessible_fits_and_is_tappable(live_server, design_page, role):
    seed_demo()
    page = design_page
    username = ROLES[role]
    pages = _pages(username)
    assert len(pages) >= 5, pages
    if username:
        login(page, live_server.url, username, DEMO_PASSWORD)
    problems: list[str] = []
    for view_name, path in pages.items():
        page.set_viewport_size(NARROW)
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        if (wide := sideways_overflow(page)) > 0:
            problems.append(f"{path}: {wide}px sideways scroll at 360px")
        problems += [f"{path}: tap target {t}" for t in small_tap_targets(page)]
        for size, kind in ((PHONE, "phone"), (DESKTOP, "desktop")):
            page.set_viewport_size(size)
            problems += [f"{path} ({kind}): axe {v}" for v in axe_violations(page)]
            compact_screenshot(page, f"{role}-{_slug(view_name)}-{kind}")
    # The phone menu: 我的 on the tab bar of enterprises and providers, 菜单 in the header of the others.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + ("/workbench/" if username else "/"))
    opener = (
        page.locator(".tabbar button") if page.locator(".tabbar").count() else page.locator(".navbar-toggler")
    )
    opener.click()
    page.locator("#site-menu.show").wait_for()
    page.wait_for_timeout(400)  # the slide-in transition
    problems += [f"menu: tap target {t}" for t in small_tap_targets(page)]
    problems += [f"menu: axe {v}" for v in axe_violations(page)]
    compact_screenshot(page, f"{role}-menu-phone")
    if problems:
        pytest.fail(f"{len(problems)} problems:\n" + "\n".join(problems), pytrace=False)
