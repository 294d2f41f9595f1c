"""Login throttling: django-axes per username and address, plus a limit on password spraying.

Axes locks a (username, address) pair after ``AXES_FAILURE_LIMIT`` failures. An attacker who tries one or
two common passwords against many usernames never reaches that limit for any pair, so an address from which
``VOUCHER_LOGIN_SPRAY_LIMIT`` different usernames failed within the cool-off period is locked out as a whole
(every username) until those failures age out. The address is the client's behind the trusted proxies
(``AXES_CLIENT_IP_CALLABLE`` is :func:`voucher.core.clientip.client_ip`).
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings


def usernames_failed_from(request: Any) -> int:
    """How many different usernames failed to log in from the request's address within the cool-off period."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.values("username").distinct().count()


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler that also locks out an address spraying passwords over many usernames.

    Axes decides a lockout, both before authenticating and after a failure, from :meth:`get_failures`;
    an address over the spraying limit counts as having reached the failure limit for every username.
    """

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if usernames_failed_from(request) >= settings.VOUCHER_LOGIN_SPRAY_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
