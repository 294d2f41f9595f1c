"""Claim statuses, actions, material types and pre-check outcomes (SPEC R1–R8)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from voucher.core.uploads import JPEG, OFD, PDF, PNG, XML


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "待提交（可保存后继续）"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "退回补充材料"
    APPROVED = "approved", "审核通过"
    VOIDED = "voided", "订单作废"
    WAIVED = "waived", "已放弃兑付"


class ClaimAction(models.TextChoices):
    EDIT = "edit", "修改兑券材料"
    SUBMIT = "submit", "提交兑券申请（完成服务）"
    WAIVE = "waive", "放弃兑付"
    EXPIRE = "expire", "逾期视同放弃"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回补充材料"
    VOID = "void", "订单作废"


# The provider may still change these claims; the others are final or with the reviewer.
EDITABLE_STATUSES = (ClaimStatus.DRAFT, ClaimStatus.RETURNED)
# Claims whose contract commitment has been settled in the quota ledger (paid or released).
SETTLED_STATUSES = (ClaimStatus.APPROVED, ClaimStatus.VOIDED, ClaimStatus.WAIVED)


class MaterialKind(models.TextChoices):
    PLEDGE = "pledge", "中小微企业划型及用券承诺（企业盖章 PDF）"
    INDUSTRY_PROOF = "industry_proof", "国民经济行业分类证明（数字化营销订单）"
    INVOICE = "invoice", "发票（PDF、OFD 或数电票 XML）"
    INVOICE_VERIFICATION = "invoice_verification", "发票真伪验证结果"
    BANK_RECEIPT = "bank_receipt", "服务商银行收款凭证（银行回执单）"
    CONTRACT = "contract", "服务合同（双方盖章 PDF）"
    OTHER = "other", "其他材料"


@dataclass(frozen=True)
class Slot:
    """One typed upload slot: which file types it takes and whether it holds exactly one file."""

    kind: str
    accepts: tuple[str, ...]
    single: bool = True
    digital_marketing_only: bool = False

    @property
    def label(self) -> str:
        return str(MaterialKind(self.kind).label)


_ANY = (PDF, PNG, JPEG)
SLOTS: dict[str, Slot] = {
    MaterialKind.PLEDGE: Slot(MaterialKind.PLEDGE, (PDF,)),
    MaterialKind.INDUSTRY_PROOF: Slot(MaterialKind.INDUSTRY_PROOF, _ANY, digital_marketing_only=True),
    MaterialKind.INVOICE: Slot(MaterialKind.INVOICE, (PDF, OFD, XML)),
    MaterialKind.INVOICE_VERIFICATION: Slot(MaterialKind.INVOICE_VERIFICATION, _ANY),
    MaterialKind.BANK_RECEIPT: Slot(MaterialKind.BANK_RECEIPT, _ANY),
    MaterialKind.CONTRACT: Slot(MaterialKind.CONTRACT, (PDF,)),
    MaterialKind.OTHER: Slot(MaterialKind.OTHER, _ANY, single=False),
}


class CheckOutcome(models.TextChoices):
    PASS = "pass", "通过"
    FAIL = "fail", "不通过"
    UNKNOWN = "unknown", "无法判断"


class CheckCode(models.TextChoices):
    MATERIALS = "materials", "必需材料齐全且可读"
    CONTRACT_ORDER_NUMBER = "contract_order_number", "合同含系统订单编号"
    CONTRACT_ORDER_TIME = "contract_order_time", "合同含系统下单时间"
    CONTRACT_PRODUCT_NAME = "contract_product_name", "合同含产品名称"
    INVOICE_AMOUNT = "invoice_amount", "填写的发票金额与合同金额一致"
    RECEIPT_AMOUNT = "receipt_amount", "收款金额与企业自付额度一致"
    DATES = "dates", "发票及收款日期不早于合同签订日期"
    SERVICE_COMPLETED = "service_completed", "企业已确认服务完成"
    INDUSTRY = "industry", "企业行业代码符合数字化营销要求"
    INVOICE_BUYER = "invoice_buyer", "发票购买方为下单企业"
    INVOICE_SELLER = "invoice_seller", "发票销售方为服务商"
    INVOICE_ISSUE_DATE = "invoice_issue_date", "发票开票日期不早于合同签订日期"
    INVOICE_TOTAL = "invoice_total", "发票价税合计与合同金额一致"
    INVOICE_ITEMS = "invoice_items", "发票项目名称与产品或服务方向相符"
    INVOICE_UNIQUE = "invoice_unique", "发票号码未用于其他兑券申请"
