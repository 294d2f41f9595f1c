"""Redemption claims (兑券, SPEC R1–R6, R8): drafting, materials, pre-checks, the irreversible submission,
waivers and the sweeper, reviewer decisions and their quota-ledger moves.

Claim period (R1, guide §四（四）1 "自成交之日起至用券结束2周内，最晚至10月20日"): from the contract's
signing date (the deal) until ``programme.claim_deadline(contract.service_end)``. The claim may be filed
once both parties have confirmed the contract; whether the enterprise has already confirmed completion
is shown to the reviewer as a pre-check.

Quota ledger: approval reduces the contract's commitment to the approved payout (a reduced part returns
to available with :func:`quota_release_commitment`); the approved payout stays committed until the payout
batch (R7) marks it paid, which moves it from committed to paid. A void order or a waived claim releases
the whole commitment back to available.

Locking order, the same in every service: the enterprise's quota account, then the claim, then the contract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from voucher.accounts.choices import Role
from voucher.accounts.models import User
from voucher.claims import files as claim_files
from voucher.claims.choices import (
    EDITABLE_STATUSES,
    SLOTS,
    ClaimAction,
    ClaimStatus,
    MaterialKind,
)
from voucher.claims.invoices.extract import InvoiceReading, read_invoice
from voucher.claims.models import (
    Claim,
    ClaimDecision,
    ClaimMaterial,
    MaterialReading,
    PreCheck,
    normalise_invoice_number,
)
from voucher.claims.permissions import (
    can_edit_claim,
    can_file_claim,
    can_review_claim,
    can_review_queue,
    reviewer_conflict,
)
from voucher.claims.prechecks import invoice_reading, is_digital_marketing, required_kinds, run_prechecks
from voucher.claims.risk import risk_flags
from voucher.claims.transitions import transition
from voucher.contracts.choices import ContractStatus
from voucher.contracts.models import Contract
from voucher.contracts.services import contract_lock_for_claim
from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import FieldErrors, positive_money
from voucher.core.money import MoneyError, format_cny, to_money
from voucher.core.notifications import notify
from voucher.core.text import clean_text
from voucher.core.uploads import JPEG, PDF, PNG
from voucher.enterprises.choices import CreditContext, CreditOutcome
from voucher.enterprises.credit import credit_check
from voucher.enterprises.models import CreditCheck, QuotaAccount
from voucher.enterprises.services import quota_release_commitment
from voucher.programmes.models import ProgrammeYear
from voucher.standing import sanction_refusal

CLAIM_AUDIT_FIELDS = [
    "status",
    "revision",
    "invoice_number",
    "invoice_date",
    "invoice_amount",
    "receipt_date",
    "receipt_amount",
    "receipt_reference",
    "submitted_at",
    "return_count",
    "return_comment",
    "approved_payout",
    "decision_reason",
    "waived_at",
    "waived_automatically",
    "waiver_statement",
    "quota_settled_at",
]
REASON_MAX = 1000
CLAIMABLE_CONTRACT_STATUSES = (ContractStatus.CONFIRMED, ContractStatus.COMPLETED)


def refuse(code: str, message: str, field: str = "__all__") -> ValidationError:
    """A refusal with a machine-readable code and the Chinese reason, attached to ``field``."""
    return ValidationError({field: ValidationError(message, code=code)})


def _members(organisation_id: int, role: str) -> QuerySet[User]:
    return User.objects.filter(organisation_id=organisation_id, role=role, is_active=True)


def _url(claim: Claim) -> str:
    return reverse("claims:detail", args=[claim.order.number])


# --- the claim period (R1) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    opens_on: dt.date
    deadline: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.deadline


def claim_window(contract: Contract) -> Window:
    """From the signing date (the deal) to 2 weeks after use ends, never after the year's final date."""
    return Window(contract.signed_on, contract.programme.claim_deadline(contract.service_end))


def _check_window(contract: Contract, *, what: str = "申请兑券") -> None:
    window = claim_window(contract)
    today = clock.today()
    if today < window.opens_on:
        raise refuse("claim_not_open", f"合同签订日期为 {window.opens_on:%Y-%m-%d}，自该日起方可{what}。")
    if today > window.deadline:
        raise refuse(
            "claim_period_over",
            f"兑券期限已于 {window.deadline:%Y-%m-%d} 截止（用券结束后{contract.programme.claim_weeks_after_use}周内，"
            f"最晚 {contract.programme.claim_final_date:%Y-%m-%d}），不能再{what}。",
        )


