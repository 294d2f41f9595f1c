"""Second factor services: set up, confirm, verify, recovery codes, throttling, disable, admin reset."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from voucher.accounts.selectors import has_second_factor, second_factor_status
from voucher.accounts.services import (
    second_factor_begin,
    second_factor_confirm,
    second_factor_disable,
    second_factor_reset,
    second_factor_verify,
)
from voucher.core.models import AuditEvent, Notification
from voucher.testing.second_factor import (
    allow_reuse,
    code_now,
    enable_second_factor,
    fresh_code,
    wait_out_throttle,
)

pytestmark = pytest.mark.django_db


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _field_code(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return exc.value.error_dict["code"][0].code  # type: ignore[return-value]


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_staff_turn_it_on_with_a_first_code_and_get_ten_recovery_codes(role_users, role):
    user = role_users[role]
    pending = second_factor_begin(actor=user)
    assert not pending.confirmed and not has_second_factor(user)
    device, codes = second_factor_confirm(actor=user, code=code_now(pending))
    assert device.confirmed and has_second_factor(user)
    assert len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert AuditEvent.objects.filter(action="otp.enabled", object_id=str(user.pk)).exists()
    assert Notification.objects.filter(recipient=user, kind="account.second_factor").count() == 1


@pytest.mark.parametrize("role", ["enterprise", "provider"])
def test_enterprises_and_providers_cannot_turn_it_on(role_users, role):
    with pytest.raises(PermissionDenied):
        second_factor_begin(actor=role_users[role])
    assert not TOTPDevice.objects.exists()


def test_beginning_again_replaces_the_unconfirmed_secret(reviewer_user):
    first = second_factor_begin(actor=reviewer_user)
    second = second_factor_begin(actor=reviewer_user)
    assert list(TOTPDevice.objects.filter(user=reviewer_user)) == [second]
    assert first.key != second.key


def test_cannot_begin_again_while_on(reviewer_user):
    enable_second_factor(reviewer_user)
    with pytest.raises(ValidationError) as exc:
        second_factor_begin(actor=reviewer_user)
    assert "code" in exc.value.message_dict


def test_wrong_first_code_leaves_it_off_and_the_failure_is_audited_without_the_code(reviewer_user):
    pending = second_factor_begin(actor=reviewer_user)
    wrong = _wrong(code_now(pending))
    with pytest.raises(ValidationError) as exc:
        second_factor_confirm(actor=reviewer_user, code=wrong)
    assert _field_code(exc) == "otp_invalid"
    assert not has_second_factor(reviewer_user)
    event = AuditEvent.objects.get(action="otp.code_failed")
    assert event.after == {"purpose": "setup", "kind": "totp", "throttled": False}
    assert wrong not in f"{event.before}{event.after}{event.note}"
    pending.refresh_from_db()
    assert pending.throttling_failure_count == 1


def test_confirm_refuses_a_code_that_is_not_six_digits(reviewer_user):
    second_factor_begin(actor=reviewer_user)
    with pytest.raises(ValidationError) as exc:
        second_factor_confirm(actor=reviewer_user, code="12ab")
    assert "6 位" in exc.value.message_dict["code"][0]


def test_login_code_is_accepted_once_per_time_step(reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    code = fresh_code(device)
    assert second_factor_verify(actor=reviewer_user, code=code) == device
    with pytest.raises(ValidationError):  # the same code cannot be replayed
        second_factor_verify(actor=reviewer_user, code=code)


def test_code_with_spaces_is_accepted(reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    code = fresh_code(device)
    assert second_factor_verify(actor=reviewer_user, code=f" {code[:3]} {code[3:]} ") == device


def test_recovery_code_works_exactly_once(reviewer_user):
    _, codes = enable_second_factor(reviewer_user)
    used = codes[0]
    device = second_factor_verify(actor=reviewer_user, code=used.upper())
    assert isinstance(device, StaticDevice)
    assert second_factor_status(reviewer_user).recovery_codes_left == 9
    assert AuditEvent.objects.filter(action="otp.recovery_code_used").count() == 1
    wait_out_throttle(reviewer_user)
    with pytest.raises(ValidationError) as exc:
        second_factor_verify(actor=reviewer_user, code=used)
    assert "恢复码" in exc.value.message_dict["code"][0]


def test_wrong_codes_are_throttled_even_for_the_right_code(reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    with pytest.raises(ValidationError):
        second_factor_verify(actor=reviewer_user, code=_wrong(fresh_code(device)))
    with pytest.raises(ValidationError) as exc:
        second_factor_verify(actor=reviewer_user, code=fresh_code(device))
    assert _field_code(exc) == "otp_throttled"
    assert "秒后再试" in exc.value.message_dict["code"][0]
    assert list(
        AuditEvent.objects.filter(action="otp.code_failed")
        .order_by("pk")
        .values_list("after__throttled", flat=True)
    ) == [False, True]
    wait_out_throttle(reviewer_user)
    assert second_factor_verify(actor=reviewer_user, code=fresh_code(device)) == device
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_throttle_delay_doubles_with_each_failure(reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    for _ in range(4):
        wait_out_throttle(reviewer_user)
        with pytest.raises(ValidationError):
            second_factor_verify(
                actor=reviewer_user, code="000000" if fresh_code(device) != "000000" else "111111"
            )
    device.refresh_from_db()
    assert device.throttling_failure_count == 4
    allowed, data = device.verify_is_allowed()
    assert not allowed
    assert (data["locked_until"] - device.throttling_failure_timestamp).total_seconds() == 8


def test_disable_needs_a_current_code(reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    with pytest.raises(ValidationError):
        second_factor_disable(actor=reviewer_user, code=_wrong(fresh_code(device)))
    assert has_second_factor(reviewer_user)
    wait_out_throttle(reviewer_user)
    allow_reuse(device)
    second_factor_disable(actor=reviewer_user, code=fresh_code(device))
    assert not has_second_factor(reviewer_user)
    assert not StaticDevice.objects.filter(user=reviewer_user).exists()
    assert AuditEvent.objects.filter(action="otp.disabled", object_id=str(reviewer_user.pk)).exists()


def test_admin_resets_another_users_second_factor_with_a_reason(admin_user, reviewer_user):
    enable_second_factor(reviewer_user)
    with pytest.raises(ValidationError) as exc:
        second_factor_reset(actor=admin_user, user=reviewer_user, reason="  ")
    assert "reason" in exc.value.message_dict and has_second_factor(reviewer_user)
    second_factor_reset(actor=admin_user, user=reviewer_user, reason="手机丢失，已电话核实")
    assert not has_second_factor(reviewer_user)
    assert not StaticDevice.objects.filter(user=reviewer_user).exists()
    event = AuditEvent.objects.get(action="otp.reset")
    assert event.actor == admin_user and event.object_id == str(reviewer_user.pk)
    assert event.note == "手机丢失，已电话核实"
    assert Notification.objects.filter(recipient=reviewer_user, title__contains="重置").exists()


def test_reset_refuses_non_admins_oneself_and_users_without_a_second_factor(role_users, admin_user):
    reviewer = role_users["reviewer"]
    enable_second_factor(reviewer)
    enable_second_factor(admin_user)
    for role in ("enterprise", "provider", "reviewer"):
        with pytest.raises(PermissionDenied):
            second_factor_reset(actor=role_users[role], user=admin_user, reason="x")
    with pytest.raises(PermissionDenied):
        second_factor_reset(actor=admin_user, user=admin_user, reason="x")
    with pytest.raises(ValidationError):
        second_factor_reset(actor=admin_user, user=role_users["enterprise"], reason="x")
    assert has_second_factor(reviewer) and has_second_factor(admin_user)


def test_status_says_required_when_the_programme_setting_is_on(reviewer_user, enterprise_user, settings):
    assert not second_factor_status(reviewer_user).required
    settings.VOUCHER_REQUIRE_TOTP_FOR_STAFF = True
    assert second_factor_status(reviewer_user).required
    assert not second_factor_status(enterprise_user).required
    assert not second_factor_status(enterprise_user).available


def test_reset_reason_with_control_characters_is_refused_at_the_field(admin_user, reviewer_user):
    enable_second_factor(reviewer_user)
    with pytest.raises(ValidationError) as exc:
        second_factor_reset(actor=admin_user, user=reviewer_user, reason="丢失\x00")
    assert "reason" in exc.value.message_dict and has_second_factor(reviewer_user)
