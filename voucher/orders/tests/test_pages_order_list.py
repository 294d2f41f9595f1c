"""The order list shows the figure of each order's current stage, not the estimate reserved at ordering."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client

from voucher.accounts.models import User
from voucher.core.templatetags.money import yuan
from voucher.demo.seed import seed_demo
from voucher.orders.models import Order
from voucher.payouts.choices import ItemStatus
from voucher.payouts.models import PayoutItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _expected(order: Order) -> tuple[str, Decimal]:
    paid = PayoutItem.objects.filter(claim__order=order, status=ItemStatus.PAID).aggregate(s=Sum("amount"))[
        "s"
    ]
    if paid is not None:
        return "已兑付", paid
    claim = getattr(order, "claim", None)
    if claim is not None and claim.approved_payout is not None:
        return "核定兑付", claim.approved_payout
    contract = getattr(order, "contract", None)
    if contract is not None:
        return "合同抵用额", contract.deduction
    return "预占补贴", order.subsidy_estimate


def test_pages_order_list_shows_the_figure_of_the_current_stage():
    seed_demo()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    html = ""
    for page in range(1, Order.objects.count() // 20 + 2):
        html += client.get(f"/orders/?page={page}").content.decode()
    stages = set()
    for order in Order.objects.all():
        label, amount = _expected(order)
        stages.add(label)
        block = html.split(f"{order.number} ·", 1)[1].split("</li>", 1)[0]
        assert f"{label} {yuan(amount)}" in block, (order.number, label, amount, block)
    assert stages == {"已兑付", "核定兑付", "合同抵用额", "预占补贴"}


@pytest.mark.parametrize(
    ("role", "title"),
    [
        ("enterprise", "我的服务券订单"),
        ("provider", "收到的服务券订单"),
        ("reviewer", "服务券订单"),
        ("admin", "服务券订单"),
    ],
)
def test_pages_order_list_title_fits_the_role(role_users, role, title):
    client = Client()
    client.force_login(role_users[role])
    assert f"<h1>{title}</h1>" in client.get("/orders/").content.decode()
