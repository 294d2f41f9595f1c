"""Pages of payouts (R7): the Bureau's batches (new from filters, notice, objections, approval, payment
file, payments), the providers' and enterprises' payouts and payee account, and the public notices."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from voucher.core import clock
from voucher.core.permissions import has_capability
from voucher.core.ratelimits import enforce_objection_limits
from voucher.payouts import permissions, selectors, services
from voucher.payouts.choices import ItemStatus
from voucher.payouts.forms import (
    BatchFilterForm,
    CancelForm,
    MarkPaidForm,
    PayeeForm,
    PayoutObjectionForm,
    PublishForm,
    RemoveItemForm,
    ResolutionForm,
    apply_errors,
)
from voucher.payouts.models import PayeeAccount, PayoutBatch, PayoutItem
from voucher.programmes.selectors import programme_current
from voucher.reviews.views import objection_file_response

PAGE_SIZE = 50


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The Bureau goes to its batches; providers and enterprises see their payouts."""
    if has_capability(request.user, "payouts.manage"):
        return redirect("payouts:batches")
    permissions.can_view_own_payouts(request.user).enforce()
    items = selectors.own_payout_items(request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    user: Any = request.user
    payee = None
    if has_capability(user, "party.provider"):
        payee = PayeeAccount.objects.filter(organisation_id=user.organisation_id).first()
    return render(
        request,
        "payouts/mine.html",
        {"page": page, "payee": payee, "is_provider": has_capability(request.user, "party.provider")},
    )


@login_required
def batches(request: HttpRequest) -> HttpResponse:
    permissions.can_manage_payouts(request.user).enforce()
    page = Paginator(selectors.batches_all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payouts/batches.html", {"page": page})


def _filters(form: BatchFilterForm, programme: Any) -> selectors.BatchFilters:
    data = form.cleaned_data
    return selectors.BatchFilters(
        programme_id=programme.pk,
        direction_id=data["direction"].pk if data.get("direction") else None,
        provider_id=data["provider"].pk if data.get("provider") else None,
        decided_from=data.get("decided_from"),
        decided_to=data.get("decided_to"),
    )


@login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    """Choose approved claims by filters, see how many and how much, then create the draft batch."""
    permissions.can_manage_payouts(request.user).enforce()
    programme = programme_current()
    if programme is None:
        raise Http404("没有年度政策。")
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = BatchFilterForm(data, programme=programme)
    preview = None
    sample: list[Any] = []
    status = 200
    if form.is_bound and form.is_valid():
        filters = _filters(form, programme)
        try:
            services.check_filters(filters)
            if request.method == "POST":
                batch = services.payout_batch_create(
                    actor=request.user, filters=filters, title=form.cleaned_data.get("title", "")
                )
                messages.success(request, f"已创建兑付批次 {batch.number}（{batch.item_count} 笔）。")
                return redirect("payouts:batch_detail", pk=batch.pk)
            preview = selectors.batch_preview(filters)
            sample = list(
                selectors.batchable_claims(filters).select_related(
                    "order", "order__product", "provider", "enterprise"
                )[:20]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 422
    elif form.is_bound:
        status = 422
    return render(
        request,
        "payouts/batch_new.html",
        {"form": form, "programme": programme, "preview": preview, "sample": sample},
        status=status,
    )


def _batch(request: HttpRequest, pk: int) -> PayoutBatch:
    """A batch for the Bureau's pages: everyone else is refused before the lookup, whatever the number."""
    permissions.can_manage_payouts(request.user).enforce()
    return get_object_or_404(selectors.batches_all(), pk=pk)


def _item(request: HttpRequest, pk: int) -> PayoutItem:
    permissions.can_manage_payouts(request.user).enforce()
    return get_object_or_404(PayoutItem.objects.select_related("batch"), pk=pk)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch: its items, notice, objections with resolution forms, and the next step's button."""
    batch = _batch(request, pk)
    user = request.user
    today = clock.today()
    objections = [
        (o, ResolutionForm(prefix=f"o{o.pk}"), permissions.can_resolve_payout_objection(user, o))
        for o in selectors.batch_objections(batch)
    ]
    items = selectors.batch_items(batch)
    page = Paginator(items, PAGE_SIZE * 4).get_page(request.GET.get("page"))
    return render(
        request,
        "payouts/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "objections": objections,
            "edit": permissions.can_edit_batch(user, batch),
            "publish": permissions.can_publish_batch(user, batch),
            "approve": permissions.can_approve_batch(user, batch, today),
            "export": permissions.can_export_batch(user, batch),
            "pay": permissions.can_mark_paid(user, batch),
            "missing_payees": services.missing_payees(batch),
            "publish_form": PublishForm(),
            "cancel_form": CancelForm(),
            "paid_form": MarkPaidForm(initial={"paid_on": today}),
            "pending": ItemStatus.PENDING,
        },
    )


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = RemoveItemForm(request.POST)
    try:
        services.payout_item_remove(actor=request.user, item=item, reason=form.data.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已移出批次。")
    return redirect("payouts:batch_detail", pk=item.batch_id)


@login_required
@require_POST
def batch_publish(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    permissions.can_publish_batch(request.user, batch).enforce()  # before the submitted values
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "公示开始日格式不正确。")
        return redirect("payouts:batch_detail", pk=pk)
    try:
        services.payout_batch_publish(
            actor=request.user, batch=batch, starts_on=form.cleaned_data.get("starts_on")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "兑付批次已发布公示。")
    return redirect("payouts:batch_detail", pk=pk)


@login_required
@require_POST
def batch_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        services.payout_batch_cancel(actor=request.user, batch=batch, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "兑付批次已取消，其中的兑券申请可编入其他批次。")
    return redirect("payouts:batch_detail", pk=pk)


@login_required
@require_POST
def batch_approve(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        services.payout_batch_approve(actor=request.user, batch=batch)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已批准拨付，可导出支付文件。")
    return redirect("payouts:batch_detail", pk=pk)


def export_response(actor: Any, batch: PayoutBatch) -> FileResponse:
    """Write the payment file to a temporary file on disk and stream it (memory stays flat)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — closed by the response
    try:
        services.payout_batch_export(actor=actor, batch=batch, out=handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"支付文件-{batch.number}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def batch_export(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    batch = _batch(request, pk)
    permissions.can_export_batch(request.user, batch).enforce()
    try:
        return export_response(request.user, batch)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("payouts:batch_detail", pk=pk)


def _mark_paid(request: HttpRequest, batch: PayoutBatch, item_ids: list[int] | None) -> None:
    form = MarkPaidForm(request.POST)
    form.is_valid()
    try:
        services.payout_mark_paid(
            actor=request.user,
            batch=batch,
            reference=request.POST.get("reference", ""),
            paid_on=form.cleaned_data.get("paid_on"),
            item_ids=item_ids,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已登记支付。")


@login_required
@require_POST
def batch_paid(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the whole batch (every unpaid item) as paid."""
    batch = _batch(request, pk)
    permissions.can_mark_paid(request.user, batch).enforce()
    _mark_paid(request, batch, None)
    return redirect("payouts:batch_detail", pk=pk)


@login_required
@require_POST
def item_paid(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one item as paid."""
    item = _item(request, pk)
    permissions.can_mark_paid(request.user, item.batch).enforce()
    _mark_paid(request, item.batch, [item.pk])
    return redirect("payouts:batch_detail", pk=item.batch_id)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.can_manage_payouts(request.user).enforce()
    objection = get_object_or_404(selectors.payout_objections(), pk=pk)
    permissions.can_resolve_payout_objection(request.user, objection).enforce()
    form = ResolutionForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            services.payout_objection_resolve(
                actor=request.user,
                objection=objection,
                action=form.cleaned_data["action"],
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "异议处理结果已记录。")
    else:
        messages.error(request, "请选择处理结果并填写处理意见。")
    return redirect("payouts:batch_detail", pk=objection.batch_id)


@login_required
def objection_file(request: HttpRequest, pk: int) -> FileResponse:
    permissions.can_manage_payouts(request.user).enforce()
    return objection_file_response(get_object_or_404(selectors.payout_objections(), pk=pk))


@login_required
def payee(request: HttpRequest) -> HttpResponse:
    """The provider's payee account (收款账户) for payouts."""
    organisation: Any = getattr(request.user, "organisation", None)
    permissions.can_edit_payee(request.user, organisation).enforce()
    current = PayeeAccount.objects.filter(organisation=organisation).first()
    initial = (
        {
            "account_name": current.account_name,
            "bank_name": current.bank_name,
            "branch_name": current.branch_name,
            "account_number": current.account_number,
        }
        if current
        else {"account_name": organisation.name if organisation else ""}
    )
    form = PayeeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.payee_account_save(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                )  # type: ignore[arg-type]
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "收款账户已保存。")
                return redirect("payouts:payee")
        status = 422
    locking = services.payee_locking_batches(organisation) if current else []
    return render(
        request,
        "payouts/payee.html",
        {"form": form, "current": current, "locking": locking},
        status=status,
    )


# --- Public pages (no login) ------------------------------------------------------------------


def public_batches(request: HttpRequest) -> HttpResponse:
    """兑付公示: every published batch, for anyone."""
    today = clock.today()
    rows = [(b, b.notice_open(today)) for b in selectors.batches_public()]
    return render(request, "payouts/public_batches.html", {"rows": rows})


def public_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch's notice: provider, product, enterprise and amount of each item (no bank details), and
    during the period the objection form."""
    batch = get_object_or_404(selectors.batches_public(), pk=pk)
    today = clock.today()
    filing = permissions.can_file_payout_objection(batch, today)
    items = selectors.public_items(batch)
    form = PayoutObjectionForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST":
        if not filing:
            raise PermissionDenied(filing.reason)
        enforce_objection_limits(request, "payout", batch.pk)
        if form.is_valid():
            try:
                services.payout_objection_file(
                    actor=request.user,
                    batch=batch,
                    item_ids=[i.pk for i in form.cleaned_data["items"]],
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    text=form.cleaned_data["text"],
                    file=form.cleaned_data.get("file"),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "异议已提交，市经信局将核实处理；相关兑付暂缓。")
                return redirect("payouts:public_batch", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "payouts/public_batch.html",
        {"batch": batch, "items": items, "filing": filing, "form": form, "open": batch.notice_open(today)},
        status=status,
    )
