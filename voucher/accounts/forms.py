"""Forms for login and the organisation profile."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from voucher.accounts.models import Organisation
from voucher.accounts.services import ORGANISATION_EDITABLE
from voucher.core.fields import BoundedDateField
from voucher.core.forms import PlatformForm, PlatformFormMixin, PlatformModelForm, date_widget


class LoginForm(PlatformFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }


class OrganisationForm(PlatformModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_EDITABLE
        widgets = {"established_on": date_widget()}
        field_classes = {"established_on": BoundedDateField}


class SecondFactorCodeForm(PlatformForm):
    """One code: six digits from the authenticator app (or, where allowed, a recovery code)."""

    code = forms.CharField(
        label="动态验证码",
        max_length=32,
        error_messages={"required": "请输入验证码。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 10}
        ),
    )

    def __init__(self, *args: object, allow_recovery: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if allow_recovery:
            field = self.fields["code"]
            field.label = "动态验证码或恢复码"
            field.help_text = "打开手机上的身份验证器，输入显示的 6 位数字；手机不在身边时可输入一个恢复码（每个只能用一次）。"
            field.widget.attrs["inputmode"] = "text"


class RecoveryCodesForm(PlatformForm):
    """Confirming new recovery codes: the current password, or a current code from the authenticator."""

    prefix = "regenerate"  # the 双重认证 page has another form with a ``code`` field

    password = forms.CharField(
        label="当前密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="或：动态验证码",
        required=False,
        max_length=32,
        help_text="填写当前密码，或身份验证器上显示的 6 位数字（恢复码不能用于重新生成恢复码）。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10}),
    )


class SecondFactorResetForm(PlatformForm):
    """An admin's reason for removing someone's second factor."""

    reason = forms.CharField(
        label="重置原因",
        max_length=500,
        error_messages={"required": "请填写重置原因（例如：手机丢失，已电话核实本人身份）。"},
        widget=forms.TextInput(attrs={"placeholder": "例如：手机丢失，已电话核实本人身份"}),
    )
