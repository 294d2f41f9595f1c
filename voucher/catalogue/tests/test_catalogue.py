"""The public catalogue (O1), the product page and going on sale through the pages and API (V4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.selectors import catalogue_products
from voucher.testing import catalogue as builders
from voucher.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "enterprise", "owner", "other_provider", "reviewer", "admin"]


@pytest.fixture
def users(enterprise_user, provider_user, other_provider, reviewer_user, admin_user):
    return {
        "anonymous": None,
        "enterprise": enterprise_user,
        "owner": provider_user,
        "other_provider": other_provider,
        "reviewer": reviewer_user,
        "admin": admin_user,
    }


def _names(items):
    return [p.name for p in items]


def test_o1_search_finds_chinese_substring(provider_user, programme_2025):
    builders.product(provider_user, programme_2025, name="京韵外观设计服务")
    builders.product(
        provider_user, programme_2025, name="能源审计报告编制", direction=7, summary="编制能源审计报告。"
    )
    assert _names(catalogue_products(programme=programme_2025, query="外观")) == ["京韵外观设计服务"]
    assert _names(catalogue_products(programme=programme_2025, query="审计")) == ["能源审计报告编制"]
    assert _names(catalogue_products(programme=programme_2025, query="报告 能源")) == ["能源审计报告编制"]
    assert _names(catalogue_products(programme=programme_2025, query="区块链")) == []


def test_o1_search_covers_summary_and_provider_name(programme_2025):
    provider = UserFactory(
        provider=True, organisation=OrganisationFactory(provider=True, name="北京绿源节能咨询有限公司")
    )
    other = UserFactory(provider=True)
    builders.product(provider, programme_2025, name="甲产品", summary="普通说明")
    builders.product(other, programme_2025, name="乙产品", summary="提供碳足迹核算与声明")
    assert _names(catalogue_products(programme=programme_2025, query="绿源")) == ["甲产品"]
    assert _names(catalogue_products(programme=programme_2025, query="碳足迹")) == ["乙产品"]


def test_o1_only_products_on_sale_are_listed(provider_user, programme_2025):
    builders.product(provider_user, programme_2025, name="在售产品")
    for status in (
        ProductStatus.NOTICED,
        ProductStatus.READY,
        ProductStatus.WITHDRAWN,
        ProductStatus.SUSPENDED,
    ):
        builders.product(provider_user, programme_2025, status=status, name=f"{status}产品")
    assert _names(catalogue_products(programme=programme_2025)) == ["在售产品"]


def test_o1_filter_by_field_and_direction(provider_user, programme_2025):
    builders.product(provider_user, programme_2025, name="设计", direction=9)
    builders.product(provider_user, programme_2025, name="审计", direction=7)
    builders.product(provider_user, programme_2025, name="大模型", direction=1)
    assert _names(catalogue_products(programme=programme_2025, direction="7")) == ["审计"]
    field = programme_2025.directions.get(number=1).field.code
    assert _names(catalogue_products(programme=programme_2025, field=field)) == ["大模型"]
    assert _names(catalogue_products(programme=programme_2025, direction="x")) == []


def test_o1_sort_by_price_rating_and_vouchers(provider_user, programme_2025):
    builders.product(provider_user, programme_2025, name="A", price="300", vouchers=5, rating="4.50")
    builders.product(provider_user, programme_2025, name="B", price="100", vouchers=50)
    builders.product(provider_user, programme_2025, name="C", price="200", vouchers=20, rating="4.90")
    assert _names(catalogue_products(programme=programme_2025, sort="price")) == ["B", "C", "A"]
    assert _names(catalogue_products(programme=programme_2025, sort="-price")) == ["A", "C", "B"]
    assert _names(catalogue_products(programme=programme_2025, sort="-rating")) == ["C", "A", "B"]
    assert _names(catalogue_products(programme=programme_2025, sort="-vouchers")) == ["B", "C", "A"]


@pytest.mark.parametrize("count", [5, 50])
def test_o1_list_page_query_count_is_constant(
    client, django_assert_num_queries, provider_user, programme_2025, count
):
    for i in range(count):
        builders.product(provider_user, programme_2025, name=f"设计服务{i}", direction=1 + i % 9)
    # current programme (up to two lookups), page count, page rows (with direction, field, sub-type),
    # fields, directions — the same for 5 and for 50 products.
    with django_assert_num_queries(6):
        response = client.get(reverse("catalogue:list"), {"q": "设计", "sort": "price"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [5, 50])
def test_o1_api_query_count_is_constant(
    client, django_assert_num_queries, provider_user, programme_2025, count
):
    for i in range(count):
        builders.product(provider_user, programme_2025, name=f"设计服务{i}", direction=1 + i % 9)
    # current programme (two lookups), count, page rows with their direction and field
    with django_assert_num_queries(4):
        response = client.get("/api/v1/catalogue/products", {"q": "设计", "page_size": 100})
    assert response.status_code == 200
    assert response.json()["count"] == count and len(response.json()["items"]) == count


def test_o1_list_paginates_and_shows_the_facts(client, provider_user, programme_2025):
    for i in range(25):
        builders.product(provider_user, programme_2025, name=f"产品{i:02d}", vouchers=7, rating="4.20")
    first = client.get(reverse("catalogue:list")).content.decode()
    second = client.get(reverse("catalogue:list"), {"page": 2})
    assert "第 1 / 2 页" in first and "剩余服务券：7 张" in first and "4.20" in first
    assert len(second.context["page"].object_list) == 5


PAGE_MATRIX = {
    # anonymous, enterprise, owner, other provider, reviewer, admin
    "list": [200] * 6,
    "detail_on_sale": [200] * 6,
    "detail_withdrawn": [403, 403, 200, 403, 200, 200],
    "manage": ["login", 403, 403, 403, 403, 200],
}


@pytest.mark.parametrize("page", list(PAGE_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_pages(client, users, provider_user, programme_2025, page, role):
    on_sale = builders.product(provider_user, programme_2025)
    withdrawn = builders.product(provider_user, programme_2025, status=ProductStatus.WITHDRAWN)
    url = {
        "list": reverse("catalogue:list"),
        "detail_on_sale": reverse("catalogue:detail", args=[on_sale.pk]),
        "detail_withdrawn": reverse("catalogue:detail", args=[withdrawn.pk]),
        "manage": reverse("catalogue:manage"),
    }[page]
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(url)
    expected = PAGE_MATRIX[page][ROLES.index(role)]
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected


ON_SALE = ["login", 403, 403, 403, 403, 302]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_put_on_sale(client, users, provider_user, programme_2025, role):
    product = builders.product(provider_user, programme_2025, status=ProductStatus.READY)
    if users[role] is not None:
        client.force_login(users[role])
    response = client.post(reverse("catalogue:on_sale", args=[product.pk]), {f"p{product.pk}-quantity": "20"})
    expected = ON_SALE[ROLES.index(role)]
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected
    product.refresh_from_db()
    assert (product.status == ProductStatus.ON_SALE) == (expected == 302)


def test_v4_put_on_sale_then_found_by_search(client, admin_user, provider_user, programme_2025):
    product = builders.product(
        provider_user, programme_2025, status=ProductStatus.READY, name="京韵外观设计服务"
    )
    assert "京韵" not in client.get(reverse("catalogue:list"), {"q": "外观"}).content.decode()
    client.force_login(admin_user)
    client.post(reverse("catalogue:on_sale", args=[product.pk]), {f"p{product.pk}-quantity": "20"})
    client.logout()
    page = client.get(reverse("catalogue:list"), {"q": "外观"}).content.decode()
    assert "京韵外观设计服务" in page and "剩余服务券：20 张" in page
    detail = client.get(reverse("catalogue:detail", args=[product.pk])).content.decode()
    assert "共 20 张，剩余 <strong>20</strong> 张" in detail and provider_user.organisation.name in detail


API_MATRIX = {
    "/products": [200] * 6,
    "/products/{on_sale}": [200] * 6,
    "/products/{withdrawn}": [403, 403, 200, 403, 200, 200],
    "/manage/products": [401, 403, 403, 403, 403, 200],
}


@pytest.mark.parametrize("path", list(API_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix_reads(client, users, provider_user, programme_2025, path, role):
    on_sale = builders.product(provider_user, programme_2025)
    withdrawn = builders.product(provider_user, programme_2025, status=ProductStatus.WITHDRAWN)
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get("/api/v1/catalogue" + path.format(on_sale=on_sale.pk, withdrawn=withdrawn.pk))
    assert response.status_code == API_MATRIX[path][ROLES.index(role)]


API_ON_SALE = [401, 403, 403, 403, 403, 200]


@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix_put_on_sale(client, users, provider_user, programme_2025, role):
    product = builders.product(provider_user, programme_2025, status=ProductStatus.READY)
    if users[role] is not None:
        client.force_login(users[role])
    response = client.post(
        f"/api/v1/catalogue/products/{product.pk}/on-sale", {"quantity": 20}, content_type="application/json"
    )
    assert response.status_code == API_ON_SALE[ROLES.index(role)]


def test_api_v4_quantity_must_be_positive(client, admin_user, provider_user, programme_2025):
    product = builders.product(provider_user, programme_2025, status=ProductStatus.READY)
    client.force_login(admin_user)
    response = client.post(
        f"/api/v1/catalogue/products/{product.pk}/on-sale", {"quantity": 0}, content_type="application/json"
    )
    assert response.status_code == 422 and "quantity" in response.json()["fields"]
    response = client.post(
        f"/api/v1/catalogue/products/{product.pk}/on-sale", {"quantity": 20}, content_type="application/json"
    )
    body = response.json()
    assert (body["status"], body["vouchers_total"], body["vouchers_left"]) == ("on_sale", 20, 20)


def test_api_o1_search_and_filters(client, provider_user, programme_2025):
    builders.product(provider_user, programme_2025, name="京韵外观设计服务", direction=9)
    builders.product(provider_user, programme_2025, name="能源审计", direction=7, summary="能源审计报告。")
    body = client.get("/api/v1/catalogue/products", {"q": "外观"}).json()
    assert [p["name"] for p in body["items"]] == ["京韵外观设计服务"]
    body = client.get("/api/v1/catalogue/products", {"direction": "7"}).json()
    assert [p["name"] for p in body["items"]] == ["能源审计"]


def test_o1_trigram_indexes_exist_only_on_postgresql(is_postgres):
    from django.db import connection

    with connection.cursor() as cursor:
        if is_postgres:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'catalogue_product'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'catalogue_product'"
            )
        names = {row[0] for row in cursor.fetchall()}
    trigram = {f"catalogue_product_{f}_trgm" for f in ("name", "summary", "provider_name")}
    assert (trigram <= names) is is_postgres


def test_catalogue_list_query_count_constant(
    client, django_assert_num_queries, provider_user, programme_2025
):
    """O1 at launch scale (bench/catalogue.py runs it with 10,000): every page and sort costs the same
    queries, and a card shows what it did before the list read only the card's columns."""
    for i in range(45):
        builders.product(
            provider_user, programme_2025, name=f"设计服务{i:02d}", direction=1 + i % 9, vouchers=i + 1
        )
    for params in (
        {},
        {"page": 3},
        {"sort": "-rating", "page": 2},
        {"sort": "-vouchers"},
        {"q": "设计", "page": 3},
    ):
        with django_assert_num_queries(6):
            response = client.get(reverse("catalogue:list"), params)
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == (5 if params.get("page") == 3 else 20)
    top = client.get(reverse("catalogue:list"), {"sort": "-vouchers"}).content.decode()
    assert "设计服务44" in top and "剩余服务券：45 张" in top and "设计" in top
