"""System order numbers (O4): readable, unique, and not guessable in sequence."""

from __future__ import annotations

import secrets

from voucher.core import clock

# Crockford-style alphabet without look-alikes (no I, L, O, U).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_order_number() -> str:
    """``FWQ`` + the Beijing date + 8 random characters, e.g. ``FWQ20250612-7KQ2M9XD``."""
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"FWQ{clock.today():%Y%m%d}-{random_part}"
