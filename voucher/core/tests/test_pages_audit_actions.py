"""Every audit action the code base records has a Chinese name (issue 18, SPEC M3).

The action codes are discovered from the source: every ``audit_record(action=...)`` call, and every call of a
helper that forwards its own ``action`` argument to ``audit_record``. A code written as an f-string is expanded
from the choices that feed it; a new f-string pattern fails until it is listed in ``DYNAMIC`` below.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.contrib import admin

from voucher.accounts.choices import NameChangeStatus
from voucher.applications.choices import ApplicationAction
from voucher.claims.choices import ClaimAction
from voucher.core.admin import AuditedAdminMixin
from voucher.core.audit_actions import ACTION_NAMES, action_kind_label, action_label
from voucher.enterprises.choices import LedgerKind
from voucher.orders.choices import OrderStatus
from voucher.reviews.choices import ObjectionStatus

SOURCE = Path(__file__).resolve().parents[2]
SKIPPED_PARTS = {"tests", "testing", "migrations"}

# f-string action patterns (as written in the source) → the values their placeholder takes.
DYNAMIC: dict[str, Iterable[str]] = {
    "f'order.{new_status}'": OrderStatus.values,
    # The shared objection service: one prefix per notice kind (product notice, payout batch notice).
    "f'{kind.audit}.filed'": ["objection.filed", "payout_objection.filed"],
    "f'{kind.audit}.{locked.status}'": [
        f"{kind}.{status}" for kind in ("objection", "payout_objection") for status in ObjectionStatus.values
    ],
    "f'claim.{action}'": ClaimAction.values,
    "f'quota.{kind}'": LedgerKind.values,
    "f'product.{verb}'": ["suspended", "resumed"],
    "f'organisation.name_change_{locked.status}'": NameChangeStatus.values,
    "f'application.{action}'": ApplicationAction.values,
}
# Admin edits are named after the edited model (``<model>.created`` …), resolved by the event's object type.
ADMIN_PATTERNS = {
    "f\"{obj._meta.model_name}.{('updated' if change else 'created')}\"",
    "f'{obj._meta.model_name}.deleted'",
}
HAS_LATIN = re.compile(r"[A-Za-z_]")


def _modules() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE.parent)
        if SKIPPED_PARTS & set(relative.parts):
            continue
        module = ".".join(relative.with_suffix("").parts)
        found.append((module, ast.parse(path.read_text(encoding="utf-8"))))
    return found


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _action_keyword(call: ast.Call) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def _forwarders(modules: list[tuple[str, ast.Module]]) -> set[str]:
    """Functions that take ``action`` and pass it on to ``audit_record`` unchanged."""
    names = set()
    for _module, tree in modules:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and _callee(call) == "audit_record":
                    value = _action_keyword(call)
                    if isinstance(value, ast.Name) and value.id == "action":
                        names.add(node.name)
    return names


def _codes_of(module: str, value: ast.expr, *, forwarded: bool) -> tuple[set[str], list[str]]:
    """The codes an ``action=`` argument can take, and the problems found reading it."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return {value.value}, []
    if isinstance(value, ast.IfExp):
        codes_a, problems_a = _codes_of(module, value.body, forwarded=forwarded)
        codes_b, problems_b = _codes_of(module, value.orelse, forwarded=forwarded)
        return codes_a | codes_b, problems_a + problems_b
    if isinstance(value, ast.JoinedStr):
        pattern = ast.unparse(value)
        if pattern in ADMIN_PATTERNS:
            return set(), []
        if pattern not in DYNAMIC:
            return set(), [f"{module}: new action pattern {pattern}; list it in DYNAMIC"]
        # The leading text, if any; a pattern that starts with a placeholder lists whole codes.
        first = value.values[0] if value.values else None
        prefix = str(first.value) if isinstance(first, ast.Constant) else ""
        return {f"{prefix}{v}" for v in DYNAMIC[pattern]}, []
    if isinstance(value, ast.Name) and value.id == "action" and not forwarded:
        return set(), []  # a forwarder's own parameter: its callers are read instead
    if isinstance(value, ast.Attribute) and forwarded:
        return {str(eval(ast.unparse(value), vars(importlib.import_module(module))))}, []  # noqa: S307
    return set(), [f"{module}: cannot read action={ast.unparse(value)}"]


def discovered_actions() -> tuple[set[str], list[str]]:
    """Every action code the source records, and anything the scan could not read."""
    modules = _modules()
    forwarders = _forwarders(modules)
    codes: set[str] = set()
    problems: list[str] = []
    for module, tree in modules:
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            callee = _callee(call)
            if callee != "audit_record" and callee not in forwarders:
                continue
            value = _action_keyword(call)
            if value is None:
                continue
            found, trouble = _codes_of(module, value, forwarded=callee in forwarders)
            codes |= found
            problems += trouble
    return codes, problems


def test_pages_audit_scan_reads_every_call():
    codes, problems = discovered_actions()
    assert problems == []
    assert {"order.placed", "claim.approve", "application.temp_saved", "material.deleted"} <= codes


def test_pages_audit_every_action_has_a_chinese_name():
    codes, _problems = discovered_actions()
    missing = sorted(codes - set(ACTION_NAMES))
    assert missing == [], f"audit actions without a Chinese name in voucher/core/audit_actions.py: {missing}"
    for code in codes:
        assert not HAS_LATIN.search(ACTION_NAMES[code]), code


def test_pages_audit_registry_has_no_stale_names():
    codes, _problems = discovered_actions()
    assert sorted(set(ACTION_NAMES) - codes) == []


@pytest.mark.parametrize("verb", ["created", "updated", "deleted"])
def test_pages_audit_admin_edits_are_named_after_the_model(verb):
    audited = [m for m, a in admin.site._registry.items() if isinstance(a, AuditedAdminMixin)]
    assert audited
    for model in audited:
        label = action_label(f"{model._meta.model_name}.{verb}", model._meta.label_lower)
        assert not HAS_LATIN.search(label), (model, label)
    assert action_label("programmeyear.updated", "programmes.programmeyear") == "年度政策已修改"


def test_pages_audit_names_read_as_chinese():
    assert action_label("order.placed") == "订单已提交"
    assert action_label("something.new") == "something.new"


def test_pages_audit_every_action_kind_has_a_chinese_name():
    kinds = {code.rpartition(".")[0] for code in ACTION_NAMES}
    assert sorted(k for k in kinds if HAS_LATIN.search(action_kind_label(k))) == []
