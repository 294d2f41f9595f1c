"""Ordering rules (SPEC O2–O8, E5–E7, Y4)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.models import AuditEvent, CalendarDay, HolidayScheduleYear, Notification
from voucher.enterprises.choices import CreditListKind
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import credit_list_entry_create
from voucher.orders import services
from voucher.orders.choices import OrderAction, OrderStatus
from voucher.orders.models import Order
from voucher.orders.transitions import TRANSITIONS, IllegalTransition, transition
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def place(user, product, key=None, **extra):
    return services.order_place(
        actor=user,
        product=product,
        idempotency_key=key or uuid.uuid4().hex,
        contact_name="王经理",
        contact_mobile="13912345678",
        **extra,
    )


def account_of(user, programme):
    return QuotaAccount.objects.get(organisation=user.organisation, programme=programme)


def refusal_code(exc_info) -> str:
    return next(e.code for errs in exc_info.value.error_dict.values() for e in errs)


def test_o2_o4_o5_order_reserves_the_estimate_and_takes_one_voucher(
    buyer, product, programme_2025, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(buyer, product)
    assert re.fullmatch(r"FWQ20250701-[0-9A-HJKMNP-TV-Z]{8}", order.number)
    assert order.ordered_at == ORDER_DAY
    assert order.status == OrderStatus.PLACED
    assert order.subsidy_estimate == Decimal("30000.00")
    assert order.acceptance_deadline == dt.date(2025, 7, 8)
    product.refresh_from_db()
    assert product.vouchers_left == 4
    account = account_of(buyer, programme_2025)
    assert (account.reserved, account.available) == (Decimal("30000.00"), Decimal("170000.00"))
    assert AuditEvent.objects.filter(action="order.placed", object_id=str(order.pk)).exists()
    # The provider's members are notified after commit, from the outbox row written with the order.
    assert Notification.objects.filter(recipient__organisation=product.provider, kind="order_placed").exists()


def test_o4_order_numbers_are_unique_and_not_sequential(buyer, programme_2025):
    numbers = {place(buyer, make_product(programme_2025)).number for _ in range(5)}
    assert len(numbers) == 5


def test_o5_estimate_is_capped_by_the_available_quota(buyer, programme_2025):
    big = make_product(programme_2025, price=Decimal("900000.00"))
    order = place(buyer, big)
    assert order.subsidy_estimate == Decimal("200000.00")
    with pytest.raises(ValidationError) as exc:
        place(buyer, make_product(programme_2025))
    assert refusal_code(exc) == "quota_exhausted"


def test_o5_estimate_rounds_down_to_the_fen(buyer, programme_2025):
    odd = make_product(programme_2025, price=Decimal("333.33"))
    assert place(buyer, odd).subsidy_estimate == Decimal("99.99")


def test_o3_idempotent_submission_returns_the_first_order(buyer, product):
    first = place(buyer, product, key="submission-0001")
    again = place(buyer, product, key="submission-0001")
    assert again.pk == first.pk
    product.refresh_from_db()
    assert product.vouchers_left == 4
    assert Order.objects.count() == 1


def test_o3_one_open_order_per_product_by_default(buyer, product):
    place(buyer, product)
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    assert refusal_code(exc) == "too_many_open_orders"


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("not_authenticated", "not_authenticated"),
        ("not_classified", "not_classified"),
        ("credit", "credit"),
        ("sold_out", "sold_out"),
        ("not_on_sale", "not_on_sale"),
        ("after_last_order_day", "ordering_closed"),
    ],
)
def test_o2_each_refusal_has_its_reason(
    setup, code, enterprise_user, programme_2025, on_order_day, admin_user
):
    product = make_product(programme_2025)
    if setup not in {"not_authenticated", "not_classified"}:
        make_eligible(enterprise_user, programme_2025)
    elif setup == "not_classified":
        from voucher.enterprises.services import enterprise_authenticate

        enterprise_authenticate(
            actor=enterprise_user,
            organisation=enterprise_user.organisation,
            uscc=enterprise_user.organisation.uscc,
        )
    if setup == "credit":
        credit_list_entry_create(
            actor=admin_user,
            uscc=enterprise_user.organisation.uscc,
            name=enterprise_user.organisation.name,
            kind=CreditListKind.DISHONEST_DEBTOR,
            recorded_on=dt.date(2025, 6, 1),
            source="测试",
        )
    if setup == "sold_out":
        Product.objects.filter(pk=product.pk).update(vouchers_left=0)
    if setup == "not_on_sale":
        Product.objects.filter(pk=product.pk).update(status=ProductStatus.SUSPENDED)
    moment = (
        dt.datetime(2025, 10, 1, 9, 0, tzinfo=clock.SHANGHAI)
        if setup == "after_last_order_day"
        else ORDER_DAY
    )
    with clock.frozen_at(moment), pytest.raises(ValidationError) as exc:
        place(enterprise_user, product)
    assert refusal_code(exc) == code
    assert exc.value.messages[0]  # a Chinese sentence, not just a code
    assert Order.objects.count() == 0
    product.refresh_from_db()
    assert product.vouchers_left == (0 if setup == "sold_out" else 5)


def test_o2_credit_is_checked_and_stored_at_order_time(buyer, product):
    from voucher.enterprises.models import CreditCheck

    before = CreditCheck.objects.filter(organisation=buyer.organisation, context="order").count()
    place(buyer, product)
    assert CreditCheck.objects.filter(organisation=buyer.organisation, context="order").count() == before + 1


@pytest.mark.parametrize(
    ("industry", "allowed"), [("C1391", True), ("C1515", True), ("C1513", False), ("I6513", False)]
)
def test_e5_digital_marketing_only_for_food_and_wine_makers(industry, allowed, programme_2025, on_order_day):
    user = make_eligible(
        UserFactory(organisation=OrganisationFactory(enterprise=True)), programme_2025, industry
    )
    marketing = make_product(programme_2025, direction="marketing")
    if allowed:
        assert place(user, marketing).status == OrderStatus.PLACED
    else:
        with pytest.raises(ValidationError) as exc:
            place(user, marketing)
        assert refusal_code(exc) == "industry_not_eligible"


def test_o2_only_enterprises_order(provider, product):
    with pytest.raises(PermissionDenied):
        place(provider, product)


def test_o2_contact_fields_are_checked_at_their_field(buyer, product):
    with pytest.raises(ValidationError) as exc:
        services.order_place(
            actor=buyer,
            product=product,
            idempotency_key=uuid.uuid4().hex,
            contact_name=" ",
            contact_mobile="123",
        )
    assert set(exc.value.message_dict) == {"contact_name", "contact_mobile"}


def test_o6_accept_within_the_window(buyer, product, provider):
    order = place(buyer, product)
    with clock.frozen_at(dt.datetime(2025, 7, 8, 23, 0, tzinfo=clock.SHANGHAI)):
        accepted = services.order_accept(actor=provider, order=order)
    assert accepted.status == OrderStatus.ACCEPTED
    product.refresh_from_db()
    assert product.vouchers_left == 4  # the voucher stays with the accepted order


def test_o6_deadline_crosses_national_day_and_late_accept_is_refused_before_the_sweeper(
    buyer, product, provider, programme_2025
):
    with clock.frozen_at(dt.datetime(2025, 9, 30, 16, 0, tzinfo=clock.SHANGHAI)):
        order = place(buyer, product)
    assert order.acceptance_deadline == dt.date(2025, 10, 14)
    with clock.frozen_at(dt.date(2025, 10, 15)), pytest.raises(ValidationError) as exc:
        services.order_accept(actor=provider, order=order)
    assert refusal_code(exc) == "acceptance_deadline_passed"
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_o6_adjusted_working_sunday_counts(buyer, product):
    # Friday 2025-09-26: Sunday 09-28 is a 调休 working day, then 09-29, 09-30, (National Day), 10-09, 10-10.
    with clock.frozen_at(dt.datetime(2025, 9, 26, 9, 0, tzinfo=clock.SHANGHAI)):
        order = place(buyer, product)
    assert order.acceptance_deadline == dt.date(2025, 10, 10)


def test_o6_sweeper_cancels_overdue_orders_once_and_releases_everything(buyer, product, programme_2025):
    order = place(buyer, product)
    with clock.frozen_at(dt.date(2025, 7, 8)):
        assert services.orders_sweep()["expired"] == 0
    with clock.frozen_at(dt.date(2025, 7, 9)):
        assert services.orders_sweep()["expired"] == 1
        assert services.orders_sweep()["expired"] == 0
    order.refresh_from_db()
    product.refresh_from_db()
    account = account_of(buyer, programme_2025)
    assert order.status == OrderStatus.EXPIRED and order.released_at is not None
    assert product.vouchers_left == 5
    assert (account.reserved, account.available) == (Decimal("0.00"), Decimal("200000.00"))
    kinds = set(Notification.objects.filter(kind="order_expired").values_list("recipient__role", flat=True))
    assert kinds == {"enterprise", "provider"}


def test_o6_sweeper_reminds_the_provider_on_the_last_day_once(buyer, product):
    place(buyer, product)
    with clock.frozen_at(dt.date(2025, 7, 8)):
        assert services.orders_sweep()["reminded"] == 1
        assert services.orders_sweep()["reminded"] == 0


def test_o7_enterprise_cancels_before_acceptance_and_everything_returns_once(buyer, product, programme_2025):
    order = place(buyer, product)
    services.order_cancel(actor=buyer, order=order)
    with pytest.raises(IllegalTransition):
        services.order_cancel(actor=buyer, order=order)
    product.refresh_from_db()
    assert product.vouchers_left == 5
    assert account_of(buyer, programme_2025).available == Decimal("200000.00")


def test_o7_no_cancel_after_acceptance(buyer, product, provider):
    order = place(buyer, product)
    services.order_accept(actor=provider, order=order)
    with pytest.raises(IllegalTransition):
        services.order_cancel(actor=buyer, order=order)


def test_o8_only_the_ordering_enterprise_cancels(buyer, another_buyer, product, provider):
    order = place(buyer, product)
    for outsider in (another_buyer, provider):
        with pytest.raises(PermissionDenied):
            services.order_cancel(actor=outsider, order=order)


def test_o6_decline_needs_a_reason_and_releases(buyer, product, provider, programme_2025):
    order = place(buyer, product)
    with pytest.raises(ValidationError):
        services.order_decline(actor=provider, order=order, reason="  ")
    declined = services.order_decline(actor=provider, order=order, reason="超出服务范围")
    assert declined.status == OrderStatus.DECLINED and declined.decline_reason == "超出服务范围"
    assert account_of(buyer, programme_2025).available == Decimal("200000.00")


def test_o6_only_the_products_provider_decides(buyer, product, programme_2025):
    order = place(buyer, product)
    other_provider = UserFactory(provider=True)
    for outsider in (other_provider, buyer):
        with pytest.raises(PermissionDenied):
            services.order_accept(actor=outsider, order=order)


@pytest.mark.parametrize("status", [s.value for s in OrderStatus])
@pytest.mark.parametrize("action", [a.value for a in OrderAction])
def test_every_illegal_transition_is_refused(status, action):
    if (action, status) in TRANSITIONS:
        assert transition(status, action) == TRANSITIONS[(action, status)]
    else:
        with pytest.raises(IllegalTransition):
            transition(status, action)


def test_y4_order_is_refused_when_the_deadline_reaches_an_unpublished_year(
    buyer, product, admin_user, programme_2025
):
    HolidayScheduleYear.objects.filter(year=2025).update(year=2035)
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    assert refusal_code(exc) == "holiday_schedule_missing"
    assert "2025" in exc.value.messages[0]
    assert Notification.objects.filter(recipient=admin_user, kind="holiday_schedule_missing").count() == 1
    with pytest.raises(ValidationError):
        place(buyer, product)
    assert Notification.objects.filter(recipient=admin_user, kind="holiday_schedule_missing").count() == 1
    assert not CalendarDay.objects.filter(date__year=2035).exists()
