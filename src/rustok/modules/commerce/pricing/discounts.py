"""Discount rules: when a code applies, and how much it takes off a subtotal.

    applies   active, inside its window [starts_at, ends_at), in its currency (if any),
              subtotal ≥ min_subtotal (if any), usage_count < usage_limit (if any)
    amount    percentage: ⌊subtotal × percent / 100⌋; fixed: min(amount, subtotal)

The usage limit is checked here for a clear early answer, and enforced atomically by the
checkout's conditional UPDATE (discounts/service.py ``claim_usage``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, Protocol

from rustok.modules.commerce.errors import DiscountUnavailable
from rustok.modules.commerce.money import percent_of


@dataclass(frozen=True, slots=True)
class DiscountRule:
    kind: Literal["percentage", "fixed"]
    value: int


class DiscountTerms(Protocol):
    """The terms of a discount code (a ``commerce_discounts`` row has them)."""

    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> int: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def starts_at(self) -> dt.datetime | None: ...
    @property
    def ends_at(self) -> dt.datetime | None: ...
    @property
    def currency_code(self) -> str | None: ...
    @property
    def min_subtotal(self) -> int | None: ...
    @property
    def usage_limit(self) -> int | None: ...
    @property
    def usage_count(self) -> int: ...


def discount_unavailable(reason: str) -> DiscountUnavailable:
    return DiscountUnavailable(
        f"discount code cannot be applied: {reason}", errors={"discount_code": [reason]}
    )


def rule_of(terms: DiscountTerms) -> DiscountRule:
    return DiscountRule(kind="fixed" if terms.kind == "fixed" else "percentage", value=terms.value)


def check_applicable(terms: DiscountTerms, currency: str, subtotal: int, now: dt.datetime) -> None:
    """Every rule above; :class:`DiscountUnavailable` names the first that fails."""
    if not terms.is_active:
        raise discount_unavailable("inactive")
    if terms.starts_at is not None and now < terms.starts_at:
        raise discount_unavailable("not valid yet")
    if terms.ends_at is not None and now >= terms.ends_at:
        raise discount_unavailable("expired")
    if terms.currency_code is not None and terms.currency_code != currency:
        raise discount_unavailable(f"only for {terms.currency_code}")
    if terms.min_subtotal is not None and subtotal < terms.min_subtotal:
        raise discount_unavailable(f"needs a subtotal of at least {terms.min_subtotal}")
    if terms.usage_limit is not None and terms.usage_count >= terms.usage_limit:
        raise discount_unavailable("used up")


def discount_amount(subtotal: int, rule: DiscountRule | None) -> int:
    if rule is None:
        return 0
    if rule.kind == "percentage":
        return percent_of(subtotal, min(max(rule.value, 0), 100))
    return min(max(rule.value, 0), subtotal)
