"""Page forms. They only render and collect input; every rule is checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms

from voucher.applications.choices import PRODUCT_KINDS, PROVIDER_KINDS, MaterialKind
from voucher.applications.excel import _amount_text
from voucher.applications.models import Application, ProviderDossier
from voucher.applications.rules import product_lines, qualification_options, software_category_choices
from voucher.applications.validation import FORM_FIELDS
from voucher.core.forms import PlatformForm
from voucher.programmes.models import Direction, ProgrammeYear

STARRED = {
    "direction",
    "product_name",
    "provider_name",
    "summary",
    "price_amount",
    "price_unit",
    "pricing_basis",
    "client_count",
    "revenue_wan",
    "contact_name",
    "contact_mobile",
}


def _text(label: str, help_text: str = "", textarea: bool = False, **attrs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 4, **attrs}) if textarea else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, help_text=help_text, widget=widget)


def _add_category_fields(f: dict[str, forms.Field], programme: ProgrammeYear) -> None:
    """The direction, sub-type, product-line and software-category choices of ``programme``."""
    directions = list(
        Direction.objects.filter(programme=programme)
        .prefetch_related("subtypes", "requirements")
        .order_by("number")
    )
    lines: dict[str, list[str]] = {}
    for direction in directions:
        for code, name in product_lines(direction):
            lines.setdefault(code, []).append(f"{direction.name}·{name}")
    f["direction"] = forms.ChoiceField(
        label="服务产品所属类别",
        required=False,
        help_text="以上9类仅选一项",
        choices=[("", "请选择")] + [(str(d.number), f"{d.number}. {d.name}") for d in directions],
    )
    f["subtype"] = forms.ChoiceField(
        label="子类（仅数智转型系统）",
        required=False,
        choices=[("", "—")] + [(s.code, s.name) for d in directions for s in d.subtypes.all()],
    )
    f["product_line"] = forms.ChoiceField(
        label="产品线（芯片测试和认证、能源管理体系建设咨询和认证）",
        required=False,
        choices=[("", "—")] + [(code, "；".join(names)) for code, names in lines.items()],
    )
    f["software_type"] = forms.ChoiceField(
        label="软件类别（仅数字化转型通用软件）",
        required=False,
        choices=[("", "—"), *software_category_choices(programme)],
        help_text="从列表中选择；标“指南除外”的工具类软件不予支持",
    )


def _add_product_fields(f: dict[str, forms.Field], programme: ProgrammeYear) -> None:
    """The product, provider, figures, qualification, contact and price-proof fields."""
    last = programme.year - 1
    f["software_type_note"] = _text("软件类别说明", "软件类别选“其他”时填写")
    f["product_name"] = _text(
        "服务产品名称", "公示后不可修改；与上架、宣传、销售及合同名称完全一致；组合产品须拆分"
    )
    f["provider_name"] = _text("服务商名称", "需与营业执照一致")
    f["summary"] = _text(
        "服务产品简介", f"该产品功能、实现效果等，不超过{programme.product_summary_max_chars}字", True
    )
    f["price_amount"] = _text("日常销售/实际成交价格（元）", "例：100000", inputmode="decimal")
    f["price_unit"] = _text("价格单位", "例：年、套、次（显示为“100000元/年”）")
    f["pricing_basis"] = _text("定价依据", f"不超过{programme.pricing_basis_max_chars}字", True)
    f["client_count"] = _text(
        f"{last}年度该产品在北京地区签约企业家数",
        "只填写数字，单位为“家”；同一企业按1家计",
        inputmode="numeric",
    )
    f["revenue_wan"] = _text(
        f"{last}年度该产品在北京地区营收（万元）", "只填写数字，单位为“万元”", inputmode="decimal"
    )
    f["has_ip"] = forms.BooleanField(label="知识产权", required=False)
    f["has_sales_qualification"] = forms.BooleanField(label="销售资质", required=False)
    f["has_sales_system"] = forms.BooleanField(label="销售体系", required=False)
    f["has_after_sales"] = forms.BooleanField(label="售后服务", required=False)
    f["cac_model_name"] = _text("网信办备案：模型名称", "仅大模型应用填写；其他产品留空，即“不涉及”")
    f["cac_filing_unit"] = _text("网信办备案：备案单位")
    f["cac_filing_number"] = _text("网信办备案：备案号")
    f["market_share"] = _text("该产品市场份额占比", "例：6% 或 无法统计（选填）")
    f["ranking"] = _text("全国/北京行业排名", "选填")
    f["high_growth_count"] = _text(
        "近两年服务的专精特新、小巨人、隐形冠军及上市高成长型企业数量",
        "选填，只填写数字；填写后须上传企业名单",
        inputmode="numeric",
    )
    f["contact_name"] = _text("申报联系人")
    f["contact_mobile"] = _text("联系人手机号码", "11位中国大陆手机号码", inputmode="tel")
    f["price_transactions"] = _text(
        f"价格证明成交记录（近{programme.price_proof_months}个月）",
        f"每行一笔：成交日期 金额，如“2025-03-01 100000”；建议录入{programme.price_proof_sets}套",
        True,
    )


class ApplicationForm(PlatformForm):
    """The annex 2-1-1 form (all fields optional here: 临时保存 stores anything, the service checks the rest)."""

    def __init__(self, *args: Any, programme: ProgrammeYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_category_fields(self.fields, programme)
        _add_product_fields(self.fields, programme)
        for name in STARRED:
            self.fields[name].starred = True  # type: ignore[attr-defined]
        self.order_fields(FORM_FIELDS)

    def raw(self) -> dict[str, Any]:
        """The submitted values as the services take them."""
        data = self.data
        return {name: data.get(name, "") for name in FORM_FIELDS}


def application_initial(application: Application) -> dict[str, Any]:
    a = application
    return {
        "direction": str(a.direction.number) if a.direction else "",
        "subtype": a.subtype.code if a.subtype else "",
        "product_line": a.product_line,
        "software_type": a.software_type,
        "software_type_note": a.software_type_note,
        "product_name": a.product_name,
        "provider_name": a.provider_name,
        "summary": a.summary,
        "price_amount": _amount_text(a.price_amount),
        "price_unit": a.price_unit,
        "pricing_basis": a.pricing_basis,
        "client_count": "" if a.client_count is None else a.client_count,
        "revenue_wan": _amount_text(a.revenue_wan),
        "has_ip": a.has_ip,
        "has_sales_qualification": a.has_sales_qualification,
        "has_sales_system": a.has_sales_system,
        "has_after_sales": a.has_after_sales,
        "cac_model_name": a.cac_model_name,
        "cac_filing_unit": a.cac_filing_unit,
        "cac_filing_number": a.cac_filing_number,
        "market_share": a.market_share_display,
        "ranking": a.ranking,
        "high_growth_count": "" if a.high_growth_count is None else a.high_growth_count,
        "contact_name": a.contact_name,
        "contact_mobile": a.contact_mobile,
        "price_transactions": "\n".join(
            f"{t.transacted_on.isoformat()} {t.amount}" for t in a.price_transactions.all()
        )
        if a.pk
        else "",
    }


class DossierForm(PlatformForm):
    """Year-level provider data (annex 2-1 §一, guide §三)."""

    def __init__(self, *args: Any, programme: ProgrammeYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        last = programme.year - 1
        self.fields["introduction"] = _text(
            "服务商详细介绍",
            f"不少于{programme.provider_intro_min_chars}字：基本情况、服务情况、主要业绩、对中小企业发展的贡献等",
            True,
            rows=12,
        )
        self.fields["revenue_last_year_wan"] = _text(
            f"{last}年度营业收入（万元）", "只填写数字", inputmode="decimal"
        )
        self.fields["sme_contracts"] = _text(
            f"{last}年度与北京市中小企业签订的合同清单",
            "每行一份：企业名称 签订日期，如“北京某某有限公司 2024-05-01”；并在下方上传合同扫描件",
            True,
            rows=8,
        )
        self.fields["qualifications"] = forms.MultipleChoiceField(
            label="具备的方向资质",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=qualification_options(programme),
        )
        self.fields["qualification_notes"] = _text("资质说明", "证书编号、有效期等", True)

    def raw(self) -> dict[str, Any]:
        return {
            "introduction": self.data.get("introduction", ""),
            "revenue_last_year_wan": self.data.get("revenue_last_year_wan", ""),
            "sme_contracts": self.data.get("sme_contracts", ""),
            "qualifications": self.data.getlist("qualifications") if hasattr(self.data, "getlist") else [],
            "qualification_notes": self.data.get("qualification_notes", ""),
        }


def dossier_initial(dossier: ProviderDossier | None) -> dict[str, Any]:
    if dossier is None:
        return {}
    return {
        "introduction": dossier.introduction,
        "revenue_last_year_wan": _amount_text(dossier.revenue_last_year_wan),
        "sme_contracts": "\n".join(f"{c['enterprise']} {c['signed_on']}" for c in dossier.sme_contracts),
        "qualifications": dossier.qualifications,
        "qualification_notes": dossier.qualification_notes,
    }


class UploadForm(PlatformForm):
    kind = forms.ChoiceField(label="材料类型", choices=MaterialKind.choices)
    file = forms.FileField(label="文件")

    def __init__(self, *args: Any, product: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = PRODUCT_KINDS if product else PROVIDER_KINDS
        self.fields["kind"].choices = [(k, MaterialKind(k).label) for k in kinds]  # type: ignore[attr-defined]


class ExcelImportForm(PlatformForm):
    excel = forms.FileField(label="填写好的申请表Excel")
