"""Contract services: C1–C3, C5 on recording, ledger, amendments, confirmation, completion, ratings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from voucher.catalogue.models import Product
from voucher.contracts import services
from voucher.contracts.choices import ContractStatus
from voucher.contracts.models import Contract, Rating
from voucher.core import clock
from voucher.core.models import AuditEvent, Notification
from voucher.enterprises.choices import LedgerKind
from voucher.enterprises.models import QuotaAccount, QuotaLedgerEntry
from voucher.enterprises.services import quota_reserve
from voucher.testing.builders import make_product
from voucher.testing.contracts import DAY, place_and_accept, terms

pytestmark = pytest.mark.django_db

SCORES = {"quality": 5, "responsiveness": 4, "expertise": 5, "overall": 4}


def codes(exc: ValidationError) -> dict[str, set[str]]:
    return {field: {e.code for e in errs} for field, errs in exc.error_dict.items()}


def account_of(user, programme):
    return QuotaAccount.objects.get(organisation=user.organisation, programme=programme)


def test_c2_recording_replaces_the_reservation_by_the_deduction(order, provider, buyer, programme_2025):
    assert account_of(buyer, programme_2025).reserved == Decimal("30000.00")
    contract = services.contract_record(
        actor=provider, order=order, terms=terms(total="80000.00", deduction="24000.00")
    )
    account = account_of(buyer, programme_2025)
    assert (account.reserved, account.committed, account.available) == (
        Decimal("0.00"),
        Decimal("24000.00"),
        Decimal("176000.00"),
    )
    assert contract.own_payment == Decimal("56000.00")
    assert contract.status == ContractStatus.RECORDED
    entry = QuotaLedgerEntry.objects.filter(account=account).last()
    assert entry.kind == LedgerKind.COMMIT and entry.reference == order.number
    assert AuditEvent.objects.for_object(contract).filter(action="contract.recorded").exists()
    assert Notification.objects.filter(recipient=buyer, kind="contract_recorded").exists()


def test_c5_an_18_month_contract_of_300000_is_subsidised_on_200000(order, provider):
    end = dt.date(2026, 12, 31)
    with pytest.raises(ValidationError) as exc:
        services.contract_record(
            actor=provider, order=order, terms=terms(total="300000.00", deduction="60000.01", end=end)
        )
    assert codes(exc.value) == {"deduction": {"deduction_above_maximum"}}
    contract = services.contract_record(
        actor=provider, order=order, terms=terms(total="300000.00", deduction="60000.00", end=end)
    )
    assert contract.subsidisable_amount == Decimal("200000.00") and contract.annualised
    assert contract.max_deduction == Decimal("60000.00")


def test_c5_a_6_month_contract_is_not_annualised(order, provider):
    contract = services.contract_record(
        actor=provider,
        order=order,
        terms=terms(total="300000.00", deduction="90000.00", end=dt.date(2025, 12, 31)),
    )
    assert contract.subsidisable_amount == Decimal("300000.00") and not contract.annualised


def test_c2_three_contracts_past_the_cap_the_third_is_capped_to_what_is_left(buyer, provider, programme_2025):
    products = [make_product(programme_2025, provider=provider) for _ in range(3)]
    orders = [place_and_accept(buyer, p, provider) for p in products]
    first = services.contract_record(
        actor=provider, order=orders[0], terms=terms(total="300000.00", deduction="90000.00")
    )
    second = services.contract_record(
        actor=provider, order=orders[1], terms=terms(total="300000.00", deduction="80000.00")
    )
    with pytest.raises(ValidationError) as exc:
        services.contract_record(
            actor=provider, order=orders[2], terms=terms(total="300000.00", deduction="30000.01")
        )
    assert "deduction_above_maximum" in codes(exc.value)["deduction"]
    assert "30,000.00" in str(exc.value)
    third = services.contract_record(
        actor=provider, order=orders[2], terms=terms(total="300000.00", deduction="30000.00")
    )
    assert third.max_deduction == Decimal("30000.00")
    assert first.deduction + second.deduction + third.deduction == Decimal("200000.00")
    account = account_of(buyer, programme_2025)
    assert account.available == Decimal("0.00") and account.committed == Decimal("200000.00")


@pytest.mark.parametrize(("field", "arg"), [("signed_on", "signed"), ("service_start", "start")])
def test_c3_contract_dated_before_the_order_is_refused(order, provider, field, arg):
    early = DAY - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.contract_record(
            actor=provider,
            order=order,
            terms=terms(**{arg: early}),
        )
    assert codes(exc.value)[field] == {"before_order_date"}
    assert not Contract.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"total": "0"}, "total_amount", "amount_not_positive"),
        ({"deduction": "30000.001"}, "deduction", "invalid_amount"),
        ({"own": Decimal("1.00")}, "own_payment", "own_payment_mismatch"),
        ({"end": DAY - dt.timedelta(days=2), "start": DAY}, "service_end", "end_before_start"),
        ({"number": " "}, "number", "required"),
    ],
)
def test_c2_terms_are_checked_field_by_field(order, provider, kwargs, field, code):
    with pytest.raises(ValidationError) as exc:
        services.contract_record(actor=provider, order=order, terms=terms(**kwargs))
    assert code in codes(exc.value)[field]


def test_c1_the_product_and_the_counterparty_are_those_of_the_order(order, provider, programme_2025):
    other = make_product(programme_2025, provider=provider)
    with pytest.raises(ValidationError) as exc:
        services.contract_record(
            actor=provider, order=order, terms=terms(), product=other, counterparty_uscc="91110000000000000X"
        )
    assert codes(exc.value) == {
        "product": {"product_mismatch"},
        "counterparty_uscc": {"counterparty_mismatch"},
    }
    contract = services.contract_record(
        actor=provider,
        order=order,
        terms=terms(),
        product=order.product,
        counterparty_uscc=order.enterprise.uscc,
    )
    assert contract.product_id == order.product_id and contract.enterprise_id == order.enterprise_id


def test_only_an_accepted_order_gets_one_contract(buyer, product, provider, contract, order):
    with pytest.raises(ValidationError) as exc:
        services.contract_record(actor=provider, order=order, terms=terms())
    assert codes(exc.value) == {"__all__": {"contract_exists"}}


def test_the_deduction_bound_includes_the_orders_own_reservation(order, provider, buyer, programme_2025):
    account = account_of(buyer, programme_2025)
    quota_reserve(actor=None, account=account, amount=account.available, reference="x")  # nothing else left
    contract = services.contract_record(actor=provider, order=order, terms=terms(deduction="30000.00"))
    assert contract.max_deduction == Decimal("30000.00")


def test_other_provider_cannot_record(order):
    from voucher.testing.factories import UserFactory

    with pytest.raises(PermissionDenied):
        services.contract_record(actor=UserFactory(provider=True), order=order, terms=terms())


def test_amendment_adjusts_the_ledger_is_audited_and_asks_to_confirm_again(
    contract, provider, buyer, programme_2025
):
    services.contract_confirm(actor=buyer, contract=contract)
    amended = services.contract_amend(
        actor=provider,
        contract=contract,
        terms=terms(number="HT-2025-001", total="60000.00", deduction="18000.00"),
        reason="合同金额调整",
    )
    assert amended.status == ContractStatus.RECORDED and amended.enterprise_confirmed_at is None
    assert amended.own_payment == Decimal("42000.00") and amended.amendment_count == 1
    account = account_of(buyer, programme_2025)
    assert account.committed == Decimal("18000.00") and account.available == Decimal("182000.00")
    event = AuditEvent.objects.for_object(contract).get(action="contract.amended")
    assert event.before["deduction"] == "30000.00" and event.after["deduction"] == "18000.00"
    assert Notification.objects.filter(recipient=buyer, kind="contract_amended").exists()
    # An increase is checked against the bound again.
    with pytest.raises(ValidationError) as exc:
        services.contract_amend(
            actor=provider, contract=amended, terms=terms(total="60000.00", deduction="18000.01"), reason="x"
        )
    assert "deduction_above_maximum" in codes(exc.value)["deduction"]


def test_no_amendment_after_the_claim_is_filed(contract, provider):
    services.contract_lock_for_claim(contract=contract)
    services.contract_lock_for_claim(contract=contract)  # idempotent
    with pytest.raises(PermissionDenied):
        services.contract_amend(actor=provider, contract=contract, terms=terms(), reason="改")
    stale = Contract.objects.get(pk=contract.pk)
    stale.claim_locked_at = None  # a page loaded before the claim: the service re-reads under the lock
    with pytest.raises(ValidationError) as exc:
        services.contract_amend(actor=provider, contract=stale, terms=terms(), reason="改")
    assert codes(exc.value) == {"__all__": {"claim_locked"}}


def test_c7_confirm_complete_rate_and_reply(contract, provider, buyer):
    with pytest.raises(ValidationError):
        services.contract_complete(actor=buyer, contract=contract)  # not confirmed yet
    services.contract_confirm(actor=buyer, contract=contract)
    assert Notification.objects.filter(recipient=provider, kind="contract_confirmed").exists()
    done = services.contract_complete(actor=buyer, contract=contract)
    assert done.status == ContractStatus.COMPLETED
    rating = services.rating_create(actor=buyer, contract=done, scores=SCORES, comment="服务很好")
    product = Product.objects.get(pk=contract.product_id)
    assert (product.rating_count, product.rating_average) == (1, Decimal("4.00"))
    assert Notification.objects.filter(recipient=provider, kind="contract_rated").exists()
    with pytest.raises(ValidationError):
        services.rating_create(actor=buyer, contract=done, scores=SCORES)
    services.rating_reply(actor=provider, rating=rating, reply="感谢支持")
    with pytest.raises(ValidationError) as exc:
        services.rating_reply(actor=provider, rating=rating, reply="再次回复")
    assert codes(exc.value) == {"reply": {"already_replied"}}
    with pytest.raises(PermissionDenied):
        services.rating_update(actor=provider, rating=rating, scores=SCORES)


def test_c7_rating_average_over_several_ratings(buyer, another_buyer, provider, product):
    ratings = []
    for user, overall in ((buyer, 5), (another_buyer, 2)):
        order = place_and_accept(user, product, provider)
        contract = services.contract_record(actor=provider, order=order, terms=terms())
        services.contract_confirm(actor=user, contract=contract)
        services.contract_complete(actor=user, contract=contract)
        ratings.append(
            services.rating_create(actor=user, contract=contract, scores={**SCORES, "overall": overall})
        )
    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (2, Decimal("3.50"))
    services.rating_update(actor=another_buyer, rating=ratings[1], scores={**SCORES, "overall": 4})
    product.refresh_from_db()
    assert product.rating_average == Decimal("4.50")


def test_c7_rating_cannot_be_edited_after_the_programme_days(contract, buyer, programme_2025):
    programme_2025.rating_edit_days = 30
    programme_2025.save()
    services.contract_confirm(actor=buyer, contract=contract)
    services.contract_complete(actor=buyer, contract=contract)
    rating = services.rating_create(actor=buyer, contract=contract, scores=SCORES)
    last = clock.today() + dt.timedelta(days=30)
    with clock.frozen_at(dt.datetime.combine(last, dt.time(23, 59), tzinfo=clock.SHANGHAI)):
        services.rating_update(actor=buyer, rating=rating, scores={**SCORES, "overall": 5})
    with (
        clock.frozen_at(
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=clock.SHANGHAI)
        ),
        pytest.raises(ValidationError) as exc,
    ):
        services.rating_update(actor=buyer, rating=rating, scores=SCORES)
    assert codes(exc.value) == {"__all__": {"rating_locked"}}
    assert Rating.objects.get().overall == 5


@pytest.mark.parametrize(
    ("rated_on", "last"),
    [(dt.date(2025, 1, 31), dt.date(2025, 3, 2)), (dt.date(2024, 1, 30), dt.date(2024, 2, 29))],
)
def test_rules_period_rating_edit_window_counts_from_the_next_day(
    contract, buyer, programme_2025, rated_on, last
):
    programme_2025.rating_edit_days = 30
    programme_2025.save()
    services.contract_confirm(actor=buyer, contract=contract)
    services.contract_complete(actor=buyer, contract=contract)
    with clock.frozen_at(dt.datetime.combine(rated_on, dt.time(18, 0), tzinfo=clock.SHANGHAI)):
        rating = services.rating_create(actor=buyer, contract=contract, scores=SCORES)
    assert clock.local(rating.editable_until).date() == last
    assert clock.local(rating.editable_until) == clock.end_of_day(last)


@pytest.mark.parametrize("bad", [0, 6, "x", None, 3.5])
def test_c7_scores_are_1_to_5(contract, buyer, bad):
    services.contract_confirm(actor=buyer, contract=contract)
    services.contract_complete(actor=buyer, contract=contract)
    with pytest.raises(ValidationError) as exc:
        services.rating_create(actor=buyer, contract=contract, scores={**SCORES, "quality": bad})
    assert codes(exc.value) == {"quality": {"invalid_score"}}


def test_own_payment_constraint_in_the_database(contract):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(own_payment=Decimal("1.00"))
