"""Orders in the admin site: read-only (every change goes through the order services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from voucher.orders.models import Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "ordered_at",
        "enterprise",
        "product",
        "status",
        "subsidy_estimate",
        "acceptance_deadline",
    ]
    list_filter = ["status", "programme"]
    search_fields = ["number", "enterprise__name", "product__name"]
    date_hierarchy = "ordered_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Order._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
