"""Creating and changing organisations and users."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc as stdnum_uscc

from voucher.accounts.choices import NameChangeStatus, Role
from voucher.accounts.models import NameChangeRequest, Organisation, User
from voucher.accounts.permissions import (
    can_edit_organisation,
    can_manage_accounts,
    can_manage_second_factor,
    can_reset_second_factor,
)
from voucher.accounts.selectors import active_users_with
from voucher.accounts.signals import ADMIN_GROUP
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.notifications import notify
from voucher.core.text import clean_text, identifier_key
from voucher.core.validators import validate_mainland_mobile

ORGANISATION_EDITABLE = [
    "name",
    "established_on",
    "registered_address",
    "operating_address",
    "contact_name",
    "contact_phone",
    "contact_email",
]

ROLE_NEEDS_KIND = {
    Role.ENTERPRISE: ("is_enterprise", "企业用户必须属于一家企业。"),
    Role.PROVIDER: ("is_provider", "服务商用户必须属于一家服务商。"),
    Role.REVIEWER: ("is_review_body", "评审用户必须属于一家评审机构。"),
    Role.ADMIN: ("is_authority", "管理员必须属于主管部门。"),
}


def _clean_uscc(value: str | None) -> str | None:
    if not value:
        return None
    code = stdnum_uscc.compact(value)
    if not stdnum_uscc.is_valid(code):
        raise ValidationError({"uscc": "统一社会信用代码无效：请核对 18 位代码（含校验位）。"})
    return code


def reserved_name_check(name: str, organisation: Organisation) -> None:
    """Refuse, at the ``name`` field, a name of one of the platform's own bodies (the Bureau, the review
    bodies) for any other organisation; compared by :func:`identifier_key`."""
    if organisation.is_authority or organisation.is_review_body:
        return
    key = identifier_key(name)
    reserved = {identifier_key(n) for n in settings.VOUCHER_RESERVED_ORGANISATION_NAMES}
    bodies = Organisation.objects.filter(Q(is_authority=True) | Q(is_review_body=True))
    if organisation.pk:
        bodies = bodies.exclude(pk=organisation.pk)
    reserved |= {identifier_key(n) for n in bodies.values_list("name", flat=True)}
    if key in reserved:
        raise ValidationError(
            {
                "name": ValidationError(
                    f"“{name}”是本平台主管部门或评审机构的名称，不能用作其他单位的名称。",
                    code="name_reserved",
                )
            }
        )


def name_locked(organisation: Organisation) -> bool:
    """After authentication the legal name changes only through re-verification: an enterprise whose
    credit code was verified, or a provider with a registered credit code."""
    if organisation.is_authority or organisation.is_review_body:
        return False
    try:
        verified = organisation.authentication.status == "verified"  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        verified = False
    return verified or bool(organisation.is_provider and organisation.uscc)


def _registry_verdict(organisation: Organisation, name: str) -> bool | None:
    path = settings.VOUCHER_NAME_REGISTRY_CHECK
    if not path:
        return None
    verdict: bool | None = import_string(path)(organisation.uscc, name)
    return verdict


def _name_change_request(*, actor: Any, organisation: Organisation, name: str) -> NameChangeRequest:
    """Record a pending change of a locked legal name (the old name stays), ask the registry check if
    one is configured, and tell the Bureau."""
    if NameChangeRequest.objects.filter(organisation=organisation, status=NameChangeStatus.PENDING).exists():
        raise ValidationError(
            {
                "name": ValidationError(
                    "已有一项名称变更正在核验，请等待市经信局处理。", code="name_change_pending"
                )
            }
        )
    request = NameChangeRequest.objects.create(
        organisation=organisation,
        old_name=organisation.name,
        new_name=name,
        requested_by=actor if getattr(actor, "pk", None) else None,
        requested_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="organisation.name_change_requested",
        obj=request,
        after={"organisation_id": organisation.pk, "old_name": request.old_name, "new_name": name},
    )
    verdict = _registry_verdict(organisation, name)
    if verdict is not None:
        return organisation_name_change_decide(
            actor=None, request=request, approve=verdict, reason="登记机关信息自动核验"
        )
    notify(
        recipients=active_users_with("accounts.manage"),
        kind="organisation.name_change_requested",
        title=f"单位名称变更待核验：{request.old_name}"[:200],
        body=f"申请将“{request.old_name}”变更为“{name}”，请核对营业执照后处理。",
        url="/accounts/name-changes/",
    )
    return request


@transaction.atomic
def organisation_name_change_decide(
    *, actor: Any, request: NameChangeRequest, approve: bool, reason: str = ""
) -> NameChangeRequest:
    """The Bureau (``actor``; ``None`` for the registry check) approves or refuses a pending name change;
    approved, the organisation takes the new name. Audited; the organisation's users are told."""
    if actor is not None:
        can_manage_accounts(actor).enforce()
    locked = NameChangeRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != NameChangeStatus.PENDING:
        raise ValidationError(ValidationError("该名称变更已处理。", code="already_decided"))
    text = clean_text(reason).strip()
    if not approve and not text and actor is not None:
        raise ValidationError({"reason": ValidationError("请填写不予核准的原因。", code="required")})
    organisation = Organisation.objects.select_for_update().get(pk=locked.organisation_id)
    if approve:
        reserved_name_check(locked.new_name, organisation)
        before = snapshot(organisation, ["name"])
        organisation.name = locked.new_name
        organisation.full_clean()
        organisation.save()
        audit_record(
            actor=actor,
            action="organisation.renamed",
            obj=organisation,
            before=before,
            after={"name": organisation.name},
        )
    locked.status = NameChangeStatus.APPROVED if approve else NameChangeStatus.REJECTED
    locked.decided_by = actor if getattr(actor, "pk", None) else None
    locked.decided_at = clock.now()
    locked.reason = text[:1000]
    locked.save()
    audit_record(
        actor=actor,
        action=f"organisation.name_change_{locked.status}",
        obj=locked,
        before={"status": NameChangeStatus.PENDING},
        after={"status": locked.status, "reason": locked.reason},
    )
    notify(
        recipients=User.objects.filter(organisation=organisation, is_active=True),
        kind="organisation.name_change_decided",
        title=f"单位名称变更{locked.get_status_display()}"[:200],
        body=f"“{locked.old_name}”变更为“{locked.new_name}”：{locked.get_status_display()}。{locked.reason}",
        url="/accounts/organisation/",
    )
    return locked