# --- drafting ----------------------------------------------------------------------------------------


def _lock_claim(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related(
            "contract",
            "contract__programme",
            "order",
            "order__product",
            "programme",
            "enterprise",
            "provider",
        )
        .get(pk=claim.pk)
    )


def _touch(claim: Claim, fields: list[str]) -> None:
    claim.revision += 1
    claim.updated_at = clock.now()
    claim.deadline = claim_window(claim.contract).deadline
    claim.save(update_fields=[*fields, "revision", "updated_at", "deadline"])


def _new_claim(contract: Contract, actor: Any, status: str) -> Claim:
    now = clock.now()
    return Claim.objects.create(
        contract=contract,
        order_id=contract.order_id,
        programme_id=contract.programme_id,
        enterprise_id=contract.enterprise_id,
        provider_id=contract.provider_id,
        status=status,
        created_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
        updated_at=now,
        deadline=claim_window(contract).deadline,
    )


def claim_start(*, actor: Any, contract: Contract) -> Claim:
    """The provider opens the claim of a contract confirmed by both parties (idempotent: returns the
    existing claim). Refused outside the claim period, with the date."""
    can_file_claim(actor, contract).enforce()
    with transaction.atomic():
        locked = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("programme", "order")
            .get(pk=contract.pk)
        )
        existing = Claim.objects.filter(contract=locked).first()
        if existing is not None:
            return existing
        if locked.status not in CLAIMABLE_CONTRACT_STATUSES:
            raise refuse(
                "contract_not_confirmed",
                f"合同当前状态为“{locked.get_status_display()}”，企业确认合同后方可申请兑券。",
            )
        _check_window(locked)
        claim = _new_claim(locked, actor, ClaimStatus.DRAFT)
        ClaimDecision.objects.create(
            claim=claim, action=ClaimAction.EDIT, at=claim.created_at, actor=actor, reason="创建兑券申请"
        )
        audit_record(
            actor=actor, action="claim.started", obj=claim, after=snapshot(claim, CLAIM_AUDIT_FIELDS)
        )
        return claim


@dataclass(frozen=True)
class ClaimData:
    """Invoice and bank-receipt data as entered by the provider (R3)."""

    invoice_number: str
    invoice_date: dt.date | None
    invoice_amount: Any
    receipt_date: dt.date | None
    receipt_amount: Any
    receipt_reference: str = ""


def _invoice_taken(normalised: str, claim: Claim) -> bool:
    return Claim.objects.filter(invoice_number_normalised=normalised).exclude(pk=claim.pk).exists()


