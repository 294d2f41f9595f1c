"""Contracts and ratings in the admin site: read-only (every change goes through the contract services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from voucher.contracts.models import Contract, Rating


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "order",
        "enterprise",
        "product",
        "status",
        "total_amount",
        "deduction",
        "own_payment",
    ]
    list_filter = ["status", "programme", "annualised"]
    search_fields = ["number", "order__number", "enterprise__name", "product__name"]
    date_hierarchy = "recorded_at"


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["contract", "product", "overall", "quality", "responsiveness", "expertise", "rated_at"]
    list_filter = ["overall"]
    search_fields = ["contract__order__number", "product__name", "comment"]
