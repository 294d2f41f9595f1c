"""Spot-check filters take the Chinese choices (issue 18): 已完成 finds the completed ones."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from voucher.contracts.choices import ContractStatus
from voucher.core import clock
from voucher.enforcement import services
from voucher.enforcement.choices import SpotCheckStatus
from voucher.enforcement.models import SpotCheck
from voucher.testing.enforcement import DAY


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_spot_check_population_status_by_chinese_label(claim, admin_user):
    with clock.frozen_at(DAY):
        status = claim.contract.status
        label = ContractStatus(status).label
        assert services.population_status("contracts", label) == status
        assert services.population_status("contracts", status) == status
        assert services.population_status("contracts", "已完成") == ContractStatus.COMPLETED
        with pytest.raises(ValidationError) as refused:
            services.population_status("orders", "服务已完成")
        assert "订单的状态只能是" in refused.value.message_dict["status"][0]
        admin = login(admin_user)
        form = admin.get(reverse("enforcement:spot_check_new")).content.decode()
        assert '<select name="status"' in form and f'<option value="{status}">{label}</option>' in form
        response = admin.post(
            reverse("enforcement:spot_check_new"), {"target": "contracts", "status": status, "size": "1"}
        )
        assert response.status_code == 302, response.content.decode()
        assert SpotCheck.objects.get().items.get().contract_id == claim.contract_id
        wrong = admin.post(
            reverse("enforcement:spot_check_new"),
            {"target": "orders", "status": ContractStatus.COMPLETED, "size": "1"},
        )
        assert wrong.status_code == 200 and "订单的状态只能是" in wrong.content.decode()


def test_pages_spot_check_list_filters_by_chinese_status(claim, admin_user):
    with clock.frozen_at(DAY):
        open_check = services.spot_check_draw(
            actor=admin_user, programme=claim.programme, target="orders", size=1
        )
        closed = services.spot_check_draw(
            actor=admin_user, programme=claim.programme, target="contracts", size=1
        )
        SpotCheck.objects.filter(pk=closed.pk).update(status=SpotCheckStatus.CLOSED)
        admin = login(admin_user)
        page = admin.get(reverse("enforcement:spot_checks"))
        html = page.content.decode()
        assert (
            '<option value="closed">已完成</option>' in html
            and '<option value="open">检查中</option>' in html
        )
        done = admin.get(reverse("enforcement:spot_checks"), {"status": "closed"})
        assert [c.pk for c in done.context["page"]] == [closed.pk]
        running = admin.get(reverse("enforcement:spot_checks"), {"status": "open", "target": "orders"})
        assert [c.pk for c in running.context["page"]] == [open_check.pk]
