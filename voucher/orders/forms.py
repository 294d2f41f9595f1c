"""The order confirmation form (确认下单企业信息 → 提交订单) and the decline form."""

from __future__ import annotations

from django import forms

from voucher.core.forms import PlatformForm


class OrderForm(PlatformForm):
    contact_name = forms.CharField(label="企业联系人", max_length=60)
    contact_mobile = forms.CharField(label="联系人手机号码", max_length=11)
    note = forms.CharField(
        label="需求说明（选填）", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


class DeclineForm(PlatformForm):
    reason = forms.CharField(label="拒单原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
