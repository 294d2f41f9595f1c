"""Validators shared by forms, the API and services."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")

# Every date a user or caller gives (forms, filters, API): the programme's dates all lie in this range, and
# a date at the calendar's end would overflow the first "+ N days" of a rule or a filter.
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
# Page numbers of paged lists: beyond this an offset overflows the database's integers.
PAGE_MAX = 1_000_000


def validate_mainland_mobile(value: str) -> None:
    """A mainland-China mobile number: 11 digits starting 13–19."""
    if not MAINLAND_MOBILE.fullmatch(value or ""):
        raise ValidationError("请输入有效的11位中国大陆手机号码。", code="invalid_mobile")


def validate_date_in_range(value: dt.date) -> None:
    """A date between :data:`DATE_MIN` and :data:`DATE_MAX`, both included."""
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            f"日期须在 {DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()} 之间。", code="date_out_of_range"
        )


def validate_page_number(value: int) -> None:
    """A page number from 1 to :data:`PAGE_MAX`."""
    if not 1 <= value <= PAGE_MAX:
        raise ValidationError(f"页码须在 1 至 {PAGE_MAX} 之间。", code="page_out_of_range")
