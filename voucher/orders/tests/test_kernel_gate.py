"""The order path states each rule once: the gate (one façade for the page and the API), the facts and the
account lock read by statements compiled from the ORM, and the order list's stage figures registered by
the later stages."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from voucher.catalogue.models import Product
from voucher.enforcement.models import Sanction
from voucher.orders import gate, middleware, selectors, services, statements
from voucher.orders.models import Order
from voucher.orders.selectors import FACTS, _facts_query, order_facts
from voucher.orders.services import LOCK_ACCOUNT, _lock_query
from voucher.testing.builders import make_product
from voucher.testing.orders import make_sanction

pytestmark = pytest.mark.django_db

ORDER_DAY = dt.date(2025, 7, 1)


def body(product) -> dict:
    return {
        "product_id": product.pk,
        "idempotency_key": uuid.uuid4().hex,
        "contact_name": "王经理",
        "contact_mobile": "13912345678",
    }


def place(user, product, key=None):
    return services.order_place(
        actor=user,
        product=product,
        idempotency_key=key or uuid.uuid4().hex,
        contact_name="王经理",
        contact_mobile="13912345678",
    )


def facts_arguments(user, product, *, today=ORDER_DAY, key=""):
    return {
        "enterprise_id": user.organisation_id,
        "programme_id": product.programme_id,
        "provider_id": product.provider_id,
        "direction_id": product.direction_id,
        "today": today,
        "idempotency_key": key,
    }


def test_kernel_facts_statement_binds_each_calls_values_as_the_queryset_would(buyer, another_buyer, product):
    """The compiled statement gives exactly the row the ORM queryset gives, for other enterprises, days and
    keys than the first call's."""
    order = place(buyer, product)
    make_sanction(another_buyer.organisation, starts_on=ORDER_DAY, ends_on=ORDER_DAY)
    cases = [
        facts_arguments(buyer, product, key=order.idempotency_key),
        facts_arguments(buyer, product, key="other-key-123"),
        facts_arguments(another_buyer, product),
        facts_arguments(another_buyer, product, today=ORDER_DAY + dt.timedelta(days=1)),
    ]
    for arguments in cases:
        assert FACTS.row(**arguments) == next(iter(_facts_query(**arguments)))
    first, _, sanctioned, next_day = (FACTS.row(**arguments) for arguments in cases)
    assert first["submitted_id"] == order.pk and first["sanctioned"] is False
    assert sanctioned["sanctioned"] is True and sanctioned["submitted_id"] is None
    assert next_day["sanctioned"] is False


def test_kernel_lock_statement_counts_the_holding_orders_of_this_product(buyer, product, programme_2025):
    other = make_product(programme_2025)
    kept = place(buyer, product)
    place(buyer, other)
    arguments = {
        "enterprise_id": buyer.organisation_id,
        "programme_id": product.programme_id,
        "product_id": product.pk,
        "key": kept.idempotency_key,
    }
    with transaction.atomic():
        row = LOCK_ACCOUNT.row(**arguments)
        assert row == next(iter(_lock_query(**arguments)))
    assert row["submitted"] == kept.pk and row["holding"] == 1
    services.order_cancel(actor=buyer, order=kept)
    with transaction.atomic():
        assert LOCK_ACCOUNT.row(**{**arguments, "key": "no-such-key"}) | {} == {
            **row,
            "submitted": None,
            "holding": 0,
            "available": row["available"] + kept.subsidy_estimate,
            "reserved": row["reserved"] - kept.subsidy_estimate,
        }


def test_kernel_a_value_that_changes_the_sql_is_run_as_a_queryset(buyer, product):
    arguments = facts_arguments(buyer, product)
    arguments["direction_id"] = None
    assert FACTS.row(**arguments) == next(iter(_facts_query(**arguments)))


def test_kernel_a_stand_in_that_is_not_found_is_not_compiled():
    """A stand-in the compiled SQL does not carry as a parameter: the queryset is evaluated each time."""
    statement = statements.Statement(
        "test.limit", lambda *, n: Product.objects.filter(pk__gt=0).values("pk")[:n], {"n": 7}
    )
    assert statement._compile("default") is None
    assert statement.row(n=1) is None


def test_e7_in_force_covers_the_first_and_last_day_of_a_ban_not_lifted(buyer, product):
    ban = make_sanction(buyer.organisation, starts_on=dt.date(2025, 3, 1), ends_on=dt.date(2025, 3, 31))
    lifted = make_sanction(buyer.organisation, starts_on=dt.date(2025, 3, 1), ends_on=dt.date(2025, 3, 31))
    Sanction.objects.filter(pk=lifted.pk).update(lifted_at=ban.decided_at, lift_reason="复议撤销")
    for day, expected in [
        (dt.date(2025, 2, 28), []),
        (dt.date(2025, 3, 1), [ban.pk]),
        (dt.date(2025, 3, 31), [ban.pk]),
        (dt.date(2025, 4, 1), []),
    ]:
        assert list(Sanction.objects.in_force(day).values_list("pk", flat=True)) == expected
        assert order_facts(enterprise_id=buyer.organisation_id, product=product, today=day).sanctioned is (
            bool(expected)
        )


