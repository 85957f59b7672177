"""Cart and order totals: one pure function over integers (CO-4), property-tested.

    subtotal = Σ unit_price × quantity
    discount = ⌊subtotal × percent / 100⌋  or  min(fixed amount, subtotal)
    tax      = round_half_up((subtotal − discount) × rate_bps / 10,000)
    total    = subtotal − discount + tax + shipping

The discount is spread over the lines in proportion to their subtotals (largest remainder),
so line discounts add up to the order's exactly. Shipping is neither discounted nor taxed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from rustok.modules.commerce.money import allocate, apply_rate_bps, line_total
from rustok.modules.commerce.pricing.discounts import DiscountRule, discount_amount


@dataclass(frozen=True, slots=True)
class PricedLine:
    key: uuid.UUID
    unit_price: int
    quantity: int


@dataclass(frozen=True, slots=True)
class LineTotals:
    key: uuid.UUID
    unit_price: int
    quantity: int
    subtotal: int
    discount: int
    total: int


@dataclass(frozen=True, slots=True)
class Totals:
    lines: tuple[LineTotals, ...]
    subtotal: int
    discount_total: int
    tax_total: int
    shipping_total: int
    total: int


def compute_totals(
    lines: Sequence[PricedLine],
    *,
    discount: DiscountRule | None = None,
    tax_rate_bps: int = 0,
    shipping: int = 0,
) -> Totals:
    if any(line.unit_price < 0 or line.quantity < 0 for line in lines):
        raise ValueError("prices and quantities are never negative")
    if shipping < 0 or tax_rate_bps < 0:
        raise ValueError("shipping and tax rate are never negative")
    subtotals = [line_total(line.unit_price, line.quantity) for line in lines]
    subtotal = sum(subtotals)
    discount_total = discount_amount(subtotal, discount)
    shares = allocate(discount_total, subtotals)
    tax_total = apply_rate_bps(subtotal - discount_total, tax_rate_bps)
    return Totals(
        lines=tuple(
            LineTotals(
                key=line.key,
                unit_price=line.unit_price,
                quantity=line.quantity,
                subtotal=sub,
                discount=share,
                total=sub - share,
            )
            for line, sub, share in zip(lines, subtotals, shares, strict=True)
        ),
        subtotal=subtotal,
        discount_total=discount_total,
        tax_total=tax_total,
        shipping_total=shipping,
        total=subtotal - discount_total + tax_total + shipping,
    )
