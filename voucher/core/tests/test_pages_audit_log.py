"""The audit log reads in Chinese: action and object names, values as people read them, Chinese filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from voucher.core import clock
from voucher.core.models import AuditEvent
from voucher.core.readable import readable_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_event() -> AuditEvent:
    return AuditEvent.objects.create(
        at=dt.datetime(2026, 12, 3, 21, 47, tzinfo=clock.SHANGHAI),
        actor_label="系统",
        action="order.placed",
        object_type="orders.order",
        object_id="7",
        object_repr="订单 SV-7",
        before={"status": "placed", "subsidy_estimate": "30000.00", "acceptance_deadline": "2026-12-10"},
        after={
            "status": "accepted",
            "subsidy_estimate": "24000.00",
            "acceptance_deadline": "2026-12-12",
            "decided_at": "2026-12-03T13:47:20+00:00",
        },
    )


@pytest.fixture
def programme_event() -> AuditEvent:
    return AuditEvent.objects.create(
        at=dt.datetime(2026, 12, 4, 9, 0, tzinfo=clock.SHANGHAI),
        actor_label="admin",
        action="programmeyear.updated",
        object_type="programmes.programmeyear",
        object_id="1",
        object_repr="2026 年度",
    )


def test_pages_audit_list_reads_in_chinese(admin_client, order_event, programme_event):
    page = admin_client.get(reverse("core:audit_list")).content.decode()
    assert "订单已提交" in page and "order.placed" not in page.replace('value="order.placed"', "")
    assert "年度政策已修改" in page and "年度政策" in page
    assert "programmes.programmeyear" not in page.replace('value="programmes.programmeyear"', "")
    assert "待接单 → <strong>已接单</strong>" in page
    assert "30,000.00 元 → <strong>24,000.00 元</strong>" in page
    assert "2026年12月10日 → <strong>2026年12月12日</strong>" in page
    assert (
        "空 → <strong>2026年12月3日 21:47</strong>" in page
        or "— → <strong>2026年12月3日 21:47</strong>" in page
    )


def test_pages_audit_detail_reads_in_chinese(admin_client, order_event):
    page = admin_client.get(reverse("core:audit_detail", args=[order_event.pk])).content.decode()
    assert (
        "<h1>订单已提交" in page
        and "服务券订单" in page
        and "orders.order" not in page.split("该对象的全部记录")[1]
    )


def test_pages_audit_filters_offer_chinese_choices(admin_client, order_event, programme_event):
    response = admin_client.get(reverse("core:audit_list"))
    form = response.context["form"]
    actions = dict(
        (value, label) for group, members in form.fields["action"].choices[1:] for value, label in members
    )
    assert actions["order.placed"] == "订单已提交" and actions["order."] == "全部订单动作"
    assert dict(form.fields["object_type"].choices)["programmes.programmeyear"] == "年度政策"
    html = response.content.decode()
    assert '<select name="action"' in html and '<select name="object_type"' in html
    chosen = admin_client.get(reverse("core:audit_list"), {"action": "order.placed"})
    assert [r["event"].pk for r in chosen.context["rows"]] == [order_event.pk]
    by_type = admin_client.get(reverse("core:audit_list"), {"object_type": "programmes.programmeyear"})
    assert [r["event"].pk for r in by_type.context["rows"]] == [programme_event.pk]
    assert not by_type.context["form"].errors


def test_pages_readable_values():
    assert readable_value("pass") == "通过" and readable_value("fail") == "未通过"
    assert readable_value("2026-12-03T13:47:20.123+00:00") == "2026年12月3日 21:47"
    assert readable_value(True) == "是" and readable_value(None) == "空"