def test_kernel_page_and_api_both_pass_the_gate(client, buyer, product, programme_2025, monkeypatch):
    admitted = []
    real = gate.admit

    def recording(request, product_id=None):
        admitted.append(product_id)
        return real(request, product_id)

    monkeypatch.setattr(gate, "admit", recording)
    client.force_login(buyer)
    api = client.post("/api/v1/orders/", body(product), content_type="application/json")
    assert api.status_code == 201
    other = make_product(programme_2025)
    data = body(other)
    del data["product_id"]
    page = client.post(f"/orders/new/{other.pk}/", data)
    assert page.status_code == 302, page.context["form"].errors
    assert admitted == [product.pk, other.pk]
    assert Order.objects.filter(enterprise=buyer.organisation).count() == 2


def test_o3_the_gate_refuses_a_product_found_sold_out_until_a_voucher_comes_back(
    buyer, another_buyer, provider, programme_2025, django_capture_on_commit_callbacks
):
    product = make_product(programme_2025, provider=provider, vouchers=1)
    order = place(another_buyer, product)
    assert gate.look(product.pk).sold_out_name is None
    with pytest.raises(ValidationError):
        place(buyer, product)
    assert gate.look(product.pk).sold_out_name == product.name
    with django_capture_on_commit_callbacks(execute=True):
        services.order_decline(actor=provider, order=order, reason="无法提供")
    assert gate.look(product.pk).sold_out_name is None
    assert place(buyer, product).status == "placed"


def test_kernel_stage_figures_are_registered_by_the_later_stages():
    labels = {figure.label for figure in selectors._stage_figures.values()}
    assert labels == {"合同抵用额", "核定兑付", "已兑付"}
    ranks = sorted((figure.rank, figure.label) for figure in selectors._stage_figures.values())
    assert [label for _rank, label in ranks] == ["合同抵用额", "核定兑付", "已兑付"]


def sold_out_product(programme_2025, another_buyer, buyer, client):
    """A product whose last voucher went to ``another_buyer`` and that the gate has found sold out."""
    product = make_product(programme_2025, vouchers=1)
    client.force_login(another_buyer)
    assert client.post("/api/v1/orders/", body(product), content_type="application/json").status_code == 201
    client.force_login(buyer)
    first = client.post("/api/v1/orders/", body(product), content_type="application/json")
    assert first.json()["code"] == "sold_out"
    assert gate.look(product.pk).sold_out_name == product.name
    return product


def test_kernel_the_order_api_path_is_the_one_the_early_answer_watches():
    assert reverse("api:place") == middleware.ORDER_API_PATH


def test_o3_the_early_sold_out_answer_is_the_apis_answer_and_counts_once(
    client, buyer, another_buyer, programme_2025, monkeypatch
):
    product = sold_out_product(programme_2025, another_buyer, buyer, client)
    counted = []
    real = gate.admit
    monkeypatch.setattr(gate, "admit", lambda request, pid=None: counted.append(pid) or real(request, pid))
    placing = services.order_place
    monkeypatch.setattr(services, "order_place", None)  # the API is not reached
    early = client.post("/api/v1/orders/", body(product), content_type="application/json")
    monkeypatch.setattr(services, "order_place", placing)
    assert early.status_code == 422
    assert early.json() == {
        "code": "sold_out",
        "message": f"“{product.name}”的服务券已领完。",
        "fields": {"__all__": [f"“{product.name}”的服务券已领完。"]},
    }
    # Not answered early (a field the API corrects): the API answers, counting the submission once.
    wrong = {**body(product), "contact_mobile": "123"}
    late = client.post("/api/v1/orders/", wrong, content_type="application/json")
    assert late.status_code == 422 and late.json()["code"] == "invalid"
    assert "contact_mobile" in late.json()["fields"]
    assert counted == [product.pk, product.pk]


def test_o2_a_retry_reaching_the_early_answer_gets_its_order_back(
    client, buyer, another_buyer, programme_2025
):
    product = make_product(programme_2025, vouchers=1)
    client.force_login(buyer)
    submission = body(product)
    first = client.post("/api/v1/orders/", submission, content_type="application/json")
    client.force_login(another_buyer)
    assert client.post("/api/v1/orders/", body(product), content_type="application/json").json()["code"] == (
        "sold_out"
    )
    client.force_login(buyer)
    again = client.post("/api/v1/orders/", submission, content_type="application/json")
    assert again.status_code == 201 and again.json()["number"] == first.json()["number"]


def test_kernel_the_early_answer_keeps_the_csrf_and_login_checks(
    buyer, another_buyer, programme_2025, client, provider
):
    product = sold_out_product(programme_2025, another_buyer, buyer, client)
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(buyer)
    refused = checked.post("/api/v1/orders/", body(product), content_type="application/json")
    assert refused.status_code == 403
    anonymous = Client().post("/api/v1/orders/", body(product), content_type="application/json")
    assert anonymous.status_code == 401
    client.force_login(provider)
    assert client.post("/api/v1/orders/", body(product), content_type="application/json").status_code == 403
