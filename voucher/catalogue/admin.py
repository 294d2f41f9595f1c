"""Admin site: products are shown read-only; status and voucher counts change only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from voucher.catalogue.models import Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "provider_name",
        "direction",
        "status",
        "price_amount",
        "vouchers_left",
        "vouchers_total",
    ]
    list_filter = ["programme", "status", "direction__number"]
    search_fields = ["name", "provider_name", "summary"]
    readonly_fields = [f.name for f in Product._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
