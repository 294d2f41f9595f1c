"""Money in CNY: ``Decimal`` with two places (fen), never float.

There is one rounding rule, :data:`ROUNDING`: amounts the programme pays are rounded *down*
to the fen, so a computed subsidy can never exceed what the rule allows (30 %, the annual cap).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
ROUNDING = ROUND_DOWN
MAX_DIGITS = 14  # up to 999,999,999,999.99 CNY
DECIMAL_PLACES = 2


class MoneyError(ValueError):
    """An amount that is not a valid CNY figure."""


def to_money(value: Decimal | int | str) -> Decimal:
    """Parse ``value`` as an exact CNY amount; refuse floats and more than two decimal places."""
    if isinstance(value, float):
        raise MoneyError("金额不能使用浮点数。")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise MoneyError(f"“{value}”不是有效的金额。") from exc
    if not amount.is_finite():
        raise MoneyError(f"“{value}”不是有效的金额。")
    # Checked before quantize, which raises a bare InvalidOperation on huge exponents.
    if amount and amount.adjusted() >= MAX_DIGITS - DECIMAL_PLACES:
        raise MoneyError("金额超出允许范围。")
    if amount != amount.quantize(FEN, rounding=ROUNDING):
        raise MoneyError("金额最多保留两位小数（精确到分）。")
    return amount.quantize(FEN)


def round_money(value: Decimal) -> Decimal:
    """Round a computed amount to the fen with the programme's single rule (down)."""
    if not isinstance(value, Decimal):
        raise MoneyError("金额计算必须使用 Decimal。")
    return value.quantize(FEN, rounding=ROUNDING)


def share(amount: Decimal, rate: Decimal) -> Decimal:
    """``rate`` × ``amount`` rounded down to the fen (e.g. the 30 % subsidy ceiling)."""
    return round_money(amount * rate)


def prorate(amount: Decimal, numerator: int, denominator: int) -> Decimal:
    """``amount`` × numerator / denominator rounded down to the fen (annualising a contract)."""
    if denominator <= 0:
        raise MoneyError("折算分母必须为正数。")
    return round_money(amount * Decimal(numerator) / Decimal(denominator))


def wan_to_yuan(wan: Decimal) -> Decimal:
    """Convert 万元 (10,000 CNY) to 元."""
    return round_money(wan * Decimal(10000))


def format_cny(amount: Decimal) -> str:
    """``¥1,234.50`` — for pages and exports."""
    return f"¥{amount.quantize(FEN):,}"
