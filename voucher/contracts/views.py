"""Contract pages: record and amend (provider), confirm, complete and rate (enterprise), the annex (C4)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from voucher.contracts import annex, services
from voucher.contracts.choices import ContractAction, ContractStatus
from voucher.contracts.forms import AmendForm, ContractForm, RatingForm, ReplyForm
from voucher.contracts.models import Contract, Rating
from voucher.contracts.permissions import (
    can_amend_contract,
    can_complete_contract,
    can_rate,
    can_record_contract,
    can_reply_rating,
    can_view_order_contract,
)
from voucher.contracts.selectors import contract_list, contracts_visible_to, orders_awaiting_contract
from voucher.contracts.transitions import CONTRACT
from voucher.core import clock
from voucher.core.errors import errors_to_form, refuse
from voucher.orders.choices import OrderStatus
from voucher.orders.models import Order
from voucher.orders.selectors import orders_visible_to


def _order(request: HttpRequest, number: str) -> Order:
    """An order the user may see, else 404 (outsiders learn nothing)."""
    order = (
        orders_visible_to(request.user)
        .select_related("programme", "enterprise")
        .filter(number=number)
        .first()
    )
    if order is None or not can_view_order_contract(request.user, order):
        raise Http404
    return order


def _contract(request: HttpRequest, number: str) -> Contract:
    contract = contracts_visible_to(request.user).filter(order__number=number).first()
    if contract is None:
        raise Http404
    return contract


def _terms(data: dict[str, Any]) -> services.Terms:
    return services.Terms(
        number=data["number"],
        total_amount=data["total_amount"],
        signed_on=data["signed_on"],
        service_start=data["service_start"],
        service_end=data["service_end"],
        deduction=data["deduction"],
        own_payment=data.get("own_payment"),
    )


@login_required
def contract_index(request: HttpRequest) -> HttpResponse:
    """我的服务合同: tabs by status; for a provider also the accepted orders still without a contract."""
    status = request.GET.get("status") or None
    if status not in {None, *ContractStatus.values}:
        status = None
    page = Paginator(contract_list(request.user, status=status), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/index.html",
        {
            "page": page,
            "status": status,
            "statuses": ContractStatus.choices,
            "awaiting": orders_awaiting_contract(request.user)[:50],
        },
    )


@login_required
def contract_new(request: HttpRequest, number: str) -> HttpResponse:
    """录入合同 (provider): the signed contract's terms; the platform checks the deduction."""
    order = _order(request, number)
    can_record_contract(request.user, order).enforce()
    if Contract.objects.filter(order=order).exists():
        return redirect("contracts:detail", number=order.number)
    form = ContractForm(request.POST or None, initial={"counterparty_uscc": order.enterprise.uscc})
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_record(
                actor=request.user,
                order=order,
                terms=_terms(form.cleaned_data),
                counterparty_uscc=form.cleaned_data["counterparty_uscc"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "合同已录入，等待企业确认。")
            return redirect("contracts:detail", number=order.number)
    return render(
        request,
        "contracts/form.html",
        {
            "order": order,
            "form": form,
            "title": "录入服务合同",
            "open_order": order.status == OrderStatus.ACCEPTED,
            "annex_text": annex.annex_text(order),
        },
    )


@login_required
def contract_detail(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    user = request.user
    rating = Rating.objects.filter(contract=contract).first()
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "order": contract.order,
            "rating": rating,
            "annex_text": annex.annex_text(contract.order),
            "can_confirm": CONTRACT.allowed(user, contract, ContractAction.CONFIRM),
            "can_amend": CONTRACT.allowed(user, contract, ContractAction.AMEND),
            "can_complete": CONTRACT.allowed(user, contract, ContractAction.COMPLETE),
            "can_rate": rating is None
            and contract.completed_at is not None
            and can_rate(user, contract).allowed,
            "can_edit_rating": rating is not None
            and can_rate(user, contract).allowed
            and clock.now() <= rating.editable_until,
            "can_reply": rating is not None
            and not rating.replied_at
            and can_reply_rating(user, rating).allowed,
            "reply_form": ReplyForm(),
        },
    )