def claim_update_data(*, actor: Any, claim: Claim, data: ClaimData) -> Claim:
    """Save the invoice number, date and amount and the bank-receipt date and amount; every problem is
    reported at once at its field. Dates may not be earlier than the contract signing date (R3); an
    invoice number already used by another claim is refused."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        transition(locked.status, ClaimAction.EDIT)
        _check_window(locked.contract, what="修改兑券申请")
        errors = FieldErrors()
        number = (data.invoice_number or "").strip()
        normalised = normalise_invoice_number(number)
        if not normalised:
            errors.add("invoice_number", "required", "请填写发票号码。")
        elif len(number) > 40:
            errors.add("invoice_number", "too_long", "发票号码不能超过40个字符。")
        elif _invoice_taken(normalised, locked):
            errors.add(
                "invoice_number",
                "invoice_number_taken",
                f"发票号码 {number} 已用于其他兑券申请，同一张发票不能重复兑券。",
            )
        signed = locked.contract.signed_on
        today = clock.today()
        for field, label, day in (
            ("invoice_date", "开票日期", data.invoice_date),
            ("receipt_date", "银行收款日期", data.receipt_date),
        ):
            if day is None:
                errors.add(field, "required", f"请填写{label}。")
            elif day < signed:
                errors.add(field, "date_before_contract", f"{label}不得早于合同签订日期 {signed:%Y-%m-%d}。")
            elif day > today:
                errors.add(field, "date_in_future", f"{label}不能晚于今天（{today:%Y-%m-%d}）。")
        reference = clean_text(data.receipt_reference).strip()
        if len(reference) > 60:
            errors.add("receipt_reference", "too_long", "银行回单编号不能超过60个字符。")
        invoice_amount = positive_money(errors, "invoice_amount", data.invoice_amount, "发票金额")
        receipt_amount = positive_money(errors, "receipt_amount", data.receipt_amount, "银行收款金额")
        errors.raise_any()
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        values = {
            "invoice_number": number,
            "invoice_number_normalised": normalised,
            "invoice_date": data.invoice_date,
            "invoice_amount": invoice_amount,
            "receipt_date": data.receipt_date,
            "receipt_amount": receipt_amount,
            "receipt_reference": reference,
        }
        if all(getattr(locked, name) == value for name, value in values.items()):
            _record_corrections(actor, locked)  # a reading that arrived since is still compared
            return locked  # saved unchanged: the claim and its revision stay as they were
        for name, value in values.items():
            setattr(locked, name, value)
        try:
            with transaction.atomic():
                _touch(locked, list(values))
        except IntegrityError:
            # Another claim took the number between our check and the write.
            raise refuse(
                "invoice_number_taken",
                f"发票号码 {number} 已用于其他兑券申请，同一张发票不能重复兑券。",
                "invoice_number",
            ) from None
        audit_record(
            actor=actor,
            action="claim.data_saved",
            obj=locked,
            before=before,
            after=snapshot(locked, CLAIM_AUDIT_FIELDS),
        )
        _record_corrections(actor, locked)
        return locked


def _entered_values(claim: Claim) -> dict[str, Any]:
    """The claim's invoice data keyed by the reading field it confirms or corrects."""
    return {
        "invoice_number": claim.invoice_number_normalised,
        "issue_date": claim.invoice_date,
        "total": claim.invoice_amount,
    }


def _record_corrections(actor: Any, claim: Claim) -> None:
    """Compare the saved invoice data with the invoice reading; record each extracted value the provider
    changed (and forget a correction the provider has undone), with an audit event per change."""
    row = invoice_reading(claim)
    if row is None or not row.readable:
        return
    read = {
        "invoice_number": row.invoice_number_normalised,
        "issue_date": row.issue_date,
        "total": row.total,
    }
    corrections = dict(row.corrections)
    for field, entered in _entered_values(claim).items():
        value = read[field]
        if value in (None, "") or entered == value:
            corrections.pop(field, None)
            continue
        shown = {"read": str(value), "entered": str(entered) if entered is not None else None}
        if {k: corrections.get(field, {}).get(k) for k in shown} != shown:
            corrections[field] = {**shown, "at": clock.now().isoformat()}
            audit_record(
                actor=actor,
                action="claim.invoice_reading_corrected",
                obj=claim,
                before={"field": field, "value": shown["read"]},
                after={"field": field, "value": shown["entered"]},
            )
    if corrections != row.corrections:
        row.corrections = corrections
        row.save(update_fields=["corrections"])


def _read_invoice(claim: Claim, material: ClaimMaterial, data: bytes) -> MaterialReading:
    """Read the uploaded invoice file (voucher.claims.invoices) and keep the result with the file."""
    result = read_invoice(data)
    fields: dict[str, Any] = {"readable": result.readable}
    if isinstance(result, InvoiceReading):
        fields.update(
            source=result.source,
            invoice_number=result.invoice_number,
            invoice_number_normalised=normalise_invoice_number(result.invoice_number),
            issue_date=result.issue_date,
            seller_name=result.seller_name,
            seller_tax_id=result.seller_tax_id,
            buyer_name=result.buyer_name,
            buyer_tax_id=result.buyer_tax_id,
            item_names=list(result.item_names),
            amount_without_tax=result.amount_without_tax,
            tax=result.tax,
            total=result.total,
        )
    else:
        fields["reason"] = result.reason[:200]
    return MaterialReading.objects.create(material=material, claim=claim, read_at=clock.now(), **fields)


# --- materials (R2) ---------------------------------------------------------------------------------


