"""Orders are created by orders/ through the state machine: ``PendingOrder.place`` holds the
rule, orders/placement.py builds the rows and the event, and nothing else builds an order."""

from __future__ import annotations

import ast
import datetime as dt
import uuid
from pathlib import Path

import pytest

import rustok.modules.commerce as commerce
from rustok.modules.commerce.orders.placement import CartSnapshot, LineSnapshot, place_order
from rustok.modules.commerce.orders.state import GuardFailed, PendingOrder, load_order_state
from rustok.modules.commerce.payments.models import Payment
from rustok.modules.commerce.pricing import PricedLine, compute_totals

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
A, B = uuid.uuid4(), uuid.uuid4()
ORDER_ID = uuid.uuid4()


def _payment(amount: int, *, status: str = "authorized", currency: str = "USD") -> Payment:
    return Payment(
        id=uuid.uuid4(), order_id=ORDER_ID, provider="manual", status=status, amount=amount,
        currency_code=currency,
    )  # fmt: skip


def _cart() -> CartSnapshot:
    keys = [uuid.uuid4(), uuid.uuid4()]
    totals = compute_totals(
        [PricedLine(keys[0], 1000, 2), PricedLine(keys[1], 500, 1)], tax_rate_bps=2000,
        shipping=300,
    )  # fmt: skip
    lines = tuple(
        LineSnapshot(
            variant_id=variant,
            product_id=uuid.uuid4(),
            sku=f"SKU-{n}",
            title=f"Title {n}",
            variant_title=None,
            figures=figures,
        )
        for n, (variant, figures) in enumerate(zip((A, B), totals.lines, strict=True))
    )
    customer = uuid.uuid4()
    return CartSnapshot(
        order_id=ORDER_ID, cart_id=uuid.uuid4(), customer_id=customer, placed_by=customer,
        email="buyer@example.com", locale="ru", currency_code="USD", lines=lines, totals=totals,
        tax_rate_bps=2000, discount_id=None, discount_code=None, region_id=uuid.uuid4(),
        shipping_method_id=uuid.uuid4(), shipping_method_name="Post",
        shipping_address={"country_code": "GB"}, billing_address={"country_code": "GB"},
    )  # fmt: skip


def test_place_makes_a_pending_order_with_its_stock_reserved() -> None:
    state = PendingOrder.place(
        variants=[A, B], reserved={A, B}, total=3300, currency="USD", payment=_payment(3300),
        at=NOW,
    )  # fmt: skip
    assert state == PendingOrder(placed_at=NOW, inventory_reserved=True)


@pytest.mark.parametrize(
    ("variants", "reserved", "payment", "message"),
    [
        ([], set(), _payment(3300), "at least one line"),
        ([A, B], {A}, _payment(3300), "stock reserved for every line"),
        ([A], {A}, _payment(3300, status="pending"), "payment authorised"),
        ([A], {A}, _payment(3299), "payment authorised"),
        ([A], {A}, _payment(3300, currency="EUR"), "payment authorised"),
    ],
)
def test_place_refuses_an_order_its_guards_do_not_allow(
    variants: list[uuid.UUID], reserved: set[uuid.UUID], payment: Payment, message: str
) -> None:
    with pytest.raises(GuardFailed, match=message) as caught:
        PendingOrder.place(
            variants=variants, reserved=reserved, total=3300, currency="USD", payment=payment,
            at=NOW,
        )  # fmt: skip
    assert caught.value.code == "INVALID_TRANSITION"


def test_place_order_returns_the_rows_and_the_event_of_a_pending_order() -> None:
    cart = _cart()
    placement = place_order(cart, _payment(cart.totals.total), reserved={A, B}, number=7, at=NOW)
    order = placement.order
    assert (order.id, order.display_number, order.status) == (ORDER_ID, 7, "pending")
    assert load_order_state(order) == PendingOrder(placed_at=NOW, inventory_reserved=True)
    assert (order.subtotal, order.tax_total, order.shipping_total, order.total) == (
        2500, 500, 300, 3300,
    )  # fmt: skip
    assert (order.customer_id, order.payment_provider) == (cart.customer_id, "manual")
    assert (order.email, order.locale) == ("buyer@example.com", "ru")  # the mails' language
    assert [(line.sku, line.quantity, line.total, line.position) for line in placement.lines] == [
        ("SKU-0", 2, 2000, 0),
        ("SKU-1", 1, 500, 1),
    ]
    history = placement.history
    assert (history.action, history.from_status, history.to_status) == ("place", None, "pending")
    assert history.actor_id == cart.placed_by
    event = placement.event
    assert (event.event_type, event.order_id, event.total, event.display_number) == (
        "order.placed", ORDER_ID, 3300, 7,
    )  # fmt: skip


def test_place_order_keeps_the_guards() -> None:
    cart = _cart()
    with pytest.raises(GuardFailed):
        place_order(cart, _payment(cart.totals.total), reserved={A}, number=7, at=NOW)


def test_orders_are_built_only_in_orders_placement() -> None:
    """No other file of the commerce package constructs an ``Order`` row."""
    package = Path(commerce.__file__).parent
    builders = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Order"
    )
    assert builders == ["orders/placement.py"]
