"""Money arithmetic on integer minor units (CO-2): no float, no Decimal, anywhere.

Amounts are ``int`` cents (or the currency's minor unit) with an upper-case ISO 4217 code
next to them. Every division here is integer division with an explicit rounding rule, and a
test scans the commerce package so that nobody adds float or Decimal arithmetic later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

# 10^12 minor units (ten billion in a two-decimal currency): far above any real price, and
# far below BIGINT, so sums of many lines cannot overflow the database columns.
MAX_AMOUNT: Final = 1_000_000_000_000
MAX_QUANTITY: Final = 100_000
MAX_CART_LINES: Final = 100
# An order's total stays far below BIGINT (9.2 × 10^18) whatever its lines.
MAX_ORDER_TOTAL: Final = 1_000_000_000_000_000
MAX_STOCK: Final = 1_000_000_000
# Rates are basis points: 1 bps = 0.01 %, 10,000 bps = 100 %.
BPS_SCALE: Final = 10_000


def percent_of(amount: int, percent: int) -> int:
    """``percent`` % of ``amount``, rounded down (a discount never exceeds its rate)."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be within 0..100")
    return amount * percent // 100


def apply_rate_bps(amount: int, rate_bps: int) -> int:
    """``amount`` × rate, rounded half up to a whole minor unit (tax)."""
    if rate_bps < 0:
        raise ValueError("rate must not be negative")
    return (amount * rate_bps + BPS_SCALE // 2) // BPS_SCALE


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` over ``weights`` proportionally; the parts sum to ``total`` exactly.

    Largest remainder method: every part gets its floor, the units left over go to the
    largest remainders (earlier entries first on ties). With all weights zero the split is
    even.
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("allocate needs non-negative numbers")
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero total over nothing")
        return []
    effective = list(weights) if sum(weights) else [1] * len(weights)
    whole = sum(effective)
    parts = [total * w // whole for w in effective]
    remainders = [total * w % whole for w in effective]
    left = total - sum(parts)
    order = sorted(range(len(effective)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def line_total(unit_price: int, quantity: int) -> int:
    return unit_price * quantity
