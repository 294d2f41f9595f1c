"""Admin-site registrations. Reference tables and ledgers are read-only here: they change only through
data migrations (standards) or services (ledger, checks)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from voucher.core.admin import AuditedAdminMixin
from voucher.enterprises.models import (
    CreditCheck,
    CreditListEntry,
    CreditListImport,
    EnterpriseAuthentication,
    IndustryCode,
    IndustryGroupMapping,
    QuotaAccount,
    QuotaLedgerEntry,
    QuotaTier,
    SizeClassification,
    SizeIndustryGroup,
    SizeStandard,
    SizeThreshold,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndustryCode)
class IndustryCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level", "section"]
    search_fields = ["code", "name"]


class ThresholdInline(admin.TabularInline):
    model = SizeThreshold
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SizeStandard)
class SizeStandardAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "is_current"]


@admin.register(SizeIndustryGroup)
class SizeIndustryGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "standard", "uses_employees", "uses_revenue", "uses_assets"]
    inlines = [ThresholdInline]


@admin.register(IndustryGroupMapping)
class IndustryGroupMappingAdmin(ReadOnlyAdmin):
    list_display = ["code_prefix", "group", "standard"]
    search_fields = ["code_prefix"]


@admin.register(QuotaTier)
class QuotaTierAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["programme", "code", "name", "cap", "is_default"]
    list_filter = ["programme"]


@admin.register(EnterpriseAuthentication)
class EnterpriseAuthenticationAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "uscc", "status", "division_code", "checked_at"]
    list_filter = ["status"]
    search_fields = ["organisation__name", "uscc"]


@admin.register(SizeClassification)
class SizeClassificationAdmin(ReadOnlyAdmin):
    list_display = [
        "organisation",
        "programme",
        "industry",
        "size",
        "eligible",
        "is_current",
        "classified_at",
    ]
    list_filter = ["programme", "size", "eligible", "is_current"]
    search_fields = ["organisation__name", "organisation__uscc"]


@admin.register(CreditCheck)
class CreditCheckAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "context", "outcome", "checked_at", "checker"]
    list_filter = ["outcome", "context"]
    search_fields = ["organisation__name", "organisation__uscc"]


class LedgerInline(admin.TabularInline):
    model = QuotaLedgerEntry
    extra = 0
    can_delete = False
    readonly_fields = fields = (
        "kind",
        "amount",
        "balance_after",
        "reserved_after",
        "committed_after",
        "paid_after",
        "reference",
        "at",
        "actor",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QuotaAccount)
class QuotaAccountAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "programme", "cap", "available", "reserved", "committed", "paid"]
    list_filter = ["programme"]
    search_fields = ["organisation__name", "organisation__uscc"]
    inlines = [LedgerInline]


@admin.register(CreditListEntry)
class CreditListEntryAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "kind", "recorded_on", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "uscc"]


@admin.register(CreditListImport)
class CreditListImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "status", "uploaded_at", "uploaded_by"]
