"""What an authenticator app needs to add an account: the otpauth:// URL as a QR code, and the secret."""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice


@dataclass(frozen=True)
class Provisioning:
    """The secret in Base32 (grouped for typing by hand), the otpauth URL and its QR code as a data URI."""

    secret: str
    secret_grouped: str
    url: str
    qr_data_uri: str


def provisioning(device: TOTPDevice) -> Provisioning:
    """Provisioning data for ``device``; the QR code is drawn here (SVG), nothing leaves the server."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    url = device.config_url
    qr = segno.make(url, error="m")
    return Provisioning(
        secret=secret,
        secret_grouped=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        url=url,
        qr_data_uri=qr.svg_data_uri(scale=5, border=2),
    )
