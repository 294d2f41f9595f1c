"""The dashboard in a real browser on a phone and on a desktop: it fits the screen, every filter has a
label, the charts are drawn and an export (a background job) downloads (the screenshots come from
test_design_charts.py) (Playwright driving Debian's Chromium)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from voucher.testing.browser import assert_labelled_and_fits, login
from voucher.testing.dashboards import build_dashboard_world
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_m4_admin_reads_the_dashboard_on_a_phone_and_exports_a_table(
    live_server, programme_2025, phone, desktop
):
    build_dashboard_world(programme_2025)
    admin = UserFactory(admin=True, username="dash_admin")
    base = live_server.url
    for page in (phone, desktop):
        login(page, base, admin.username, "pw-123456")
        assert page.get_by_role("link", name="查看数据看板").count() == 1  # the workbench card
        page.goto(f"{base}/dashboard/?year=2025")
        page.wait_for_function("() => document.querySelectorAll('[data-chart] canvas').length === 7")
        assert page.locator("#table-budget_district").get_by_text("海淀区").count() == 1
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                        && !el.closest('.dash-table-wrap')
                        && !el.closest('.offcanvas:not(.show)'))  // the closed side menu waits off screen
                .map(el => el.tagName + '.' + el.className).slice(0, 5)"""
        )
        assert wide == [], wide
        assert_labelled_and_fits(page)
    desktop.locator("#table-providers caption a").click()
    # The format page (Excel by default), then the job's page offers the file.
    desktop.get_by_role("button", name="开始导出").click()
    with desktop.expect_download() as info:
        desktop.get_by_role("link", name="下载文件").click()
    rows = list(
        load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "服务商排名"
