"""Generated from the URL list and the OpenAPI schema: what an anonymous visitor can reach.

Every page and every API operation must refuse an anonymous visitor (login redirect or 401) unless it
is listed here as public. A new view that forgets its permission check fails this test.
"""

from __future__ import annotations

import re

import pytest

from voucher.testing.urls import sample_path, site_pages

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "core:home",
    "core:healthz",
    "core:readyz",
    "accounts:login",
    "accounts:logout",
    "programmes:detail",
    "catalogue:list",
    "catalogue:detail",
    "reviews:public_notices",
    "reviews:public_notice",
    "payouts:public_batches",
    "payouts:public_batch",
    "enterprises:signup",
    "enterprises:industries",
}
PUBLIC_API_PREFIXES = (
    "/api/v1/programmes",
    "/api/v1/calendar/",
    "/api/v1/catalogue/products",
    "/api/v1/reviews/public/",
    "/api/v1/enterprises/industries",
    "/api/v1/enterprises/register",
    "/api/v1/enterprises/uscc/check",
    "/api/v1/contracts/products/",
    "/api/v1/payouts/public/",
)


PAGES = site_pages()


def test_public_list_names_real_pages():
    assert {name for name, _ in PAGES} >= PUBLIC_PAGES


@pytest.mark.parametrize(("name", "route"), PAGES, ids=[name for name, _ in PAGES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_reach_only_public_pages(client, name, route, method):
    response = getattr(client, method)(sample_path(route))
    assert response.status_code < 500
    if name in PUBLIC_PAGES:
        return
    assert response.status_code in {302, 401, 403, 404, 405}, response.status_code
    if response.status_code == 302:
        assert "/accounts/login/" in response.url


def _operations():
    from config.api import api

    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method in item:
            yield method, path


OPERATIONS = sorted(_operations())


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_refuses_anonymous_callers_except_public_reads(client, method, path):
    concrete = re.sub(r"\{[^}]+\}", "999999", path)
    response = client.generic(method.upper(), concrete, data="{}", content_type="application/json")
    assert response.status_code < 500, response.content[:300]
    if path.startswith(PUBLIC_API_PREFIXES):
        return
    assert response.status_code == 401, (response.status_code, response.content[:200])
