"""Forms of the payout pages; the services do the checking, the forms only collect."""

from __future__ import annotations

from typing import Any

from django import forms

from voucher.accounts.models import Organisation
from voucher.core.fields import BoundedDateField
from voucher.core.forms import PlatformForm, date_widget
from voucher.payouts.models import PayoutItem
from voucher.programmes.models import Direction
from voucher.reviews.forms import ObjectionForm, ResolutionForm, apply_errors

__all__ = [
    "BatchFilterForm",
    "CancelForm",
    "MarkPaidForm",
    "PayeeForm",
    "PayoutObjectionForm",
    "PublishForm",
    "RemoveItemForm",
    "ResolutionForm",
    "apply_errors",
]

DATE = date_widget()


class BatchFilterForm(PlatformForm):
    direction = forms.ModelChoiceField(label="产品方向", queryset=Direction.objects.none(), required=False)
    provider = forms.ModelChoiceField(label="服务商", queryset=Organisation.objects.none(), required=False)
    decided_from = BoundedDateField(label="审核通过日期（起）", required=False, widget=DATE)
    decided_to = BoundedDateField(label="审核通过日期（止）", required=False, widget=DATE)
    title = forms.CharField(
        label="批次名称", max_length=200, required=False, help_text="留空时使用默认名称。"
    )

    def __init__(self, *args: Any, programme: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programme is not None:
            self.fields["direction"].queryset = Direction.objects.filter(programme=programme)  # type: ignore[attr-defined]
        self.fields["provider"].queryset = Organisation.objects.filter(is_provider=True).order_by("name")  # type: ignore[attr-defined]


class RemoveItemForm(PlatformForm):
    reason = forms.CharField(label="移出原因", max_length=1000)


class CancelForm(PlatformForm):
    reason = forms.CharField(label="取消原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(PlatformForm):
    starts_on = BoundedDateField(label="公示开始日", required=False, widget=DATE, help_text="留空为今天。")


class MarkPaidForm(PlatformForm):
    reference = forms.CharField(label="支付流水号", max_length=60)
    paid_on = BoundedDateField(label="支付日期", widget=DATE)


class PayeeForm(PlatformForm):
    account_name = forms.CharField(
        label="账户名称", max_length=200, required=False, help_text="留空时使用单位名称（须与营业执照一致）。"
    )
    # Required-ness is checked by the service, whose errors are Chinese and sit at the field.
    bank_name = forms.CharField(label="开户银行", max_length=200, required=False)
    branch_name = forms.CharField(
        label="开户网点", max_length=200, required=False, help_text="支行或营业网点，如“中关村支行”。"
    )
    account_number = forms.CharField(label="银行账号", max_length=60, required=False)


class PayoutObjectionForm(ObjectionForm):
    """The product-notice objection form with the batch's items in place of the product."""

    items = forms.ModelMultipleChoiceField(
        label="异议涉及的兑付明细", queryset=PayoutItem.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    field_order = ["items", "name", "contact", "text", "file"]

    def __init__(self, *args: Any, items: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["product"]
        if items is not None:
            self.fields["items"].queryset = items  # type: ignore[attr-defined]
        self.fields["items"].label_from_instance = (  # type: ignore[attr-defined]
            lambda i: (
                f"{i.provider.name} · {i.claim.order.product.name} · {i.enterprise.name} · ¥{i.amount:,}"
            )
        )