@transaction.atomic
def organisation_create(*, actor: Any, name: str, uscc: str | None = None, **values: Any) -> Organisation:
    """Register an organisation; ``values`` are the other :class:`Organisation` fields. A reserved name
    (the platform's own bodies) is refused."""
    organisation = Organisation(name=clean_text(name).strip(), uscc=_clean_uscc(uscc), **values)
    reserved_name_check(organisation.name, organisation)
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.created", obj=organisation, after=snapshot(organisation))
    return organisation


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation's profile; only profile fields, and only by its members or an admin.

    A reserved name is refused. After authentication (:func:`name_locked`) a new legal name does not take
    effect: it becomes a pending :class:`NameChangeRequest` for re-verification and the old name stays."""
    can_edit_organisation(actor, organisation).enforce()
    unknown = set(changes) - set(ORGANISATION_EDITABLE)
    if unknown:
        raise ValidationError(f"不能修改这些字段：{', '.join(sorted(unknown))}")
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(locked, ORGANISATION_EDITABLE)
    if "name" in changes:
        new_name = clean_text(changes.pop("name")).strip()
        if new_name and new_name != locked.name:
            reserved_name_check(new_name, locked)
            if name_locked(locked):
                _name_change_request(actor=actor, organisation=locked, name=new_name)
                locked.refresh_from_db()
            else:
                changes["name"] = new_name
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="organisation.updated",
        obj=locked,
        before=before,
        after=snapshot(locked, ORGANISATION_EDITABLE),
    )
    return locked


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    role: str,
    organisation: Organisation | None,
    display_name: str = "",
    email: str = "",
    mobile: str = "",
) -> User:
    """Create a login for one role of one organisation. ``password=None`` means external login only."""
    kind, message = ROLE_NEEDS_KIND[Role(role)]
    if organisation is None or not getattr(organisation, kind):
        raise ValidationError({"organisation": message})
    if mobile:
        validate_mainland_mobile(mobile)
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        display_name=display_name,
        email=email,
        mobile=mobile,
        is_staff=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        after=snapshot(user, ["username", "role", "organisation_id", "display_name"]),
    )
    if role == Role.ADMIN:
        from django.contrib.auth.models import Group

        group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
        user.groups.add(group)
    return user


# --- Second factor (TOTP authenticator plus one-time recovery codes, via django-otp) ---

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "身份验证器"
RECOVERY_DEVICE_NAME = "恢复码"


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def _throttle_message(device: Device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return "验证码错误次数过多，请稍后再试。"
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return f"验证码错误次数过多，请 {seconds} 秒后再试。"


def _check_code(*, user: User, code: str, devices: list[Device], purpose: str) -> Device | ValidationError:
    """Try ``code`` on the fitting device of ``devices`` (locked by the caller); audit a failure.

    A six-digit code goes to the authenticator, anything else to the recovery codes. Returns the
    device that accepted the code, or the field error to raise once the transaction that records
    the failure (audit event, the device's throttling counter) has committed.
    """
    value = _normalise_code(code)
    if not value:
        return ValidationError({"code": ValidationError("请输入验证码。", code="required")})
    wants_totp = value.isdigit() and len(value) == 6
    device = next((d for d in devices if isinstance(d, TOTPDevice) == wants_totp), None)
    throttled = None
    if device is not None:
        throttled = _throttle_message(device)
        if throttled is None and device.verify_token(value):
            return device
    if device is None:
        message = "请输入身份验证器上的 6 位动态验证码。"
    elif throttled:
        message = throttled
    elif wants_totp:
        message = "动态验证码不正确或已过期，请输入身份验证器上当前显示的 6 位数字。"
    else:
        message = "恢复码不正确或已使用过。"
    audit_record(
        actor=user,
        action="otp.code_failed",
        obj=user,
        after={
            "purpose": purpose,
            "kind": "totp" if wants_totp else "recovery",
            "throttled": bool(throttled),
        },
    )
    return ValidationError(
        {"code": ValidationError(message, code="otp_throttled" if throttled else "otp_invalid")}
    )


def _locked_devices(user: User, *, confirmed: bool = True) -> list[Device]:
    return [
        *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=confirmed).order_by("pk"),
        *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"),
    ]


def _notify_security(user: User, title: str, body: str) -> None:
    from django.urls import reverse

    notify(
        recipients=[user], kind="account.second_factor", title=title, body=body, url=reverse("accounts:otp")
    )


def _new_recovery_codes(user: User) -> list[str]:
    """Replace every recovery code of ``user`` with ``RECOVERY_CODE_COUNT`` new ones (in the caller's
    transaction); the codes are returned to be shown once and are not kept anywhere else."""
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    return codes


def second_factor_begin(*, actor: User) -> TOTPDevice:
    """Start setting up an authenticator: a new secret, unconfirmed until the first code is entered."""
    can_manage_second_factor(actor).enforce()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)
        if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ValidationError({"code": "已开启双重认证；如需更换手机，请先关闭再重新开启。"})
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=actor, name=TOTP_DEVICE_NAME, confirmed=False)
        audit_record(actor=actor, action="otp.setup_started", obj=actor)
    return device


def second_factor_confirm(*, actor: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator being set up with its first code; returns it and new recovery codes.

    The recovery codes are shown to the user once; each works one time in place of a code.
    """
    can_manage_second_factor(actor).enforce()
    value = _normalise_code(code)
    if not (value.isdigit() and len(value) == 6):
        raise ValidationError({"code": "请输入身份验证器上的 6 位动态验证码。"})
    codes: list[str] = []
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)
        if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ValidationError({"code": "已开启双重认证。"})
        pending = list(
            TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("-pk")[:1]
        )
        if not pending:
            raise ValidationError({"code": "请先点击“开启双重认证”生成二维码。"})
        result = _check_code(user=actor, code=value, devices=pending, purpose="setup")
        if isinstance(result, TOTPDevice):
            result.confirmed = True
            result.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(actor)
            audit_record(
                actor=actor, action="otp.enabled", obj=actor, after={"recovery_codes": RECOVERY_CODE_COUNT}
            )
            _notify_security(
                actor,
                "已开启双重认证",
                "今后登录时需输入身份验证器上的动态验证码。如非本人操作，请立即联系市经信局。",
            )
    if isinstance(result, ValidationError):
        raise result
    assert isinstance(result, TOTPDevice)
    return result, codes


