"""Property tests (Q-1): cart totals, money allocation, the order state machine under random
action sequences, and the product and price rules."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rustok.core.errors import InvalidTransition, ValidationFailed
from rustok.modules.commerce.catalog.schemas import PriceInput
from rustok.modules.commerce.catalog.state import (
    ProductStateMachine,
    apply_product_action,
    load_product_state,
    product_status_of,
)
from rustok.modules.commerce.catalog.writes import check_prices
from rustok.modules.commerce.money import MAX_AMOUNT, allocate, apply_rate_bps
from rustok.modules.commerce.orders.service import persist_state
from rustok.modules.commerce.orders.state import (
    ConfirmedOrder,
    OrderAction,
    OrderState,
    OrderStateMachine,
    PaidOrder,
    PendingOrder,
    ShippedOrder,
    load_order_state,
    status_of,
)
from rustok.modules.commerce.pricing import DiscountRule, PricedLine, compute_totals

NOW = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
amounts = st.integers(min_value=0, max_value=10_000_000)
lines = st.lists(
    st.builds(
        PricedLine,
        key=st.uuids(),
        unit_price=amounts,
        quantity=st.integers(min_value=0, max_value=1000),
    ),
    max_size=30,
)
rules = st.one_of(
    st.none(),
    st.builds(DiscountRule, kind=st.just("percentage"), value=st.integers(0, 100)),
    st.builds(DiscountRule, kind=st.just("fixed"), value=amounts),
)


@given(lines=lines, rule=rules, rate=st.integers(0, 10_000), shipping=amounts)
def test_totals_add_up(
    lines: list[PricedLine], rule: DiscountRule | None, rate: int, shipping: int
) -> None:
    totals = compute_totals(lines, discount=rule, tax_rate_bps=rate, shipping=shipping)
    figures = [totals.subtotal, totals.discount_total, totals.tax_total, totals.total]
    assert all(type(x) is int for x in figures)
    assert totals.subtotal == sum(line.unit_price * line.quantity for line in lines)
    assert 0 <= totals.discount_total <= totals.subtotal
    assert sum(line.discount for line in totals.lines) == totals.discount_total
    assert all(0 <= line.discount <= line.subtotal for line in totals.lines)
    assert sum(line.total for line in totals.lines) == totals.subtotal - totals.discount_total
    taxable = totals.subtotal - totals.discount_total
    # Half up: at most half a minor unit away from the exact product (compared ×2 in ints).
    assert abs(2 * 10_000 * totals.tax_total - 2 * taxable * rate) <= 10_000
    assert totals.total == taxable + totals.tax_total + shipping >= 0
    if rule is not None and rule.kind == "percentage":
        assert totals.discount_total * 100 <= totals.subtotal * rule.value


@given(total=amounts, weights=st.lists(st.integers(0, 10**9), min_size=1, max_size=40))
def test_allocation_is_exact_and_proportional(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total and all(p >= 0 for p in parts)
    whole = sum(weights)
    if whole:
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part * whole - total * weight) < whole  # within one unit of exact


def test_money_helpers_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        allocate(-1, [1])
    with pytest.raises(ValueError, match="over nothing"):
        allocate(5, [])
    with pytest.raises(ValueError, match="negative"):
        apply_rate_bps(100, -1)
    with pytest.raises(ValueError, match="never negative"):
        compute_totals([PricedLine(key=uuid.uuid4(), unit_price=-1, quantity=1)])
    assert apply_rate_bps(5, 1000) == 1 and apply_rate_bps(4, 1000) == 0  # 0.5 rounds up


@given(amount=st.integers(0, MAX_AMOUNT), compare=st.one_of(st.none(), st.integers(0, MAX_AMOUNT)))
def test_compare_at_price_is_never_below_the_price(amount: int, compare: int | None) -> None:
    price = PriceInput(currency_code="USD", amount=amount, compare_at_amount=compare)
    if compare is not None and compare < amount:
        with pytest.raises(ValidationFailed):
            check_prices([price])
    else:
        check_prices([price])


@given(value=st.one_of(st.integers(-(10**15), 10**15), st.floats(), st.text(max_size=5)))
def test_amounts_are_whole_non_negative_bounded_numbers(value: Any) -> None:
    raw = {"currency_code": "USD", "amount": value}
    valid = type(value) is int and 0 <= value <= MAX_AMOUNT
    if valid:
        assert msgspec.convert(raw, PriceInput).amount == value
    else:
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert(raw, PriceInput)


@dataclass
class StoredRow:
    """What persist_state writes and load_order_state reads, without a database."""

    status: str = "pending"
    placed_at: dt.datetime = NOW
    inventory_reserved: bool = True
    confirmed_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    payment_id: str | None = None
    shipped_at: dt.datetime | None = None
    tracking_number: str | None = None
    carrier: str | None = None
    delivered_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str | None = None
    refunded: bool = False
    refund_id: str | None = None
    history: list[str] = field(default_factory=list)


def act(state: OrderState, action: OrderAction, data: str) -> OrderState:
    """Dispatch an action the way the order service does (only legal source states)."""
    if action == "confirm" and isinstance(state, PendingOrder):
        return state.confirm(at=NOW)
    if action == "pay" and isinstance(state, ConfirmedOrder):
        return state.pay(payment_id=data, at=NOW)
    if action == "ship" and isinstance(state, PaidOrder):
        return state.ship(tracking_number=data, carrier=None, at=NOW)
    if action == "deliver" and isinstance(state, ShippedOrder):
        return state.deliver(at=NOW)
    if action == "cancel" and isinstance(state, PendingOrder | ConfirmedOrder):
        return state.cancel(reason=data or None, at=NOW)
    if action == "cancel" and isinstance(state, PaidOrder):
        return state.cancel_with_refund(reason=None, refund_id=data, at=NOW)
    raise InvalidTransition(f"cannot {action}")


actions: Any = st.sampled_from(["confirm", "pay", "ship", "deliver", "cancel"])


@settings(max_examples=300)
@given(
    steps=st.lists(st.tuples(actions, st.sampled_from(["", "x", "PAY-1"])), max_size=12),
    reserved=st.booleans(),
)
def test_order_state_machine_follows_its_table(
    steps: list[tuple[OrderAction, str]], reserved: bool
) -> None:
    row = StoredRow(inventory_reserved=reserved)
    for action, data in steps:
        state = load_order_state(row)
        status = status_of(state)
        legal = OrderStateMachine[status].get(action)
        guard_fails = (
            (action == "confirm" and not row.inventory_reserved)
            or (action in ("pay", "ship") and legal is not None and not data)
            or (action == "cancel" and status == "paid" and not data)
        )
        if legal is None or guard_fails:
            with pytest.raises(InvalidTransition):
                act(state, action, data)
            continue
        new = act(state, action, data)
        assert status_of(new) == legal
        persist_state(row, new)  # type: ignore[arg-type]
        assert load_order_state(row) == new  # what is stored reads back as the same state
        row.history.append(legal)
    terminal = row.status in ("delivered", "cancelled")
    assert terminal == (OrderStateMachine[status_of(load_order_state(row))] == {})
    if row.status == "cancelled":
        assert row.inventory_reserved is False


@given(steps=st.lists(st.sampled_from(["publish", "unpublish", "archive"]), max_size=10))
def test_product_lifecycle_follows_its_table(steps: list[Any]) -> None:
    state = load_product_state("draft", None)
    for action in steps:
        status = product_status_of(state)
        target = ProductStateMachine[status].get(action)
        if target is None:
            with pytest.raises(InvalidTransition):
                apply_product_action(state, action, at=NOW)
        else:
            state = apply_product_action(state, action, at=NOW)
            assert product_status_of(state) == target
