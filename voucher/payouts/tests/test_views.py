"""The pages: a batch from filters with its preview, the public notice on a phone (no bank details) and its
objection form, resolving an objection, the payment file download, recording payments, the provider's
payouts and payee account."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from voucher.core import clock
from voucher.payouts.choices import BatchStatus, ItemStatus
from voucher.payouts.models import PayoutBatch
from voucher.reviews.models import Objection
from voucher.testing.payouts import PUBLISH_DAY

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_new_batch_from_filters_shows_the_preview_then_creates(claims, admin_user, provider_a):
    client = login(admin_user)
    with clock.frozen_at(PUBLISH_DAY):
        page = client.get(reverse("payouts:batch_new"), {"provider": provider_a.organisation_id})
        text = page.content.decode()
        assert page.status_code == 200 and "预览：2 笔" in text and "55,000.50" in text
        response = client.post(
            reverse("payouts:batch_new"), {"provider": provider_a.organisation_id, "title": "第一批"}
        )
    batch = PayoutBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "payouts:batch_detail", args=[batch.pk]
    )
    assert batch.item_count == 2 and batch.title == "第一批"


def test_reversed_dates_shown_at_the_field(claims, admin_user):
    page = login(admin_user).get(
        reverse("payouts:batch_new"), {"decided_from": "2025-08-02", "decided_to": "2025-08-01"}
    )
    assert page.status_code == 422
    assert "结束日不能早于开始日" in page.content.decode()


def test_public_notice_lists_items_without_bank_details_and_takes_an_objection(noticed, payees, admin_user):
    client = Client()
    with clock.frozen_at(noticed.notice_starts_on):
        page = client.get(reverse("payouts:public_batch", args=[noticed.pk]))
        text = page.content.decode()
        item = noticed.items.select_related("provider", "enterprise", "claim__order__product").first()
        assert (
            item.provider.name in text
            and item.enterprise.name in text
            and item.claim.order.product.name in text
        )
        assert payees[0].account_number not in text and payees[0].bank_name not in text
        assert 'name="viewport"' in text or "viewport" in client.get("/").content.decode()
        bad = client.post(reverse("payouts:public_batch", args=[noticed.pk]), {"name": "张三"})
        assert bad.status_code == 422
        posted = client.post(
            reverse("payouts:public_batch", args=[noticed.pk]),
            {"items": [item.pk], "name": "张三", "contact": "13900000000", "text": "服务未实际提供"},
        )
    assert posted.status_code == 302
    objection = Objection.objects.get(batch__isnull=False)
    item.refresh_from_db()
    assert item.status == ItemStatus.BLOCKED
    admin = login(admin_user)
    detail = admin.get(reverse("payouts:batch_detail", args=[noticed.pk])).content.decode()
    assert "服务未实际提供" in detail and "记录处理结果" in detail
    admin.post(
        reverse("payouts:objection_resolve", args=[objection.pk]),
        {f"o{objection.pk}-action": "uphold", f"o{objection.pk}-resolution": "经核实属实"},
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.REMOVED


def test_public_form_closed_after_the_period(noticed):
    with clock.frozen_at(noticed.notice_ends_on + dt.timedelta(days=1)):
        page = Client().get(reverse("payouts:public_batch", args=[noticed.pk]))
        assert "不再受理异议" in page.content.decode()
        assert Client().post(reverse("payouts:public_batch", args=[noticed.pk]), {}).status_code == 403


def test_admin_walks_a_batch_from_draft_to_paid(draft, payees, admin_user):
    client = login(admin_user)
    with clock.frozen_at(PUBLISH_DAY):
        client.post(reverse("payouts:batch_publish", args=[draft.pk]), {})
    draft.refresh_from_db()
    assert draft.status == BatchStatus.NOTICED
    with clock.frozen_at(draft.notice_ends_on + dt.timedelta(days=1)):
        client.post(reverse("payouts:batch_approve", args=[draft.pk]))
        response = client.post(reverse("payouts:batch_export", args=[draft.pk]))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        assert list(book.active.iter_rows(values_only=True))[-1][0] == "合计"
        first = draft.items.order_by("id").first()
        client.post(
            reverse("payouts:item_paid", args=[first.pk]),
            {"reference": "B-1", "paid_on": clock.today().isoformat()},
        )
        draft.refresh_from_db()
        assert draft.status == BatchStatus.PARTLY_PAID
        client.post(
            reverse("payouts:batch_paid", args=[draft.pk]),
            {"reference": "B-2", "paid_on": clock.today().isoformat()},
        )
    draft.refresh_from_db()
    assert draft.status == BatchStatus.PAID
    page = client.get(reverse("payouts:batches")).content.decode()
    assert draft.number in page and "已支付" in page


def test_export_refused_with_the_missing_payees_named(claims, admin_user, programme_2025):
    from voucher.testing.payouts import batch_approved

    batch = batch_approved(admin_user, programme_2025, on=PUBLISH_DAY)
    client = login(admin_user)
    response = client.post(reverse("payouts:batch_export", args=[batch.pk]), follow=True)
    assert "尚未登记收款账户" in response.content.decode()


def test_provider_sees_its_payouts_and_keeps_its_payee_account(noticed, provider_a):
    client = login(provider_a)
    page = client.get(reverse("payouts:index")).content.decode()
    assert noticed.number in page and "尚未登记收款账户" in page
    bad = client.post(reverse("payouts:payee"), {"bank_name": "", "account_number": "x"})
    assert bad.status_code == 422 and "请填写开户银行" in bad.content.decode()
    assert (
        client.post(
            reverse("payouts:payee"),
            {"bank_name": "中国银行北京分行", "account_number": "6222020200012345678"},
        ).status_code
        == 302
    )
    page = client.get(reverse("payouts:index")).content.decode()
    assert "****5678" in page and "6222020200012345678" not in page


def test_workbench_card_and_nav_for_admin_and_provider(noticed, admin_user, provider_a):
    admin_page = login(admin_user).get("/workbench/").content.decode()
    assert "兑付批次" in admin_page
    provider_page = login(provider_a).get("/workbench/").content.decode()
    assert "兑付情况" in provider_page


def test_the_claim_page_shows_its_batch_and_payment(exported, admin_user, provider_a):
    from voucher.payouts import services

    item = exported.items.filter(provider=provider_a.organisation).first()
    claim_page = reverse("claims:detail", args=[item.claim.order.number])
    page = login(provider_a).get(claim_page).content.decode()
    assert exported.number in page and "待支付" in page and "待批次拨付" not in page
    paid_on = exported.notice_ends_on + dt.timedelta(days=2)
    with clock.frozen_at(dt.datetime.combine(paid_on, dt.time(10), clock.SHANGHAI)):
        services.payout_mark_paid(actor=admin_user, batch=exported, reference="LS-20250101", paid_on=paid_on)
    page = login(provider_a).get(claim_page).content.decode()
    assert "已支付" in page and "LS-20250101" in page
