"""The ledger invariants hold after the whole demo year and catch a tampered account or voucher count."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.demo.seed import seed_demo
from voucher.enforcement.invariants import ledger_mismatches, quota_mismatches
from voucher.enterprises.models import QuotaAccount

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_demo_year_has_no_mismatch(capsys):
    seed_demo()
    assert ledger_mismatches() == []
    call_command("ledger_check")
    assert "0 处不一致" in capsys.readouterr().out


def test_a_tampered_account_and_voucher_count_are_reported():
    seed_demo()
    account = QuotaAccount.objects.filter(reserved__gt=0).first()
    QuotaAccount.objects.filter(pk=account.pk).update(reserved=F("reserved") - Decimal("1.00"))
    product = Product.objects.filter(vouchers_left__gt=0).first()
    Product.objects.filter(pk=product.pk).update(vouchers_left=F("vouchers_left") - 1)
    rules = sorted(m.rule for m in ledger_mismatches())
    assert rules == ["available = cap − reserved − committed − paid", "reserved", "vouchers_left"]
    with pytest.raises(CommandError):
        call_command("ledger_check")


def test_m1_a_quota_restoring_clawback_after_payout_keeps_the_ledger_consistent(programme_2025, admin_user):
    """Paid through a batch, then partly repaid under a year that restores quota: paid falls by the
    repayment, and the check follows it; a clawback entry without a repayment behind it is reported."""
    from voucher.enforcement import services as oversight
    from voucher.enterprises.models import QuotaAccount
    from voucher.enterprises.services import quota_claw_back
    from voucher.payouts import services as payouts
    from voucher.testing.factories import UserFactory
    from voucher.testing.payouts import approved_claim, batch_approved, payee_for

    programme_2025.clawback_restores_quota = True
    programme_2025.save(update_fields=["clawback_restores_quota"])
    provider = UserFactory(provider=True)
    claim = approved_claim(programme_2025, provider=provider)
    payee_for(provider)
    batch = batch_approved(admin_user, programme_2025)
    with clock.frozen_at(batch.notice_ends_on + dt.timedelta(days=2)):
        payouts.payout_batch_export(actor=admin_user, batch=batch, out=io.BytesIO())
        payouts.payout_mark_paid(actor=admin_user, batch=batch, reference="PAY-1", paid_on=clock.today())
        clawback = oversight.clawback_open(
            actor=admin_user, claim=claim, reason_kind="partial_refund", amount="5000", reason="部分退款"
        )
        oversight.clawback_record_repayment(
            actor=admin_user, clawback=clawback, paid_on=clock.today(), amount="5000", reference="R-1"
        )
    account = QuotaAccount.objects.get(organisation_id=claim.enterprise_id, programme=programme_2025)
    assert account.paid == claim.approved_payout - Decimal("5000")
    assert quota_mismatches() == []

    quota_claw_back(actor=None, account=account, amount="100", reference=claim.order.number)
    rules = {m.rule for m in quota_mismatches()}
    assert "追回恢复的额度 ≤ 已登记的退回金额" in rules
