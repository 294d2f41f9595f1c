"""Admin for the audit log (read-only) and the holiday schedule (editable data, SPEC Y4)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from voucher.core.audit import audit_record, snapshot
from voucher.core.models import AuditEvent, CalendarDay, HolidayScheduleYear, Notification


class AuditedAdminMixin:
    """Admin edits are audited like every other change: before → after, who and when."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'updated' if change else 'created'}",
            obj=obj,
            before=before,
            after=snapshot(obj),
            note="管理后台",
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user, action=f"{obj._meta.model_name}.deleted", obj=obj, before=snapshot(obj)
        )
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit_record(
                actor=request.user, action=f"{obj._meta.model_name}.deleted", obj=obj, before=snapshot(obj)
            )
        super().delete_queryset(request, queryset)  # type: ignore[misc]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id", "action"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3


@admin.register(HolidayScheduleYear)
class HolidayScheduleYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["year", "notice", "published_on"]
    inlines = [CalendarDayInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for removed in formset.deleted_objects:
            audit_record(
                actor=request.user, action="calendarday.deleted", obj=removed, before=snapshot(removed)
            )
            removed.delete()
        for day in instances:
            before = snapshot(CalendarDay.objects.get(pk=day.pk)) if day.pk else None
            day.save()
            audit_record(
                actor=request.user, action="calendarday.saved", obj=day, before=before, after=snapshot(day)
            )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
