"""Spot-check pages: the list, the seeded draw, the detail with inspectors and findings, and the
verification of the draw.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from voucher.core.errors import errors_to_form
from voucher.enforcement import permissions, services
from voucher.enforcement.forms import (
    AssignForm,
    FindingForm,
    SpotCheckFilterForm,
    SpotCheckForm,
    split_numbers,
)
from voucher.enforcement.models import SpotCheck, SpotCheckItem
from voucher.enforcement.selectors import (
    inspection_tasks,
    inspectors,
    spot_check_verify,
    spot_checks_visible_to,
)
from voucher.enforcement.views.common import _page
from voucher.programmes.models import Direction
from voucher.programmes.selectors import programme_current

# --- spot checks -------------------------------------------------------------------------------------


@login_required
def spot_check_list(request: HttpRequest) -> HttpResponse:
    permissions.can_view_spot_checks(request.user).enforce()
    rows = spot_checks_visible_to(request.user)
    filters = SpotCheckFilterForm(request.GET)
    if filters.is_valid():
        chosen = {k: v for k, v in filters.cleaned_data.items() if v}
        rows = rows.filter(**chosen)
    else:
        rows = rows.none()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enforcement/spot_checks.html",
        {
            "filters": filters,
            "query": query.urlencode(),
            "page": _page(request, rows),
            "tasks": inspection_tasks(request.user).count(),
            "can_draw": permissions.can_draw_spot_check(request.user),
        },
    )


@login_required
def spot_check_new(request: HttpRequest) -> HttpResponse:
    """抽查 (guide 五、3): draw a sample with a recorded seed."""
    permissions.can_draw_spot_check(request.user).enforce()
    programme = programme_current()
    if programme is None:
        raise Http404
    directions = [(d.code, d.name) for d in Direction.objects.filter(programme=programme).order_by("number")]
    form = SpotCheckForm(request.POST or None, directions=directions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.spot_check_draw(
                actor=request.user,
                programme=programme,
                target=data["target"],
                title=data["title"],
                direction=data["direction"] or "",
                status=(data["status"] or "").strip(),
                size=data["size"],
                percent=Decimal(data["percent"]) if data["percent"] is not None else None,
                seed=data["seed"] or "",
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"已抽取 {check.sample_size} 个，随机种子已记录。")
            return redirect("enforcement:spot_check", pk=check.pk)
    return render(request, "enforcement/spot_check_new.html", {"form": form, "programme": programme})


def _spot_check(request: HttpRequest, pk: int) -> SpotCheck:
    check = SpotCheck.objects.select_related("programme", "created_by").filter(pk=pk).first()
    if check is None or not permissions.can_view_spot_check(request.user, check):
        raise Http404
    return check


def _inspector_choices() -> list[tuple[str, str]]:
    return [(str(u.pk), f"{u.display_name or u.username}（{u.role_label}）") for u in inspectors()]


def _spot_check_page(
    request: HttpRequest, check: SpotCheck, *, verification: Any = None, assign: Any = None, status: int = 200
) -> HttpResponse:
    items = list(
        check.items.select_related(
            "order__product", "order__enterprise", "order__provider", "contract", "inspector"
        )
    )
    is_admin = bool(permissions.is_admin(request.user))
    rows = [
        {
            "item": item,
            "can_record": permissions.can_record_finding(request.user, item),
            "form": FindingForm(
                initial={"outcome": item.outcome, "findings": item.findings}, prefix=f"i{item.pk}"
            ),
        }
        for item in items
        if is_admin or item.inspector_id == request.user.pk
    ]
    return render(
        request,
        "enforcement/spot_check.html",
        {
            "check": check,
            "rows": rows,
            "done": sum(1 for i in items if i.outcome),
            "is_admin": is_admin,
            "verification": verification,
            "can_assign": permissions.can_assign_inspectors(request.user, check),
            "assign_form": assign or AssignForm(inspectors=_inspector_choices()),
        },
        status=status,
    )


@login_required
def spot_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _spot_check_page(request, _spot_check(request, pk))


@login_required
@require_POST
def spot_check_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """核验: re-derive the sample from the seed and compare the current population."""
    check = _spot_check(request, pk)
    permissions.is_admin(request.user).enforce()
    return _spot_check_page(request, check, verification=spot_check_verify(check))


@login_required
@require_POST
def spot_check_assign(request: HttpRequest, pk: int) -> HttpResponse:
    check = _spot_check(request, pk)
    permissions.can_assign_inspectors(request.user, check).enforce()
    form = AssignForm(request.POST, inspectors=_inspector_choices())
    if form.is_valid():
        positions = split_numbers(form.cleaned_data["items"])
        if any(not p.isdigit() for p in positions):
            form.add_error("items", "序号须为数字。")
        else:
            chosen = list(check.items.filter(position__in=positions)) if positions else None
            try:
                inspector = inspectors().get(pk=form.cleaned_data["inspector"])
                services.spot_check_assign(actor=request.user, check=check, inspector=inspector, items=chosen)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, "检查人已分配并收到通知。")
                return redirect("enforcement:spot_check", pk=pk)
    return _spot_check_page(request, check, assign=form, status=422)


@login_required
@require_POST
def spot_check_finding(request: HttpRequest, pk: int) -> HttpResponse:
    item = SpotCheckItem.objects.select_related("spot_check").filter(pk=pk).first()
    if item is None or not permissions.can_view_spot_check(request.user, item.spot_check):
        raise Http404
    permissions.can_record_finding(request.user, item).enforce()
    form = FindingForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            services.spot_check_record_finding(
                actor=request.user,
                item=item,
                outcome=form.cleaned_data["outcome"],
                findings=form.cleaned_data["findings"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"第 {item.position} 项的检查结论已保存。")
    else:
        messages.error(request, "请选择检查结论并填写检查情况。")
    return redirect("enforcement:spot_check", pk=item.spot_check_id)
