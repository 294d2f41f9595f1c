"""Stored values as people read them: money with separators and 元, Beijing local dates and times, choices by
their Chinese label, yes/no and pass/fail in words (audit log, condition evidence)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from voucher.core import clock
from voucher.core.models import MoneyField
from voucher.core.money import FEN

EMPTY = "空"
OUTCOME_WORDS = {"pass": "通过", "fail": "未通过", "unknown": "无法确认"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")


def local_date(day: dt.date) -> str:
    """``2026年12月3日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def local_datetime(moment: dt.datetime) -> str:
    """``2026年12月3日 21:47`` in Beijing time (a naive moment is taken as Beijing time)."""
    shown = clock.local(moment) if moment.tzinfo else moment
    return f"{local_date(shown.date())} {shown:%H:%M}"


def money_text(amount: Decimal | int | str) -> str:
    """``24,000.00 元``."""
    return f"{Decimal(str(amount)).quantize(FEN):,} 元"


def _parsed_moment(text: str) -> dt.date | dt.datetime | None:
    try:
        if _ISO_DATE.match(text):
            return dt.date.fromisoformat(text)
        if _ISO_DATETIME.match(text):
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return None


def readable_value(value: Any) -> str:
    """A value without a model field to explain it: ISO dates and times, pass/fail, yes/no are put in words."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return local_datetime(value)
    if isinstance(value, dt.date):
        return local_date(value)
    if isinstance(value, list | tuple):
        return "、".join(readable_value(v) for v in value) or "无"
    if isinstance(value, dict):
        return "；".join(f"{k}：{readable_value(v)}" for k, v in value.items()) or "无"
    if isinstance(value, str):
        if value in OUTCOME_WORDS:
            return OUTCOME_WORDS[value]
        moment = _parsed_moment(value)
        if isinstance(moment, dt.datetime):
            return local_datetime(moment)
        if isinstance(moment, dt.date):
            return local_date(moment)
    return str(value)


def readable_field_value(value: Any, field: models.Field | None) -> str:
    """A stored value of ``field``: its choice label, money in 元, a date or Beijing time, else as above."""
    if field is None or value is None or isinstance(value, dict | list):
        return readable_value(value)
    if field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(field, models.DecimalField):
        try:
            amount = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return str(value)
        return money_text(amount) if isinstance(field, MoneyField) else f"{amount:,}"
    if isinstance(field, models.DateTimeField | models.DateField):
        return readable_value(value)
    if isinstance(field, models.BooleanField) and isinstance(value, bool):
        return "是" if value else "否"
    return readable_value(value)


def evidence_text(key: str, value: Any) -> str:
    """One item of a check's evidence: amounts under a "（元）" key get separators, the rest as above."""
    if key.endswith("（元）") and isinstance(value, str | int | Decimal) and not isinstance(value, bool):
        try:
            return f"{Decimal(str(value)):,}"
        except (InvalidOperation, ValueError):
            return str(value)
    return readable_value(value)
