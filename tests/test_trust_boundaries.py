"""Boundary input (issue 17, item 5): dates, page numbers and amounts at the edges never become a 500.

Dates are bounded to 2000-01-01…2099-12-31 by one validator (forms, filters, API), page numbers to
1…10^6, and amounts in JSON are strings or integers, never floats. The walkers below read the URL list
and the OpenAPI schema, so a new page or operation is covered without a new line here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import re
import typing
from decimal import Decimal
from typing import Any

import pydantic
import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voucher.core.api_schema import BoundedDate, Money, PageNumber
from voucher.core.fields import BoundedDateField
from voucher.core.validators import DATE_MAX, DATE_MIN, PAGE_MAX, validate_date_in_range
from voucher.testing.contracts import order  # noqa: F401
from voucher.testing.orders import buyer, on_order_day, product, provider  # noqa: F401
from voucher.testing.urls import sample_path, site_pages

PAGES = site_pages()
HUGE = "99999999999999999999"
HOSTILE_QUERY = {"page": HUGE, "date_from": "9999-12-31", "date_to": "9999-12-31", "year": HUGE}


def _hostile_value(schema: dict[str, Any]) -> list[str]:
    """Values at and past the edges for a parameter of this JSON schema."""
    kinds = {schema.get("type"), schema.get("format")} | {
        part.get("format") or part.get("type") for part in schema.get("anyOf", [])
    }
    if "date" in kinds:
        return ["9999-12-31", "0001-01-01"]
    if "integer" in kinds:
        return [HUGE, f"-{HUGE}", "0"]
    if "boolean" in kinds:
        return ["true"]
    return ["9999-12-31", HUGE]


def _api_schema() -> dict[str, Any]:
    from config.api import api

    return api.get_openapi_schema()


def _get_operations() -> list[tuple[str, dict[str, Any]]]:
    return sorted((path, item["get"]) for path, item in _api_schema()["paths"].items() if "get" in item)


GET_OPERATIONS = _get_operations()


# --- the shared validator and form field --------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(day=st.dates())
def test_trust_5_the_shared_date_validator_accepts_exactly_the_range(day):
    inside = DATE_MIN <= day <= DATE_MAX
    try:
        validate_date_in_range(day)
    except ValidationError as exc:
        assert not inside and exc.error_list[0].code == "date_out_of_range"
        assert "2000-01-01" in exc.messages[0] and "2099-12-31" in exc.messages[0]
    else:
        assert inside


def test_trust_5_the_bounded_form_field_refuses_at_the_field_and_tells_the_date_picker():
    class Form(forms.Form):
        day = BoundedDateField(widget=forms.DateInput(attrs={"type": "date"}))

    form = Form({"day": "9999-12-31"})
    assert not form.is_valid()
    assert "日期须在 2000-01-01 至 2099-12-31 之间" in form.errors["day"][0]
    assert Form({"day": "2099-12-31"}).is_valid() and Form({"day": "2000-01-01"}).is_valid()
    assert not Form({"day": "1999-12-31"}).is_valid()
    assert 'min="2000-01-01"' in str(Form()["day"]) and 'max="2099-12-31"' in str(Form()["day"])


def _form_classes() -> list[type[forms.BaseForm]]:
    found: set[type[forms.BaseForm]] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("voucher."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__.startswith("voucher."):
                found.add(value)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


def test_trust_5_every_date_field_of_every_form_is_the_bounded_one():
    forms_with_dates = 0
    unbounded = []
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField):
                forms_with_dates += 1
                if not isinstance(field, BoundedDateField):
                    unbounded.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert forms_with_dates >= 10
    assert not unbounded, unbounded


# --- the API's input types ------------------------------------------------------------------------------


def _leaves(annotation: Any, metadata: tuple = ()) -> typing.Iterator[tuple[Any, tuple]]:
    """The plain types an annotation is made of, each with the ``Annotated`` metadata around it."""
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        yield from _leaves(inner, metadata + tuple(extra))
        return
    args = typing.get_args(annotation)
    if args:
        for arg in args:
            yield from _leaves(arg, metadata)
    else:
        yield annotation, metadata


def _input_fields() -> typing.Iterator[tuple[str, str, Any, tuple]]:
    from config.api import api

    api.get_openapi_schema()  # binds the routers
    seen: set[type] = set()

    def walk(model: type[pydantic.BaseModel], where: str) -> typing.Iterator[tuple[str, str, Any, tuple]]:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            for leaf, metadata in _leaves(info.annotation, tuple(info.metadata)):
                if isinstance(leaf, type) and issubclass(leaf, pydantic.BaseModel):
                    yield from walk(leaf, where)
                else:
                    yield where, f"{model.__name__}.{name}", leaf, metadata

    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:
                    yield from walk(model, f"{operation.methods} {prefix}{path}")


def _metadata_of(alias: Any) -> tuple:
    return tuple(typing.get_args(alias)[1:])


def test_trust_5_every_api_date_page_and_amount_input_uses_the_bounded_types():
    bounded = {
        dt.date: _metadata_of(BoundedDate),
        Decimal: _metadata_of(Money),
    }
    problems = []
    counted = dict.fromkeys(["date", "money", "page"], 0)
    for where, field, leaf, metadata in _input_fields():
        if field.endswith(".percent"):
            continue  # a share, not an amount
        if leaf in bounded:
            counted["date" if leaf is dt.date else "money"] += 1
            if not set(bounded[leaf]) <= set(metadata):
                problems.append(f"{where} {field}: {leaf.__name__} without the shared bounds")
        if field.endswith(".page"):
            counted["page"] += 1
            if not set(_metadata_of(PageNumber)) <= set(metadata):
                problems.append(f"{where} {field}: page without the shared bounds")
    assert counted["date"] >= 15 and counted["money"] >= 10 and counted["page"] >= 2, counted
    assert not problems, "\n".join(problems)


# --- the cases found ------------------------------------------------------------------------------------


CONTRACT = {
    "number": "HT-EDGE-1",
    "total_amount": "300000.00",
    "signed_on": "2025-07-01",
    "service_start": "2025-07-01",
    "service_end": "9999-12-31",
    "deduction": "60000.00",
}


@pytest.mark.django_db
def test_trust_5_a_contract_ending_in_9999_is_refused_at_the_field_by_api_and_page(
    client,
    order,  # noqa: F811
    provider,  # noqa: F811
    buyer,  # noqa: F811
):
    client.force_login(provider)
    body = {**CONTRACT, "counterparty_uscc": buyer.organisation.uscc}
    response = client.post(f"/api/v1/contracts/orders/{order.number}", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "date_out_of_range"
    assert "2099-12-31" in response.json()["fields"]["payload.service_end"][0]
    quote = client.get(
        f"/api/v1/contracts/orders/{order.number}/quote",
        {"total_amount": "300000", "service_start": "2025-07-01", "service_end": "9999-12-31"},
    )
    assert quote.status_code == 422 and quote.json()["code"] == "date_out_of_range"
    page = client.post(f"/contracts/new/{order.number}/", {**body, "own_payment": ""})
    assert page.status_code == 200
    assert "日期须在 2000-01-01 至 2099-12-31 之间" in page.context["form"].errors["service_end"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"])
def test_trust_5_audit_dates_past_the_range_are_refused_on_the_page_the_export_and_the_api(admin_user, day):
    client = Client()
    client.force_login(admin_user)
    for name in ("date_from", "date_to"):
        page = client.get("/audit/", {name: day})
        assert page.status_code in {200, 400}
        assert "日期须在 2000-01-01 至 2099-12-31 之间" in page.content.decode()
        export = client.get("/audit/export.xlsx", {name: day})
        assert export.status_code in {200, 400} and "日期须在" in export.content.decode()
        api = client.get("/api/v1/audit/events", {name: day})
        assert api.status_code == 422 and api.json()["code"] == "date_out_of_range"
    assert client.get("/audit/", {"date_to": "2099-12-31"}).status_code == 200
    assert client.get("/api/v1/audit/events", {"date_to": "2099-12-31"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/catalogue/products", "/api/v1/audit/events"])
def test_trust_5_page_numbers_past_the_range_are_a_422_with_a_code(admin_user, url):
    client = Client()
    client.force_login(admin_user)
    for page in (HUGE, str(PAGE_MAX + 1), "0", "-1"):
        response = client.get(url, {"page": page})
        assert response.status_code == 422, (page, response.status_code)
        assert response.json()["code"] == "page_out_of_range"
        assert "页码须在 1 至 1000000 之间" in response.json()["fields"]["page"][0]
    assert client.get(url, {"page": str(PAGE_MAX)}).status_code == 200


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(page=st.integers(min_value=-(10**30), max_value=10**30))
def test_trust_5_any_page_number_is_an_answer_never_a_server_error(page):
    response = Client().get("/api/v1/catalogue/products", {"page": str(page)})
    assert response.status_code == (200 if 1 <= page <= PAGE_MAX else 422)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(day=st.dates())
def test_trust_5_any_start_of_the_working_day_calendar_is_an_answer_never_a_server_error(day):
    response = Client().get("/api/v1/calendar/working-deadline", {"start": day.isoformat(), "days": 5})
    assert response.status_code < 500
    if not DATE_MIN <= day <= DATE_MAX:
        assert response.status_code == 422 and response.json()["code"] == "date_out_of_range"


def _record_contract_with_total(client, provider, order, buyer, amount):  # noqa: F811
    """The provider records the order's contract through the API with ``total_amount`` as given."""
    client.force_login(provider)
    body = {**CONTRACT, "service_end": "2026-12-31", "counterparty_uscc": buyer.organisation.uscc}
    return client.post(
        f"/api/v1/contracts/orders/{order.number}",
        {**body, "total_amount": amount},
        content_type="application/json",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [300000.0, 300000.5, 1e6, True])
