"""Claim pages: the provider's wizard (order → invoice/receipt data → files and merge → pre-checks →
confirm and submit), waivers, the claim list with deadlines, the reviewer queue with risk flags and
inline previews, and the claim page with the decision form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from voucher.claims import services
from voucher.claims.choices import EDITABLE_STATUSES, ClaimStatus, MaterialKind
from voucher.claims.forms import ClaimDataForm, DecisionForm, MergeForm, SubmitForm, UploadForm, WaiverForm
from voucher.claims.models import Claim, ClaimMaterial
from voucher.claims.permissions import (
    can_edit_claim,
    can_file_claim,
    can_review_claim,
    can_review_queue,
    can_view_claim,
    is_staff_reviewer,
    reviewer_conflict,
)
from voucher.claims.prechecks import invoice_reading, is_digital_marketing, required_kinds
from voucher.claims.risk import risk_flags
from voucher.claims.selectors import claim_for_order, claim_list, contracts_to_claim, review_queue
from voucher.contracts.models import Contract
from voucher.contracts.selectors import contracts_visible_to
from voucher.core.background import job_service
from voucher.core.errors import errors_to_form

STEPS = [("data", "发票与收款"), ("materials", "上传材料"), ("checks", "自动预检"), ("confirm", "确认提交")]


def _claim(request: HttpRequest, number: str) -> Claim:
    """A claim the user may see, else 404 (outsiders learn nothing)."""
    claim = claim_for_order(request.user, number)
    if claim is None or not can_view_claim(request.user, claim):
        raise Http404
    return claim


def _contract(request: HttpRequest, number: str) -> Contract:
    contract = contracts_visible_to(request.user).filter(order__number=number).first()
    if contract is None:
        raise Http404
    return contract


def _editable(request: HttpRequest, number: str) -> Claim:
    claim = _claim(request, number)
    can_edit_claim(request.user, claim).enforce()
    return claim


def _wizard(claim: Claim, step: str, **extra: Any) -> dict[str, Any]:
    return {
        "claim": claim,
        "order": claim.order,
        "contract": claim.contract,
        "window": services.claim_window(claim.contract),
        "steps": STEPS,
        "step": step,
        **extra,
    }


def _materials(claim: Claim) -> tuple[list[ClaimMaterial], list[ClaimMaterial]]:
    rows = list(claim.materials.order_by("kind", "uploaded_at", "id"))
    return [m for m in rows if m.superseded_at is None], [m for m in rows if m.superseded_at is not None]


def _slots(claim: Claim, current: list[ClaimMaterial]) -> list[dict[str, Any]]:
    required = set(required_kinds(claim))
    marketing = is_digital_marketing(claim)
    rows = []
    for kind in MaterialKind:
        if kind == MaterialKind.INDUSTRY_PROOF and not marketing:
            continue
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "required": kind.value in required,
                "files": [m for m in current if m.kind == kind.value],
            }
        )
    return rows


@login_required
def claim_index(request: HttpRequest) -> HttpResponse:
    """我的兑券: a provider's contracts open for a claim (with deadlines) and its claims; an enterprise's
    claims on its orders; for reviewers every claim, filterable by status."""
    status = request.GET.get("status") or None
    if status not in {None, *ClaimStatus.values}:
        status = None
    page = Paginator(claim_list(request.user, status=status).order_by("deadline", "id"), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "claims/index.html",
        {
            "page": page,
            "status": status,
            "statuses": ClaimStatus.choices,
            "claimable": contracts_to_claim(request.user),
        },
    )


@login_required
@require_POST
def claim_start(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    can_file_claim(request.user, contract).enforce()
    try:
        services.claim_start(actor=request.user, contract=contract)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("claims:index")
    return redirect("claims:data", number=number)


@login_required
def claim_detail(request: HttpRequest, number: str) -> HttpResponse:
    claim = _claim(request, number)
    user = request.user
    current, superseded = _materials(claim)
    reviewer = is_staff_reviewer(user)
    decision = can_review_claim(user, claim)
    form = DecisionForm(initial={"payout": claim.contract.deduction})
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "order": claim.order,
            "contract": claim.contract,
            "window": services.claim_window(claim.contract),
            "current": current,
            "superseded": superseded,
            "prechecks": list(claim.prechecks.all()),
            "reading": invoice_reading(claim),
            "decisions": list(claim.decisions.select_related("actor")),
            "payout_items": list(claim.payout_items.select_related("batch").order_by("id")),
            "flags": risk_flags(claim) if reviewer else [],
            "reviewer": reviewer,
            "conflict": reviewer and not reviewer_conflict(user, claim),
            "can_decide": bool(decision),
            "can_edit": bool(can_edit_claim(user, claim)),
            "form": form,
        },
    )


@login_required
def claim_data(request: HttpRequest, number: str) -> HttpResponse:
    """Step 1: invoice number, date and amount; bank-receipt date and amount (R3)."""
    claim = _editable(request, number)
    initial = {
        "invoice_number": claim.invoice_number,
        "invoice_date": claim.invoice_date,
        "invoice_amount": claim.invoice_amount,
        "receipt_date": claim.receipt_date,
        "receipt_amount": claim.receipt_amount,
        "receipt_reference": claim.receipt_reference,
    }
    reading = invoice_reading(claim)
    prefilled = []
    if reading is not None and reading.readable:
        # The invoice as read pre-fills what the provider has not typed yet; saving confirms or corrects it.
        for field, value in (
            ("invoice_number", reading.invoice_number),
            ("invoice_date", reading.issue_date),
            ("invoice_amount", reading.total),
        ):
            if initial[field] in (None, "") and value not in (None, ""):
                initial[field] = value
                prefilled.append(str(ClaimDataForm.base_fields[field].label))
    form = ClaimDataForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.claim_update_data(
                actor=request.user,
                claim=claim,
                data=services.ClaimData(
                    invoice_number=data["invoice_number"],
                    invoice_date=data["invoice_date"],
                    invoice_amount=data["invoice_amount"],
                    receipt_date=data["receipt_date"],
                    receipt_amount=data["receipt_amount"],
                    receipt_reference=data.get("receipt_reference") or "",
                ),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "已保存。可随时返回继续填写。")
            return redirect("claims:materials", number=number)
    return render(
        request, "claims/data.html", _wizard(claim, "data", form=form, reading=reading, prefilled=prefilled)
    )


@login_required
def claim_materials(request: HttpRequest, number: str) -> HttpResponse:
    """Step 2: one file per type; the merge tool combines several photos/PDFs into one PDF."""
    claim = _editable(request, number)
    marketing = is_digital_marketing(claim)
    upload = UploadForm(marketing=marketing)
    merge = MergeForm(marketing=marketing, initial={"kind": MaterialKind.BANK_RECEIPT})
    if request.method == "POST":
        if request.POST.get("tool") == "merge":
            merge = MergeForm(request.POST, request.FILES, marketing=marketing)
            if merge.is_valid():
                try:
                    job = job_service("claim_merge")(
                        actor=request.user,
                        claim=claim,
                        kind=merge.cleaned_data["kind"],
                        files=merge.files_in_order(),
                        order=merge.cleaned_data["order"],
                        name=merge.cleaned_data["name"],
                    )
                except ValidationError as exc:
                    errors_to_form(merge, exc)
                else:
                    return redirect("tasks:job_detail", pk=job.pk)
        else:
            upload = UploadForm(request.POST, request.FILES, marketing=marketing)
            if upload.is_valid():
                try:
                    material = services.claim_material_upload(
                        actor=request.user,
                        claim=claim,
                        kind=upload.cleaned_data["kind"],
                        file=upload.cleaned_data["file"],
                    )
                except ValidationError as exc:
                    errors_to_form(upload, exc)
                else:
                    messages.success(request, f"已上传“{material.original_name}”。")
                    return redirect("claims:materials", number=number)
    current, superseded = _materials(claim)
    return render(
        request,
        "claims/materials.html",
        _wizard(
            claim,
            "materials",
            upload=upload,
            merge=merge,
            slots=_slots(claim, current),
            superseded=superseded,
        ),
    )


@login_required
@require_POST
def material_withdraw(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    claim = _editable(request, number)
    material = claim.materials.filter(pk=pk).first()
    if material is None:
        raise Http404
    try:
        services.claim_material_withdraw(actor=request.user, claim=claim, material=material)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已撤下“{material.original_name}”（文件保留在记录中）。")
    return redirect("claims:materials", number=number)


@login_required
def claim_checks(request: HttpRequest, number: str) -> HttpResponse:
    """Step 3: the automatic pre-checks, as the reviewer will see them (R8); they run as a background job
    whose progress the page shows until the results are there."""
    claim = _editable(request, number)
    if request.method == "POST" or not claim.prechecks.exists():
        job_service("claim_prechecks")(actor=request.user, claim=claim)
        if request.method == "POST":
            return redirect("claims:checks", number=number)
    job = job_service("claim_prechecks_pending")(actor=request.user, claim=claim)
    return render(
        request,
        "claims/checks.html",
        _wizard(
            claim,
            "checks",
            prechecks=list(claim.prechecks.all()),
            problems=services.submission_problems(claim),
            job=job,
            job_state=job_service("job_state")(job) if job else None,
        ),
    )


@login_required
def claim_confirm(request: HttpRequest, number: str) -> HttpResponse:
    """Step 4: exactly what will be sent, and the explicit, irreversible confirmation (R4 完成服务).

    Each visit runs the pre-checks again as the background job of step 3 and shows its progress; the
    finished job leads back here (``?checked=<job>``) to its results without queueing them again. The
    submission stores the pre-checks once more in its own transaction."""
    claim = _editable(request, number)
    form = SubmitForm(request.POST or None, initial={"revision": claim.revision})
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_submit(
                actor=request.user,
                claim=claim,
                confirmed=bool(form.cleaned_data["confirm"]),
                revision=form.cleaned_data["revision"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "兑券申请已提交，等待评审。")
            return redirect("claims:detail", number=number)
    if request.method == "GET":
        checked = request.GET.get("checked")
        if not job_service("claim_prechecks_finished")(actor=request.user, claim=claim, job_id=checked):
            job_service("claim_prechecks")(actor=request.user, claim=claim, step="confirm")
        form = SubmitForm(initial={"revision": claim.revision})
    job = job_service("claim_prechecks_pending")(actor=request.user, claim=claim)
    current, _ = _materials(claim)
    return render(
        request,
        "claims/confirm.html",
        _wizard(
            claim,
            "confirm",
            form=form,
            current=current,
            prechecks=list(claim.prechecks.all()),
            problems=services.submission_problems(claim),
            job=job,
            job_state=job_service("job_state")(job) if job else None,
        ),
    )


@login_required
def claim_waive(request: HttpRequest, number: str) -> HttpResponse:
    """放弃兑付声明 (R5), filed within the claim period."""
    contract = _contract(request, number)
    can_file_claim(request.user, contract).enforce()
    claim = Claim.objects.filter(contract=contract).first()
    if claim is not None and claim.status not in EDITABLE_STATUSES:
        return redirect("claims:detail", number=number)
    form = WaiverForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["confirm"]:
            form.add_error("confirm", "请勾选确认放弃兑付。")
        else:
            try:
                services.claim_waive(
                    actor=request.user,
                    contract=contract,
                    statement=form.cleaned_data["statement"],
                    file=form.cleaned_data.get("file"),
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, "已提交放弃兑付声明，服务券额度已退回企业。")
                return redirect("claims:detail", number=number)
    return render(
        request,
        "claims/waive.html",
        {
            "contract": contract,
            "order": contract.order,
            "window": services.claim_window(contract),
            "form": form,
        },
    )


@login_required
def claim_queue(request: HttpRequest) -> HttpResponse:
    """兑券审核: submitted claims with their pre-check summary and risk flags (M6)."""
    can_review_queue(request.user).enforce()
    page = Paginator(review_queue(request.user).prefetch_related("prechecks"), 20).get_page(
        request.GET.get("page")
    )
    rows = [{"claim": c, "flags": risk_flags(c), "prechecks": list(c.prechecks.all())} for c in page]
    return render(request, "claims/queue.html", {"page": page, "rows": rows})


@login_required
@require_POST
def claim_decide(request: HttpRequest, number: str) -> HttpResponse:
    claim = _claim(request, number)
    can_review_claim(request.user, claim).enforce()
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.claim_decide(
                actor=request.user,
                claim=claim,
                action=form.cleaned_data["action"],
                payout=form.cleaned_data.get("payout"),
                reason=form.cleaned_data.get("reason") or "",
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "审核结论已保存，已通知服务商和企业。")
            return redirect("claims:detail", number=number)
    current, superseded = _materials(claim)
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "order": claim.order,
            "contract": claim.contract,
            "window": services.claim_window(claim.contract),
            "current": current,
            "superseded": superseded,
            "prechecks": list(claim.prechecks.all()),
            "decisions": list(claim.decisions.select_related("actor")),
            "flags": risk_flags(claim),
            "reviewer": True,
            "conflict": False,
            "can_decide": True,
            "can_edit": False,
            "form": form,
        },
        status=422,
    )


@login_required
@require_POST
def claim_credit(request: HttpRequest, number: str) -> HttpResponse:
    claim = _claim(request, number)
    record = services.claim_credit_check(actor=request.user, claim=claim)
    messages.info(request, f"信用核查：{record.get_outcome_display()}。{record.reason}")
    return redirect("claims:detail", number=number)


def _material(request: HttpRequest, pk: int) -> ClaimMaterial:
    material = ClaimMaterial.objects.select_related("claim").filter(pk=pk).first()
    if material is None or not can_view_claim(request.user, material.claim):
        raise Http404
    return material


def _file_response(file: Any, name: str, content_type: str, *, inline: bool) -> FileResponse:
    response = FileResponse(
        file.open("rb"), as_attachment=not inline, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@xframe_options_sameorigin
@login_required
def material_preview(request: HttpRequest, pk: int) -> FileResponse:
    """Inline view of a PDF or image for the preview frame on the claim pages; other files (OFD, XML)
    are only downloaded, never rendered by the browser."""
    material = _material(request, pk)
    inline = material.is_pdf or material.is_image
    return _file_response(material.file, material.original_name, material.content_type, inline=inline)


@login_required
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    material = _material(request, pk)
    return _file_response(material.file, material.original_name, material.content_type, inline=False)


@login_required
def waiver_download(request: HttpRequest, number: str) -> FileResponse:
    claim = _claim(request, number)
    if not claim.waiver_file:
        raise Http404
    return _file_response(claim.waiver_file, claim.waiver_file_name, "application/octet-stream", inline=False)
