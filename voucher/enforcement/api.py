"""API: oversight (/api/v1/oversight) — sanctions and cases (M5), clawbacks (M1), spot checks (M2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from voucher.accounts.models import Organisation
from voucher.catalogue.models import Product
from voucher.claims.models import Claim
from voucher.core import clock
from voucher.core.api_schema import BoundedDate, Money
from voucher.enforcement import permissions, services
from voucher.enforcement.models import Clawback, Sanction, SanctionCase, SpotCheck, SpotCheckItem
from voucher.enforcement.selectors import (
    clawbacks_visible_to,
    inspectors,
    sanction_in_force,
    sanctions_visible_to,
    spot_check_verify,
    spot_checks_visible_to,
)
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current

router = Router(tags=["oversight"])


# --- schemas -----------------------------------------------------------------------------------------


class SanctionOut(Schema):
    id: int
    case_number: str | None
    organisation: str
    organisation_uscc: str
    party: str
    kind: str
    kind_label: str
    facts: str
    starts_on: dt.date
    ends_on: dt.date
    in_force: bool
    reason: str
    lifted_at: dt.datetime | None
    lift_reason: str

    @staticmethod
    def resolve_case_number(obj: Sanction) -> str | None:
        return obj.case.number if obj.case else None

    @staticmethod
    def resolve_organisation(obj: Sanction) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_organisation_uscc(obj: Sanction) -> str:
        return obj.organisation.uscc or ""

    @staticmethod
    def resolve_kind_label(obj: Sanction) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_in_force(obj: Sanction) -> bool:
        return obj.lifted_at is None and obj.starts_on <= clock.today() <= obj.ends_on


class ClawbackOut(Schema):
    id: int
    number: str
    order_number: str
    enterprise: str
    provider: str
    origin: str
    case_number: str | None
    reason_kind: str
    reason: str
    approved_payout: Decimal | None
    amount_due: Decimal
    repaid: Decimal
    outstanding: Decimal
    status: str
    status_label: str
    restores_quota: bool
    evidence_name: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    waive_reason: str

    @staticmethod
    def resolve_order_number(obj: Clawback) -> str:
        return obj.claim.order.number

    @staticmethod
    def resolve_enterprise(obj: Clawback) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_provider(obj: Clawback) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_case_number(obj: Clawback) -> str | None:
        return obj.case.number if obj.case else None

    @staticmethod
    def resolve_approved_payout(obj: Clawback) -> Decimal | None:
        return obj.claim.approved_payout

    @staticmethod
    def resolve_status_label(obj: Clawback) -> str:
        return obj.get_status_display()


class CaseOut(Schema):
    id: int
    number: str
    kind: str
    facts: str
    decided_on: dt.date
    sanctions: list[SanctionOut]
    clawbacks: list[ClawbackOut]
    order_numbers: list[str]
    product_ids: list[int]

    @staticmethod
    def resolve_sanctions(obj: SanctionCase) -> list[Sanction]:
        return list(obj.sanctions.select_related("organisation", "case"))

    @staticmethod
    def resolve_clawbacks(obj: SanctionCase) -> list[Clawback]:
        return list(obj.clawbacks.select_related("claim__order", "enterprise", "provider", "case"))

    @staticmethod
    def resolve_order_numbers(obj: SanctionCase) -> list[str]:
        return list(obj.orders.values_list("number", flat=True))

    @staticmethod
    def resolve_product_ids(obj: SanctionCase) -> list[int]:
        return list(obj.products.values_list("pk", flat=True))


class SanctionIn(Schema):
    kind: str
    facts: str
    decided_on: BoundedDate | None = None
    enterprise_uscc: str = ""
    provider_uscc: str = ""
    order_numbers: list[str] = []
    product_ids: list[int] = []
    spot_check_item_id: int | None = None


class OversightReasonIn(Schema):
    reason: str


class ClawbackOpenIn(Schema):
    order_number: str
    reason_kind: str
    amount: Money
    reason: str


class RepaymentIn(Schema):
    paid_on: BoundedDate
    amount: Money
    reference: str


class RepaymentOut(Schema):
    id: int
    paid_on: dt.date
    amount: Decimal
    reference: str
    recorded_at: dt.datetime


class SpotCheckItemOut(Schema):
    id: int
    position: int
    order_number: str
    contract_number: str | None
    inspector: str | None
    outcome: str
    findings: str
    case_number: str | None

    @staticmethod
    def resolve_order_number(obj: SpotCheckItem) -> str:
        return obj.order.number

    @staticmethod
    def resolve_contract_number(obj: SpotCheckItem) -> str | None:
        return obj.contract.number if obj.contract else None

    @staticmethod
    def resolve_inspector(obj: SpotCheckItem) -> str | None:
        return obj.inspector.username if obj.inspector else None

    @staticmethod
    def resolve_case_number(obj: SpotCheckItem) -> str | None:
        return obj.case.number if obj.case else None


class SpotCheckOut(Schema):
    id: int
    number: str
    title: str
    year: int
    target: str
    filters: dict[str, str]
    sample_size: int
    population_count: int
    population_hash: str
    seed: str
    sample_ids: list[int]
    status: str
    created_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_year(obj: SpotCheck) -> int:
        return obj.programme.year


class SpotCheckDetailOut(SpotCheckOut):
    items: list[SpotCheckItemOut] = Field(..., alias="visible_items")


class SpotCheckIn(Schema):
    target: str
    title: str = ""
    year: int | None = None
    direction: str = ""
    status: str = ""
    size: int | None = None
    percent: Decimal | None = None
    seed: str = ""


class SpotCheckAssignIn(Schema):
    inspector_id: int
    item_ids: list[int] | None = None


class FindingIn(Schema):
    outcome: str
    findings: str


class VerificationOut(Schema):
    matches: bool
    stored_hash_ok: bool
    draw_reproduced: bool
    population_unchanged: bool
    current_count: int
    current_hash: str
    added: int
    removed: int
    summary: str


# --- sanctions ---------------------------------------------------------------------------------------


@router.get("/sanctions", response=list[SanctionOut], summary="违规处理列表（市经信局全部；当事方本单位）")
def sanction_list(request: HttpRequest) -> Any:
    if not permissions.can_manage_sanctions(request.user):
        permissions.can_view_records(request.user).enforce()
    return list(sanctions_visible_to(request.user)[:500])


@router.get("/sanctions/current", response=SanctionOut | None, summary="本单位当前是否处于禁入期")
def sanction_current(request: HttpRequest) -> Any:
    permissions.can_view_records(request.user).enforce()
    return sanction_in_force(
        organisation_id=int(request.user.organisation_id),  # type: ignore[union-attr,arg-type]
        on=clock.today(),
    )


def _org(uscc: str, field: str) -> Organisation | None:
    uscc = (uscc or "").strip().upper()
    if not uscc:
        return None
    organisation = Organisation.objects.filter(uscc=uscc).first()
    if organisation is None:
        raise ValidationError(
            {field: ValidationError(f"未找到统一社会信用代码为 {uscc} 的单位。", code="not_found")}
        )
    return organisation


@router.post("/cases", response={201: CaseOut}, summary="记录违规处理（暂停产品交易、发起追回、禁入 3 年）")
def case_create(request: HttpRequest, payload: SanctionIn) -> Any:
    permissions.can_manage_sanctions(request.user).enforce()
    orders = list(Order.objects.filter(number__in=payload.order_numbers))
    missing = sorted(set(payload.order_numbers) - {o.number for o in orders})
    if missing:
        raise ValidationError(
            {"order_numbers": ValidationError("未找到订单：" + "、".join(missing), code="not_found")}
        )
    products = list(Product.objects.filter(pk__in=payload.product_ids))
    if len(products) != len(set(payload.product_ids)):
        raise ValidationError({"product_ids": ValidationError("部分产品编号不存在。", code="not_found")})
    item = None
    if payload.spot_check_item_id is not None:
        item = SpotCheckItem.objects.filter(pk=payload.spot_check_item_id).first()
        if item is None:
            raise Http404
    case = services.sanction_record(
        actor=request.user,
        kind=payload.kind,
        facts=payload.facts,
        decided_on=payload.decided_on,
        enterprise=_org(payload.enterprise_uscc, "enterprise_uscc"),
        provider=_org(payload.provider_uscc, "provider_uscc"),
        orders=orders,
        products=products,
        claims=list(Claim.objects.filter(order__in=orders)),
        spot_check_item=item,
    )
    return Status(201, case)


@router.get("/cases/{case_id}", response=CaseOut, summary="违规案件详情")
def case_detail(request: HttpRequest, case_id: int) -> Any:
    permissions.can_manage_sanctions(request.user).enforce()
    case = SanctionCase.objects.filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def _sanction(request: HttpRequest, sanction_id: int) -> Sanction:
    sanction = Sanction.objects.select_related("organisation", "case").filter(pk=sanction_id).first()
    if sanction is None or not permissions.can_view_sanction(request.user, sanction):
        raise Http404
    return sanction


@router.get("/sanctions/{sanction_id}", response=SanctionOut, summary="违规处理详情")
def sanction_detail(request: HttpRequest, sanction_id: int) -> Any:
    return _sanction(request, sanction_id)


@router.post("/sanctions/{sanction_id}/lift", response=SanctionOut, summary="解除违规处理（须填写理由）")
def sanction_lift(request: HttpRequest, sanction_id: int, payload: OversightReasonIn) -> Any:
    sanction = _sanction(request, sanction_id)
    return services.sanction_lift(actor=request.user, sanction=sanction, reason=payload.reason)


# --- clawbacks ---------------------------------------------------------------------------------------


def _clawback(request: HttpRequest, clawback_id: int) -> Clawback:
    clawback = (
        Clawback.objects.select_related("claim__order", "enterprise", "provider", "case")
        .filter(pk=clawback_id)
        .first()
    )
    if clawback is None or not permissions.can_view_clawback(request.user, clawback):
        raise Http404
    return clawback


@router.get("/clawbacks", response=list[ClawbackOut], summary="资金追回列表（按用户可见范围）")
def clawback_list(request: HttpRequest, status: str = "") -> Any:
    if not permissions.can_list_clawbacks(request.user):
        permissions.can_view_records(request.user).enforce()
    rows = clawbacks_visible_to(request.user)
    if status:
        rows = rows.filter(status=status)
    return list(rows[:500])


@router.post(
    "/clawbacks/report",
    response={201: ClawbackOut},
    summary="服务商上报退款或未开展实质服务（可附证明材料，按内容检查）",
)
def clawback_report(
    request: HttpRequest,
    order_number: Form[str],
    reason_kind: Form[str],
    amount: Form[Money],
    reason: Form[str],
    file: File[UploadedFile] | None = None,
) -> Any:
    permissions.can_report_refund(request.user).enforce()
    claim = Claim.objects.filter(order__number=order_number, provider_id=request.user.organisation_id).first()  # type: ignore[union-attr]
    if claim is None:
        raise Http404
    clawback = services.clawback_report(
        actor=request.user, claim=claim, reason_kind=reason_kind, amount=amount, reason=reason, file=file
    )
    return Status(201, clawback)


@router.post("/clawbacks", response={201: ClawbackOut}, summary="市经信局发起资金追回")
def clawback_open(request: HttpRequest, payload: ClawbackOpenIn) -> Any:
    permissions.can_open_clawback(request.user).enforce()
    claim = Claim.objects.filter(order__number=payload.order_number).first()
    if claim is None:
        raise Http404
    clawback = services.clawback_open(
        actor=request.user,
        claim=claim,
        reason_kind=payload.reason_kind,
        amount=payload.amount,
        reason=payload.reason,
    )
    return Status(201, clawback)


@router.get("/clawbacks/{clawback_id}", response=ClawbackOut, summary="资金追回详情")
def clawback_detail(request: HttpRequest, clawback_id: int) -> Any:
    return _clawback(request, clawback_id)


@router.get("/clawbacks/{clawback_id}/repayments", response=list[RepaymentOut], summary="资金追回的退回记录")
def clawback_repayments(request: HttpRequest, clawback_id: int) -> Any:
    return list(_clawback(request, clawback_id).repayments.all())


@router.post(
    "/clawbacks/{clawback_id}/repayments",
    response={201: RepaymentOut},
    summary="登记退回（日期、金额、流水号）",
)
def clawback_repay(request: HttpRequest, clawback_id: int, payload: RepaymentIn) -> Any:
    clawback = _clawback(request, clawback_id)
    repayment = services.clawback_record_repayment(
        actor=request.user,
        clawback=clawback,
        paid_on=payload.paid_on,
        amount=payload.amount,
        reference=payload.reference,
    )
    return Status(201, repayment)


@router.post("/clawbacks/{clawback_id}/waive", response=ClawbackOut, summary="核销资金追回（须填写理由）")
def clawback_waive(request: HttpRequest, clawback_id: int, payload: OversightReasonIn) -> Any:
    clawback = _clawback(request, clawback_id)
    return services.clawback_waive(actor=request.user, clawback=clawback, reason=payload.reason)


# --- spot checks -------------------------------------------------------------------------------------


def _check(request: HttpRequest, check_id: int) -> SpotCheck:
    check = SpotCheck.objects.select_related("programme").filter(pk=check_id).first()
    if check is None or not permissions.can_view_spot_check(request.user, check):
        raise Http404
    return check


def _detail(request: HttpRequest, check: SpotCheck) -> SpotCheck:
    """The check with the items the user may see (all for the Bureau, their own for an inspector)."""
    items = check.items.select_related("order", "contract", "inspector", "case")
    if not permissions.is_admin(request.user):
        items = items.filter(inspector_id=request.user.pk)
    check.visible_items = list(items)  # type: ignore[attr-defined]
    return check


@router.get("/spot-checks", response=list[SpotCheckOut], summary="抽查列表（市经信局全部；检查人本人的）")
def spot_check_list(request: HttpRequest) -> Any:
    permissions.can_view_spot_checks(request.user).enforce()
    return list(spot_checks_visible_to(request.user)[:200])


@router.post("/spot-checks", response={201: SpotCheckDetailOut}, summary="发起抽查（记录随机种子，可复现）")
def spot_check_create(request: HttpRequest, payload: SpotCheckIn) -> Any:
    permissions.can_draw_spot_check(request.user).enforce()
    programme = (
        ProgrammeYear.objects.filter(year=payload.year).first()
        if payload.year is not None
        else programme_current()
    )
    if programme is None:
        raise Http404
    check = services.spot_check_draw(
        actor=request.user,
        programme=programme,
        target=payload.target,
        title=payload.title,
        direction=payload.direction,
        status=payload.status,
        size=payload.size,
        percent=payload.percent,
        seed=payload.seed,
    )
    return Status(201, _detail(request, check))


@router.get("/spot-checks/{check_id}", response=SpotCheckDetailOut, summary="抽查详情和项目")
def spot_check_detail(request: HttpRequest, check_id: int) -> Any:
    return _detail(request, _check(request, check_id))


@router.get(
    "/spot-checks/{check_id}/verify", response=VerificationOut, summary="核验抽样：按种子重新抽取并比较总体"
)
def spot_check_verify_api(request: HttpRequest, check_id: int) -> Any:
    check = _check(request, check_id)
    permissions.is_admin(request.user).enforce()
    result = spot_check_verify(check)
    return {**result.__dict__, "matches": result.matches, "summary": result.summary}


@router.post("/spot-checks/{check_id}/assign", response=SpotCheckDetailOut, summary="分配检查人")
def spot_check_assign(request: HttpRequest, check_id: int, payload: SpotCheckAssignIn) -> Any:
    check = _check(request, check_id)
    permissions.can_assign_inspectors(request.user, check).enforce()
    inspector = inspectors().filter(pk=payload.inspector_id).first()
    if inspector is None:
        raise ValidationError(
            {
                "inspector_id": ValidationError(
                    "检查人须为评审机构或市经信局的在职人员。", code="not_inspector"
                )
            }
        )
    items = list(check.items.filter(pk__in=payload.item_ids)) if payload.item_ids is not None else None
    services.spot_check_assign(actor=request.user, check=check, inspector=inspector, items=items)
    return _detail(request, check)


@router.post("/spot-checks/items/{item_id}/finding", response=SpotCheckItemOut, summary="记录检查情况和结论")
def spot_check_finding(request: HttpRequest, item_id: int, payload: FindingIn) -> Any:
    item = SpotCheckItem.objects.select_related("spot_check").filter(pk=item_id).first()
    if item is None or not permissions.can_view_spot_check(request.user, item.spot_check):
        raise Http404
    return services.spot_check_record_finding(
        actor=request.user, item=item, outcome=payload.outcome, findings=payload.findings
    )
