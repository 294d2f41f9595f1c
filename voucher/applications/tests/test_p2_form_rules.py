"""P2: every field rule of the annex 2-1-1 form, checked by 保存."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from voucher.applications import services
from voucher.applications.models import Application
from voucher.testing.applications import valid_data

pytestmark = pytest.mark.django_db


def save_errors(user, programme, **overrides):
    """The problems 保存 reports for the valid form with ``overrides``; {} when it saves."""
    try:
        services.application_create(
            actor=user, programme=programme, data=valid_data(user.organisation, **overrides), full_check=True
        )
    except ValidationError as exc:
        return exc.message_dict
    return {}


def test_p2_valid_form_saves(provider_user, programme_2025):
    assert save_errors(provider_user, programme_2025) == {}


@pytest.mark.parametrize("value", ["", "10", "大模型"])
def test_p2_direction_is_one_of_nine(provider_user, programme_2025, value):
    assert "direction" in save_errors(provider_user, programme_2025, direction=value)


def test_p2_direction_by_number_code_or_name(provider_user, programme_2025):
    assert save_errors(provider_user, programme_2025, direction="industrial_design") == {}
    assert save_errors(provider_user, programme_2025, direction="工业设计", product_name="另一产品") == {}


def test_p2_transformation_needs_a_subtype(provider_user, programme_2025):
    assert "subtype" in save_errors(provider_user, programme_2025, direction="2")
    assert save_errors(provider_user, programme_2025, direction="2", subtype="ai_coding") == {}


@pytest.mark.parametrize("direction", ["5", "6"])
def test_p2_product_line_required_for_directions_5_and_6(provider_user, programme_2025, direction):
    assert "product_line" in save_errors(provider_user, programme_2025, direction=direction)


def test_p2_product_line_from_requirement_params(provider_user, programme_2025):
    assert save_errors(provider_user, programme_2025, direction="5", product_line="testing") == {}
    assert "product_line" in save_errors(
        provider_user, programme_2025, direction="5", product_line="consulting", product_name="其他"
    )


def test_p2_product_name_required(provider_user, programme_2025):
    assert "product_name" in save_errors(provider_user, programme_2025, product_name="")


def test_p2_bundle_must_be_split(provider_user, programme_2025):
    assert "product_name" in save_errors(provider_user, programme_2025, product_name="设计+营销套餐")


def test_p2_product_name_unique_per_provider_and_year(provider_user, programme_2025, other_provider):
    assert save_errors(provider_user, programme_2025) == {}
    errors = save_errors(provider_user, programme_2025)
    assert "不能重复" in errors["product_name"][0]
    assert save_errors(other_provider, programme_2025) == {}  # another provider may use the name


def test_p2_product_name_unique_database_constraint(provider_user, programme_2025):
    first = services.application_create(
        actor=provider_user, programme=programme_2025, data={"product_name": "甲"}
    )
    second = services.application_create(actor=provider_user, programme=programme_2025)
    second.product_name = first.product_name
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_p2_product_name_locked_after_public_notice(provider_user, admin_user, programme_2025, submitted):
    services.application_approve(actor=admin_user, application=submitted)
    locked = services.application_lock_name(actor=admin_user, application=submitted)
    assert locked.name_locked_at is not None
    Application.objects.filter(pk=locked.pk).update(status="draft")  # even if editable again
    locked.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.application_temp_save(
            actor=provider_user, application=locked, data={"product_name": "新名字"}
        )
    assert "公示" in exc.value.message_dict["product_name"][0]


def test_p2_provider_name_equals_licence_name(provider_user, programme_2025):
    errors = save_errors(provider_user, programme_2025, provider_name="某某公司")
    assert provider_user.organisation.name in errors["provider_name"][0]


def test_p2_summary_limit_read_from_programme_year(provider_user, programme_2025):
    assert save_errors(provider_user, programme_2025, summary="字" * 300) == {}
    assert (
        "301"
        in save_errors(provider_user, programme_2025, summary="字" * 301, product_name="乙")["summary"][0]
    )
    programme_2025.product_summary_max_chars = 310
    programme_2025.save()
    assert save_errors(provider_user, programme_2025, summary="字" * 301, product_name="丙") == {}


def test_p2_pricing_basis_limit(provider_user, programme_2025):
    assert save_errors(provider_user, programme_2025, pricing_basis="字" * 200) == {}
    assert "pricing_basis" in save_errors(
        provider_user, programme_2025, pricing_basis="字" * 201, product_name="乙"
    )


@pytest.mark.parametrize("amount", ["", "0", "-5", "12.345", "十万"])
def test_p2_price_amount_is_a_positive_cny_amount(provider_user, programme_2025, amount):
    assert "price_amount" in save_errors(provider_user, programme_2025, price_amount=amount)


def test_p2_price_is_amount_plus_unit(provider_user, programme_2025):
    assert "price_unit" in save_errors(provider_user, programme_2025, price_unit="")
    application = services.application_create(
        actor=provider_user,
        programme=programme_2025,
        data=valid_data(provider_user.organisation),
        full_check=True,
    )
    assert application.price_amount == Decimal("100000.00")
    assert application.price_display == "100000元/年"


@pytest.mark.parametrize("value", ["", "3.5", "十", "-1", "10家"])
def test_p2_client_count_is_an_integer(provider_user, programme_2025, value):
    assert "client_count" in save_errors(provider_user, programme_2025, client_count=value)


@pytest.mark.parametrize("value", ["", "abc", "1.234", "-3"])
def test_p2_revenue_is_a_number_in_wan(provider_user, programme_2025, value):
    assert "revenue_wan" in save_errors(provider_user, programme_2025, revenue_wan=value)


def test_p2_at_least_one_of_ip_sales_after_sales(provider_user, programme_2025):
    assert "ip_sales" in save_errors(provider_user, programme_2025, has_ip=False)
    assert save_errors(provider_user, programme_2025, has_ip=False, has_after_sales=True) == {}


def test_p2_cac_filing_required_for_llm(provider_user, programme_2025):
    errors = save_errors(provider_user, programme_2025, direction="1")
    assert {"cac_model_name", "cac_filing_unit", "cac_filing_number"} <= set(errors)
    assert (
        save_errors(
            provider_user,
            programme_2025,
            direction="1",
            cac_model_name="智算大模型",
            cac_filing_unit="北京智算",
            cac_filing_number="Beijing-ZS-20240101",
        )
        == {}
    )


def test_p2_cac_filing_is_not_applicable_otherwise(provider_user, programme_2025):
    assert "cac_model_name" in save_errors(provider_user, programme_2025, cac_model_name="某模型")
    application = services.application_create(
        actor=provider_user,
        programme=programme_2025,
        data=valid_data(provider_user.organisation, cac_model_name="不涉及"),
        full_check=True,
    )
    assert application.cac_display == "不涉及"


@pytest.mark.parametrize(
    ("value", "ok"),
    [("6%", True), ("6.5", True), ("无法统计", True), ("", True), ("120%", False), ("很多", False)],
)
def test_p2_market_share_percent_or_unavailable(provider_user, programme_2025, value, ok):
    errors = save_errors(provider_user, programme_2025, market_share=value)
    assert ("market_share" not in errors) is ok


def test_p2_optional_fields_may_be_empty(provider_user, programme_2025):
    assert save_errors(provider_user, programme_2025, market_share="", ranking="", high_growth_count="") == {}


def test_p2_high_growth_count_is_an_integer(provider_user, programme_2025):
    assert "high_growth_count" in save_errors(provider_user, programme_2025, high_growth_count="六")


def test_p2_contact_required(provider_user, programme_2025):
    assert "contact_name" in save_errors(provider_user, programme_2025, contact_name="")


@pytest.mark.parametrize("mobile", ["", "12345678901", "1391234567", "23912345678", "139123456789"])
def test_p2_contact_mobile_is_a_valid_mainland_number(provider_user, programme_2025, mobile):
    assert "contact_mobile" in save_errors(provider_user, programme_2025, contact_mobile=mobile)


def test_p2_price_transaction_lines_are_parsed(provider_user, programme_2025):
    application = services.application_create(
        actor=provider_user,
        programme=programme_2025,
        data={"price_transactions": "2025-03-01 100000\n2025-04-01，120000.50"},
    )
    assert [(t.transacted_on.isoformat(), t.amount) for t in application.price_transactions.all()] == [
        ("2025-03-01", Decimal("100000.00")),
        ("2025-04-01", Decimal("120000.50")),
    ]
    with pytest.raises(ValidationError):
        services.application_temp_save(
            actor=provider_user, application=application, data={"price_transactions": "三月 一万"}
        )
