"""The one objection model and service (SPEC V3, R7): product notices and payout batches under notice file
and decide objections through :mod:`voucher.reviews.objections`, with one table and one database rule."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.models import AuditEvent, Notification
from voucher.core.permissions import ALLOWED
from voucher.core.statemachine import IllegalTransition
from voucher.payouts import services as payout_services
from voucher.payouts.choices import ItemStatus
from voucher.reviews import objections
from voucher.reviews import services as review_services
from voucher.reviews.choices import ObjectionStatus
from voucher.reviews.models import Objection, objection_path
from voucher.reviews.transitions import OBJECTION
from voucher.testing import catalogue as builders
from voucher.testing.reviews import NOTICE_START

pytestmark = pytest.mark.django_db


@pytest.fixture
def product_notice(admin_user, provider_user, programme_2025):
    application = builders.application(
        provider_user, programme_2025, status="approved", name="京韵外观设计服务"
    )
    with clock.frozen_at(NOTICE_START):
        return review_services.notice_publish(
            actor=admin_user, programme=programme_2025, applications=[application], starts_on=NOTICE_START
        )


def file_product(notice, text="该产品价格与实际成交不符。"):
    with clock.frozen_at(NOTICE_START):
        return review_services.objection_file(
            actor=None,
            notice=notice,
            product=notice.items.get().product,
            name="王五",
            contact="13700000000",
            text=text,
        )


def file_payout(batch, items, text="该企业未实际接受服务"):
    with clock.frozen_at(batch.notice_starts_on):
        return payout_services.payout_objection_file(
            actor=None, batch=batch, item_ids=[i.pk for i in items], name="举报人", contact="139", text=text
        )


def test_kernel_objection_both_notice_kinds_file_rows_of_the_one_model(product_notice, noticed, admin_user):
    on_product = file_product(product_notice)
    item = noticed.items.order_by("id").first()
    on_batch = file_payout(noticed, [item])

    assert Objection.objects.count() == 2
    assert (on_product.kind, on_product.notice_id, on_product.batch_id) == (
        "product",
        product_notice.pk,
        None,
    )
    assert (on_batch.kind, on_batch.batch_id, on_batch.notice_id, on_batch.product_id) == (
        "payout",
        noticed.pk,
        None,
        None,
    )
    assert list(on_batch.payout_items.all()) == [item]
    item.refresh_from_db()
    assert item.status == ItemStatus.BLOCKED
    assert set(noticed.objections.all()) == {on_batch}
    assert set(product_notice.objections.all()) == {on_product}
    filed = AuditEvent.objects.filter(object_type="reviews.objection").values_list("action", "object_id")
    assert set(filed) == {
        ("objection.filed", str(on_product.pk)),
        ("payout_objection.filed", str(on_batch.pk)),
    }
    told = Notification.objects.filter(recipient=admin_user).values_list("kind", "url")
    assert ("objection.filed", f"/reviews/notices/{product_notice.pk}/") in told
    assert ("payout_objection.filed", f"/payouts/batches/{noticed.pk}/") in told


def test_kernel_objection_one_service_decides_both_kinds(product_notice, noticed, admin_user):
    on_product = file_product(product_notice)
    item = noticed.items.order_by("id").first()
    on_batch = file_payout(noticed, [item])

    upheld = review_services.objection_resolve(
        actor=admin_user, objection=on_product, action="uphold", resolution="价格不实"
    )
    dismissed = payout_services.payout_objection_resolve(
        actor=admin_user, objection=on_batch, action="dismiss", resolution="经核实服务已提供"
    )

    assert (upheld.status, upheld.resolved_by) == (ObjectionStatus.UPHELD, admin_user)
    assert (dismissed.status, dismissed.resolved_by) == (ObjectionStatus.DISMISSED, admin_user)
    assert Product.objects.get(pk=on_product.product_id).status == ProductStatus.WITHDRAWN
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING
    decided = dict(
        AuditEvent.objects.filter(action__in=["objection.upheld", "payout_objection.dismissed"]).values_list(
            "action", "after"
        )
    )
    assert decided["objection.upheld"]["status"] == "upheld"
    assert decided["payout_objection.dismissed"]["orders"] == [item.claim.order.number]


def test_kernel_objection_refuses_an_illegal_move_with_the_standard_shape(
    product_notice, noticed, admin_user
):
    on_product = file_product(product_notice)
    on_batch = file_payout(noticed, [noticed.items.order_by("id").first()])
    review_services.objection_resolve(
        actor=admin_user, objection=on_product, action="dismiss", resolution="无误"
    )
    payout_services.payout_objection_resolve(
        actor=admin_user, objection=on_batch, action="uphold", resolution="服务未提供"
    )
    # The permissions refuse a decided objection first; past them, the table itself refuses the move.
    for kind, objection, status in [
        (review_services.PRODUCT, on_product, "异议不成立"),
        (payout_services.PAYOUT, on_batch, "异议成立"),
    ]:
        unguarded = dataclasses.replace(kind, can_decide=lambda _user, _objection: ALLOWED)
        with pytest.raises(IllegalTransition) as refused:
            objections.objection_decide(
                kind=unguarded, actor=admin_user, objection=objection, action="uphold", resolution="再议"
            )
        [error] = refused.value.error_dict["status"]
        assert error.code == "illegal_transition"
        assert error.message == f"异议当前状态为“{status}”，不能执行“认定异议成立”。"
        objection.refresh_from_db()
        assert objection.resolution in {"无误", "服务未提供"}
    assert not OBJECTION.can_move(ObjectionStatus.DISMISSED, "uphold")


def test_kernel_objection_refuses_unknown_actions_and_empty_resolutions_with_codes(
    product_notice, noticed, admin_user
):
    on_product = file_product(product_notice)
    on_batch = file_payout(noticed, [noticed.items.order_by("id").first()])
    for decide, objection in [
        (review_services.objection_resolve, on_product),
        (payout_services.payout_objection_resolve, on_batch),
    ]:
        with pytest.raises(ValidationError) as bad_action:
            decide(actor=admin_user, objection=objection, action="reopen", resolution="x")
        assert bad_action.value.error_dict["action"][0].code == "invalid_action"
        with pytest.raises(ValidationError) as no_text:
            decide(actor=admin_user, objection=objection, action="dismiss", resolution="  ")
        assert no_text.value.error_dict["resolution"][0].message == "请填写处理意见。"
        objection.refresh_from_db()
        assert objection.status == ObjectionStatus.OPEN


def test_kernel_objection_a_notice_kind_never_reaches_the_other_kinds_objections(
    client, product_notice, noticed, admin_user
):
    on_product = file_product(product_notice)
    on_batch = file_payout(noticed, [noticed.items.order_by("id").first()])
    client.force_login(admin_user)
    data = {f"o{on_product.pk}-action": "uphold", f"o{on_product.pk}-resolution": "x"}
    assert client.post(reverse("payouts:objection_resolve", args=[on_product.pk]), data).status_code == 404
    data = {f"o{on_batch.pk}-action": "uphold", f"o{on_batch.pk}-resolution": "x"}
    assert client.post(reverse("reviews:objection_resolve", args=[on_batch.pk]), data).status_code == 404
    answer = client.post(
        f"/api/v1/reviews/objections/{on_batch.pk}/resolution",
        {"action": "uphold", "resolution": "x"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    with pytest.raises(ValidationError) as refused:
        payout_services.payout_objection_resolve(
            actor=admin_user, objection=on_product, action="uphold", resolution="x"
        )
    assert refused.value.error_dict["__all__"][0].code == "not_payout_objection"
    for objection in (on_product, on_batch):
        objection.refresh_from_db()
        assert objection.status == ObjectionStatus.OPEN


def test_kernel_objection_the_database_refuses_both_or_neither_notice_kind(product_notice, noticed):
    product = product_notice.items.get().product
    common = {"name": "甲", "contact": "1", "text": "t", "filed_at": clock.now()}
    with transaction.atomic(), pytest.raises(IntegrityError):
        Objection.objects.create(notice=product_notice, product=product, batch=noticed, **common)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Objection.objects.create(**common)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Objection.objects.create(batch=noticed, product=product, **common)  # a product needs its notice
    with transaction.atomic(), pytest.raises(IntegrityError):
        Objection.objects.create(notice=product_notice, **common)  # a product notice names the product
    Objection.objects.create(batch=noticed, **common)
    Objection.objects.create(notice=product_notice, product=product, **common)
    assert Objection.objects.count() == 2


def test_kernel_objection_evidence_files_are_stored_by_notice_kind(product_notice, noticed):
    product = product_notice.items.get().product
    on_product = Objection(notice=product_notice, product=product)
    on_batch = Objection(batch=noticed)
    assert objection_path(on_product, "证明.PDF").startswith(f"objections/{product_notice.pk}/")
    assert objection_path(on_product, "证明.PDF").endswith(".pdf")
    named = objection_path(on_batch, "张三的证明.pdf")
    assert named.startswith(f"payout-objections/{noticed.pk}/") and "张三" not in named
