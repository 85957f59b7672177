"""The pricing rules on their own: price selection and discount rules (totals are
property-tested in tests/modules/commerce/test_properties.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from rustok.modules.commerce.errors import DiscountUnavailable
from rustok.modules.commerce.pricing import (
    DiscountRule,
    PriceCandidate,
    check_applicable,
    discount_amount,
    rule_of,
    select_unit_prices,
)

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
SALE = uuid.uuid4()


def test_the_lowest_applicable_price_wins_and_no_base_price_means_not_for_sale() -> None:
    candidates = [
        PriceCandidate(A, None, 1000, 1),
        PriceCandidate(A, SALE, 900, 1),
        PriceCandidate(A, SALE, 700, 10),  # needs ten units
        PriceCandidate(B, None, 500, 1),
        PriceCandidate(B, SALE, 600, 1),  # dearer than the base price: ignored
        PriceCandidate(C, SALE, 100, 1),  # a list price without a base price
    ]
    assert select_unit_prices(candidates, {A: 3, B: 1, C: 1}) == {A: 900, B: 500, C: None}
    assert select_unit_prices(candidates, {A: 10, B: 1, C: 1})[A] == 700


def test_a_base_price_out_of_reach_leaves_the_variant_unsold() -> None:
    candidates = [PriceCandidate(A, None, 1000, 5)]
    assert select_unit_prices(candidates, {A: 4}) == {A: None}
    assert select_unit_prices(candidates, {A: 5}) == {A: 1000}


@dataclass
class Terms:
    kind: str = "percentage"
    value: int = 10
    is_active: bool = True
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    currency_code: str | None = None
    min_subtotal: int | None = None
    usage_limit: int | None = None
    usage_count: int = 0


@pytest.mark.parametrize(
    ("terms", "reason"),
    [
        (Terms(is_active=False), "inactive"),
        (Terms(starts_at=NOW + dt.timedelta(seconds=1)), "not valid yet"),
        (Terms(ends_at=NOW), "expired"),
        (Terms(currency_code="EUR"), "only for EUR"),
        (Terms(currency_code="USD", min_subtotal=1001), "needs a subtotal of at least 1001"),
        (Terms(usage_limit=3, usage_count=3), "used up"),
    ],
)
def test_each_discount_rule_refuses_with_its_reason(terms: Terms, reason: str) -> None:
    with pytest.raises(DiscountUnavailable) as caught:
        check_applicable(terms, "USD", 1000, NOW)
    assert caught.value.errors == {"discount_code": [reason]}
    assert caught.value.code == "DISCOUNT_UNAVAILABLE"


def test_a_code_inside_all_its_rules_applies() -> None:
    terms = Terms(
        starts_at=NOW, ends_at=NOW + dt.timedelta(days=1), currency_code="USD",
        min_subtotal=1000, usage_limit=3, usage_count=2,
    )  # fmt: skip
    check_applicable(terms, "USD", 1000, NOW)
    assert rule_of(terms) == DiscountRule(kind="percentage", value=10)
    assert rule_of(Terms(kind="fixed", value=250)) == DiscountRule(kind="fixed", value=250)


def test_discount_amounts() -> None:
    assert discount_amount(999, DiscountRule("percentage", 10)) == 99  # rounded down
    assert discount_amount(999, DiscountRule("fixed", 5000)) == 999  # never above the subtotal
    assert discount_amount(999, None) == 0
