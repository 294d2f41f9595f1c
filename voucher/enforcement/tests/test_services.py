"""Oversight services: sanctions and their ban (M5, E7), clawbacks (M1), spot checks (M2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.services import product_resume
from voucher.core import clock
from voucher.core.models import AuditEvent, Notification
from voucher.enforcement import sampling, services
from voucher.enforcement.choices import ClawbackOrigin, ClawbackStatus, FindingOutcome, SpotCheckStatus
from voucher.enforcement.models import Clawback, Sanction, SpotCheckItem
from voucher.enforcement.selectors import sanction_in_force, sanction_refusal, spot_check_verify
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_pay
from voucher.testing.builders import make_product
from voucher.testing.enforcement import DAY
from voucher.testing.factories import OrganisationFactory, UserFactory


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errs in exc.error_dict.values() for e in errs}


def record(admin, **kwargs):
    kwargs.setdefault("kind", "fake_contract")
    kwargs.setdefault("facts", "虚构合同套取服务券资金")
    with clock.frozen_at(kwargs.pop("on", DAY)):
        return services.sanction_record(actor=admin, **kwargs)


# --- the ban's period (M5: 3 years from the decision) ---------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "last_day"),
    [
        (dt.date(2025, 9, 10), dt.date(2028, 9, 10)),
        (dt.date(2025, 7, 1), dt.date(2028, 7, 1)),
        (dt.date(2025, 1, 1), dt.date(2028, 1, 1)),
        # Leap day: a common year has no 29 February, so the ban ends on that month's last day (Art. 202).
        (dt.date(2024, 2, 29), dt.date(2027, 2, 28)),
        (dt.date(2025, 2, 28), dt.date(2028, 2, 28)),
    ],
)
def test_m5_sanction_period(decided, last_day):
    assert services.sanction_period(decided, 3) == (decided, last_day)


def test_m5_ban_starts_on_decision_day_and_ends_on_last_day(db, admin_user, programme_2025):
    enterprise = OrganisationFactory(enterprise=True)
    case = record(admin_user, enterprise=enterprise, decided_on=dt.date(2025, 9, 10))
    sanction = case.sanctions.get()
    assert (sanction.starts_on, sanction.ends_on) == (dt.date(2025, 9, 10), dt.date(2028, 9, 10))
    assert sanction_refusal(organisation_id=enterprise.pk, on=dt.date(2025, 9, 9))
    refused = sanction_refusal(organisation_id=enterprise.pk, on=dt.date(2025, 9, 10))
    assert not refused and refused.code == "sanctioned" and "2028-09-10" in refused.reason
    assert not sanction_refusal(organisation_id=enterprise.pk, on=dt.date(2028, 9, 10))
    assert sanction_refusal(organisation_id=enterprise.pk, on=dt.date(2028, 9, 11))


def test_m5_leap_day_decision(db, admin_user, programme_2025):
    provider = OrganisationFactory(provider=True)
    with clock.frozen_at(dt.date(2024, 3, 1)):
        case = services.sanction_record(
            actor=admin_user,
            kind="transfer",
            facts="倒卖",
            provider=provider,
            decided_on=dt.date(2024, 2, 29),
        )
    sanction = case.sanctions.get()
    assert sanction.ends_on == dt.date(2027, 2, 28)
    assert sanction_in_force(organisation_id=provider.pk, on=dt.date(2027, 2, 28)) == sanction
    assert sanction_in_force(organisation_id=provider.pk, on=dt.date(2027, 3, 1)) is None
    assert sanction_in_force(organisation_id=provider.pk, on=dt.date(2024, 2, 28)) is None


def test_m5_both_parties_audited_and_notified(admin_user, claim):
    case = record(admin_user, enterprise=claim.enterprise, provider=claim.provider, claims=[claim])
    assert {s.party for s in case.sanctions.all()} == {"enterprise", "provider"}
    assert AuditEvent.objects.filter(action="sanction.recorded").count() == 2
    assert AuditEvent.objects.filter(action="sanction_case.recorded", object_id=str(case.pk)).exists()
    assert Notification.objects.filter(
        kind="sanction_recorded", recipient__organisation=claim.provider
    ).exists()
    assert Notification.objects.filter(
        kind="sanction_recorded", recipient__organisation=claim.enterprise
    ).exists()


def test_m5_validation(db, admin_user, programme_2025):
    with pytest.raises(ValidationError) as exc:
        record(admin_user, kind="nonsense", facts=" ")
    assert {"invalid_kind", "required", "no_party"} <= codes(exc.value)
    with pytest.raises(ValidationError) as exc:
        record(
            admin_user, enterprise=OrganisationFactory(provider=True), decided_on=DAY + dt.timedelta(days=1)
        )
    assert {"not_enterprise", "future_date"} <= codes(exc.value)


def test_m5_only_admins_record(db, reviewer_user, programme_2025):
    with pytest.raises(PermissionDenied):
        record(reviewer_user, enterprise=OrganisationFactory(enterprise=True))


def test_m5_provider_sanction_suspends_all_products_on_sale(admin_user, provider, programme_2025):
    on_sale = make_product(programme_2025, provider=provider)
    other = make_product(programme_2025, provider=provider)
    ready = make_product(programme_2025, provider=provider, status=ProductStatus.READY)
    unrelated = make_product(programme_2025)
    record(admin_user, provider=provider.organisation)
    statuses = {p.pk: p.status for p in [on_sale, other, ready, unrelated] if not p.refresh_from_db()}
    assert statuses == {
        on_sale.pk: ProductStatus.SUSPENDED,
        other.pk: ProductStatus.SUSPENDED,
        ready.pk: ProductStatus.READY,
        unrelated.pk: ProductStatus.ON_SALE,
    }
    assert AuditEvent.objects.filter(action="product.suspended").count() == 2


def test_m5_products_resume_only_after_lifting(admin_user, provider, programme_2025):
    product = make_product(programme_2025, provider=provider)
    case = record(admin_user, provider=provider.organisation)
    product.refresh_from_db()
    with clock.frozen_at(DAY), pytest.raises(ValidationError) as exc:
        product_resume(actor=admin_user, product=product, reason="整改完成")
    assert codes(exc.value) == {"sanctioned"}
    with clock.frozen_at(DAY):
        services.sanction_lift(actor=admin_user, sanction=case.sanctions.get(), reason="复议撤销")
        product = product_resume(actor=admin_user, product=product, reason="整改完成")
    assert product.status == ProductStatus.ON_SALE


def test_m5_enterprise_case_with_named_product_suspends_only_it(admin_user, claim, programme_2025):
    named = claim.order.product
    other = make_product(programme_2025, provider=UserFactory(provider=True, organisation=claim.provider))
    record(admin_user, enterprise=claim.enterprise, products=[named], orders=[claim.order])
    named.refresh_from_db()
    other.refresh_from_db()
    assert named.status == ProductStatus.SUSPENDED and other.status == ProductStatus.ON_SALE


def test_m5_sanction_opens_clawbacks_for_affected_claims(admin_user, claim):
    case = record(admin_user, enterprise=claim.enterprise)
    clawback = Clawback.objects.get(claim=claim)
    assert clawback.case == case and clawback.origin == ClawbackOrigin.SANCTION
    assert clawback.amount_due == Decimal("30000.00") and clawback.status == ClawbackStatus.OPEN
    # A second case on the same claim finds nothing left to claw back.
    record(admin_user, provider=claim.provider, claims=[claim])
    assert Clawback.objects.filter(claim=claim).count() == 1


def test_m5_case_scope_limits_clawbacks(admin_user, claim, programme_2025, reviewer_user):
    from voucher.testing.enforcement import approved_claim

    provider_user = claim.provider.members.first()
    second = approved_claim(programme_2025, reviewer=reviewer_user, provider=provider_user)
    record(admin_user, provider=claim.provider, orders=[second.order])
    assert list(Clawback.objects.values_list("claim_id", flat=True)) == [second.pk]


def test_m5_involvement_checked(admin_user, claim):
    stranger = OrganisationFactory(enterprise=True)
    with pytest.raises(ValidationError) as exc:
        record(admin_user, enterprise=stranger, orders=[claim.order], claims=[claim])
    assert codes(exc.value) == {"not_involved"}
    assert not Sanction.objects.exists()


def test_m5_lift_needs_admin_and_reason(admin_user, reviewer_user, db, programme_2025):
    enterprise = OrganisationFactory(enterprise=True)
    member = UserFactory(organisation=enterprise)
    sanction = record(admin_user, enterprise=enterprise).sanctions.get()
    with pytest.raises(PermissionDenied):
        services.sanction_lift(actor=reviewer_user, sanction=sanction, reason="x")
    with pytest.raises(ValidationError):
        services.sanction_lift(actor=admin_user, sanction=sanction, reason="  ")
    with clock.frozen_at(DAY):
        lifted = services.sanction_lift(actor=admin_user, sanction=sanction, reason="行政复议撤销")
    assert lifted.lifted_by == admin_user and sanction_refusal(organisation_id=enterprise.pk, on=DAY)
    assert AuditEvent.objects.filter(action="sanction.lifted", object_id=str(sanction.pk)).exists()
    assert Notification.objects.filter(recipient=member, kind="sanction_lifted").exists()
    with pytest.raises(PermissionDenied):
        services.sanction_lift(actor=admin_user, sanction=lifted, reason="again")


def test_m5_lift_reason_is_a_database_constraint(admin_user, db, programme_2025):
    sanction = record(admin_user, enterprise=OrganisationFactory(enterprise=True)).sanctions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Sanction.objects.filter(pk=sanction.pk).update(lifted_at=clock.now(), lift_reason="")


# --- refusals (E7, M5) -----------------------------------------------------------------------------------


def test_m5_claim_submission_refused_for_sanctioned_provider(admin_user, programme_2025, reviewer_user):
    from voucher.claims import services as claim_services
    from voucher.contracts import services as contract_services
    from voucher.testing.builders import ORDER_DAY, make_eligible
    from voucher.testing.claims import fill
    from voucher.testing.contracts import place_and_accept, terms
    from voucher.testing.enforcement import CLAIM_DAY

    provider = UserFactory(provider=True)
    with clock.frozen_at(ORDER_DAY):
        buyer = make_eligible(UserFactory(), programme_2025)
        order = place_and_accept(buyer, make_product(programme_2025, provider=provider), provider)
        contract = contract_services.contract_record(
            actor=provider, order=order, terms=terms(end=dt.date(2025, 8, 31))
        )
        contract_services.contract_confirm(actor=buyer, contract=contract)
    with clock.frozen_at(CLAIM_DAY):
        claim = fill(claim_services.claim_start(actor=provider, contract=contract), provider)
        services.sanction_record(
            actor=admin_user, kind="concealment", facts="隐瞒", provider=provider.organisation
        )
        with pytest.raises(ValidationError) as exc:
            claim_services.claim_submit(actor=provider, claim=claim, confirmed=True)
    assert codes(exc.value) == {"sanctioned"}
    assert "不得" in exc.value.message_dict["__all__"][0]


def test_m5_application_submission_refused_for_sanctioned_provider(admin_user, programme_2025):
    from voucher.applications import services as application_services
    from voucher.applications.models import Application

    provider = UserFactory(provider=True)
    application = Application.objects.create(
        programme=programme_2025, organisation=provider.organisation, sequence=1, created_by=provider
    )
    window_day = programme_2025.application_opens_on
    with clock.frozen_at(window_day):
        services.sanction_record(actor=admin_user, kind="other", facts="违规", provider=provider.organisation)
    with clock.frozen_at(window_day), pytest.raises(ValidationError) as exc:
        application_services.application_submit(actor=provider, application=application, pledge_accepted=True)
    assert codes(exc.value) == {"sanctioned"}


# --- clawbacks (M1) --------------------------------------------------------------------------------------


def pdf(name="退款凭证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf"
    )


def test_m1_provider_reports_refund(claim, provider, admin_user):
    with clock.frozen_at(DAY):
        clawback = services.clawback_report(
            actor=provider,
            claim=claim,
            reason_kind="partial_refund",
            amount="10000.00",
            reason="企业部分退款",
            file=pdf(),
        )
    assert clawback.origin == ClawbackOrigin.PROVIDER_REPORT and clawback.amount_due == Decimal("10000.00")
    assert clawback.evidence_type == "application/pdf" and len(clawback.evidence_sha256) == 64
    assert clawback.restores_quota is False
    assert Notification.objects.filter(recipient=admin_user, kind="clawback_reported").exists()
    assert AuditEvent.objects.filter(action="clawback.opened", object_id=str(clawback.pk)).exists()


def test_m1_report_amount_capped_by_payout(claim, provider):
    with clock.frozen_at(DAY):
        services.clawback_report(
            actor=provider, claim=claim, reason_kind="full_refund", amount="20000", reason="退款"
        )
        with pytest.raises(ValidationError) as exc:
            services.clawback_report(
                actor=provider, claim=claim, reason_kind="no_service", amount="10000.01", reason="未服务"
            )
    assert codes(exc.value) == {"above_payout"}


def test_m1_report_file_checked_by_content(claim, provider):
    fake = SimpleUploadedFile("凭证.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with clock.frozen_at(DAY), pytest.raises(ValidationError) as exc:
        services.clawback_report(
            actor=provider, claim=claim, reason_kind="full_refund", amount="1", reason="x", file=fake
        )
    assert "file" in exc.value.message_dict
    assert not Clawback.objects.exists()


def test_m1_report_only_own_claims_and_provider_reasons(claim, db):
    other = UserFactory(provider=True)
    with pytest.raises(PermissionDenied):
        services.clawback_report(actor=other, claim=claim, reason_kind="full_refund", amount="1", reason="x")
    owner = claim.provider.members.first()
    with pytest.raises(ValidationError) as exc:
        services.clawback_report(actor=owner, claim=claim, reason_kind="violation", amount="1", reason="x")
    assert codes(exc.value) == {"invalid_reason"}


def test_m1_repayments_default_rule_keeps_quota_used(claim, admin_user):
    account = QuotaAccount.objects.get(organisation=claim.enterprise, programme=claim.programme)
    paid, entries = account.paid, account.entries.count()
    with clock.frozen_at(DAY):
        clawback = services.clawback_open(
            actor=admin_user,
            claim=claim,
            reason_kind="no_service",
            amount="30000.00",
            reason="抽查发现未服务",
        )
        services.clawback_record_repayment(
            actor=admin_user, clawback=clawback, paid_on=DAY, amount="10000.00", reference="BANK-1"
        )
        clawback.refresh_from_db()
        assert clawback.status == ClawbackStatus.PARTLY_REPAID and clawback.outstanding == Decimal("20000.00")
        with pytest.raises(ValidationError) as exc:
            services.clawback_record_repayment(
                actor=admin_user, clawback=clawback, paid_on=DAY, amount="20000.01", reference="BANK-2"
            )
        assert codes(exc.value) == {"above_outstanding"}
        with pytest.raises(ValidationError) as exc:
            services.clawback_record_repayment(
                actor=admin_user, clawback=clawback, paid_on=DAY, amount="1", reference="BANK-1"
            )
        assert codes(exc.value) == {"duplicate_reference"}
        services.clawback_record_repayment(
            actor=admin_user, clawback=clawback, paid_on=DAY, amount="20000.00", reference="BANK-2"
        )
    clawback.refresh_from_db()
    account.refresh_from_db()
    assert clawback.status == ClawbackStatus.REPAID and clawback.repaid == Decimal("30000.00")
    assert account.paid == paid and account.entries.count() == entries
    with pytest.raises(PermissionDenied):
        services.clawback_record_repayment(
            actor=admin_user, clawback=clawback, paid_on=DAY, amount="1", reference="x"
        )


def test_m1_repayment_restores_quota_when_the_year_says_so(claim, admin_user):
    claim.programme.clawback_restores_quota = True
    claim.programme.save(update_fields=["clawback_restores_quota"])
    account = QuotaAccount.objects.get(organisation=claim.enterprise, programme=claim.programme)
    with clock.frozen_at(DAY):
        clawback = services.clawback_open(
            actor=admin_user, claim=claim, reason_kind="partial_refund", amount="5000", reason="部分退款"
        )
        assert clawback.restores_quota is True
        # Not yet disbursed: the payout is still committed, the repayment leaves the ledger alone.
        entries = account.entries.count()
        services.clawback_record_repayment(
            actor=admin_user, clawback=clawback, paid_on=DAY, amount="1000", reference="B-8"
        )
        assert account.entries.count() == entries
        # The payout batch moves the approved payout to paid (referenced by the order number).
        quota_pay(
            actor=admin_user,
            account=account,
            amount=claim.approved_payout,
            committed_amount=claim.approved_payout,
            reference=claim.order.number,
        )
        account.refresh_from_db()
        paid, available = account.paid, account.available
        services.clawback_record_repayment(
            actor=admin_user, clawback=clawback, paid_on=DAY, amount="4000", reference="B-9"
        )
    account.refresh_from_db()
    assert account.paid == paid - Decimal("4000") and account.available == available + Decimal("4000")
    assert account.entries.last().kind == "clawback"


def test_m1_waive_needs_admin_and_reason(claim, admin_user, provider):
    with clock.frozen_at(DAY):
        clawback = services.clawback_open(
            actor=admin_user, claim=claim, reason_kind="other", amount="100", reason="核查"
        )
        with pytest.raises(PermissionDenied):
            services.clawback_waive(actor=provider, clawback=clawback, reason="x")
        with pytest.raises(ValidationError):
            services.clawback_waive(actor=admin_user, clawback=clawback, reason="")
        waived = services.clawback_waive(actor=admin_user, clawback=clawback, reason="企业已注销，无法追回")
    assert waived.status == ClawbackStatus.WAIVED and waived.outstanding == 0
    assert Notification.objects.filter(recipient=provider, kind="clawback_waived").exists()


def test_m1_database_refuses_repaid_above_due(claim, admin_user):
    with clock.frozen_at(DAY):
        clawback = services.clawback_open(
            actor=admin_user, claim=claim, reason_kind="other", amount="100", reason="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Clawback.objects.filter(pk=clawback.pk).update(repaid=Decimal("100.01"))


# --- spot checks (M2) ------------------------------------------------------------------------------------


def test_m2_draw_is_a_function_of_seed_and_population():
    population = list(range(1, 501))
    assert sampling.draw("abc", population, 20) == sampling.draw("abc", list(reversed(population)), 20)
    assert sampling.draw("abc", population, 20) != sampling.draw("abd", population, 20)
    assert len(set(sampling.draw("abc", population, 20))) == 20
    assert sampling.size_for(501, size=None, percent=Decimal("1")) == 6
    assert sampling.new_seed() != sampling.new_seed()


def orders_population(programme, count: int):
    from voucher.testing.builders import ORDER_DAY, make_eligible
    from voucher.testing.contracts import place_and_accept

    provider = UserFactory(provider=True)
    product = make_product(programme, provider=provider, vouchers=count + 5, price=Decimal("10000.00"))
    with clock.frozen_at(ORDER_DAY):
        return [
            place_and_accept(make_eligible(UserFactory(), programme), product, provider) for _ in range(count)
        ]


def test_m2_same_seed_same_sample_and_verification(admin_user, programme_2025):
    orders = orders_population(programme_2025, 12)
    with clock.frozen_at(DAY):
        first = services.spot_check_draw(
            actor=admin_user, programme=programme_2025, target="orders", size=4, seed="seed-1"
        )
        again = services.spot_check_draw(
            actor=admin_user, programme=programme_2025, target="orders", size=4, seed="seed-1"
        )
        other = services.spot_check_draw(
            actor=admin_user, programme=programme_2025, target="orders", size=4, seed="seed-2"
        )
        random_seed = services.spot_check_draw(
            actor=admin_user, programme=programme_2025, target="orders", percent=Decimal("25")
        )
    assert first.sample_ids == again.sample_ids and first.population_hash == again.population_hash
    assert first.sample_ids != other.sample_ids
    assert len(random_seed.seed) == 32 and random_seed.sample_size == 3
    assert first.items.count() == 4 and first.population_count == 12
    assert spot_check_verify(first).matches
    # The population changes (a new order): verification says so.
    orders_population(programme_2025, 1)
    result = spot_check_verify(first)
    assert (
        not result.matches
        and not result.population_unchanged
        and result.added == 1
        and result.draw_reproduced
    )
    # A tampered sample no longer re-derives.
    type(first).objects.filter(pk=first.pk).update(sample_ids=list(reversed(first.sample_ids)))
    first.refresh_from_db()
    assert not spot_check_verify(first).draw_reproduced
    assert len(orders) == 12


def test_m2_draw_validation(admin_user, programme_2025):
    with pytest.raises(ValidationError) as exc:
        services.spot_check_draw(actor=admin_user, programme=programme_2025, target="orders", size=3)
    assert codes(exc.value) == {"empty_population"}
    with pytest.raises(ValidationError) as exc:
        services.spot_check_draw(actor=admin_user, programme=programme_2025, target="x", size=None)
    assert {"invalid_target", "size_or_percent"} <= codes(exc.value)
    orders_population(programme_2025, 2)
    with pytest.raises(ValidationError) as exc:
        services.spot_check_draw(actor=admin_user, programme=programme_2025, target="orders", size=3)
    assert codes(exc.value) == {"size_above_population"}


def test_m2_assign_findings_close_and_violation_links_case(admin_user, reviewer_user, programme_2025):
    orders_population(programme_2025, 3)
    with clock.frozen_at(DAY):
        check = services.spot_check_draw(actor=admin_user, programme=programme_2025, target="orders", size=2)
        with pytest.raises(ValidationError):
            services.spot_check_assign(actor=admin_user, check=check, inspector=UserFactory())
        services.spot_check_assign(actor=admin_user, check=check, inspector=reviewer_user)
        first, second = list(check.items.all())
        assert Notification.objects.filter(recipient=reviewer_user, kind="spot_check_assigned").exists()
        with pytest.raises(PermissionDenied):
            services.spot_check_record_finding(
                actor=UserFactory(reviewer=True), item=first, outcome="compliant", findings="ok"
            )
        services.spot_check_record_finding(
            actor=reviewer_user, item=first, outcome="compliant", findings="合同齐全"
        )
        check.refresh_from_db()
        assert check.status == SpotCheckStatus.OPEN
        item = services.spot_check_record_finding(
            actor=reviewer_user, item=second, outcome=FindingOutcome.VIOLATION, findings="合同金额虚高"
        )
        check.refresh_from_db()
        assert check.status == SpotCheckStatus.CLOSED and check.closed_at is not None
        case = services.sanction_record(
            actor=admin_user,
            kind="fake_contract",
            facts=item.findings,
            enterprise=item.order.enterprise,
            orders=[item.order],
            spot_check_item=item,
        )
    assert SpotCheckItem.objects.get(pk=item.pk).case == case
    with pytest.raises(PermissionDenied):
        services.spot_check_record_finding(actor=reviewer_user, item=first, outcome="issue", findings="x")