def second_factor_verify(*, actor: User, code: str) -> Device:
    """Check a login's second step: a current authenticator code or an unused recovery code.

    A recovery code is used up. Wrong codes are audited and throttled (waits of 1, 2, 4 … seconds).
    """
    with transaction.atomic():
        devices = _locked_devices(actor)
        if not any(isinstance(d, TOTPDevice) for d in devices):
            raise ValidationError({"code": "该账号未开启双重认证。"})
        result = _check_code(user=actor, code=code, devices=devices, purpose="login")
        if isinstance(result, StaticDevice):
            audit_record(
                actor=actor,
                action="otp.recovery_code_used",
                obj=actor,
                after={"recovery_codes_left": result.token_set.count()},
            )
    if isinstance(result, ValidationError):
        raise result
    return result


def _check_password(*, user: User, password: str, device: TOTPDevice, purpose: str) -> ValidationError | None:
    """Check ``user``'s current password for a second-factor action; ``None`` when it is right.

    A wrong password counts against the authenticator device's throttle as a wrong code does (so guessing
    waits 1, 2, 4 … seconds either way) and is audited; a right one resets the throttle.
    """
    throttled = _throttle_message(device)
    if throttled is None and user.check_password(password):
        device.throttle_reset()
        return None
    if throttled is None:
        device.throttle_increment()
    audit_record(
        actor=user,
        action="otp.password_failed",
        obj=user,
        after={"purpose": purpose, "throttled": bool(throttled)},
    )
    return ValidationError(
        {
            "password": ValidationError(
                throttled or "当前密码不正确。", code="otp_throttled" if throttled else "password_invalid"
            )
        }
    )


