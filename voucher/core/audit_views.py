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
from voucher.core.audit_actions import action_kind_label, action_label
from voucher.core.audit_display import audit_changes, object_type_label
from voucher.core.audit_export import audit_log_export
from voucher.core.audit_permissions import can_view_audit_log
from voucher.core.audit_selectors import AuditFilters, audit_events, audit_filters, audit_known_values
from voucher.core.forms import PlatformForm, date_widget
from voucher.core.models import AuditEvent, AuditLog

PAGE_SIZE = 50
DATE = date_widget()


ALL = [("", "全部")]


class AuditFilterForm(PlatformForm):
    """The list's filters, chosen by their Chinese names; parsing and its messages live in :func:`audit_filters`.

    The choices are the object types and actions that occur in the log (``known``), each action kind also as
    "全部…" (``order.`` matches every order action); a value given in the address is kept as a choice.
    """

    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False)
    actor = forms.CharField(label="操作人", required=False, help_text="登录名，可输入一部分")
    action = forms.ChoiceField(label="动作", required=False)
    date_from = forms.CharField(label="开始日期", required=False, widget=DATE)
    date_to = forms.CharField(label="结束日期", required=False, widget=DATE)

    def __init__(self, *args: Any, known: dict[str, list[str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = known or {"object_types": [], "actions": []}
        given = self.data if self.is_bound else {}
        types = _with_given(known["object_types"], str(given.get("object_type") or "").strip())
        object_type = self.fields["object_type"]
        action = self.fields["action"]
        assert isinstance(object_type, forms.ChoiceField) and isinstance(action, forms.ChoiceField)
        object_type.choices = ALL + sorted(
            ((t, object_type_label(t)) for t in types), key=lambda c: (c[1], c[0])
        )
        action.choices = ALL + _action_choices(
            _with_given(known["actions"], str(given.get("action") or "").strip())
        )


def _with_given(values: list[str], given: str) -> list[str]:
    return values if not given or given in values else [*values, given]


def _action_choices(actions: list[str]) -> list[tuple[str, Any]]:
    """Actions grouped by kind (订单, 兑券申请 …), each group led by "全部" for the whole kind."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in actions:
        if code.endswith("."):
            groups.setdefault(code, [])
            continue
        kind = code.rpartition(".")[0]
        groups.setdefault(f"{kind}." if kind else "", []).append((code, action_label(code)))
    choices: list[tuple[str, Any]] = []
    for prefix, members in sorted(groups.items(), key=lambda g: action_kind_label(g[0])):
        if not prefix:
            choices += members
            continue
        title = action_kind_label(prefix)
        choices.append((title, [(prefix, f"全部{title}动作"), *sorted(members, key=lambda m: (m[1], m[0]))]))
    return choices


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilters | None]:
    form = AuditFilterForm(request.GET, known=audit_known_values(request.user))
    form.is_valid()
    try:
        return form, audit_filters(request.GET.dict())
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field, errors)
        return form, None


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "event": event,
        "changes": audit_changes(event),
        "action_label": action_label(event.action, event.object_type),
        "type_label": object_type_label(event.object_type),
    }


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
            "rows": [_row(e) for e in page],
            "query": query.urlencode(),
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
            "action_label": action_label(event.action, event.object_type),
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
        "log": AuditLog.objects.filter(pk=AuditLog.SINGLETON).first(),
        "filtered": True,
    }
    return render(request, "core/audit/list.html", context, status=400)
