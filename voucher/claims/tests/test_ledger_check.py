"""The ledger invariants hold after the whole demo year and catch a tampered account or voucher count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from voucher.catalogue.models import Product
from voucher.claims.invariants import ledger_mismatches
from voucher.demo.seed import seed_demo
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
