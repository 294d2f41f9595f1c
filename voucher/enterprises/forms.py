"""Forms of the enterprise pages; every error is a Chinese sentence at its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from voucher.core.fields import BoundedDateField
from voucher.core.forms import PlatformForm, date_widget
from voucher.core.validators import validate_mainland_mobile
from voucher.enterprises.choices import CreditListKind


class SignupForm(PlatformForm):
    name = forms.CharField(label="企业名称（与营业执照一致）", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, help_text="18 位，见营业执照")
    registered_address = forms.CharField(label="注册地址", max_length=300, required=False)
    contact_name = forms.CharField(label="联系人", max_length=60)
    contact_phone = forms.CharField(
        label="联系人手机号", max_length=11, validators=[validate_mainland_mobile]
    )
    username = forms.CharField(label="登录用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)
    password_again = forms.CharField(label="再次输入密码", widget=forms.PasswordInput)

    def clean_password(self) -> str:
        value: str = self.cleaned_data["password"]
        validate_password(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "两次输入的密码不一致。")
        return data


class AuthenticateForm(PlatformForm):
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, help_text="18 位，见营业执照")
    name = forms.CharField(label="企业名称（与营业执照一致）", max_length=200)
    registered_address = forms.CharField(label="注册地址", max_length=300, required=False)
    confirm = forms.BooleanField(
        label="我确认以上信息与营业执照一致", error_messages={"required": "请确认信息与营业执照一致。"}
    )


class ClassifyForm(PlatformForm):
    industry_code = forms.CharField(
        label="主营业务行业代码（GB/T 4754-2017）",
        max_length=60,
        help_text="选择小类（四位代码）：输入代码或名称搜索，如 6511、软件、葡萄酒；主营业务指占比超过 50% 的业务",
        widget=forms.TextInput(attrs={"list": "industry-codes", "autocomplete": "off"}),
    )
    employees = forms.IntegerField(label="上年度从业人员（人）", min_value=0)
    revenue_wan = forms.DecimalField(
        label="上年度营业收入（万元）", min_value=0, max_digits=14, decimal_places=2
    )
    assets_wan = forms.DecimalField(
        label="上年末资产总额（万元）", min_value=0, max_digits=14, decimal_places=2
    )
    evidence = forms.FileField(
        label="证明材料（PDF 或图片）",
        required=False,
        help_text="本年度已划型、此次申报改变划型结果且年度政策要求确认时必填，如上年度财务报表",
    )
    confirm = forms.BooleanField(
        label="我承诺以上数据真实、准确，与报送统计、税务部门的数据一致",
        error_messages={"required": "请确认数据真实准确。"},
    )

    def clean_industry_code(self) -> str:
        value: str = self.cleaned_data["industry_code"]
        return value.split(" ")[0].strip().upper()


class ClassificationReviewForm(PlatformForm):
    note = forms.CharField(
        label="确认意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CreditEntryForm(PlatformForm):
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    name = forms.CharField(label="单位名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=CreditListKind.choices)
    recorded_on = BoundedDateField(label="认定日期", widget=date_widget())
    source = forms.CharField(label="来源", max_length=200, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)


class CreditImportForm(PlatformForm):
    file = forms.FileField(
        label="名单文件（.csv 或 .xlsx）",
        help_text="表头：统一社会信用代码、单位名称、类型、认定日期、来源、说明",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("仅支持 .csv 或 .xlsx 文件。")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("文件不能超过 5 MB。")
        return upload
