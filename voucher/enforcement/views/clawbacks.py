"""Clawback pages: the list, the provider's report, opening one, the detail with repayments and the
waiver, and the evidence download.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from voucher.claims.models import Claim
from voucher.core import clock
from voucher.core.errors import errors_to_form
from voucher.enforcement import permissions, services
from voucher.enforcement.choices import ClawbackStatus
from voucher.enforcement.forms import (
    ClawbackOpenForm,
    RepaymentForm,
    ReportForm,
    WaiveForm,
)
from voucher.enforcement.models import Clawback
from voucher.enforcement.selectors import (
    clawbacks_visible_to,
    reportable_claims,
)
from voucher.enforcement.views.common import _page, _rename

# --- clawbacks ---------------------------------------------------------------------------------------


@login_required
def clawback_list(request: HttpRequest) -> HttpResponse:
    permissions.can_list_clawbacks(request.user).enforce()
    rows = clawbacks_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in ClawbackStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "enforcement/clawbacks.html",
        {
            "page": _page(request, rows),
            "status": status,
            "statuses": ClawbackStatus.choices,
            "can_open": permissions.can_open_clawback(request.user),
            "can_report": permissions.can_report_refund(request.user),
            "reportable": list(reportable_claims(request.user)[:50]),
        },
    )


@login_required
def clawback_report(request: HttpRequest, claim_id: int) -> HttpResponse:
    """服务商上报退款或未开展实质服务 (guide 五、4)."""
    permissions.can_report_refund(request.user).enforce()
    claim = reportable_claims(request.user).filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            clawback = services.clawback_report(
                actor=request.user,
                claim=claim,
                reason_kind=form.cleaned_data["reason_kind"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                file=form.cleaned_data.get("file"),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "已上报，市经信局将联系您办理资金退回。")
            return redirect("enforcement:clawback", pk=clawback.pk)
    return render(
        request,
        "enforcement/report.html",
        {"form": form, "claim": claim, "clawable": services.clawable(claim)},
    )


@login_required
def clawback_new(request: HttpRequest) -> HttpResponse:
    permissions.can_open_clawback(request.user).enforce()
    form = ClawbackOpenForm(request.POST or None, initial={"order_number": request.GET.get("order", "")})
    if request.method == "POST" and form.is_valid():
        claim = Claim.objects.filter(order__number=form.cleaned_data["order_number"].strip()).first()
        if claim is None:
            form.add_error("order_number", "该订单没有兑券申请。")
        else:
            try:
                clawback = services.clawback_open(
                    actor=request.user,
                    claim=claim,
                    reason_kind=form.cleaned_data["reason_kind"],
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                errors_to_form(form, _rename(exc, {"claim": "order_number"}))
            else:
                messages.success(request, "资金追回已发起，已通知服务商。")
                return redirect("enforcement:clawback", pk=clawback.pk)
    return render(request, "enforcement/clawback_new.html", {"form": form})


def _clawback(request: HttpRequest, pk: int) -> Clawback:
    clawback = (
        Clawback.objects.select_related(
            "claim__order__product", "enterprise", "provider", "case", "programme"
        )
        .filter(pk=pk)
        .first()
    )
    if clawback is None or not permissions.can_view_clawback(request.user, clawback):
        raise Http404
    return clawback


def _clawback_page(
    request: HttpRequest, clawback: Clawback, *, repay: Any = None, waive: Any = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "enforcement/clawback.html",
        {
            "clawback": clawback,
            "repayments": list(clawback.repayments.select_related("recorded_by")),
            "can_settle": permissions.can_settle_clawback(request.user, clawback),
            "repay_form": repay or RepaymentForm(initial={"paid_on": clock.today()}),
            "waive_form": waive or WaiveForm(),
        },
        status=status,
    )


@login_required
def clawback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _clawback_page(request, _clawback(request, pk))


@login_required
@require_POST
def clawback_repay(request: HttpRequest, pk: int) -> HttpResponse:
    clawback = _clawback(request, pk)
    permissions.can_settle_clawback(request.user, clawback).enforce()
    form = RepaymentForm(request.POST)
    if form.is_valid():
        try:
            services.clawback_record_repayment(
                actor=request.user,
                clawback=clawback,
                paid_on=form.cleaned_data["paid_on"],
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "退回记录已登记。")
            return redirect("enforcement:clawback", pk=pk)
    return _clawback_page(request, clawback, repay=form, status=422)


@login_required
@require_POST
def clawback_waive(request: HttpRequest, pk: int) -> HttpResponse:
    clawback = _clawback(request, pk)
    permissions.can_settle_clawback(request.user, clawback).enforce()
    form = WaiveForm(request.POST)
    if form.is_valid():
        try:
            services.clawback_waive(actor=request.user, clawback=clawback, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "已核销。")
            return redirect("enforcement:clawback", pk=pk)
    return _clawback_page(request, clawback, waive=form, status=422)


@login_required
def clawback_evidence(request: HttpRequest, pk: int) -> FileResponse:
    clawback = _clawback(request, pk)
    if not clawback.evidence:
        raise Http404
    response = FileResponse(
        clawback.evidence.open("rb"), as_attachment=True, filename=clawback.evidence_name or "evidence"
    )
    response["Content-Type"] = clawback.evidence_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
