"""The launch-day gate in front of placing an order (SPEC O3): the one place the order path meets the cache.

The order page (:func:`voucher.orders.views.order_new`) and the API (:func:`voucher.orders.api.place`) both
call :func:`admit` with the request; :func:`voucher.orders.services.order_place` takes the
:class:`Admission` it returns (and calls :func:`look` itself when it is called without one, from scripts and
other services). In one cache round trip the gate

* counts the submission against the rate limits (:mod:`voucher.orders.limits`; HTTP 429 beyond them),
* reads the product's sold-out flag (:mod:`voucher.orders.soldout`), so a product already found sold out is
  refused before anything about the product or the enterprise is read, and
* reads the product's cached facts (:mod:`voucher.orders.product_facts`).

The services that change those facts keep the cache right: a released voucher clears the sold-out flag
(:func:`vouchers_returned`), and a product, programme year or provider change replaces the facts' version
tokens (:mod:`voucher.orders.product_facts`). Cache errors fail open: the order takes the database path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django_ratelimit.exceptions import Ratelimited

from voucher.catalogue.models import Product
from voucher.core.cache import count_and_read, shared_cache_enabled
from voucher.core.ratelimits import over_limit
from voucher.orders import limits, product_facts, soldout
from voucher.orders.permissions import can_place_order

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Admission:
    """What the gate read for one submission, before any row of the product was read."""

    observation: soldout.Observation = soldout.OFF
    # The values read for the product's cached facts (:func:`voucher.orders.product_facts.keys`).
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        """Whether the cache is shared by every server process (else the gate reads nothing)."""
        return self.observation.enabled

    @property
    def sold_out_name(self) -> str | None:
        """The product's name when it is known to be sold out (the flag holds), else ``None``."""
        return self.observation.sold_out_name


OFF = Admission()


def _admission(product_id: int, values: dict[str, Any]) -> Admission:
    return Admission(observation=soldout.observation_from(product_id, values), facts=values)


def _reads(product_id: int) -> list[str]:
    return soldout.keys(product_id) + product_facts.keys(product_id)


def admit(request: Any, product_id: int | None = None) -> Admission:
    """Admit one submission from ``request``: the rate limits, then what the cache knows of the product.

    The caller must be allowed to order (``PermissionDenied`` otherwise, before anything is counted): a
    provider or an anonymous caller never uses up an enterprise's budget. Raises :class:`Ratelimited`
    (HTTP 429) beyond ``VOUCHER_ORDER_RATE_PER_ENTERPRISE`` per enterprise or ``VOUCHER_ORDER_RATE_PER_IP``
    per client address. With ``product_id`` (and a shared cache) the product's sold-out flag and cached
    facts are read in the same round trip.
    """
    can_place_order(request.user).enforce()
    counters = limits.order_rate_counters(request)
    product = product_id if product_id is not None and shared_cache_enabled() else None
    try:
        counts, values = count_and_read([key for key, _limit in counters], _reads(product) if product else [])
    except Exception:
        logger.exception("order rate limits not counted")
        return OFF
    if over_limit(counters, counts):
        raise Ratelimited()
    return OFF if product is None else _admission(product, values)


ADMITTED = "_order_gate_admitted"


def remember(request: Any, product_id: int, result: Admission | Exception) -> None:
    """Keep what :func:`admit` gave for ``request`` (an admission or its refusal), for :func:`admitted`:
    the submission is counted once even when it passes the gate twice (the early sold-out answer first)."""
    setattr(request, ADMITTED, (product_id, result))


def admitted(request: Any, product_id: int) -> Admission:
    """:func:`admit` for ``request``, unless it was already admitted for this product (:func:`remember`)."""
    kept = getattr(request, ADMITTED, None)
    if kept is None or kept[0] != product_id:
        return admit(request, product_id)
    result = kept[1]
    if isinstance(result, Exception):
        raise result
    admission: Admission = result
    return admission


def look(product_id: int) -> Admission:
    """What the cache knows of the product, without counting a submission (one round trip)."""
    if not shared_cache_enabled():
        return OFF
    try:
        from_cache = cache.get_many(_reads(product_id))
    except Exception:
        logger.exception("order gate unreadable for product %s", product_id)
        return OFF
    return _admission(product_id, from_cache)


def product_for_order(admission: Admission, product_id: int) -> tuple[Product, bool]:
    """The product with its programme year and provider, and whether ``vouchers_left`` was read: from the
    cached facts when they are current, else from the database (and then cached)."""
    return product_facts.product_for_order(product_id, admission.facts if admission.enabled else None)


def found_sold_out(admission: Admission, product_id: int, name: str) -> None:
    """The database showed the product sold out after ``admission``: refuse further submissions from the
    cache until a voucher comes back."""
    soldout.mark_sold_out(product_id, name, admission.observation)


def vouchers_returned(product_id: int) -> None:
    """Call inside the transaction that gives a voucher back: the sold-out flag stops holding once it commits."""
    soldout.vouchers_returned(product_id)
