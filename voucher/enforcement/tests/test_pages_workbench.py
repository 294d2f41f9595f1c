"""A clawback is the provider's to repay: the enterprise's workbench does not count it as its own."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from voucher.core import clock
from voucher.enforcement import services
from voucher.testing.enforcement import DAY


def _workbench(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/workbench/").content.decode()


def test_pages_enterprise_workbench_does_not_count_the_providers_clawback(
    claim, admin_user, enterprise, provider
):
    with clock.frozen_at(DAY):
        services.clawback_open(
            actor=admin_user, claim=claim, reason_kind="full_refund", amount=Decimal("1000.00"), reason="退款"
        )
        own = _workbench(provider)
        other = _workbench(enterprise)
    assert "<dt>待退回</dt>" in own
    assert "<dt>待退回</dt>" not in other
    assert "服务商待退回" in other and "由服务商退回" in other