def _slot_for(claim: Claim, kind: str, field: str = "kind") -> Any:
    if kind not in SLOTS:
        raise refuse("invalid_kind", "材料类型无效。", field)
    slot = SLOTS[kind]
    if slot.digital_marketing_only and not is_digital_marketing(claim):
        raise refuse("slot_not_applicable", f"“{slot.label}”仅数字化营销服务订单需要上传。", field)
    return slot


def _store(
    *,
    actor: Any,
    claim: Claim,
    kind: str,
    name: str,
    data: bytes,
    checked: claim_files.CheckedFile,
    merged_from: list[str],
) -> ClaimMaterial:
    slot = SLOTS[kind]
    now = clock.now()
    replaced: list[ClaimMaterial] = []
    if slot.single:
        replaced = list(
            ClaimMaterial.objects.select_for_update().filter(
                claim=claim, kind=kind, superseded_at__isnull=True
            )
        )
        # Mark the old file first: the unique constraint allows one current file per type.
        ClaimMaterial.objects.filter(pk__in=[m.pk for m in replaced]).update(superseded_at=now)
    material = ClaimMaterial(
        claim=claim,
        kind=kind,
        original_name=name,
        content_type=checked.inspected.content_type,
        size=len(data),
        sha256=checked.inspected.sha256,
        page_count=checked.page_count,
        text=checked.text,
        merged_from=merged_from,
        uploaded_by=actor,
        uploaded_at=now,
    )
    material.file.save(name, ContentFile(data), save=False)
    stored = material.file.name
    try:
        material.save()
        ClaimMaterial.objects.filter(pk__in=[m.pk for m in replaced]).update(superseded_by=material)
        if kind == MaterialKind.INVOICE:
            reading = _read_invoice(claim, material, data)
            audit_record(
                actor=actor,
                action="claim.invoice_read",
                obj=claim,
                after={"file": name, "readable": reading.readable, "source": reading.source},
            )
        for old in replaced:
            audit_record(
                actor=actor,
                action="claim.material_replaced",
                obj=claim,
                before={"kind": kind, "file": old.original_name, "sha256": old.sha256},
                after={"kind": kind, "file": material.original_name, "sha256": material.sha256},
            )
        audit_record(
            actor=actor,
            action="claim.material_uploaded",
            obj=claim,
            after={
                "kind": kind,
                "file": name,
                "size": material.size,
                "sha256": material.sha256,
                "pages": material.page_count,
                "merged_from": merged_from,
            },
        )
        _touch(claim, [])
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return material


def claim_material_upload(*, actor: Any, claim: Claim, kind: str, file: Any) -> ClaimMaterial:
    """Put one file in its slot after checking its content; a file already in a single slot is kept as
    superseded (R2: exactly one current file per type, "other" may hold several)."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        _check_window(locked.contract, what="上传兑券材料")
        slot = _slot_for(locked, kind)
        checked = claim_files.check_file(file, allowed=slot.accepts)
        return _store(
            actor=actor,
            claim=locked,
            kind=kind,
            name=checked.name,
            data=checked.data,
            checked=checked,
            merged_from=[],
        )


def claim_material_merge(
    *, actor: Any, claim: Claim, kind: str, files: list[Any], order: str | None = None, name: str = ""
) -> ClaimMaterial:
    """Merge several images/PDFs into one PDF in the chosen order (``"3,1,2"``: 1-based positions of the
    uploaded files) and put it in the slot, as :func:`claim_material_upload` does."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        _check_window(locked.contract, what="上传兑券材料")
        slot = _slot_for(locked, kind)
        if PDF not in slot.accepts:
            raise refuse("merge_bad_slot", f"“{slot.label}”不接受 PDF。", "kind")
        files = [f for f in files if f]
        if len(files) < 2:
            raise refuse("merge_too_few", "请至少选择两个文件进行合并。", "files")
        positions = claim_files.parse_order(order, len(files))
        parts = []
        for file in files:
            checked = claim_files.check_file(file, allowed=(PDF, PNG, JPEG), field="files")
            parts.append((checked.name, checked.data))
        ordered = [parts[i] for i in positions]
        merged = claim_files.merge_to_pdf(ordered)
        label = (
            clean_text(name).strip().replace("/", "_")[:80]
            or f"{MaterialKind(kind).label.split('（')[0]}-合并"
        )
        file_name = label if label.lower().endswith(".pdf") else f"{label}.pdf"
        result = claim_files.check_file(ContentFile(merged, name=file_name), allowed=slot.accepts)
        return _store(
            actor=actor,
            claim=locked,
            kind=kind,
            name=file_name,
            data=merged,
            checked=result,
            merged_from=[n for n, _ in ordered],
        )


