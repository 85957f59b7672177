"""Pricing: the rules that turn prices, quantities, a discount, a tax rate and shipping into
what a buyer pays. Pure functions over integers, at the bottom of commerce: they import no
other commerce subpackage, and every one that prices something imports them from here.

- cart totals and each line's figures (``totals.py``),
- price selection: which of a variant's prices applies (``selection.py``),
- discount rules: when a code applies and how much it takes off (``discounts.py``).
"""

from rustok.modules.commerce.pricing.discounts import (
    DiscountRule,
    DiscountTerms,
    check_applicable,
    discount_amount,
    discount_unavailable,
    rule_of,
)
from rustok.modules.commerce.pricing.selection import PriceCandidate, select_unit_prices
from rustok.modules.commerce.pricing.totals import LineTotals, PricedLine, Totals, compute_totals

__all__ = [
    "DiscountRule",
    "DiscountTerms",
    "LineTotals",
    "PriceCandidate",
    "PricedLine",
    "Totals",
    "check_applicable",
    "compute_totals",
    "discount_amount",
    "discount_unavailable",
    "rule_of",
    "select_unit_prices",
]
