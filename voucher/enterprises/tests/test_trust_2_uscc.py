"""Issue 17, item 2: credit codes are compared after NFKC and stripping invisible characters."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from voucher.enterprises import uscc
from voucher.enterprises.services import enterprise_register

CODE = "91110000600037341L"


def test_trust_2_credit_code_spellings_compact_to_one_code():
    for spelling in (f"{CODE}\u200b", f"\ufeff{CODE}", CODE.lower(), "９１１１００００６０００３７３４１Ｌ"):
        assert uscc.compact(spelling) == CODE, spelling


@pytest.mark.django_db
def test_trust_2_duplicate_credit_code_refused_at_sign_up():
    def register(code, username):
        return enterprise_register(
            name=f"北京{username}科技有限公司",
            uscc=code,
            username=username,
            password="Trust-2025-pw",
            contact_name="王经理",
            contact_phone="13800138000",
        )

    register(CODE, "first")
    with pytest.raises(ValidationError) as info:
        register(f"{CODE}\u200b", "second")
    assert info.value.error_dict["uscc"][0].code == "uscc_taken"
