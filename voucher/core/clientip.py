"""The client's address as the platform sees it: behind the prescribed reverse proxy, not the proxy's.

With ``TRUSTED_PROXY_COUNT = 0`` (the default) the application is reached directly and the address is
``REMOTE_ADDR``. Behind ``n`` trusted proxies each of them appends the address it was reached from to
``X-Forwarded-For``, so the client is the ``n``-th entry from the right; whatever the client itself put in
the header stands further left and is never used. A request with no usable header falls back to
``REMOTE_ADDR``. Every throttle (order limits, login throttling, objections) counts by this address.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str:
    """The real client address of ``request`` (``""`` when nothing usable is known)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than trusted proxies: every entry was written by one of them, the leftmost is the client.
    candidate = hops[-count] if len(hops) >= count else hops[0]
    return _valid(candidate) or remote


def client_network(request: Any) -> str:
    """The address a per-address limit counts by: IPv4 per address, IPv6 per /64 (one household or office)."""
    address = client_ip(request) or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address