def claim_material_withdraw(*, actor: Any, claim: Claim, material: ClaimMaterial) -> ClaimMaterial:
    """Take a file out of the claim before submission; it is kept as superseded for the audit trail."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        row = ClaimMaterial.objects.select_for_update().get(pk=material.pk, claim=locked)
        if row.superseded_at is not None:
            raise refuse("already_withdrawn", "该文件已被替换或撤下。")
        row.superseded_at = clock.now()
        row.save(update_fields=["superseded_at"])
        audit_record(
            actor=actor,
            action="claim.material_withdrawn",
            obj=locked,
            before={"kind": row.kind, "file": row.original_name, "sha256": row.sha256},
            after={"kind": row.kind, "file": None},
        )
        _touch(locked, [])
        return row


# --- pre-checks (R8) and submission (R4) --------------------------------------------------------------


def _store_prechecks(claim: Claim) -> list[PreCheck]:
    now = clock.now()
    results = run_prechecks(claim)
    PreCheck.objects.filter(claim=claim).exclude(code__in=[r.code for r in results]).delete()
    stored = []
    for position, result in enumerate(results):
        row, _ = PreCheck.objects.update_or_create(
            claim=claim,
            code=result.code,
            defaults={
                "title": result.title,
                "outcome": result.outcome,
                "message": result.message,
                "evidence": result.evidence,
                "position": position,
                "checked_at": now,
            },
        )
        stored.append(row)
    return stored


def claim_run_prechecks(*, actor: Any, claim: Claim) -> list[PreCheck]:
    """Compute and store the pre-checks so the provider sees them before submitting (R8)."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        return _store_prechecks(locked)


def submission_problems(claim: Claim) -> list[str]:
    """What still blocks submission: missing data and empty required slots (content checks are pre-checks)."""
    problems = []
    if not claim.invoice_number or claim.invoice_date is None or claim.invoice_amount is None:
        problems.append("请填写发票号码、开票日期和发票金额。")
    if claim.receipt_date is None or claim.receipt_amount is None:
        problems.append("请填写银行收款日期和收款金额。")
    present = set(claim.materials.filter(superseded_at__isnull=True).values_list("kind", flat=True))
    missing = [str(MaterialKind(k).label) for k in required_kinds(claim) if k not in present]
    if missing:
        problems.append("请上传：" + "、".join(missing) + "。")
    return problems


def claim_submit(*, actor: Any, claim: Claim, confirmed: bool, revision: int | None = None) -> Claim:
    """完成服务: the provider submits the claim, irreversibly (R4). Needs the explicit confirmation and, when
    given, the revision the confirmation page showed; locks the contract against amendments."""
    can_edit_claim(actor, claim).enforce()
    if not confirmed:
        raise refuse("confirmation_required", "请勾选确认：提交后不能撤回或修改兑券材料。", "confirm")
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        new_status = transition(locked.status, ClaimAction.SUBMIT)
        _check_window(locked.contract)
        # M5: no claim is accepted while the provider or the ordering enterprise is banned.
        for party in (locked.provider_id, locked.enterprise_id):
            if not (banned := sanction_refusal(organisation_id=party, on=clock.today())):
                raise refuse("sanctioned", banned.reason)
        if locked.contract.status not in CLAIMABLE_CONTRACT_STATUSES:
            raise refuse(
                "contract_not_confirmed",
                f"合同当前状态为“{locked.contract.get_status_display()}”，企业确认合同后方可提交兑券申请。",
            )
        if revision is not None and revision != locked.revision:
            raise refuse(
                "claim_changed", "兑券申请在确认页面打开后已被修改，请重新核对后再提交。", "revision"
            )
        problems = submission_problems(locked)
        if problems:
            raise refuse("claim_incomplete", "".join(problems))
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        now = clock.now()
        _store_prechecks(locked)
        contract_lock_for_claim(contract=locked.contract, actor=actor)
        locked.status = new_status
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.submission_count += 1
        locked.risk_flags = [f.as_json() for f in risk_flags(locked)]
        _touch(locked, ["status", "submitted_at", "submitted_by", "submission_count", "risk_flags"])
        ClaimDecision.objects.create(claim=locked, action=ClaimAction.SUBMIT, at=now, actor=actor)
        audit_record(
            actor=actor,
            action="claim.submitted",
            obj=locked,
            before=before,
            after=snapshot(locked, CLAIM_AUDIT_FIELDS),
        )
        notify(
            recipients=_members(locked.enterprise_id, Role.ENTERPRISE),
            kind="claim_submitted",
            title=f"服务商已提交兑券申请：{locked.order.number}",
            body=f"{locked.order.product.name}：服务券抵用额度 {format_cny(locked.contract.deduction)}，等待评审。",
            url=_url(locked),
        )
        return locked


