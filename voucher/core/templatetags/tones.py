"""Status badges coloured by :mod:`voucher.core.tones`, and Bootstrap alerts for messages.

``{% status_badge order %}`` shows ``order.get_status_display`` in the tone of its value;
``{% status_badge check "outcome" %}`` reads another field; ``{% status_badge phase %}`` takes an enum member;
``{% tone_badge "已领完" "secondary" %}`` shows a fixed label in a tone.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString

from voucher.core.tones import NEUTRAL, badge_classes, enum_of_field, tone_of

register = template.Library()

ALERT_TONES = {
    "error": "danger",
    "success": "success",
    "warning": "warning",
    "info": "info",
    "debug": "secondary",
}


def _badge(label: Any, tone: str) -> SafeString:
    return format_html('<span class="{}">{}</span>', badge_classes(tone), label)


@register.simple_tag
def status_badge(obj: Any, field_name: str = "status") -> SafeString | str:
    """A badge with the display of ``obj``'s status (or of an enum member), in its tone."""
    if obj is None or obj == "":
        return ""
    if isinstance(obj, models.Choices):
        return _badge(obj.label, tone_of(type(obj), obj))
    if isinstance(obj, models.Model):
        try:
            field = obj._meta.get_field(field_name)
        except FieldDoesNotExist:
            field = None
        if not isinstance(field, models.Field) or not field.choices:
            return _badge(getattr(obj, field_name, ""), NEUTRAL)
        value = getattr(obj, field.attname)
        label = getattr(obj, f"get_{field_name}_display")()
        return _badge(label, tone_of(enum_of_field(field), value))
    return _badge(obj, NEUTRAL)


@register.simple_tag
def tone_badge(label: Any, tone: str = NEUTRAL) -> SafeString:
    """A badge with a fixed label in one of the tones (success, warning, danger, info, secondary)."""
    return _badge(label, tone)


@register.filter
def alert_class(tags: str) -> str:
    """The Bootstrap alert class of a message's tags (``error`` → ``alert-danger``)."""
    for tag in (tags or "").split():
        if tag in ALERT_TONES:
            return f"alert-{ALERT_TONES[tag]}"
    return "alert-info"
