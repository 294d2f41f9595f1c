"""The launch-day early answer to an order submission for a product known to be sold out (SPEC O3).

On launch day most submissions reach a product already sold out. Their answer is the same 422 ``sold_out``
refusal whichever way it is computed, so :class:`SoldOutAnswerMiddleware`, placed after the session,
authentication, second-factor, idle-timeout and security-header middleware, gives it for ``POST`` to the
order API before the URL is resolved and the API framework parses the request, with the same checks in
the same order as the API: logged in, CSRF token, a well-formed submission, allowed to order, counted
against the rate limits, and the sold-out flag from the order gate (:mod:`voucher.orders.gate`), then
the earlier submission with the same key from the database (:func:`voucher.orders.services.sold_out_answer`).
Anything else — another answer, an earlier submission, a product not known to be sold out — goes on to
the API unchanged, which reuses what the gate read (the submission is counted once).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_ratelimit.exceptions import Ratelimited
from ninja.utils import check_csrf

from voucher.core.cache import shared_cache_enabled
from voucher.orders import gate, services
from voucher.orders.permissions import can_place_order

ORDER_API_PATH = "/api/v1/orders/"

# The order API's input (voucher.orders.api.OrderIn): field, type, longest (and shortest) length.
TEXT_FIELDS = {
    "idempotency_key": (8, 64),
    "contact_name": (0, 60),
    "contact_mobile": (0, 11),
    "note": (0, 300),
}


def submission(request: HttpRequest) -> dict[str, Any] | None:
    """The JSON submission when it is exactly what the API accepts as is, else ``None``."""
    if request.content_type != "application/json":
        return None
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    if not isinstance(data, dict) or type(data.get("product_id")) is not int:
        return None
    data.setdefault("note", "")
    for name, (shortest, longest) in TEXT_FIELDS.items():
        value = data.get(name)
        if not isinstance(value, str) or not shortest <= len(value) <= longest:
            return None
    return data


class SoldOutAnswerMiddleware:
    """Answer a submission to the order API for a product known to be sold out, before the API runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info == ORDER_API_PATH and shared_cache_enabled():
            answer = self.answer(request)
            if answer is not None:
                return answer
        return self.get_response(request)

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or check_csrf(request) is not None:
            return None
        data = submission(request)
        if data is None or not can_place_order(user):
            return None
        product_id = data["product_id"]
        try:
            admission = gate.admit(request, product_id)
        except (Ratelimited, PermissionDenied) as exc:
            gate.remember(request, product_id, exc)
            return None
        gate.remember(request, product_id, admission)
        refusal = services.sold_out_answer(
            actor=user,
            admission=admission,
            idempotency_key=data["idempotency_key"],
            contact_name=data["contact_name"],
            contact_mobile=data["contact_mobile"],
            note=data["note"],
        )
        if refusal is None:
            return None
        message = "；".join(refusal.messages)
        return JsonResponse(
            {"code": "sold_out", "message": message, "fields": refusal.message_dict}, status=422
        )
