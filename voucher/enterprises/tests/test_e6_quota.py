"""E6: the quota account — opened for eligible SMEs, a ledger whose balance never goes below zero."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voucher.core.models import AuditEvent
from voucher.enterprises.choices import LedgerKind
from voucher.enterprises.models import QuotaAccount, QuotaLedgerEntry, QuotaTier
from voucher.enterprises.selectors import enterprise_eligibility
from voucher.enterprises.services import (
    quota_account_open,
    quota_claw_back,
    quota_commit,
    quota_pay,
    quota_release,
    quota_reserve,
)
from voucher.testing.factories import OrganisationFactory


def test_e6_2025_has_one_tier_of_200000(programme_2025) -> None:
    tiers = list(QuotaTier.objects.filter(programme=programme_2025))
    assert [(t.is_default, t.cap) for t in tiers] == [(True, Decimal("200000.00"))]


def test_e6_eligible_enterprise_holds_the_years_quota(eligible_user, programme_2025) -> None:
    account = QuotaAccount.objects.get(organisation=eligible_user.organisation, programme=programme_2025)
    assert (account.cap, account.available, account.reserved, account.committed, account.paid) == (
        Decimal("200000.00"),
        Decimal("200000.00"),
        0,
        0,
        0,
    )
    assert [e.kind for e in account.entries.all()] == [LedgerKind.GRANT]
    assert enterprise_eligibility(organisation=eligible_user.organisation, programme=programme_2025)


def test_e6_cap_follows_the_tier_of_the_year(verified_user, programme_2025) -> None:
    QuotaTier.objects.filter(programme=programme_2025).update(cap=Decimal("150000.00"))
    from voucher.testing.enterprises import classify_small

    classify_small(verified_user, programme_2025)
    assert QuotaAccount.objects.get(organisation=verified_user.organisation).cap == Decimal("150000.00")


def test_e6_reclassification_does_not_open_a_second_account(eligible_user, programme_2025) -> None:
    from voucher.testing.enterprises import classify_small

    classify_small(eligible_user, programme_2025, employees=60)
    assert QuotaAccount.objects.filter(organisation=eligible_user.organisation).count() == 1


def test_e6_ledger_moves_keep_the_totals(eligible_user, programme_2025) -> None:
    account = QuotaAccount.objects.get(organisation=eligible_user.organisation)
    quota_reserve(actor=eligible_user, account=account, amount="30000", reference="DD1")
    quota_reserve(actor=eligible_user, account=account, amount="10000", reference="DD2")
    quota_release(actor=None, account=account, amount="10000", reference="DD2")
    quota_commit(actor=None, account=account, amount="25000", reserved_amount="30000", reference="DD1")
    quota_pay(actor=None, account=account, amount="20000", committed_amount="25000", reference="DD1")
    quota_claw_back(actor=None, account=account, amount="5000", reference="DD1")
    account.refresh_from_db()
    assert (account.available, account.reserved, account.committed, account.paid) == (
        Decimal("185000.00"),
        0,
        0,
        Decimal("15000.00"),
    )
    last = account.entries.order_by("-id").first()
    assert (last.kind, last.balance_after, last.paid_after) == (
        LedgerKind.CLAWBACK,
        Decimal("185000.00"),
        Decimal("15000.00"),
    )
    assert AuditEvent.objects.filter(action__startswith="quota.", object_id=str(account.pk)).count() == 7


def test_e6_reserve_above_available_refused(eligible_user) -> None:
    account = QuotaAccount.objects.get(organisation=eligible_user.organisation)
    with pytest.raises(ValidationError) as exc:
        quota_reserve(actor=eligible_user, account=account, amount="200000.01", reference="DD1")
    assert "可用额度不足" in exc.value.message_dict["amount"][0]
    account.refresh_from_db()
    assert account.available == Decimal("200000.00")


def test_e6_other_enterprise_cannot_move_the_quota(eligible_user, other_enterprise_user) -> None:
    account = QuotaAccount.objects.get(organisation=eligible_user.organisation)
    with pytest.raises(PermissionDenied):
        quota_reserve(actor=other_enterprise_user, account=account, amount="1", reference="DD1")


def test_e6_database_refuses_a_negative_balance(eligible_user) -> None:
    account = QuotaAccount.objects.get(organisation=eligible_user.organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaAccount.objects.filter(pk=account.pk).update(
            reserved=Decimal("200000.01"), available=Decimal("-0.01")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaAccount.objects.filter(pk=account.pk).update(reserved=Decimal("-1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaLedgerEntry.objects.create(
            account=account,
            kind=LedgerKind.RESERVE,
            amount=1,
            balance_after=Decimal("-1"),
            reserved_after=0,
            committed_after=0,
            paid_after=0,
            at=account.opened_at,
        )


def test_e6_duplicate_account_refused(eligible_user, programme_2025) -> None:
    with pytest.raises(ValidationError):
        quota_account_open(actor=None, organisation=eligible_user.organisation, programme=programme_2025)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("120000"), places=2)
operations = st.lists(
    st.tuples(st.sampled_from(["reserve", "release", "commit", "pay", "clawback"]), amounts, amounts),
    max_size=25,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_e6_ledger_never_goes_negative(programme_2025, ops) -> None:
    organisation = OrganisationFactory(enterprise=True)
    account = quota_account_open(actor=None, organisation=organisation, programme=programme_2025)
    model = {"available": account.cap, "reserved": Decimal(0), "committed": Decimal(0), "paid": Decimal(0)}
    for op, a, b in ops:
        if op == "reserve":
            ok = a <= model["available"]
            delta = {"reserved": a}
            call = partial(quota_reserve, actor=None, account=account, amount=a, reference="R")
        elif op == "release":
            ok = a <= model["reserved"]
            delta = {"reserved": -a}
            call = partial(quota_release, actor=None, account=account, amount=a, reference="R")
        elif op == "commit":
            ok = b <= model["reserved"] and a - b <= model["available"]
            delta = {"reserved": -b, "committed": a}
            call = partial(
                quota_commit, actor=None, account=account, amount=a, reserved_amount=b, reference="R"
            )
        elif op == "pay":
            ok = a <= b <= model["committed"]
            delta = {"committed": -b, "paid": a}
            call = partial(
                quota_pay, actor=None, account=account, amount=a, committed_amount=b, reference="R"
            )
        else:
            ok = a <= model["paid"]
            delta = {"paid": -a}
            call = partial(quota_claw_back, actor=None, account=account, amount=a, reference="R")
        if ok:
            call()
            for bucket, change in delta.items():
                model[bucket] += change
            model["available"] = account.cap - model["reserved"] - model["committed"] - model["paid"]
        else:
            with pytest.raises(ValidationError):
                call()
        stored = QuotaAccount.objects.get(pk=account.pk)
        assert stored.available >= 0
        assert {k: getattr(stored, k) for k in model} == model
    assert all(e.balance_after >= 0 for e in account.entries.all())
    last = account.entries.order_by("-id").first()
    assert last.balance_after == model["available"]


def test_y2_copied_year_keeps_the_quota_tiers(programme_2025, admin_user) -> None:
    from voucher.programmes.services import programme_year_copy

    copy = programme_year_copy(actor=admin_user, source=programme_2025, year=2026)
    assert [(t.code, t.cap, t.is_default) for t in QuotaTier.objects.filter(programme=copy)] == [
        ("standard", Decimal("200000.00"), True)
    ]