@login_required
def contract_amend(request: HttpRequest, number: str) -> HttpResponse:
    """变更合同 (provider, before the claim): everything is checked again and the enterprise re-confirms."""
    contract = _contract(request, number)
    can_amend_contract(request.user, contract).enforce()
    initial = {
        "number": contract.number,
        "counterparty_uscc": contract.enterprise.uscc,
        "total_amount": contract.total_amount,
        "signed_on": contract.signed_on,
        "service_start": contract.service_start,
        "service_end": contract.service_end,
        "deduction": contract.deduction,
        "own_payment": contract.own_payment,
    }
    form = AmendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["counterparty_uscc"].strip().upper() != (contract.enterprise.uscc or ""):
                raise refuse(
                    "counterparty_mismatch",
                    f"合同甲方必须是下单企业“{contract.enterprise.name}”。",
                    "counterparty_uscc",
                )
            services.contract_amend(
                actor=request.user,
                contract=contract,
                terms=_terms(form.cleaned_data),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "合同已变更，等待企业重新确认。")
            return redirect("contracts:detail", number=number)
    return render(
        request,
        "contracts/form.html",
        {
            "order": contract.order,
            "form": form,
            "title": "变更服务合同",
            "contract": contract,
            "open_order": True,
            "annex_text": annex.annex_text(contract.order),
        },
    )


@login_required
@require_POST
def contract_confirm(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    try:
        services.contract_confirm(actor=request.user, contract=contract)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已确认合同条款。")
    return redirect("contracts:detail", number=number)


@login_required
def contract_complete(request: HttpRequest, number: str) -> HttpResponse:
    """确认服务完成并评价 (enterprise): completion and the first rating in one step."""
    contract = _contract(request, number)
    can_complete_contract(request.user, contract).enforce()
    rated = Rating.objects.filter(contract=contract).exists()
    form = RatingForm(request.POST or None) if not rated else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            with transaction.atomic():
                done = services.contract_complete(actor=request.user, contract=contract)
                if form is not None:
                    data = form.cleaned_data
                    services.rating_create(
                        actor=request.user, contract=done, scores=data, comment=data.get("comment", "")
                    )
        except ValidationError as exc:
            if form is None:
                messages.error(request, "；".join(exc.messages))
                return redirect("contracts:detail", number=number)
            errors_to_form(form, exc)
        else:
            messages.success(request, "已确认服务完成，感谢您的评价。")
            return redirect("contracts:detail", number=number)
    return render(request, "contracts/complete.html", {"contract": contract, "form": form, "rated": rated})


@login_required
def rating_edit(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    can_rate(request.user, contract).enforce()
    rating = Rating.objects.filter(contract=contract).first()
    if rating is None:
        raise Http404
    initial = {
        name: str(getattr(rating, name)) for name in ("quality", "responsiveness", "expertise", "overall")
    }
    form = RatingForm(request.POST or None, initial={**initial, "comment": rating.comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_update(
                actor=request.user,
                rating=rating,
                scores=form.cleaned_data,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "评价已修改。")
            return redirect("contracts:detail", number=number)
    return render(
        request, "contracts/rating_edit.html", {"contract": contract, "rating": rating, "form": form}
    )


@login_required
@require_POST
def rating_reply(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    rating = Rating.objects.filter(contract=contract).first()
    if rating is None:
        raise Http404
    try:
        services.rating_reply(actor=request.user, rating=rating, reply=request.POST.get("reply", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已回复评价。")
    return redirect("contracts:detail", number=number)


def _annex_order(request: HttpRequest, number: str) -> Order:
    order = _order(request, number)
    if order.status != OrderStatus.ACCEPTED:
        raise Http404
    return order


@login_required
def annex_page(request: HttpRequest, number: str) -> HttpResponse:
    """合同附表 (C4): the table to paste into the contract, and its downloads."""
    order = _annex_order(request, number)
    return render(
        request,
        "contracts/annex.html",
        {
            "order": order,
            "row": annex.annex_row(order),
            "headers": annex.HEADERS,
            "text": annex.annex_text(order),
        },
    )


@login_required
def annex_pdf(request: HttpRequest, number: str) -> HttpResponse:
    order = _annex_order(request, number)
    response = HttpResponse(annex.annex_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="annex-{order.number}.pdf"'
    return response


@login_required
def annex_docx(request: HttpRequest, number: str) -> HttpResponse:
    order = _annex_order(request, number)
    response = HttpResponse(
        annex.annex_docx(order),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="annex-{order.number}.docx"'
    return response
