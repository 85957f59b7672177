"""Orders are created here, and only here: a checked-out cart becomes a pending order.

Checkout (the orchestrator) prices the cart, reserves its stock, counts the discount use and
authorises the payment, then hands this module a :class:`CartSnapshot` — what was bought, at
what price, by whom, to where — with the payment and the reserved variants.
:func:`place_order` asks the state machine for the first state (``PendingOrder.place``:
orders/state.py, with its guards) and returns the rows and the event of the new order;
:func:`place` inserts the rows inside the checkout's unit of work, and :func:`announce`, called
once the checkout inserted every other row, gives the order its display number where it is
taken last (the checkout's last lock: orders/numbering.py) and raises the event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy.orm.attributes import set_committed_value

from rustok.core.db.new_rows import insert_new
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.events import OrderPlaced
from rustok.modules.commerce.orders.models import Order, OrderHistory, OrderLine
from rustok.modules.commerce.orders.numbering import (
    assign_number,
    next_number,
    provisional_number,
)
from rustok.modules.commerce.orders.service import persist_state
from rustok.modules.commerce.orders.state import PendingOrder, status_of
from rustok.modules.commerce.payments.models import Payment
from rustok.modules.commerce.pricing import LineTotals, Totals


@dataclass(frozen=True, slots=True)
class LineSnapshot:
    """One cart line as bought: titles and prices are frozen on the order."""

    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    title: str
    variant_title: str | None
    figures: LineTotals  # unit price, quantity, subtotal, discount, total


@dataclass(frozen=True, slots=True)
class CartSnapshot:
    """A priced cart at checkout, with the buyer's choices."""

    order_id: uuid.UUID  # chosen up front: the reservations and the payment name it
    cart_id: uuid.UUID
    customer_id: uuid.UUID | None  # the order's owner
    placed_by: uuid.UUID | None  # the signed-in caller, if any (the history's actor)
    email: str
    locale: str  # the language of the order's mails (notifications.py)
    currency_code: str
    lines: tuple[LineSnapshot, ...]
    totals: Totals
    tax_rate_bps: int
    discount_id: uuid.UUID | None
    discount_code: str | None
    region_id: uuid.UUID | None
    shipping_method_id: uuid.UUID | None
    shipping_method_name: str | None
    shipping_address: dict[str, Any]
    billing_address: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Placement:
    """The rows and the event of a new order."""

    order: Order
    lines: list[OrderLine]
    history: OrderHistory
    event: OrderPlaced


def place_order(
    cart: CartSnapshot,
    payment: Payment,
    *,
    reserved: Collection[uuid.UUID],
    number: int,
    at: dt.datetime,
) -> Placement:
    """The new order of ``cart``, through ``PendingOrder.place`` (no I/O)."""
    totals = cart.totals
    state = PendingOrder.place(
        variants=[line.variant_id for line in cart.lines], reserved=reserved,
        total=totals.total, currency=cart.currency_code, payment=payment, at=at,
    )  # fmt: skip
    order = Order(
        id=cart.order_id, display_number=number, cart_id=cart.cart_id,
        customer_id=cart.customer_id, email=cart.email, locale=cart.locale,
        currency_code=cart.currency_code,
        subtotal=totals.subtotal, discount_total=totals.discount_total,
        tax_total=totals.tax_total, shipping_total=totals.shipping_total, total=totals.total,
        tax_rate_bps=cart.tax_rate_bps, discount_id=cart.discount_id,
        discount_code=cart.discount_code, region_id=cart.region_id,
        shipping_method_id=cart.shipping_method_id,
        shipping_method_name=cart.shipping_method_name,
        shipping_address=cart.shipping_address, billing_address=cart.billing_address,
        payment_provider=payment.provider, placed_at=state.placed_at, refunded=False,
        created_at=at, updated_at=at,
    )  # fmt: skip
    persist_state(order, state)
    lines = [
        OrderLine(
            order_id=order.id,
            variant_id=line.variant_id,
            product_id=line.product_id,
            sku=line.sku,
            title=line.title,
            variant_title=line.variant_title,
            quantity=line.figures.quantity,
            unit_price=line.figures.unit_price,
            subtotal=line.figures.subtotal,
            discount_total=line.figures.discount,
            total=line.figures.total,
            position=position,
        )
        for position, line in enumerate(cart.lines)
    ]
    history = OrderHistory(
        order_id=order.id, action="place", from_status=None, to_status=status_of(state),
        actor_id=cart.placed_by, data={"payment_provider": payment.provider}, created_at=at,
    )  # fmt: skip
    event = OrderPlaced(
        order_id=order.id, total=order.total, currency=order.currency_code,
        customer_id=order.customer_id, display_number=order.display_number,
    )  # fmt: skip
    return Placement(order, lines, history, event)


async def place(
    uow: UnitOfWork,
    cart: CartSnapshot,
    payment: Payment,
    *,
    reserved: Collection[uuid.UUID],
    at: dt.datetime,
) -> Placement:
    """Create the order of ``cart`` in the caller's unit of work: its row, lines and history
    are inserted here (core/db/new_rows.py: not added to the session). The caller inserts
    the rows that reference the order (reservations, payment), then calls :func:`announce`.
    On PostgreSQL the order gets a provisional number here and its real one in ``announce``
    (the tenant's counter is locked last, for two statements: orders/numbering.py)."""
    if uow.session.get_bind().dialect.name == "postgresql":
        number = provisional_number(cart.order_id)
    else:
        number = await next_number(uow.session)
    placement = place_order(cart, payment, reserved=reserved, number=number, at=at)
    await insert_new(uow.session, [placement.order, *placement.lines, placement.history])
    return placement


async def announce(uow: UnitOfWork, placement: Placement) -> Placement:
    """Give a provisionally numbered order its display number, and raise ``order.placed``."""
    order = placement.order
    if order.display_number < 0:
        number = await assign_number(uow.session, order.id)
        set_committed_value(order, "display_number", number)
        event = msgspec.structs.replace(placement.event, display_number=number)
        placement = dataclasses.replace(placement, event=event)
    uow.publish(placement.event)
    return placement
