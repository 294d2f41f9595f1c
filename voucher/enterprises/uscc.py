"""Unified social credit code (统一社会信用代码, GB 32100-2015): validation and decoding (SPEC E1, E2).

python-stdnum checks the shape and the check character of codes whose first eight characters are
digits; it refuses valid codes whose registration authority is a letter (A, N, Y), so those are
checked here with the same MOD 31 algorithm — they must be *decoded* (and refused as non-enterprise
units with their real reason), not reported as mistyped. Which authority/type combinations exist and
which division codes count as Beijing are project data under ``data/reference/``.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from voucher.core.text import identifier_key

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

ENTERPRISE = ("9", "1")
INDIVIDUAL_BUSINESS = ("9", "2")
FARMER_COOPERATIVE = ("9", "3")


def reference_dir() -> Path:
    return Path(settings.BASE_DIR) / "data" / "reference"


@dataclass(frozen=True)
class AuthorityType:
    authority_code: str
    authority_name: str
    type_code: str
    type_name: str


@functools.cache
def authority_types() -> dict[tuple[str, str], AuthorityType]:
    """Registration authority × organisation type (``uscc_authority_type_codes.csv``)."""
    with (reference_dir() / "uscc_authority_type_codes.csv").open(encoding="utf-8") as fh:
        return {
            (r["authority_code"], r["type_code"]): AuthorityType(
                r["authority_code"], r["authority_name"], r["type_code"], r["type_name"]
            )
            for r in csv.DictReader(fh)
        }


@functools.cache
def beijing_registration_codes() -> dict[str, str]:
    """Codes accepted in positions 3–8: the 2025 districts and the non-district codes seen in real codes."""
    codes: dict[str, str] = {}
    with (reference_dir() / "beijing_divisions.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            codes[r["code"]] = r["name"]
    with (reference_dir() / "beijing_uscc_extra_region_codes.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            codes.setdefault(r["code"], r["meaning"])
    return codes


class UsccRefused(Exception):
    """A code that is refused; ``code`` is machine-readable, ``reason`` the Chinese sentence shown."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class UsccInfo:
    """A decoded, valid code."""

    code: str
    authority_code: str
    authority_name: str
    type_code: str
    type_name: str
    division_code: str
    division_name: str
    organisation_code: str


def compact(value: str) -> str:
    """The code without separators, upper-case, after :func:`identifier_key` (full-width and invisible
    characters never make two spellings of one code differ)."""
    return stdnum_uscc.compact(identifier_key(value))


def check_char(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_format(value: str) -> str:
    """Return the compact code if it is well formed with a correct check character, else refuse."""
    code = compact(value)
    if len(code) != 18:
        raise UsccRefused("uscc_length", f"统一社会信用代码应为 18 位，您输入了 {len(code)} 位。")
    if not SHAPE.fullmatch(code):
        raise UsccRefused(
            "uscc_format",
            "统一社会信用代码格式不正确：第 3–8 位应为数字，且不使用字母 I、O、S、V、Z。",
        )
    if code[0].isdigit() and code[1].isdigit():
        try:
            stdnum_uscc.validate(code)
        except StdnumError as exc:
            raise UsccRefused("uscc_checksum", "统一社会信用代码校验位不正确，请核对是否输入有误。") from exc
    elif check_char(code[:17]) != code[17]:
        raise UsccRefused("uscc_checksum", "统一社会信用代码校验位不正确，请核对是否输入有误。")
    return code


def decode(value: str) -> UsccInfo:
    """Validate and decode; refuses bad codes and unknown authority/type combinations (not eligibility)."""
    code = validate_format(value)
    kind = authority_types().get((code[0], code[1]))
    if kind is None:
        raise UsccRefused(
            "uscc_unknown_type",
            f"统一社会信用代码第 1–2 位“{code[:2]}”不是已知的登记管理部门和机构类别代码，请核对。",
        )
    division = code[2:8]
    return UsccInfo(
        code=code,
        authority_code=kind.authority_code,
        authority_name=kind.authority_name,
        type_code=kind.type_code,
        type_name=kind.type_name,
        division_code=division,
        division_name=beijing_registration_codes().get(division, ""),
        organisation_code=code[8:17],
    )


def check_eligible(
    value: str, *, individual_businesses_eligible: bool = False, farmer_cooperatives_eligible: bool = False
) -> UsccInfo:
    """Decode and apply E1/E2: enterprises registered in Beijing only; each refusal with its own reason."""
    info = decode(value)
    pair = (info.authority_code, info.type_code)
    if pair == INDIVIDUAL_BUSINESS and not individual_businesses_eligible:
        raise UsccRefused(
            "individual_business",
            "该代码属于个体工商户（第 1–2 位为 92）。本年度服务券仅面向中小微企业，个体工商户不在支持范围内。",
        )
    if pair == FARMER_COOPERATIVE and not farmer_cooperatives_eligible:
        raise UsccRefused(
            "farmer_cooperative",
            "该代码属于农民专业合作社（第 1–2 位为 93）。本年度服务券仅面向中小微企业，农民专业合作社不在支持范围内。",
        )
    if info.authority_code != ENTERPRISE[0]:
        raise UsccRefused(
            "not_enterprise",
            f"该代码由{info.authority_name}登记，机构类别为“{info.type_name}”，属于非企业单位"
            "（如事业单位、机关、社会组织、幼儿园等），不在服务券支持范围内。",
        )
    if info.division_code not in beijing_registration_codes():
        raise UsccRefused(
            "not_beijing",
            f"该代码的登记管理机关行政区划码为 {info.division_code}，不是北京市的登记机关。"
            "服务券仅支持注册地在北京市的企业。",
        )
    return info
