"""Claim forms; the services validate the rules, the forms only parse input."""

from __future__ import annotations

from django import forms

from voucher.claims.choices import SLOTS, ClaimAction, MaterialKind
from voucher.core.fields import BoundedDateField
from voucher.core.forms import PlatformForm, date_widget

DATE = date_widget()


class ClaimDataForm(PlatformForm):
    invoice_number = forms.CharField(label="发票号码", max_length=40)
    invoice_date = BoundedDateField(label="开票日期", widget=DATE, help_text="不得早于合同签订日期")
    invoice_amount = forms.DecimalField(label="发票金额（元）", max_digits=14, decimal_places=2, min_value=0)
    receipt_date = BoundedDateField(label="银行收款日期", widget=DATE, help_text="不得早于合同签订日期")
    receipt_amount = forms.DecimalField(
        label="银行收款金额（元）",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text="企业实际支付的金额",
    )
    receipt_reference = forms.CharField(
        label="银行回单编号 / 交易流水号",
        max_length=60,
        required=False,
        help_text="银行回执单上的编号，便于核对",
    )


def slot_choices(marketing: bool) -> list[tuple[str, str]]:
    return [
        (kind, str(MaterialKind(kind).label))
        for kind, slot in SLOTS.items()
        if marketing or not slot.digital_marketing_only
    ]


class UploadForm(PlatformForm):
    kind = forms.ChoiceField(label="材料类型")
    file = forms.FileField(
        label="文件",
        help_text="PDF 或 JPG/PNG 图片；合同、承诺书须为 PDF；发票可上传 PDF、OFD 或数电票 XML，平台自动识别票面信息",
    )

    def __init__(self, *args: object, marketing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = slot_choices(marketing)  # type: ignore[attr-defined]


MERGE_SLOTS = 6


class MergeForm(PlatformForm):
    """Several photos or PDFs merged into one PDF; pages follow the numbered fields, or the order typed in."""

    kind = forms.ChoiceField(label="合并后放入")
    name = forms.CharField(label="合并后的文件名", max_length=80, required=False)
    order = forms.CharField(
        label="合并顺序（可选）",
        max_length=60,
        required=False,
        help_text="默认按文件1、文件2……的顺序；如需调整，填写序号，如 3,1,2",
    )

    def __init__(self, *args: object, marketing: bool = False, **kwargs: object) -> None:
        # Shown on the same page as UploadForm, which also has a "kind" field: distinct ids keep each label
        # attached to its own control.
        kwargs.setdefault("auto_id", "merge_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = slot_choices(marketing)  # type: ignore[attr-defined]
        for i in range(1, MERGE_SLOTS + 1):
            self.fields[f"file{i}"] = forms.FileField(label=f"文件{i}", required=False)

    def files_in_order(self) -> list[object]:
        return [
            self.cleaned_data.get(f"file{i}")
            for i in range(1, MERGE_SLOTS + 1)
            if self.cleaned_data.get(f"file{i}")
        ]


class SubmitForm(PlatformForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="我已核对以上内容，确认提交兑券申请（完成服务）。提交后不能撤回，材料不能再修改。",
        required=False,
    )


class WaiverForm(PlatformForm):
    statement = forms.CharField(
        label="放弃兑付声明",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        initial="本单位自愿放弃该订单的服务券兑付，特此声明。",
    )
    file = forms.FileField(label="盖章声明文件（可选）", required=False, help_text="PDF 或图片")
    confirm = forms.BooleanField(label="我确认放弃该订单的兑付，放弃后不能再申请兑券。", required=False)


class DecisionForm(PlatformForm):
    action = forms.ChoiceField(
        label="审核结论",
        choices=[
            (ClaimAction.APPROVE.value, "审核通过（核定兑付金额）"),
            (ClaimAction.RETURN.value, "退回补充材料（仅一次）"),
            (ClaimAction.VOID.value, "订单作废"),
        ],
        widget=forms.RadioSelect,
    )
    payout = forms.DecimalField(
        label="核定兑付金额（元）",
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="不超过合同服务券抵用额度",
    )
    reason = forms.CharField(
        label="意见 / 原因",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text="核减金额、退回和作废时必填",
    )
