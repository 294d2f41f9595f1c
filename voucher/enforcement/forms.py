"""Oversight forms; the services validate the rules, the forms only parse input."""

from __future__ import annotations

from django import forms

from voucher.core.fields import BoundedDateField
from voucher.core.forms import PlatformForm, date_widget
from voucher.enforcement.choices import (
    POPULATION_STATUSES,
    PROVIDER_REASONS,
    ClawbackReason,
    FindingOutcome,
    SpotCheckStatus,
    SpotCheckTarget,
    ViolationKind,
)

DATE = date_widget()
TEXT = forms.Textarea(attrs={"rows": 4})


def split_numbers(value: str) -> list[str]:
    """Order numbers or ids typed one per line or separated by commas/spaces."""
    return [part for part in value.replace("，", ",").replace(",", " ").split() if part]


class SanctionForm(PlatformForm):
    kind = forms.ChoiceField(label="违规类型", choices=ViolationKind.choices)
    facts = forms.CharField(label="违规事实", widget=TEXT, max_length=2000)
    decided_on = BoundedDateField(
        label="处理决定日", widget=DATE, help_text="禁入期自该日起计算，满 3 年的前一日截止"
    )
    enterprise_uscc = forms.CharField(label="被处理企业（统一社会信用代码）", max_length=18, required=False)
    provider_uscc = forms.CharField(label="被处理服务商（统一社会信用代码）", max_length=18, required=False)
    orders = forms.CharField(
        label="涉及订单编号",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="可填写多个，用逗号或换行分隔；这些订单已审核通过的兑券将被追回",
    )
    products = forms.CharField(
        label="涉及产品编号",
        required=False,
        help_text="产品页面网址中的数字，可填写多个；这些产品将暂停交易（被处理服务商的在售产品均暂停）",
    )
    confirm = forms.BooleanField(
        label="我已核实：记录后将立即暂停相关产品交易、发起资金追回并禁止当事方下单、申报和兑券",
        required=True,
    )


class LiftForm(PlatformForm):
    reason = forms.CharField(label="解除理由", widget=TEXT, max_length=2000)


class ResumeForm(PlatformForm):
    reason = forms.CharField(label="恢复交易原因", max_length=300)


class ReportForm(PlatformForm):
    """服务商上报 (guide 五、4)."""

    reason_kind = forms.ChoiceField(label="上报类型", choices=[(r.value, r.label) for r in PROVIDER_REASONS])
    amount = forms.DecimalField(
        label="应退回补贴金额（元）",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text="不超过核定兑付金额",
    )
    reason = forms.CharField(label="情况说明", widget=TEXT, max_length=2000)
    file = forms.FileField(
        label="证明材料（可选）", required=False, help_text="退款凭证等，PDF 或 JPG/PNG 图片"
    )


class ClawbackOpenForm(PlatformForm):
    order_number = forms.CharField(label="订单编号", max_length=24)
    reason_kind = forms.ChoiceField(label="追回原因", choices=ClawbackReason.choices)
    amount = forms.DecimalField(label="应退回金额（元）", max_digits=14, decimal_places=2, min_value=0)
    reason = forms.CharField(label="情况说明", widget=TEXT, max_length=2000)


class RepaymentForm(PlatformForm):
    paid_on = BoundedDateField(label="退回日期", widget=DATE)
    amount = forms.DecimalField(label="退回金额（元）", max_digits=14, decimal_places=2, min_value=0)
    reference = forms.CharField(label="银行流水号 / 凭证号", max_length=60)


class WaiveForm(PlatformForm):
    reason = forms.CharField(label="核销理由", widget=TEXT, max_length=2000)


class SpotCheckForm(PlatformForm):
    title = forms.CharField(label="抽查名称", max_length=100, required=False)
    target = forms.ChoiceField(label="抽查对象", choices=SpotCheckTarget.choices)
    direction = forms.ChoiceField(label="服务方向", required=False)
    status = forms.ChoiceField(
        label="状态（可选）",
        required=False,
        choices=[
            ("", "全部状态"),
            ("订单状态", POPULATION_STATUSES[SpotCheckTarget.ORDERS]),
            ("合同状态", POPULATION_STATUSES[SpotCheckTarget.CONTRACTS]),
        ],
        help_text="订单状态用于抽查订单，合同状态用于抽查合同",
    )
    size = forms.IntegerField(label="抽样数量", min_value=1, required=False)
    percent = forms.DecimalField(
        label="或抽样比例（%）", max_digits=5, decimal_places=2, required=False, help_text="数量和比例二选一"
    )
    seed = forms.CharField(
        label="随机种子（可选）", max_length=128, required=False, help_text="留空则由系统随机生成并记录"
    )

    def __init__(
        self, *args: object, directions: list[tuple[str, str]] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["direction"].choices = [("", "全部方向"), *(directions or [])]  # type: ignore[attr-defined]


class SpotCheckFilterForm(PlatformForm):
    """The spot-check list's filters, chosen by their Chinese names (检查中 / 已完成, 订单 / 合同)."""

    status = forms.ChoiceField(
        label="抽查状态", required=False, choices=[("", "全部"), *SpotCheckStatus.choices]
    )
    target = forms.ChoiceField(
        label="抽查对象", required=False, choices=[("", "全部"), *SpotCheckTarget.choices]
    )


class AssignForm(PlatformForm):
    inspector = forms.ChoiceField(label="检查人")
    items = forms.CharField(
        label="抽查项目序号（可选）", required=False, help_text="留空则分配所有尚未分配的项目；如 1,2,5"
    )

    def __init__(
        self, *args: object, inspectors: list[tuple[str, str]] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["inspector"].choices = inspectors or []  # type: ignore[attr-defined]


class FindingForm(PlatformForm):
    outcome = forms.ChoiceField(label="检查结论", choices=FindingOutcome.choices)
    findings = forms.CharField(label="检查情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
