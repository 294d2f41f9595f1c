"""Claims in the admin site: read-only (every change goes through the claim services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from voucher.claims.models import Claim, ClaimDecision, ClaimMaterial, PreCheck


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = [
        "order",
        "enterprise",
        "provider",
        "status",
        "invoice_number",
        "approved_payout",
        "deadline",
    ]
    list_filter = ["status", "programme", "waived_automatically"]
    search_fields = ["order__number", "invoice_number", "enterprise__name", "provider__name"]
    date_hierarchy = "updated_at"


@admin.register(ClaimMaterial)
class ClaimMaterialAdmin(ReadOnlyAdmin):
    list_display = ["claim", "kind", "original_name", "size", "page_count", "uploaded_at", "superseded_at"]
    list_filter = ["kind"]
    search_fields = ["claim__order__number", "original_name"]


@admin.register(PreCheck)
class PreCheckAdmin(ReadOnlyAdmin):
    list_display = ["claim", "title", "outcome", "checked_at"]
    list_filter = ["outcome", "code"]


@admin.register(ClaimDecision)
class ClaimDecisionAdmin(ReadOnlyAdmin):
    list_display = ["claim", "action", "payout", "actor", "at"]
    list_filter = ["action"]
