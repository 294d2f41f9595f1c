"""Forms for login and the organisation profile."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from voucher.accounts.models import Organisation
from voucher.accounts.services import ORGANISATION_EDITABLE


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_EDITABLE
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"})}
