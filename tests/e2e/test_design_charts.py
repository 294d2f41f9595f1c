"""Issue 19: the dashboard's charts in a real browser at 1366 px and 390 px — every chart box holds an ECharts
instance with a drawn canvas, the charts of a row have the same height, no table cell is cut off, the page
never scrolls sideways on a phone (Playwright driving Debian's Chromium)."""

from __future__ import annotations

import pytest

from voucher.testing.browser import assert_labelled_and_fits, login, screenshot
from voucher.testing.dashboards import build_dashboard_world
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHARTS = 7

CHART_STATE = """() => [...document.querySelectorAll('[data-chart]')].map(el => {
    const chart = echarts.getInstanceByDom(el);
    const canvas = el.querySelector('canvas');
    const option = chart ? chart.getOption() : null;
    return {
        id: el.getAttribute('data-chart'),
        instance: chart !== undefined && chart !== null,
        aria: option ? [].concat(option.aria)[0].enabled === true : false,
        save: option ? [].concat(option.toolbox)[0].feature.saveAsImage.title : '',
        canvas: canvas ? [canvas.width, canvas.height] : [0, 0],
        box: [el.clientWidth, el.clientHeight],
        label: el.getAttribute('aria-label') || '',
        top: Math.round(el.getBoundingClientRect().top + window.scrollY),
    };
})"""

# A cell is cut off when it sticks out of its table's scroll box and that box cannot scroll to it.
CLIPPED_CELLS = """() => {
    const out = [];
    for (const wrap of document.querySelectorAll('.dash-table-wrap')) {
        const style = getComputedStyle(wrap);
        const scrolls = ['auto', 'scroll'].includes(style.overflowX);
        const box = wrap.getBoundingClientRect();
        if (box.width === 0) continue;  // a table inside a closed <details> is not shown at all
        for (const cell of wrap.querySelectorAll('th, td')) {
            const r = cell.getBoundingClientRect();
            if (r.width === 0) continue;
            const outside = r.right > box.right + 1;
            if (outside && !(scrolls && wrap.scrollWidth > wrap.clientWidth)) {
                out.push(wrap.querySelector('table').id + ': ' + cell.textContent.trim());
            }
            if (cell.scrollWidth > cell.clientWidth + 1) {
                out.push(wrap.querySelector('table').id + ' (text cut): ' + cell.textContent.trim());
            }
        }
    }
    return out;
}"""

HALF_WIDTH_TABLES_FIT = """() => [...document.querySelectorAll('.dash-grid .dash-table-wrap')]
    .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
    .map(wrap => wrap.querySelector('table').id + ' ' + wrap.scrollWidth + '>' + wrap.clientWidth)"""


@pytest.fixture
def wide_desktop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def _open_dashboard(page, base: str, username: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if "/static/" in r.url and r.status >= 400 else None,
    )
    login(page, base, username, "pw-123456")
    page.goto(f"{base}/dashboard/?year=2025")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.querySelector('canvas'))"
    )
    page.wait_for_timeout(400)  # the charts' opening animation
    return errors


def _assert_charts_drawn(page) -> list[dict]:
    charts = page.evaluate(CHART_STATE)
    assert len(charts) == CHARTS, charts
    for chart in charts:
        assert chart["instance"], chart
        assert chart["aria"], chart
        assert chart["save"] == "保存为图片", chart
        assert chart["canvas"][0] > 0 and chart["canvas"][1] > 0, chart
        assert chart["box"][0] > 200 and chart["box"][1] >= 300, chart
        assert "这是一个" in chart["label"], chart  # the description ECharts writes in Chinese
    return charts


def test_design_dashboard_charts_at_1366_and_390(live_server, programme_2025, wide_desktop, phone):
    build_dashboard_world(programme_2025)
    admin = UserFactory(admin=True, username="chart_admin")
    base = live_server.url

    errors = _open_dashboard(wide_desktop, base, admin.username)
    charts = _assert_charts_drawn(wide_desktop)
    by_id = {c["id"]: c for c in charts}
    # Charts side by side share one height and one row.
    for left, right in (("chart-field", "chart-district"), ("chart-status", "chart-age")):
        assert by_id[left]["box"][1] == by_id[right]["box"][1]
        assert by_id[left]["top"] == by_id[right]["top"], (by_id[left], by_id[right])
        assert by_id[left]["box"][0] < 700  # half the page
    assert wide_desktop.evaluate(CLIPPED_CELLS) == []
    assert wide_desktop.evaluate(HALF_WIDTH_TABLES_FIT) == []
    tooltip = _hover_first_bar(wide_desktop, "chart-field")
    assert "¥" in tooltip and "." in tooltip.split("¥")[1][:20], tooltip
    assert errors == [], errors
    screenshot(wide_desktop, "admin-dashboard-desktop")

    # A narrower window: every chart is drawn again to its new width.
    wide_desktop.set_viewport_size({"width": 800, "height": 900})
    wide_desktop.wait_for_function(
        """(before) => [...document.querySelectorAll('[data-chart]')].every(
            (el, i) => echarts.getInstanceByDom(el).getWidth() === el.clientWidth && el.clientWidth !== before[i])""",
        arg=[c["box"][0] for c in charts],
    )

    errors = _open_dashboard(phone, base, admin.username)
    charts = _assert_charts_drawn(phone)
    heights = {c["box"][1] for c in charts}
    assert len(heights) <= 2, heights  # one height for the regular charts, one for the full-width ones
    assert phone.evaluate(CLIPPED_CELLS) == []
    assert_labelled_and_fits(phone)
    assert errors == [], errors
    screenshot(phone, "admin-dashboard-phone")


def _hover_first_bar(page, chart_id: str) -> str:
    """Move the mouse over the first category of a bar chart and read its tooltip."""
    box = page.locator(f'[data-chart="{chart_id}"]')
    box.scroll_into_view_if_needed()
    point = page.evaluate(
        """(id) => {
            const el = document.querySelector(`[data-chart="${id}"]`);
            const chart = echarts.getInstanceByDom(el);
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [0, 0]);
            const r = el.getBoundingClientRect();
            return [r.left + x + 20, r.top + y];
        }""",
        chart_id,
    )
    page.mouse.move(point[0], point[1])
    tip = box.locator("div", has_text="¥").last
    tip.wait_for(state="visible")
    return tip.inner_text()
