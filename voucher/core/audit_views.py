"""Audit log pages for administrators (SPEC M3): the filtered list, one event, and the Excel export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render

from voucher.core import clock
from voucher.core.audit_display import audit_changes, object_type_label
from voucher.core.audit_export import audit_log_export
from voucher.core.audit_permissions import can_view_audit_log
from voucher.core.audit_selectors import AuditFilters, audit_events, audit_filters, audit_known_values
from voucher.core.forms import PlatformForm, date_widget
from voucher.core.models import AuditEvent, AuditLog

PAGE_SIZE = 50
DATE = date_widget()


class AuditFilterForm(PlatformForm):
    """The list's filters; parsing and its Chinese error messages live in :func:`audit_filters`."""

    object_type = forms.CharField(
        label="对象类型", required=False, widget=forms.TextInput(attrs={"list": "audit-object-types"})
    )
    object_id = forms.CharField(label="对象编号", required=False)
    actor = forms.CharField(label="操作人", required=False, help_text="登录名，可输入一部分")
    action = forms.CharField(
        label="动作",
        required=False,
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
        help_text="如 order.placed；以点结尾（order.）表示该类全部动作",
    )
    date_from = forms.CharField(label="开始日期", required=False, widget=DATE)
    date_to = forms.CharField(label="结束日期", required=False, widget=DATE)


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilters | None]:
    form = AuditFilterForm(request.GET)
    form.is_valid()
    try:
        return form, audit_filters(request.GET.dict())
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field, errors)
        return form, None


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """审计日志: every recorded change, newest first, filtered by object, actor, action and dates."""
    can_view_audit_log(request.user).enforce()
    form, filters = _filters(request)
    events = audit_events(request.user, filters) if filters is not None else AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    log = AuditLog.objects.filter(pk=AuditLog.SINGLETON).first()
    return render(
        request,
        "core/audit/list.html",
        {
            "form": form,
            "page": page,
            "rows": [{"event": e, "changes": audit_changes(e)} for e in page],
            "query": query.urlencode(),
            "known": audit_known_values(request.user),
            "log": log,
            "filtered": filters is not None and bool(filters.as_dict()),
        },
    )


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event in full: before → after field by field, and its place in the hash chain."""
    can_view_audit_log(request.user).enforce()
    event = get_object_or_404(AuditEvent, pk=pk)
    return render(
        request,
        "core/audit/detail.html",
        {
            "event": event,
            "changes": audit_changes(event),
            "type_label": object_type_label(event.object_type),
        },
    )


@login_required
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as an Excel file (the export is recorded in the audit log)."""
    can_view_audit_log(request.user).enforce()
    form, filters = _filters(request)
    if filters is None:
        return _invalid(request, form)
    target, _count = audit_log_export(actor=request.user, filters=filters)
    name = f"审计日志-{clock.now():%Y%m%d-%H%M%S}.xlsx"
    return FileResponse(
        target,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _invalid(request: HttpRequest, form: AuditFilterForm) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "page": Paginator(AuditEvent.objects.none(), PAGE_SIZE).get_page(1),
        "rows": [],
        "query": "",
        "known": audit_known_values(request.user),
        "log": AuditLog.objects.filter(pk=AuditLog.SINGLETON).first(),
        "filtered": True,
    }
    return render(request, "core/audit/list.html", context, status=400)
