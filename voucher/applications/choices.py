"""Statuses, material slots and check outcomes of product applications (SPEC P4, P5, P9)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class ApplicationStatus(models.TextChoices):
    """The five statuses of 我的申报 (annex 2-1-3 §2.1)."""

    DRAFT = "draft", "待提交"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "审核不通过"


class ApplicationAction(models.TextChoices):
    """The moves between statuses; the table in :mod:`voucher.applications.transitions` allows them."""

    SUBMIT = "submit", "提交"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回修改"
    REJECT = "reject", "审核不通过"


class CheckOutcome(models.TextChoices):
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    UNKNOWN = "unknown", "无法判断"


class MaterialScope(models.TextChoices):
    PROVIDER = "provider", "服务商申请材料"
    PRODUCT = "product", "配券产品申请材料"


class MaterialKind(models.TextChoices):
    """Typed upload slots: annex 2-1 §一 (9 provider items) and §二 (6 product items; item 1 is two files)."""

    INTRODUCTION = "introduction", "1. 服务商详细介绍"
    LICENCE = "licence", "2. 申报单位营业执照"
    PREMISES = "premises", "3. 运营所在地证明文件"
    CREDIT_REPORT = "credit_report", "4. 信用查询结果（信用中国（北京）及失信被执行人查询）"
    SOCIAL_INSURANCE = "social_insurance", "5. 上年12月从业人员社保缴纳记录"
    FINANCIALS = "financials", "6. 近两年财务审计报告/专审报告/财务报表"
    SME_CONTRACTS = "sme_contracts", "7. 上年度签约北京市中小企业合同扫描件"
    QUALIFICATIONS = "qualifications", "8. 申请服务方向相关专业资质"
    OTHER_PROOF = "other_proof", "9. 其他证明材料"
    FORM_EXCEL = "form_excel", "1. 配券产品申请表（可编辑Excel版）"
    FORM_SCAN = "form_scan", "1. 配券产品申请表（盖章扫描件）"
    PRICE_PROOF = "price_proof", "2. 产品价格证明文件"
    REVENUE_METHOD = "revenue_method", "3. 上年度该产品北京地区营业收入测算说明"
    CLIENT_LIST = "client_list", "4. 上年度该产品北京地区签约企业名单"
    IP_PROOF = "ip_proof", "5. 知识产权或销售/售后体系证明（大模型产品含网信办备案材料）"
    HIGH_GROWTH_LIST = "high_growth_list", "6. 近两年服务的专精特新、小巨人等高成长型企业名单"


@dataclass(frozen=True)
class Slot:
    """One upload slot: which files it takes and whether submission needs it."""

    kind: str
    scope: str
    accepts: tuple[str, ...]
    required: bool
    single: bool
    hint: str


_DOCS = ("pdf", "png", "jpeg")

SLOTS: dict[str, Slot] = {
    s.kind: s
    for s in [
        Slot(
            MaterialKind.INTRODUCTION,
            MaterialScope.PROVIDER,
            _DOCS,
            False,
            False,
            "详细介绍正文请在“申报资料”页填写（字数按年度要求核验），此处可上传盖章版。",
        ),
        Slot(MaterialKind.LICENCE, MaterialScope.PROVIDER, _DOCS, True, False, "营业执照扫描件。"),
        Slot(
            MaterialKind.PREMISES,
            MaterialScope.PROVIDER,
            _DOCS,
            True,
            False,
            "房屋产权证或租赁合同；京外注册的服务商须同时提供在北京的经营场所材料。",
        ),
        Slot(
            MaterialKind.CREDIT_REPORT,
            MaterialScope.PROVIDER,
            _DOCS,
            True,
            False,
            "“信用中国（北京）”查询导出文件和失信被执行人查询报告或截图。",
        ),
        Slot(
            MaterialKind.SOCIAL_INSURANCE,
            MaterialScope.PROVIDER,
            _DOCS,
            True,
            False,
            "上年12月社保缴纳记录。",
        ),
        Slot(
            MaterialKind.FINANCIALS,
            MaterialScope.PROVIDER,
            _DOCS,
            True,
            False,
            "近两年财务审计报告、专审报告或财务报表。",
        ),
        Slot(
            MaterialKind.SME_CONTRACTS,
            MaterialScope.PROVIDER,
            _DOCS,
            True,
            False,
            "上年度与北京市中小企业签订的合同扫描件，每份一个文件，数量按年度要求核验。",
        ),
        Slot(
            MaterialKind.QUALIFICATIONS,
            MaterialScope.PROVIDER,
            _DOCS,
            False,
            False,
            "资质认证、经营许可等；申报方向有资质要求时必须上传。",
        ),
        Slot(
            MaterialKind.OTHER_PROOF,
            MaterialScope.PROVIDER,
            _DOCS,
            False,
            False,
            "其他证明资质条件、优势特色的材料。",
        ),
        Slot(
            MaterialKind.FORM_EXCEL,
            MaterialScope.PRODUCT,
            ("xlsx",),
            True,
            True,
            "通过“下载Excel模板”填写后上传；上传后可用“导入Excel”填充表单。",
        ),
        Slot(
            MaterialKind.FORM_SCAN,
            MaterialScope.PRODUCT,
            _DOCS,
            True,
            True,
            "加盖申请单位公章的扫描件；与Excel不一致时以扫描件为准。",
        ),
        Slot(
            MaterialKind.PRICE_PROOF,
            MaterialScope.PRODUCT,
            _DOCS,
            True,
            False,
            "报价明细表，以及近几个月的合同+发票+转账凭证（套数按年度要求）。",
        ),
        Slot(
            MaterialKind.REVENUE_METHOD,
            MaterialScope.PRODUCT,
            _DOCS,
            True,
            False,
            "测算过程/方法/依据说明或专审报告。",
        ),
        Slot(
            MaterialKind.CLIENT_LIST,
            MaterialScope.PRODUCT,
            (*_DOCS, "xlsx"),
            True,
            False,
            "“序号+企业名称”格式。",
        ),
        Slot(
            MaterialKind.IP_PROOF,
            MaterialScope.PRODUCT,
            _DOCS,
            True,
            False,
            "软著、专利或销售资质/销售体系/售后服务证明；大模型产品另附网信办备案截图或文件。",
        ),
        Slot(
            MaterialKind.HIGH_GROWTH_LIST,
            MaterialScope.PRODUCT,
            (*_DOCS, "xlsx"),
            False,
            False,
            "“序号+企业名称+企业资质”格式；填写了高成长型企业数量时必须上传。",
        ),
    ]
}

PROVIDER_KINDS = [k for k, s in SLOTS.items() if s.scope == MaterialScope.PROVIDER]
PRODUCT_KINDS = [k for k, s in SLOTS.items() if s.scope == MaterialScope.PRODUCT]

# Attributes checked by the form (annex 2-1-1 "具备知识产权或销售资质/售后情况").
IP_SALES_FLAGS = {
    "has_ip": "知识产权",
    "has_sales_qualification": "销售资质",
    "has_sales_system": "销售体系",
    "has_after_sales": "售后服务",
}

NOT_APPLICABLE = "不涉及"
MARKET_SHARE_UNAVAILABLE = "无法统计"
