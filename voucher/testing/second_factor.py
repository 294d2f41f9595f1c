"""Test helpers for the TOTP second factor: turn it on through the services and compute codes."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from voucher.accounts.services import second_factor_begin, second_factor_confirm


def code_now(device: TOTPDevice) -> str:
    """The code the user's app shows right now (computed from the device key)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step, or the next one when the current was used."""
    device.refresh_from_db()
    now_t = int(time.time() - device.t0) // device.step + device.drift
    return f"{hotp(device.bin_key, max(now_t, device.last_t + 1), device.digits):06d}"


def enable_second_factor(user: Any) -> tuple[TOTPDevice, list[str]]:
    """Turn the second factor on for ``user`` the way the page does; returns the device and recovery codes."""
    pending = second_factor_begin(actor=user)
    device, codes = second_factor_confirm(actor=user, code=code_now(pending))
    return device, codes


def wait_out_throttle(user: Any) -> None:
    """Move the devices' last failure far enough back that the next attempt is allowed."""
    long_ago = timezone.now() - timedelta(days=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_count__gt=0).update(
            throttling_failure_timestamp=long_ago
        )


def allow_reuse(device: TOTPDevice) -> None:
    """Forget which time step was last used, so the current code is accepted again."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
