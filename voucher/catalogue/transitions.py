"""The product state machine as a table (ARCHITECTURE convention 3, SPEC V3, V4)."""

from __future__ import annotations

from voucher.catalogue.choices import ProductAction as A
from voucher.catalogue.choices import ProductStatus as S
from voucher.core.statemachine import Table

PRODUCT = Table(
    "catalogue.product",
    subject="产品",
    states=S,
    actions=A,
    moves={
        (A.MARK_READY, S.NOTICED): S.READY,
        (A.PUT_ON_SALE, S.READY): S.ON_SALE,
        # V3: a product with an upheld objection does not go on sale.
        (A.WITHDRAW, S.NOTICED): S.WITHDRAWN,
        (A.WITHDRAW, S.READY): S.WITHDRAWN,
        # M5: a violation stops the product's trading; the Bureau may resume it afterwards.
        (A.SUSPEND, S.ON_SALE): S.SUSPENDED,
        (A.RESUME, S.SUSPENDED): S.ON_SALE,
    },
)

PRODUCT_TRANSITIONS = PRODUCT.moves
can_move = PRODUCT.can_move
product_transition = PRODUCT.transition
