"""Admin site: applications, files and checks are shown read-only; changes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from voucher.applications.models import (
    Application,
    ConditionCheck,
    Material,
    PriceTransaction,
    ProviderDossier,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CheckInline(admin.TabularInline):
    model = ConditionCheck
    extra = 0
    can_delete = False
    fields = ("code", "title", "outcome", "message", "checked_at")
    readonly_fields = ("code", "title", "outcome", "message", "checked_at")


class PriceInline(admin.TabularInline):
    model = PriceTransaction
    extra = 0
    can_delete = False
    readonly_fields = ["transacted_on", "amount"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "sequence",
        "product_name",
        "organisation",
        "programme",
        "direction",
        "status",
        "priority_score",
        "last_submitted_at",
    ]
    list_filter = ["programme", "status", "direction__number"]
    search_fields = ["product_name", "organisation__name", "organisation__uscc"]
    inlines = [PriceInline, CheckInline]


@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "organisation",
        "application",
        "kind",
        "content_type",
        "size",
        "uploaded_at",
    ]
    list_filter = ["scope", "kind"]
    search_fields = ["original_name", "organisation__name"]


@admin.register(ProviderDossier)
class ProviderDossierAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "programme", "revenue_last_year_wan"]
    search_fields = ["organisation__name"]


@admin.register(ConditionCheck)
class ConditionCheckAdmin(ReadOnlyAdmin):
    list_display = ["application", "code", "outcome", "checked_at"]
    list_filter = ["outcome", "code"]
