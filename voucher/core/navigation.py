"""The top navigation, assembled from what each app offers the user's role.

An app registers a function taking the user and returning ``(label, url)`` pairs in its
``AppConfig.ready``; the order of registration is the order on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils.translation import get_language

NavProvider = Callable[[Any], list[tuple[str, str]]]
_providers: list[NavProvider] = []


def register_nav(provider: NavProvider) -> NavProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def nav_items(user: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for provider in _providers:
        items.extend(provider(user))
    return items


@dataclass(frozen=True)
class NavGroup:
    """One menu of the top navbar: a single link, or a dropdown when it holds several."""

    label: str
    icon: str
    items: tuple[tuple[str, str], ...]


# Enterprises and providers use the platform on their phones (the core names roles by value).
TAB_BAR_ROLES = ("enterprise", "provider")


@dataclass(frozen=True)
class Tab:
    """One tab of the phone's bottom tab bar."""

    label: str
    url: str
    icon: str


# The navbar's menus, by the URL namespace of each item (a view name for the exceptions).
_MENUS: list[tuple[str, str, set[str]]] = [
    ("产品与公示", "shop", {"catalogue", "reviews:public_notices"}),
    ("申报与评审", "clipboard-check", {"applications", "reviews"}),
    ("订单与兑付", "receipt", {"orders", "contracts", "claims", "payouts"}),
    ("企业", "building", {"enterprises"}),
    ("监督与数据", "shield-check", {"enforcement", "dashboards", "core"}),
]
_OTHER_MENU = ("更多", "three-dots", set[str]())


@lru_cache(maxsize=512)
def _menu_of(url: str) -> tuple[str, str, set[str]]:
    try:
        match = resolve(url)
    except Resolver404:
        return _OTHER_MENU
    for menu in _MENUS:
        if match.view_name in menu[2]:
            return menu
    for menu in _MENUS:
        if match.namespace in menu[2]:
            return menu
    return _OTHER_MENU


def nav_groups(items: list[tuple[str, str]]) -> list[NavGroup]:
    """The navigation items grouped into the navbar's menus, in the order of :data:`_MENUS`."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    icons: dict[str, str] = {}
    for label, url in items:
        name, icon, _ = _menu_of(url)
        grouped.setdefault(name, []).append((label, url))
        icons[name] = icon
    order = [m[0] for m in _MENUS] + [_OTHER_MENU[0]]
    return [NavGroup(name, icons[name], tuple(grouped[name])) for name in order if name in grouped]


def tab_bar(user: Any) -> list[Tab]:
    """The phone's bottom tabs of enterprises and providers (empty for other roles); 我的 is added by the page."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(*TAB_BAR_ROLES):
        return []
    return list(_tabs(user.has_role(TAB_BAR_ROLES[0]), get_script_prefix(), get_language()))


@lru_cache(maxsize=32)
def _tabs(enterprise: bool, prefix: str, language: str | None) -> tuple[Tab, ...]:
    """The tabs of an enterprise (or a provider), reversed once per URL prefix and language."""
    work = (
        Tab("订单", reverse("orders:index"), "receipt")
        if enterprise
        else Tab("申报", reverse("applications:list"), "clipboard-check")
    )
    return (
        Tab("工作台", reverse("core:workbench"), "house"),
        Tab("产品目录", reverse("catalogue:list"), "grid"),
        work,
        Tab("通知", reverse("core:inbox"), "bell"),
    )