# --- waivers (R5) -------------------------------------------------------------------------------------


def _lock_account(contract: Contract) -> QuotaAccount:
    return QuotaAccount.objects.select_for_update().get(
        organisation_id=contract.enterprise_id, programme_id=contract.programme_id
    )


def _release_commitment(*, actor: Any, claim: Claim, account: QuotaAccount, note: str) -> None:
    quota_release_commitment(
        actor=actor,
        account=account,
        amount=claim.contract.deduction,
        reference=claim.order.number,
        note=note[:300],
    )
    claim.quota_settled_at = clock.now()


def claim_waive(*, actor: Any, contract: Contract, statement: str, file: Any = None) -> Claim:
    """The provider files a waiver statement (放弃兑付声明) within the claim period (R5); the contract's
    committed deduction returns to the enterprise's available quota."""
    can_file_claim(actor, contract).enforce()
    text = (statement or "").strip()
    if not text:
        raise refuse("statement_required", "请填写放弃兑付声明。", "statement")
    if len(text) > REASON_MAX:
        raise refuse("too_long", f"声明不能超过{REASON_MAX}字。", "statement")
    checked = claim_files.check_file(file, allowed=(PDF, PNG, JPEG), field="file") if file else None
    with transaction.atomic():
        account = _lock_account(contract)
        claim = Claim.objects.filter(contract_id=contract.pk).first()
        if claim is None:
            locked_contract = (
                Contract.objects.select_for_update(of=("self",))
                .select_related("programme")
                .get(pk=contract.pk)
            )
            _check_window(locked_contract, what="放弃兑付")
            claim = _new_claim(locked_contract, actor, ClaimStatus.DRAFT)
        locked = _lock_claim(claim)
        new_status = transition(locked.status, ClaimAction.WAIVE)
        _check_window(locked.contract, what="放弃兑付")
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        now = clock.now()
        contract_lock_for_claim(contract=locked.contract, actor=actor)
        locked.status = new_status
        locked.waived_at = now
        locked.waiver_statement = text
        if checked is not None:
            locked.waiver_file.save(checked.name, ContentFile(checked.data), save=False)
            locked.waiver_file_name = checked.name
        _release_commitment(actor=actor, claim=locked, account=account, note="服务商放弃兑付")
        _touch(
            locked,
            [
                "status",
                "waived_at",
                "waiver_statement",
                "waiver_file",
                "waiver_file_name",
                "quota_settled_at",
            ],
        )
        ClaimDecision.objects.create(claim=locked, action=ClaimAction.WAIVE, at=now, actor=actor, reason=text)
        audit_record(
            actor=actor,
            action="claim.waived",
            obj=locked,
            before=before,
            after=snapshot(locked, CLAIM_AUDIT_FIELDS),
            note=text,
        )
        notify(
            recipients=_members(locked.enterprise_id, Role.ENTERPRISE),
            kind="claim_waived",
            title=f"服务商已放弃兑付：{locked.order.number}",
            body=f"该订单占用的服务券额度 {format_cny(locked.contract.deduction)} 已退回贵单位可用额度。",
            url=_url(locked),
        )
        return locked


def _overdue_contracts(today: dt.date) -> QuerySet[Contract]:
    """Contracts whose claim period has ended with no claim filed (no claim, a draft or a returned claim)."""
    overdue = Q(pk__in=[])
    for programme in ProgrammeYear.objects.all():
        cutoff = periods.earliest_event(today, weeks=programme.claim_weeks_after_use)
        in_year = Q(programme=programme)
        if programme.claim_final_date < today:
            overdue |= in_year
        else:
            overdue |= in_year & Q(service_end__lt=cutoff)
    open_claim = Q(claim__isnull=True) | Q(claim__status__in=EDITABLE_STATUSES)
    return Contract.objects.filter(overdue & open_claim).order_by("pk")


