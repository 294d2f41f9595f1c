"""Synthetic but well-formed unified social credit codes for demo and test organisations."""

from __future__ import annotations

from stdnum.cn import uscc

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    r = 11 - sum(a * b for a, b in zip(values, ORG_WEIGHTS, strict=True)) % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def make_uscc(serial: int, *, authority_type: str = "91", division: str = "110108") -> str:
    """A code that passes both check characters: ``authority_type`` + ``division`` + MA + serial."""
    body8 = f"MA{serial:06d}"
    first17 = f"{authority_type}{division}{body8}{org_code_check_char(body8)}"
    return first17 + uscc.calc_check_digit(first17)
