"""Issue 19: the catalogue filters without a full reload — htmx asks the list page for the results only and
swaps them in (the address follows); a normal request still gets the whole page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from voucher.testing.builders import make_product

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def products(provider_user, programme_2025):
    return (
        make_product(
            programme_2025, direction="industrial_design", provider=provider_user, name="京韵外观设计"
        ),
        make_product(programme_2025, direction="energy_audit", provider=provider_user, name="工厂能源审计"),
    )


def test_design_catalogue_filter_form_asks_htmx_for_the_results(client, products):
    html = client.get(reverse("catalogue:list")).content.decode()
    url = reverse("catalogue:list")
    assert (
        f'hx-get="{url}"' in html
        and 'hx-target="#catalogue-results"' in html
        and 'hx-push-url="true"' in html
    )
    assert '<div id="catalogue-results">' in html and "vendor/htmx.org/htmx.min.js" in html
    assert 'id="catalogue-count" role="status">共 2 个在售产品' in html
    assert "京韵外观设计" in html and "工厂能源审计" in html


def test_design_catalogue_answers_htmx_with_the_results_only(client, products):
    response = client.get(reverse("catalogue:list"), {"q": "外观"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert "<html" not in html and "<form" not in html and "<h1>" not in html
    assert "京韵外观设计" in html and "工厂能源审计" not in html
    assert '<span id="catalogue-count" hx-swap-oob="innerHTML">共 1 个在售产品' in html


def test_design_catalogue_whole_page_for_normal_and_history_requests(client, products):
    for headers in ({}, {**HTMX, "HX-History-Restore-Request": "true"}):
        response = client.get(reverse("catalogue:list"), {"q": "能源"}, headers=headers)
        html = response.content.decode()
        assert "<html" in html and "<form" in html and "hx-swap-oob" not in html
        assert "工厂能源审计" in html and "京韵外观设计" not in html


def test_design_catalogue_page_links_swap_the_results(client, provider_user, programme_2025):
    for i in range(21):
        make_product(programme_2025, direction="energy_audit", provider=provider_user, name=f"审计{i}")
    html = client.get(reverse("catalogue:list"), {"sort": "price"}, headers=HTMX).content.decode()
    assert 'hx-get="?sort=price&page=2" hx-target="#catalogue-results"' in html
    assert "第 1 / 2 页" in html