def claims_sweep(*, today: dt.date | None = None) -> list[Claim]:
    """Mark the claims of contracts whose claim period ended without a filed claim as waived (R5 "视同为自动
    放弃"), creating the waived record when there is none, and release the commitment. Idempotent and safe to
    run concurrently: each contract is settled under its enterprise's account lock and re-checked there."""
    day = today or clock.today()
    waived: list[Claim] = []
    for contract_id in list(_overdue_contracts(day).values_list("pk", flat=True)):
        result = _sweep_one(contract_id, day)
        if result is not None:
            waived.append(result)
    return waived


def _sweep_one(contract_id: int, day: dt.date) -> Claim | None:
    with transaction.atomic():
        contract = Contract.objects.select_related("programme").get(pk=contract_id)
        account = _lock_account(contract)
        claim = Claim.objects.filter(contract_id=contract_id).first()
        if claim is None:
            contract = (
                Contract.objects.select_for_update(of=("self",))
                .select_related("programme")
                .get(pk=contract_id)
            )
            if claim_window(contract).deadline >= day:
                return None
            claim = _new_claim(contract, None, ClaimStatus.DRAFT)
        locked = _lock_claim(claim)
        if locked.status not in EDITABLE_STATUSES or claim_window(locked.contract).deadline >= day:
            return None
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        now = clock.now()
        deadline = claim_window(locked.contract).deadline
        contract_lock_for_claim(contract=locked.contract, actor=None)
        locked.status = transition(locked.status, ClaimAction.EXPIRE)
        locked.waived_at = now
        locked.waived_automatically = True
        locked.waiver_statement = (
            f"兑券期限 {deadline:%Y-%m-%d} 前未提交兑券申请或放弃兑付声明，视同自动放弃。"
        )
        _release_commitment(actor=None, claim=locked, account=account, note="逾期未申请兑券，视同放弃")
        _touch(
            locked, ["status", "waived_at", "waived_automatically", "waiver_statement", "quota_settled_at"]
        )
        ClaimDecision.objects.create(
            claim=locked, action=ClaimAction.EXPIRE, at=now, reason=locked.waiver_statement
        )
        audit_record(
            actor=None,
            action="claim.auto_waived",
            obj=locked,
            before=before,
            after=snapshot(locked, CLAIM_AUDIT_FIELDS),
        )
        notify(
            recipients=[
                *_members(locked.provider_id, Role.PROVIDER),
                *_members(locked.enterprise_id, Role.ENTERPRISE),
            ],
            kind="claim_auto_waived",
            title=f"订单 {locked.order.number} 逾期未兑券，视同放弃",
            body=locked.waiver_statement
            + f" 服务券额度 {format_cny(locked.contract.deduction)} 已退回企业可用额度。",
            url=_url(locked),
        )
        return locked


# --- review (R6) -------------------------------------------------------------------------------------


