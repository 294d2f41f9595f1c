"""Contract, amendment, completion-and-rating and reply forms."""

from __future__ import annotations

from django import forms

from voucher.contracts.choices import RATING_CRITERIA, SCORE_MAX, SCORE_MIN
from voucher.core.fields import BoundedDateField
from voucher.core.forms import PlatformForm, date_widget

DATE = date_widget()
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
SCORES = [(str(n), f"{n} 分") for n in range(SCORE_MAX, SCORE_MIN - 1, -1)]


class ContractForm(PlatformForm):
    number = forms.CharField(label="合同编号", max_length=60)
    counterparty_uscc = forms.CharField(
        label="合同甲方统一社会信用代码", max_length=18, help_text="须为下单企业"
    )
    total_amount = forms.DecimalField(label="合同总金额（元）", **MONEY)  # type: ignore[arg-type]
    signed_on = BoundedDateField(label="合同签订日期", widget=DATE)
    service_start = BoundedDateField(label="服务开始日期", widget=DATE)
    service_end = BoundedDateField(label="服务结束日期", widget=DATE)
    deduction = forms.DecimalField(label="服务券抵用额度（元）", **MONEY)  # type: ignore[arg-type]
    own_payment = forms.DecimalField(
        label="企业自付额度（元）",
        required=False,
        help_text="留空则按 合同总金额 − 服务券抵用额度 计算",
        **MONEY,  # type: ignore[arg-type]
    )


class AmendForm(ContractForm):
    reason = forms.CharField(label="变更原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


def _score(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=SCORES, widget=forms.RadioSelect)


CRITERIA = dict(RATING_CRITERIA)


class RatingForm(PlatformForm):
    quality = _score(CRITERIA["quality"])
    responsiveness = _score(CRITERIA["responsiveness"])
    expertise = _score(CRITERIA["expertise"])
    overall = _score(CRITERIA["overall"])
    comment = forms.CharField(
        label="评价内容（选填）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(PlatformForm):
    reply = forms.CharField(label="回复评价", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
