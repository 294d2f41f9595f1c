"""Writes for listed products: creation at the public notice, 待上线, 上线 with a voucher quantity, 下架.

``vouchers_left`` is only ever set here when a product goes on sale; afterwards the ordering
services decrement it with a conditional UPDATE (SPEC O3).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from voucher.accounts.selectors import active_members
from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.catalogue import permissions
from voucher.catalogue.choices import ProductAction
from voucher.catalogue.models import Product
from voucher.catalogue.transitions import product_transition
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.cache import facts_changed
from voucher.core.notifications import notify
from voucher.standing import sanction_refusal

AUDITED = ["status", "vouchers_total", "vouchers_left", "on_sale_at", "withdrawn_reason", "name"]
MAX_VOUCHERS = 100000


def provider_users(product: Product) -> list[Any]:
    """The active provider-role members of the product's organisation."""
    return list(active_members(product.provider_id, "party.provider"))


def _locked(product: Product) -> Product:
    return (
        Product.objects.select_for_update(of=("self",))
        .select_related("provider", "programme")
        .get(pk=product.pk)
    )


@transaction.atomic
def product_create_for_notice(*, actor: Any, application: Application) -> Product:
    """Turn an approved application into a product in status 公示中 (V3); called by the notice service.

    The listing copies the application's form values; the name is the one locked at the notice (P2).
    """
    permissions.can_manage_products(actor).enforce()
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.APPROVED:
        raise ValidationError({"applications": f"“{application.product_name}”未审核通过，不能公示。"})
    if Product.objects.filter(application=application).exists():
        raise ValidationError({"applications": f"“{application.product_name}”已公示过，不能重复公示。"})
    if application.direction_id is None or application.price_amount is None:
        raise ValidationError({"applications": f"“{application.product_name}”缺少类别或价格，不能公示。"})
    product = Product.objects.create(
        programme_id=application.programme_id,
        application=application,
        provider_id=application.organisation_id,
        provider_name=application.provider_name or application.organisation.name,
        direction_id=application.direction_id,
        subtype_id=application.subtype_id,
        product_line=application.product_line,
        name=application.product_name,
        summary=application.summary,
        pricing_basis=application.pricing_basis,
        price_amount=application.price_amount,
        price_unit=application.price_unit,
    )
    audit_record(actor=actor, action="product.created", obj=product, after=snapshot(product, AUDITED))
    return product


@transaction.atomic
def product_mark_ready(*, actor: Any, product: Product) -> Product:
    """公示期满 without an upheld objection: the product waits for its voucher quantity (待上线)."""
    permissions.can_manage_products(actor).enforce()
    product = _locked(product)
    before = snapshot(product, AUDITED)
    product.status = product_transition(product.status, ProductAction.MARK_READY)
    product.ready_at = clock.now()
    product.save(update_fields=["status", "ready_at", "updated_at"])
    facts_changed("product", product.pk)  # cached order facts (voucher.orders.product_facts)
    audit_record(
        actor=actor, action="product.ready", obj=product, before=before, after=snapshot(product, AUDITED)
    )
    return product


@transaction.atomic
def product_withdraw(*, actor: Any, product: Product, reason: str) -> Product:
    """下架 before sale (V3: a product with an upheld objection does not go on sale)."""
    permissions.can_manage_products(actor).enforce()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写下架原因。"})
    product = _locked(product)
    before = snapshot(product, AUDITED)
    product.status = product_transition(product.status, ProductAction.WITHDRAW)
    product.withdrawn_at = clock.now()
    product.withdrawn_reason = reason
    product.save(update_fields=["status", "withdrawn_at", "withdrawn_reason", "updated_at"])
    facts_changed("product", product.pk)  # cached order facts (voucher.orders.product_facts)
    audit_record(
        actor=actor,
        action="product.withdrawn",
        obj=product,
        before=before,
        after=snapshot(product, AUDITED),
        note=reason,
    )
    notify(
        recipients=provider_users(product),
        kind="product.withdrawn",
        title=f"配券产品“{product.name}”不予上线",
        body=reason,
        url=f"/catalogue/{product.pk}/",
    )
    return product


