"""Recording, confirming, amending and completing service contracts; ratings (SPEC C1–C7).

Locking order, the same in every service: the enterprise's quota account, then the order or the
contract, then the product. The maximum deduction is computed under the account's lock, so two
contracts of one enterprise recorded at the same moment are serialised and cannot together exceed
its quota.
"""

from voucher.contracts.services.common import (
    COMMENT_MAX,
    CONTRACT_AUDIT_FIELDS,
    RATING_AUDIT_FIELDS,
)
from voucher.contracts.services.lifecycle import (
    contract_complete,
    contract_confirm,
    contract_lock_for_claim,
)
from voucher.contracts.services.ratings import (
    rating_create,
    rating_reply,
    rating_update,
)
from voucher.contracts.services.recording import (
    contract_amend,
    contract_record,
)
from voucher.contracts.services.terms import (
    CheckedTerms,
    Terms,
    check_terms,
    order_day,
)
from voucher.core.errors import refuse

__all__ = [
    "COMMENT_MAX",
    "CONTRACT_AUDIT_FIELDS",
    "RATING_AUDIT_FIELDS",
    "CheckedTerms",
    "Terms",
    "check_terms",
    "contract_amend",
    "contract_complete",
    "contract_confirm",
    "contract_lock_for_claim",
    "contract_record",
    "order_day",
    "rating_create",
    "rating_reply",
    "rating_update",
    "refuse",
]