def second_factor_regenerate_recovery_codes(*, actor: User, password: str = "", code: str = "") -> list[str]:
    """Replace all of the user's recovery codes with new ones, returned to be shown once.

    Needs the current password or a current code from the authenticator (a recovery code does not do:
    whoever holds one old code must not be able to mint ten new ones). Audited; the user is notified.
    """
    from django.core.exceptions import NON_FIELD_ERRORS

    can_manage_second_factor(actor).enforce()
    value = _normalise_code(code)
    if not value and not password:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    "请输入当前密码或身份验证器上的 6 位动态验证码。", code="required"
                )
            }
        )
    codes: list[str] = []
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)
        device = next((d for d in _locked_devices(actor) if isinstance(d, TOTPDevice)), None)
        if device is None:
            raise ValidationError(
                {NON_FIELD_ERRORS: ValidationError("该账号未开启双重认证。", code="otp_not_enabled")}
            )
        if value:
            checked = _check_code(user=actor, code=value, devices=[device], purpose="regenerate")
            result = checked if isinstance(checked, ValidationError) else None
        else:
            result = _check_password(user=actor, password=password, device=device, purpose="regenerate")
        if result is None:
            left = StaticToken.objects.filter(device__user=actor).count()
            codes = _new_recovery_codes(actor)
            audit_record(
                actor=actor,
                action="otp.recovery_codes_regenerated",
                obj=actor,
                before={"recovery_codes": left},
                after={
                    "recovery_codes": RECOVERY_CODE_COUNT,
                    "confirmed_with": "code" if value else "password",
                },
            )
            _notify_security(
                actor,
                "已重新生成恢复码",
                "原有恢复码已全部作废，请保存新的恢复码。如非本人操作，请立即修改密码并联系市经信局。",
            )
    if result is not None:
        raise result
    return codes


def _remove_devices(user: User) -> int:
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed


def second_factor_disable(*, actor: User, code: str) -> None:
    """Turn the user's own second factor off; needs a current code (or a recovery code)."""
    can_manage_second_factor(actor).enforce()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)
        devices = _locked_devices(actor)
        if not any(isinstance(d, TOTPDevice) for d in devices):
            raise ValidationError({"code": "该账号未开启双重认证。"})
        result = _check_code(user=actor, code=code, devices=devices, purpose="disable")
        if not isinstance(result, ValidationError):
            _remove_devices(actor)
            audit_record(actor=actor, action="otp.disabled", obj=actor)
            _notify_security(
                actor,
                "已关闭双重认证",
                "登录时不再需要动态验证码。如非本人操作，请立即修改密码并联系市经信局。",
            )
    if isinstance(result, ValidationError):
        raise result


@transaction.atomic
def second_factor_reset(*, actor: User, user: User, reason: str) -> None:
    """An admin removes another user's second factor (e.g. a lost phone); the user sets it up again."""
    can_reset_second_factor(actor, user).enforce()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写重置原因（例如：手机丢失，已电话核实本人身份）。"})
    if len(reason) > 500 or "\x00" in reason:
        raise ValidationError({"reason": "重置原因最多 500 字，且不能含有控制字符。"})
    locked = User.objects.select_for_update().get(pk=user.pk)
    if (
        not TOTPDevice.objects.filter(user=locked).exists()
        and not StaticDevice.objects.filter(user=locked).exists()
    ):
        raise ValidationError({"reason": "该用户未开启双重认证，无需重置。"})
    _remove_devices(locked)
    audit_record(actor=actor, action="otp.reset", obj=locked, note=reason[:500])
    _notify_security(
        locked,
        "双重认证已被管理员重置",
        "市经信局管理员已重置您的双重认证，登录后可重新开启。如非本人申请，请立即联系市经信局。",
    )
