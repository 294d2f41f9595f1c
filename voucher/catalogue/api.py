"""API endpoints of the catalogue (/api/v1/catalogue): the public catalogue (O1) and going on sale (V4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from voucher.catalogue import permissions, selectors, services
from voucher.catalogue.models import Product
from voucher.core.api_schema import PageNumber
from voucher.programmes.selectors import programme_current

router = Router(tags=["catalogue"])

MAX_PAGE_SIZE = 100


class ProductOut(Schema):
    id: int
    name: str
    provider_name: str
    field: str
    field_name: str
    direction: int
    direction_name: str
    summary: str
    pricing_basis: str
    price_amount: Decimal
    price_unit: str
    price_display: str
    status: str
    status_label: str
    vouchers_total: int
    vouchers_left: int
    on_sale_at: dt.datetime | None
    rating_count: int
    rating_average: Decimal | None

    @staticmethod
    def resolve_field(obj: Product) -> str:
        return obj.direction.field.code

    @staticmethod
    def resolve_field_name(obj: Product) -> str:
        return obj.direction.field.name

    @staticmethod
    def resolve_direction(obj: Product) -> int:
        return obj.direction.number

    @staticmethod
    def resolve_direction_name(obj: Product) -> str:
        return obj.direction.name

    @staticmethod
    def resolve_status_label(obj: Product) -> str:
        return obj.get_status_display()


class ProductPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProductOut]


class OnSaleIn(Schema):
    quantity: int


@router.get(
    "/products", response=ProductPage, auth=None, summary="服务产品目录（公开，筛选、搜索、排序、分页）"
)
def list_products(
    request: HttpRequest,
    q: str = "",
    field: str = "",
    direction: str = "",
    sort: str = "",
    page: PageNumber = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    items = selectors.catalogue_products(
        programme=programme_current(), field=field, direction=direction, query=q, sort=sort
    )
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    start = (page - 1) * page_size
    return {
        "count": items.count(),
        "page": page,
        "page_size": page_size,
        "items": list(items[start : start + page_size]),
    }


@router.get("/products/{int:pk}", response=ProductOut, auth=None, summary="产品详情（公开）")
def get_product(request: HttpRequest, pk: int) -> Product:
    product = get_object_or_404(Product.objects.select_related("direction", "direction__field"), pk=pk)
    permissions.can_view_product(request.user, product).enforce()
    return product


@router.get("/manage/products", response=list[ProductOut], summary="产品上线管理（市经信局）")
def manage_products(request: HttpRequest, status: str = "") -> list[Product]:
    permissions.can_manage_products(request.user).enforce()
    return list(selectors.products_for_management(request.user, status=status)[:500])


@router.post("/products/{int:pk}/on-sale", response=ProductOut, summary="设置服务券数量并上线（市经信局）")
def put_on_sale(request: HttpRequest, pk: int, payload: OnSaleIn) -> Product:
    permissions.can_manage_products(request.user).enforce()
    product = get_object_or_404(Product, pk=pk)
    services.product_put_on_sale(actor=request.user, product=product, quantity=payload.quantity)
    return Product.objects.select_related("direction", "direction__field").get(pk=pk)
