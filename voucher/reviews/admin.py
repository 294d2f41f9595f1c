"""Admin site: review records, notices and objections are read-only here; changes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from voucher.reviews.models import Notice, NoticeItem, Objection, ReviewAssignment, ReviewDecision


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "reviewer", "assigned_by", "assigned_at"]
    search_fields = ["application__product_name", "reviewer__username"]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "action", "reviewer", "decided_at"]
    list_filter = ["action"]
    search_fields = ["application__product_name", "reviewer__username", "comment"]


class NoticeItemInline(admin.TabularInline):
    model = NoticeItem
    extra = 0
    can_delete = False
    readonly_fields = ["product", "position"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "starts_on", "ends_on", "published_by", "closed_at"]
    inlines = [NoticeItemInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["product", "batch", "name", "status", "filed_at", "resolved_at"]
    list_filter = ["status"]
    search_fields = ["name", "contact", "text", "product__name", "batch__number"]
