"""Dashboard pages: charts, tables, filters, Excel exports read back with openpyxl, workbench card."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from voucher.core import clock
from voucher.core.models import AuditEvent
from voucher.dashboards import selectors
from voucher.dashboards.tables import TABLES
from voucher.testing.builders import ORDER_DAY, make_product
from voucher.testing.dashboards import make_enterprise, place_order

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def page(client, **query):
    return client.get(reverse("dashboards:index"), {"year": 2025, **query})


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def test_m4_page_shows_charts_tables_and_no_inline_script(world, admin_client, filters):
    response = page(admin_client)
    assert response.status_code == 200
    html = response.content.decode()
    # field, district, direction, series, status, age, providers: a box each, its figures as JSON data
    assert html.count("data-chart=") == 7 and html.count('type="application/json"') == 7
    assert re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))", html) is None
    for key in TABLES:
        assert f'id="table-{key}"' in html
        assert f"table={key}" in html
    totals = selectors.budget(filters).totals
    assert f"{totals.reserved:,.2f}" in html and f"{totals.approved:,.2f}" in html
    assert "海淀区" in html and "额度流水与账户余额一致" in html
    assert "dashboards/dashboards.css" in html


def test_m4_page_filters_by_field_and_period(world, admin_client):
    html = page(admin_client, field="green", period="week").content.decode()
    assert "已按领域“绿色低碳”筛选" in html
    assert "第53周" in html
    assert "工业设计" not in html.split('id="table-budget_direction"')[1].split("</table>")[0]


def test_m4_page_refuses_a_direction_outside_the_field(world, admin_client):
    html = page(admin_client, field="green", direction="industrial_design").content.decode()
    assert "所选方向不属于所选领域。" in html


def test_m4_page_defaults_to_the_current_year(world, admin_client):
    with clock.frozen_at(ORDER_DAY):
        response = admin_client.get(reverse("dashboards:index"))
    assert response.status_code == 200
    assert response.context["filters"].programme.year == 2025


def test_m4_budget_export_equals_the_figures(world, admin_client, filters):
    rows = sheet_rows(admin_client.get(reverse("dashboards:export"), {"table": "budget_field", "year": 2025}))
    assert rows[0][0] == "预算执行（按领域）"
    assert "2025 年度" in rows[1][0]
    assert rows[2] == ("领域", "已预占（元）", "合同已确认（元）", "审核通过（元）", "已兑付（元）")
    body = rows[3:6]
    assert [r[0] for r in body] == ["数智赋能", "绿色低碳", "高端时尚"]
    total = rows[6]
    assert total[0] == "合计"
    figures = selectors.budget(filters)
    for column, bucket in enumerate(("reserved", "committed", "approved", "paid"), start=1):
        assert Decimal(str(total[column])) == getattr(figures.totals, bucket)
        assert sum(Decimal(str(r[column])) for r in body) == getattr(figures.totals, bucket)


@pytest.mark.parametrize("key", list(TABLES))
def test_m4_every_table_exports(world, admin_client, key):
    rows = sheet_rows(admin_client.get(reverse("dashboards:export"), {"table": key, "year": 2025}))
    assert rows[0][0] == TABLES[key]
    assert len(rows) > 3
    assert AuditEvent.objects.filter(action="dashboard.exported", note__startswith=TABLES[key]).exists()


def test_m4_vouchers_and_provider_exports(world, admin_client):
    rows = sheet_rows(admin_client.get(reverse("dashboards:export"), {"table": "vouchers", "year": 2025}))
    footer = next(r for r in rows if r[0] == "合计")
    assert footer[4:7] == (12, 5, 7)
    rows = sheet_rows(
        admin_client.get(reverse("dashboards:export"), {"table": "providers", "year": 2025, "sort": "rating"})
    )
    assert rows[3][0] == 1 and rows[3][8] == 4
    assert rows[4][8] is None


def test_m4_unknown_table_is_not_found(world, admin_client):
    assert admin_client.get(reverse("dashboards:export"), {"table": "salaries"}).status_code == 404


def test_m4_workbench_card_and_nav_for_admins(world, admin_client, filters):
    with clock.frozen_at(ORDER_DAY):
        html = admin_client.get(reverse("core:workbench")).content.decode()
    assert "数据看板 · 2025 年度" in html
    head = selectors.headline(filters.programme)
    assert f"¥{head.approved:,}" in html
    assert html.count(reverse("dashboards:index")) >= 2  # nav entry and card link


def test_m4_page_queries_do_not_grow_with_products_and_enterprises(world, admin_client, filters):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert page(admin_client).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    with clock.frozen_at(ORDER_DAY):
        for district in ("110106", "110107", "110114", "110116"):
            buyer = make_enterprise(filters.programme, district)
            place_order(buyer, make_product(filters.programme, direction="energy_management"))
    assert count() == before
    assert before <= 25