def test_trust_5_json_amounts_given_as_floats_are_refused_with_a_code(
    client,
    order,  # noqa: F811
    provider,  # noqa: F811
    buyer,  # noqa: F811
    amount,
):
    refused = _record_contract_with_total(client, provider, order, buyer, amount)
    assert refused.status_code == 422
    assert refused.json()["code"] == "money_float"
    assert "不能使用浮点数" in refused.json()["fields"]["payload.total_amount"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["300000.00", "300000", 300000])
def test_trust_5_json_amounts_as_decimal_strings_or_integers_are_accepted(
    client,
    order,  # noqa: F811
    provider,  # noqa: F811
    buyer,  # noqa: F811
    amount,
):
    created = _record_contract_with_total(client, provider, order, buyer, amount)
    assert created.status_code == 201, created.content
    assert created.json()["total_amount"] == "300000.00"


def test_trust_5_the_published_schema_tells_amounts_are_strings_or_integers():
    component = _api_schema()["components"]["schemas"]["ContractIn"]["properties"]["total_amount"]
    assert {part["type"] for part in component["anyOf"]} == {"string", "integer"}


# --- walkers: every GET operation and every page, with hostile parameters -------------------------------


def _hostile_requests(path: str, operation: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    parameters = operation.get("parameters", [])
    concrete = path
    for parameter in parameters:
        if parameter["in"] == "path":
            value = HUGE if parameter["schema"].get("type") == "integer" else "9999-12-31"
            concrete = concrete.replace("{" + parameter["name"] + "}", value)
    concrete = re.sub(r"\{[^}]+\}", "999999", concrete)
    queries = [dict(HOSTILE_QUERY)]
    for parameter in parameters:
        if parameter["in"] == "query":
            for value in _hostile_value(parameter["schema"]):
                queries.append({parameter["name"]: value})
    return [(concrete, query) for query in queries]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "operation"), GET_OPERATIONS, ids=[path for path, _ in GET_OPERATIONS])
def test_trust_5_every_api_get_operation_answers_hostile_parameters_without_a_server_error(
    role_users, path, operation
):
    failures = []
    for role, user in role_users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for url, query in _hostile_requests(path, operation):
            response = client.get(url, query)
            if response.status_code >= 500:
                failures.append(f"{role} GET {url} {query}: {response.status_code}")
    assert not failures, "\n".join(failures[:10])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), PAGES, ids=[name for name, _ in PAGES])
def test_trust_5_every_page_answers_hostile_parameters_without_a_server_error(role_users, name, route):
    failures = []
    queries = [HOSTILE_QUERY, {"page": f"-{HUGE}", "date_from": "0001-01-01", "date_to": "0001-01-01"}]
    for role, user in role_users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for query in queries:
            response = client.get(sample_path(route), query)
            if response.status_code >= 500:
                failures.append(f"{role} {name} {query}: {response.status_code}")
    assert not failures, "\n".join(failures)
