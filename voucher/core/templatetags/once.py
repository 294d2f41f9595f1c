"""``{% form_token %}``: a one-time token in every form that posts, so a form is acted on once.

Loaded as a template builtin; :class:`voucher.core.middleware.OneTimeFormTokenMiddleware` checks it.
"""

from __future__ import annotations

import secrets

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from voucher.core.middleware import FORM_TOKEN_FIELD

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FORM_TOKEN_FIELD, secrets.token_urlsafe(16)
    )
