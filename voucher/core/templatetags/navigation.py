"""The navbar's menus and the phone's tab bar of ``base.html``, drawn once per role, page and language.

Every page draws the same few menus; the markup depends only on the menus of the user's role (the
``nav_groups`` of :mod:`voucher.core.context_processors`), the page's path (``aria-current``), the
language and, for the tab bar, the unread count. It is built in Python and kept in a bounded cache keyed
by exactly those values, instead of running the template loops on every request.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from voucher.core.navigation import NavGroup, Tab

register = template.Library()


def _current(url: str, path: str) -> str:
    return ' aria-current="page"' if url == path else ""


@lru_cache(maxsize=2048)
def menus_html(
    authenticated: bool, groups: tuple[NavGroup, ...], path: str, language: str | None
) -> SafeString:
    """The ``<li>`` items of the main navbar: 工作台, then a link or a dropdown per menu."""
    items: list[SafeString] = []
    if authenticated:
        url = reverse("core:workbench")
        items.append(
            format_html(
                '<li class="nav-item"><a class="nav-link" href="{}"{}><i class="bi bi-house" aria-hidden="true"></i>'
                "<span>{}</span></a></li>",
                url,
                SafeString(_current(url, path)),
                gettext("工作台"),
            )
        )
    for group in groups:
        if len(group.items) == 1:
            label, url = group.items[0]
            items.append(
                format_html(
                    '<li class="nav-item"><a class="nav-link" href="{}"{}><i class="bi bi-{}" aria-hidden="true"></i>'
                    "<span>{}</span></a></li>",
                    url,
                    SafeString(_current(url, path)),
                    group.icon,
                    label,
                )
            )
            continue
        links = format_html_join(
            "",
            '<li><a class="dropdown-item" href="{}"{}>{}</a></li>',
            ((url, SafeString(_current(url, path)), label) for label, url in group.items),
        )
        items.append(
            format_html(
                '<li class="nav-item dropdown"><button class="nav-link dropdown-toggle" type="button" '
                'data-bs-toggle="dropdown" aria-expanded="false"><i class="bi bi-{}" aria-hidden="true"></i>'
                '<span>{}</span></button><ul class="dropdown-menu">{}</ul></li>',
                group.icon,
                gettext(group.label),
                links,
            )
        )
    return SafeString("".join(items))


@lru_cache(maxsize=2048)
def tabs_html(tabs: tuple[Tab, ...], path: str, unread: int) -> SafeString:
    """The links of the phone's bottom tab bar (the 我的 button that opens the menu follows them)."""
    return format_html_join(
        "",
        '<a href="{}"{}><i class="bi bi-{}" aria-hidden="true"></i><span>{}</span>{}</a>',
        (
            (
                tab.url,
                SafeString(_current(tab.url, path)),
                tab.icon,
                tab.label,
                format_html('<span class="badge rounded-pill bg-danger">{}</span>', unread)
                if tab.label == "通知" and unread
                else "",
            )
            for tab in tabs
        ),
    )


def _path(context: Any) -> str:
    request = context.get("request")
    return request.path if request is not None else ""


@register.simple_tag(takes_context=True)
def site_menus(context: Any) -> SafeString:
    user = context.get("user")
    authenticated = bool(getattr(user, "is_authenticated", False))
    return menus_html(authenticated, tuple(context.get("nav_groups") or ()), _path(context), get_language())


@register.simple_tag(takes_context=True)
def site_tab_links(context: Any) -> SafeString:
    return tabs_html(
        tuple(context.get("site_tabs") or ()), _path(context), int(context.get("unread_notifications") or 0)
    )
