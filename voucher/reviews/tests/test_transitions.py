"""The objection and product state tables: every move not in a table is refused (ARCHITECTURE 3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from voucher.catalogue.choices import ProductAction, ProductStatus
from voucher.catalogue.transitions import PRODUCT_TRANSITIONS, product_transition
from voucher.reviews.choices import ObjectionAction, ObjectionStatus
from voucher.reviews.transitions import OBJECTION_TRANSITIONS, objection_transition

OBJECTION_MOVES = [(a, s) for a in ObjectionAction for s in ObjectionStatus]
PRODUCT_MOVES = [(a, s) for a in ProductAction for s in ProductStatus]


@pytest.mark.parametrize(("action", "status"), OBJECTION_MOVES)
def test_v3_objection_moves_follow_the_table(action, status):
    if (action, status) in OBJECTION_TRANSITIONS:
        assert objection_transition(status, action) == OBJECTION_TRANSITIONS[(action, status)]
    else:
        with pytest.raises(ValidationError) as exc:
            objection_transition(status, action)
        assert "status" in exc.value.message_dict


@pytest.mark.parametrize(("action", "status"), PRODUCT_MOVES)
def test_v4_product_moves_follow_the_table(action, status):
    if (action, status) in PRODUCT_TRANSITIONS:
        assert product_transition(status, action) == PRODUCT_TRANSITIONS[(action, status)]
    else:
        with pytest.raises(ValidationError) as exc:
            product_transition(status, action)
        assert "status" in exc.value.message_dict


def test_v3_a_resolved_objection_is_final():
    assert {s for (_, s) in OBJECTION_TRANSITIONS} == {ObjectionStatus.OPEN}


def test_v3_withdrawn_and_on_sale_products_never_go_on_sale_again():
    for status in (ProductStatus.WITHDRAWN, ProductStatus.ON_SALE, ProductStatus.NOTICED):
        assert (ProductAction.PUT_ON_SALE, status) not in PRODUCT_TRANSITIONS