def claim_credit_check(*, actor: Any, claim: Claim) -> CreditCheck:
    """Check the enterprise's credit at claim review (E4) and keep the result on the claim; never by a
    reviewer of either party's organisation (conflict of interest)."""
    can_review_queue(actor).enforce()
    reviewer_conflict(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        record = credit_check(organisation=locked.enterprise, actor=actor, context=CreditContext.CLAIM_REVIEW)
        locked.credit_check = record
        locked.save(update_fields=["credit_check"])
        claim.credit_check = record
        return record


def claim_decide(*, actor: Any, claim: Claim, action: str, payout: Any = None, reason: str = "") -> Claim:
    """A reviewer approves (payout ≤ the contract's deduction; a reduction needs a reason), returns the claim
    for supplementary material (once, within the claim period) or voids the order (reason required). Moves
    the quota ledger, records the decision and tells the provider and the enterprise."""
    can_review_claim(actor, claim).enforce()
    if action not in (ClaimAction.APPROVE, ClaimAction.RETURN, ClaimAction.VOID):
        raise refuse("invalid_action", "请选择审核结论。", "action")
    text = (reason or "").strip()
    if len(text) > REASON_MAX:
        raise refuse("too_long", f"意见不能超过{REASON_MAX}字。", "reason")
    record = None
    if action == ClaimAction.APPROVE:
        # Stored on its own, so a failed check stays on record even though the approval is refused.
        record = credit_check(organisation=claim.enterprise, actor=actor, context=CreditContext.CLAIM_REVIEW)
        Claim.objects.filter(pk=claim.pk).update(credit_check=record)
    with transaction.atomic():
        account = _lock_account(claim.contract)
        locked = _lock_claim(claim)
        can_review_claim(actor, locked).enforce()
        new_status = transition(locked.status, action)
        contract = locked.contract
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        now = clock.now()
        amount: Decimal | None = None
        if action == ClaimAction.APPROVE:
            if payout is None or payout == "":
                raise refuse("required", "请填写核定兑付金额。", "payout")
            try:
                amount = to_money(payout)
            except MoneyError as exc:
                raise refuse("invalid_amount", str(exc), "payout") from None
            if amount <= 0:
                raise refuse("amount_not_positive", "核定兑付金额必须大于 0。", "payout")
            if amount > contract.deduction:
                raise refuse(
                    "payout_above_deduction",
                    f"核定兑付金额不能超过合同约定的服务券抵用额度 {format_cny(contract.deduction)}。",
                    "payout",
                )
            if amount < contract.deduction and not text:
                raise refuse("reason_required", "核减兑付金额时须填写核减原因。", "reason")
            assert record is not None
            locked.credit_check = record
            if record.outcome == CreditOutcome.FAIL:
                raise refuse(
                    "credit_failed", f"企业信用核查未通过：{record.reason} 不能审核通过，请作废订单。"
                )
            if amount < contract.deduction:
                quota_release_commitment(
                    actor=actor,
                    account=account,
                    amount=contract.deduction - amount,
                    reference=locked.order.number,
                    note=f"兑券审核核减，核定兑付 {format_cny(amount)}（核减：{text}）"[:300],
                )
            locked.approved_payout = amount
            locked.quota_settled_at = now
            title = f"兑券申请审核通过：{locked.order.number}"
            body = f"核定兑付金额 {format_cny(amount)}（合同抵用额度 {format_cny(contract.deduction)}）。" + (
                f"核减原因：{text}" if amount < contract.deduction else ""
            )
        elif action == ClaimAction.RETURN:
            if not text:
                raise refuse("reason_required", "请填写需补充的材料或问题。", "reason")
            if locked.return_count >= 1:
                raise refuse("already_returned", "兑券申请只能退回补充材料一次。")
            _check_window(contract, what="退回补充材料")
            locked.return_count += 1
            locked.return_comment = text
            title = f"兑券申请退回补充材料：{locked.order.number}"
            body = f"{text} 请在兑券截止日 {claim_window(contract).deadline:%Y-%m-%d} 前补充后重新提交。"
        else:
            if not text:
                raise refuse("reason_required", "请填写订单作废原因。", "reason")
            _release_commitment(actor=actor, claim=locked, account=account, note=f"订单作废：{text}")
            title = f"订单作废，不予兑付：{locked.order.number}"
            body = f"原因：{text}"
        locked.status = new_status
        locked.decision_reason = text
        locked.decided_at = now
        locked.decided_by = actor
        _touch(
            locked,
            [
                "status",
                "decision_reason",
                "decided_at",
                "decided_by",
                "approved_payout",
                "quota_settled_at",
                "return_count",
                "return_comment",
                "credit_check",
            ],
        )
        ClaimDecision.objects.create(
            claim=locked, action=action, payout=amount, reason=text, at=now, actor=actor
        )
        audit_record(
            actor=actor,
            action=f"claim.{action}",
            obj=locked,
            before=before,
            after=snapshot(locked, CLAIM_AUDIT_FIELDS),
            note=text,
        )
        notify(
            recipients=[
                *_members(locked.provider_id, Role.PROVIDER),
                *_members(locked.enterprise_id, Role.ENTERPRISE),
            ],
            kind=f"claim_{action}",
            title=title,
            body=body,
            url=_url(locked),
        )
        return locked
