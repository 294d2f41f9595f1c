"""The product state machine as a table (ARCHITECTURE convention 3, SPEC V3, V4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from voucher.catalogue.choices import ProductAction as A
from voucher.catalogue.choices import ProductStatus as S

# (action, from) → to. Everything not listed is refused.
PRODUCT_TRANSITIONS: dict[tuple[str, str], str] = {
    (A.MARK_READY, S.NOTICED): S.READY,
    (A.PUT_ON_SALE, S.READY): S.ON_SALE,
    # V3: a product with an upheld objection does not go on sale.
    (A.WITHDRAW, S.NOTICED): S.WITHDRAWN,
    (A.WITHDRAW, S.READY): S.WITHDRAWN,
    # M5: a violation stops the product's trading; the Bureau may resume it afterwards.
    (A.SUSPEND, S.ON_SALE): S.SUSPENDED,
    (A.RESUME, S.SUSPENDED): S.ON_SALE,
}


def can_move(status: str, action: str) -> bool:
    return (action, status) in PRODUCT_TRANSITIONS


def product_transition(status: str, action: str) -> str:
    """The status after ``action``, or a ``ValidationError`` naming the current status."""
    try:
        return PRODUCT_TRANSITIONS[(action, status)]
    except KeyError:
        raise ValidationError(
            {"status": f"产品状态为“{S(status).label}”，不能执行“{A(action).label}”。"},
            code="illegal_transition",
        ) from None
