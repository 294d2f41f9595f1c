"""Payouts in the admin site: read-only (every change goes through the payout services)."""

from __future__ import annotations

from django.contrib import admin

from voucher.claims.admin import ReadOnlyAdmin
from voucher.payouts.models import PayeeAccount, PayoutBatch, PayoutItem


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "status", "item_count", "total_amount", "notice_starts_on"]
    list_filter = ["status", "programme"]
    search_fields = ["number", "title"]


@admin.register(PayoutItem)
class PayoutItemAdmin(ReadOnlyAdmin):
    list_display = ["batch", "claim", "provider", "amount", "status", "paid_on", "payment_reference"]
    list_filter = ["status"]
    search_fields = ["claim__order__number", "payment_reference"]


@admin.register(PayeeAccount)
class PayeeAccountAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "account_name", "bank_name", "updated_at"]
