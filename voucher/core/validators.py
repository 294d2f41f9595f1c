"""Validators shared by forms, the API and services."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_mainland_mobile(value: str) -> None:
    """A mainland-China mobile number: 11 digits starting 13–19."""
    if not MAINLAND_MOBILE.fullmatch(value or ""):
        raise ValidationError("请输入有效的11位中国大陆手机号码。", code="invalid_mobile")
