"""Permission decisions carry their reason (ARCHITECTURE convention 4)."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied

from voucher.core.permissions import ALLOWED, Decision, deny


def test_allowed_is_truthy_and_unpacks_to_true_and_no_reason():
    assert ALLOWED
    allowed, reason = ALLOWED
    assert allowed is True
    assert reason == ""


def test_deny_is_falsy_and_unpacks_to_the_reason():
    decision = deny("订单已过接单期限。", code="acceptance_expired")
    assert not decision
    allowed, reason = decision
    assert allowed is False
    assert reason == "订单已过接单期限。"
    assert decision.code == "acceptance_expired"


def test_deny_default_code_is_forbidden():
    assert deny("不可以。").code == "forbidden"


def test_decision_used_in_if_statements():
    outcomes = ["yes" if d else "no" for d in [Decision(True), Decision(False, "x"), ALLOWED, deny("y")]]
    assert outcomes == ["yes", "no", "yes", "no"]


def test_enforce_raises_with_the_reason_when_refused():
    with pytest.raises(PermissionDenied) as caught:
        deny("只有服务商可以接单。").enforce()
    assert str(caught.value) == "只有服务商可以接单。"


def test_enforce_passes_when_allowed():
    assert ALLOWED.enforce() is None
    assert Decision(True, "ignored").enforce() is None


def test_decision_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ALLOWED.allowed = False  # type: ignore[misc]
    assert ALLOWED.allowed is True


def test_enforce_carries_the_refusal_code_to_the_api():
    from voucher.core.permissions import Refused

    with pytest.raises(Refused) as exc:
        deny("公示期内不能批准。", "notice_running").enforce()
    assert exc.value.code == "notice_running" and str(exc.value) == "公示期内不能批准。"
    with pytest.raises(Refused) as plain:
        deny("不可以。").enforce()
    assert plain.value.code == "forbidden"