def _quantity(value: Any) -> int:
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({"quantity": "服务券数量须为正整数。"}) from None
    if quantity < 1:
        raise ValidationError({"quantity": "服务券数量至少为1张。"})
    if quantity > MAX_VOUCHERS:
        raise ValidationError({"quantity": f"服务券数量不能超过{MAX_VOUCHERS}张。"})
    return quantity


@transaction.atomic
def product_put_on_sale(*, actor: Any, product: Product, quantity: Any) -> Product:
    """上线 (V4): set the voucher quantity once; vouchers_total = vouchers_left = quantity; name frozen."""
    amount = _quantity(quantity)
    product = _locked(product)
    permissions.can_put_on_sale(actor, product).enforce()
    before = snapshot(product, AUDITED)
    product.status = product_transition(product.status, ProductAction.PUT_ON_SALE)
    product.vouchers_total = amount
    product.vouchers_left = amount
    product.on_sale_at = clock.now()
    product.on_sale_by = actor
    product.save(
        update_fields=["status", "vouchers_total", "vouchers_left", "on_sale_at", "on_sale_by", "updated_at"]
    )
    facts_changed("product", product.pk)  # cached order facts (voucher.orders.product_facts)
    audit_record(
        actor=actor, action="product.on_sale", obj=product, before=before, after=snapshot(product, AUDITED)
    )
    notify(
        recipients=provider_users(product),
        kind="product.on_sale",
        title=f"配券产品“{product.name}”已上线，服务券{amount}张",
        body="企业现在可以在服务产品目录中下单。",
        url=f"/catalogue/{product.pk}/",
    )
    return product


@transaction.atomic
def product_suspend(*, actor: Any, product: Product, reason: str) -> Product:
    """暂停交易 (M5): an on-sale product stops taking orders; its remaining vouchers are kept for a resumption."""
    permissions.can_manage_products(actor).enforce()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写暂停交易的原因。"})
    return _trading_move(actor=actor, product=_locked(product), action=ProductAction.SUSPEND, reason=reason)


@transaction.atomic
def product_resume(*, actor: Any, product: Product, reason: str) -> Product:
    """恢复交易: the Bureau puts a suspended product back on sale, unless its provider is still banned (M5)."""
    permissions.can_manage_products(actor).enforce()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写恢复交易的原因。"})
    product = _locked(product)
    banned = sanction_refusal(organisation_id=product.provider_id, on=clock.today())
    if not banned:
        raise ValidationError(
            {"reason": ValidationError(f"服务商处于禁入期，不能恢复交易：{banned.reason}", code="sanctioned")}
        )
    return _trading_move(actor=actor, product=product, action=ProductAction.RESUME, reason=reason)


def _trading_move(*, actor: Any, product: Product, action: str, reason: str) -> Product:
    """Suspend or resume trading of a locked product: the move, its audit event and the provider's notice."""
    verb = "suspended" if action == ProductAction.SUSPEND else "resumed"
    before = snapshot(product, AUDITED)
    product.status = product_transition(product.status, action)
    product.save(update_fields=["status", "updated_at"])
    facts_changed("product", product.pk)  # cached order facts (voucher.orders.product_facts)
    audit_record(
        actor=actor,
        action=f"product.{verb}",
        obj=product,
        before=before,
        after=snapshot(product, AUDITED),
        note=reason,
    )
    notify(
        recipients=provider_users(product),
        kind=f"product.{verb}",
        title=f"配券产品“{product.name}”已{'暂停' if verb == 'suspended' else '恢复'}交易",
        body=reason,
        url=f"/catalogue/{product.pk}/",
    )
    return product
