"""API: who am I, and the second factor (TOTP) of reviewers and admins."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django_otp import login as otp_login
from ninja import Router, Schema

from voucher.accounts.models import User
from voucher.accounts.permissions import can_manage_accounts
from voucher.accounts.provisioning import provisioning
from voucher.accounts.selectors import has_second_factor, second_factor_status
from voucher.accounts.services import (
    second_factor_begin,
    second_factor_confirm,
    second_factor_disable,
    second_factor_regenerate_recovery_codes,
    second_factor_reset,
    second_factor_verify,
)

router = Router(tags=["accounts"])


class OrganisationOut(Schema):
    id: int
    name: str
    uscc: str | None
    is_enterprise: bool
    is_provider: bool
    is_review_body: bool
    is_authority: bool


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    organisation: OrganisationOut | None


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> object:
    return request.user


class SecondFactorOut(Schema):
    enabled: bool
    pending: bool
    enabled_at: datetime | None
    last_used_at: datetime | None
    recovery_codes_left: int
    required: bool
    available: bool
    verified: bool


class SecondFactorSetupOut(Schema):
    secret: str
    otpauth_url: str
    qr_svg_data_uri: str


class CodeIn(Schema):
    code: str


class RecoveryCodesOut(Schema):
    recovery_codes: list[str]


class RegenerateIn(Schema):
    """The current password, or a current code from the authenticator (not a recovery code)."""

    password: str = ""
    code: str = ""


class ResetIn(Schema):
    reason: str


class ResetOut(Schema):
    username: str
    enabled: bool


def _status(request: HttpRequest) -> SecondFactorOut:
    state = second_factor_status(request.user)
    verified = bool(getattr(request.user, "is_verified", lambda: False)())
    return SecondFactorOut(**asdict(state), verified=verified)


@router.get("/otp", response=SecondFactorOut, summary="双重认证状态", url_name="accounts_otp_status")
def otp_status(request: HttpRequest) -> object:
    return _status(request)


@router.post(
    "/otp/begin",
    response=SecondFactorSetupOut,
    summary="开始设置双重认证（生成密钥和二维码）",
    url_name="accounts_otp_begin",
)
def otp_begin(request: HttpRequest) -> object:
    device = second_factor_begin(actor=request.user)  # type: ignore[arg-type]
    data = provisioning(device)
    return SecondFactorSetupOut(secret=data.secret, otpauth_url=data.url, qr_svg_data_uri=data.qr_data_uri)


@router.post(
    "/otp/confirm",
    response=RecoveryCodesOut,
    summary="输入第一个动态验证码，开启双重认证（恢复码只返回这一次）",
    url_name="accounts_otp_confirm",
)
def otp_confirm(request: HttpRequest, payload: CodeIn) -> object:
    device, codes = second_factor_confirm(actor=request.user, code=payload.code)  # type: ignore[arg-type]
    otp_login(request, device)
    return RecoveryCodesOut(recovery_codes=codes)


@router.post(
    "/otp/verify",
    response=SecondFactorOut,
    summary="登录第二步：输入动态验证码或恢复码",
    url_name="accounts_otp_verify",
)
def otp_verify(request: HttpRequest, payload: CodeIn) -> object:
    device = second_factor_verify(actor=request.user, code=payload.code)  # type: ignore[arg-type]
    otp_login(request, device)
    return _status(request)


@router.post(
    "/otp/disable",
    response=SecondFactorOut,
    summary="关闭双重认证（需当前动态验证码）",
    url_name="accounts_otp_disable",
)
def otp_disable(request: HttpRequest, payload: CodeIn) -> object:
    second_factor_disable(actor=request.user, code=payload.code)  # type: ignore[arg-type]
    return _status(request)


@router.post(
    "/otp/recovery-codes",
    response=RecoveryCodesOut,
    summary="重新生成恢复码（需当前密码或动态验证码；原有恢复码作废，新恢复码只返回这一次）",
    url_name="accounts_otp_regenerate",
)
def otp_regenerate(request: HttpRequest, payload: RegenerateIn) -> object:
    codes = second_factor_regenerate_recovery_codes(
        actor=request.user,  # type: ignore[arg-type]
        password=payload.password,
        code=payload.code,
    )
    return RecoveryCodesOut(recovery_codes=codes)


@router.post(
    "/users/{user_id}/otp/reset",
    response=ResetOut,
    summary="管理员重置他人的双重认证（手机丢失）",
    url_name="accounts_otp_reset",
)
def otp_reset(request: HttpRequest, user_id: int, payload: ResetIn) -> object:
    can_manage_accounts(request.user).enforce()
    target = get_object_or_404(User, pk=user_id)
    second_factor_reset(actor=request.user, user=target, reason=payload.reason)  # type: ignore[arg-type]
    return ResetOut(username=target.username, enabled=has_second_factor(target))
