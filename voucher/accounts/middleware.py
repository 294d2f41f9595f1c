"""Session gates: the second factor for staff, and the idle timeout for every session.

The second-factor gate: staff who have a TOTP device finish the code step before anything else.

Runs after :class:`django_otp.middleware.OTPMiddleware`. A reviewer or admin who has passed the
password step but not the code step may reach only the login, logout and code pages (and their API
counterparts); pages redirect to the code page, the API answers 403 ``otp_required``. With
``VOUCHER_REQUIRE_TOTP_FOR_STAFF`` on, staff without a device are sent to set one up
(API: 403 ``otp_setup_required``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from voucher.accounts.selectors import has_second_factor, is_second_factor_staff
from voucher.core import clock

# View names (``namespace:name``) an unverified user may still reach.
VERIFY_OPEN = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:otp_verify",
        "api:accounts_otp_status",
        "api:accounts_otp_verify",
        "set_language",
    }
)
# ... and those a staff member without a device may reach while a device is required.
SETUP_OPEN = VERIFY_OPEN | {
    "accounts:otp",
    "accounts:otp_begin",
    "accounts:otp_confirm",
    "accounts:otp_recovery_codes",
    "api:accounts_otp_begin",
    "api:accounts_otp_confirm",
}

OTP_REQUIRED_MESSAGE = "请先输入动态验证码完成双重认证。"
OTP_SETUP_MESSAGE = "平台要求评审机构和市经信局账号开启双重认证，请先完成设置。"


def _view_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _is_api(view_name: str | None, request: HttpRequest) -> bool:
    if view_name is not None:
        return view_name.startswith("api:")
    return request.path_info.startswith("/api/")


def _refuse_api(code: str, message: str) -> HttpResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=403)


class SecondFactorMiddleware:
    """Hold staff sessions at the code step (or the set-up step) until it is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._check(request)
        return refusal if refusal is not None else self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not is_second_factor_staff(user):
            return None
        if has_second_factor(user):
            if user.is_verified():  # type: ignore[union-attr]
                return None
            view_name = _view_name(request)
            if view_name in VERIFY_OPEN:
                return None
            if _is_api(view_name, request):
                return _refuse_api("otp_required", OTP_REQUIRED_MESSAGE)
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:otp_verify')}?{query}")
        if not getattr(settings, "VOUCHER_REQUIRE_TOTP_FOR_STAFF", False):
            return None
        view_name = _view_name(request)
        if view_name in SETUP_OPEN:
            return None
        if _is_api(view_name, request):
            return _refuse_api("otp_setup_required", OTP_SETUP_MESSAGE)
        return redirect("accounts:otp")


IDLE_KEY = "last_seen"
# The last-seen time is written back at most this often, so an active session is not saved on every request.
IDLE_RESOLUTION_SECONDS = 60
IDLE_MESSAGE = "长时间未操作，已自动退出登录，请重新登录。"


def idle_timeout_seconds(user: Any) -> int:
    """How long a session may stay unused: shorter for reviewers and the Bureau's staff."""
    minutes = (
        settings.VOUCHER_IDLE_TIMEOUT_STAFF_MINUTES
        if is_second_factor_staff(user)
        else settings.VOUCHER_IDLE_TIMEOUT_MINUTES
    )
    return int(minutes) * 60


def start_idle_clock(sender: Any, request: HttpRequest | None = None, **_: Any) -> None:
    """On login (``user_logged_in``): the session was last used now (saved with the login itself)."""
    if request is not None and hasattr(request, "session"):
        request.session[IDLE_KEY] = int(clock.now().timestamp())


class IdleTimeoutMiddleware:
    """Log a session out after it has been unused longer than its user's idle timeout.

    Staff (reviewers, the Bureau's admins) time out after ``VOUCHER_IDLE_TIMEOUT_STAFF_MINUTES``, everyone
    else after ``VOUCHER_IDLE_TIMEOUT_MINUTES``. Pages then go to the login page, the API answers 401
    ``session_expired``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = clock.now().timestamp()
        last_seen = request.session.get(IDLE_KEY)
        if isinstance(last_seen, int | float) and now - last_seen > idle_timeout_seconds(user):
            logout(request)
            if _is_api(_view_name(request), request):
                return JsonResponse(
                    {"code": "session_expired", "message": IDLE_MESSAGE, "fields": {}}, status=401
                )
            messages.info(request, IDLE_MESSAGE)
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
        if not isinstance(last_seen, int | float) or now - last_seen >= IDLE_RESOLUTION_SECONDS:
            request.session[IDLE_KEY] = int(now)
        return self.get_response(request)
