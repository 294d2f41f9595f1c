"""Forms of the review and notice pages; the services do the checking, the forms only collect."""

from __future__ import annotations

from typing import Any

from django import forms

from voucher.accounts.models import User
from voucher.applications.choices import ApplicationAction
from voucher.applications.models import Application
from voucher.catalogue.models import Product
from voucher.core.fields import BoundedDateField
from voucher.core.forms import PlatformForm, date_widget
from voucher.reviews.choices import ObjectionAction


def apply_errors(form: forms.Form, exc: Any) -> None:
    """Put each service error next to its field; the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class DecisionForm(PlatformForm):
    action = forms.ChoiceField(
        label="审核结果", choices=ApplicationAction.choices[1:], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="审核意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回修改须填写修改意见；审核不通过须填写理由。",
    )


class AssignForm(PlatformForm):
    reviewer = forms.ModelChoiceField(label="评审专家", queryset=User.objects.none())

    def __init__(self, *args: Any, reviewers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reviewers is not None:
            self.fields["reviewer"].queryset = reviewers  # type: ignore[attr-defined]


class NoticeForm(PlatformForm):
    title = forms.CharField(
        label="公示标题", max_length=200, required=False, help_text="留空时使用默认标题。"
    )
    starts_on = BoundedDateField(label="公示开始日", widget=date_widget())
    ends_on = BoundedDateField(
        label="公示结束日",
        required=False,
        widget=date_widget(),
        help_text="留空时按年度政策的公示期自动计算。",
    )
    applications = forms.ModelMultipleChoiceField(
        label="审核通过的产品", queryset=Application.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["applications"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["applications"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.direction.name if a.direction else ''} · {a.product_name}（{a.organisation}）"
        )


class ObjectionForm(PlatformForm):
    product = forms.ModelChoiceField(label="异议产品", queryset=Product.objects.none())
    name = forms.CharField(label="姓名或单位", max_length=100)
    contact = forms.CharField(label="联系方式", max_length=100, help_text="手机号码或电子邮箱，便于核实。")
    text = forms.CharField(label="异议内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(
        label="证明材料（可选）", required=False, help_text="PDF、PNG 或 JPEG，不超过 20 MB。"
    )

    def __init__(self, *args: Any, products: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products  # type: ignore[attr-defined]


class ResolutionForm(PlatformForm):
    action = forms.ChoiceField(label="处理结果", choices=ObjectionAction.choices, widget=forms.RadioSelect)
    resolution = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 2}))
