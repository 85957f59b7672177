"""Orders: lists and details (own scope for customers), and the SM-2 transitions.

A transition locks the order row, maps it to its typed state (orders/state.py), calls the
transition method (which exists only on its legal source states), does the side effects
(payment capture or refund through the provider, stock release or fulfilment), writes the
new state and a history row, and raises ``order.status_changed`` (plus
``order.completed``/``order.cancelled``) — all in one unit of work. Orders left pending
longer than ``RUSTOK_ORDER_PENDING_TTL`` are cancelled the same way by the
``commerce.expire_pending_orders`` job (commerce/jobs.py → :meth:`OrderService.expire`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Final

from sqlalchemy import select

from rustok.core.context import current_context
from rustok.core.db import fetch_page, utcnow
from rustok.core.errors import NotFound
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.catalog.stock_items import STOCK_ITEMS
from rustok.modules.commerce.discounts.service import release_usage
from rustok.modules.commerce.events import OrderCancelled, OrderCompleted, OrderStatusChanged
from rustok.modules.commerce.inventory.stock import close_reservations
from rustok.modules.commerce.metrics import (
    ORDER_REFUNDS,
    ORDER_REVENUE,
    ORDERS_CANCELLED,
)
from rustok.modules.commerce.orders.filters import ORDER_SORTS, OrderFilter, order_filter
from rustok.modules.commerce.orders.models import Order, OrderHistory
from rustok.modules.commerce.orders.queries import order_reads
from rustok.modules.commerce.orders.schemas import (
    OrderCancel,
    OrderPage,
    OrderPay,
    OrderRead,
    OrderShip,
)
from rustok.modules.commerce.orders.state import (
    CancelledOrder,
    ConfirmedOrder,
    DeliveredOrder,
    OrderAction,
    OrderState,
    PaidOrder,
    PendingOrder,
    ShippedOrder,
    load_order_state,
    refuse,
    status_of,
)
from rustok.modules.commerce.payments.providers import PaymentProviders, payment_providers
from rustok.modules.commerce.payments.service import (
    capture_payment,
    order_payment,
    refund_payment,
    void_payment,
)

# The cancel reason of an order the platform cancelled for staying pending too long.
EXPIRED_REASON: Final = "expired"


def persist_state(order: Order, state: OrderState) -> None:
    """Write a state's status and data onto the row."""
    order.status = status_of(state)
    match state:
        case PendingOrder():
            order.inventory_reserved = state.inventory_reserved
        case ConfirmedOrder():
            order.confirmed_at = state.confirmed_at
        case PaidOrder():
            order.paid_at, order.payment_id = state.paid_at, state.payment_id
        case ShippedOrder():
            order.shipped_at, order.tracking_number = state.shipped_at, state.tracking_number
            order.carrier = state.carrier
        case DeliveredOrder():
            order.delivered_at = state.delivered_at
        case CancelledOrder():
            order.cancelled_at, order.cancel_reason = state.cancelled_at, state.reason
            order.refunded, order.refund_id = state.refunded, state.refund_id
            order.inventory_reserved = False


def record_transition(order: Order, state: OrderState) -> None:
    """The business counters of a committed transition."""
    match state:
        case PaidOrder():
            ORDER_REVENUE.labels(order.currency_code).inc(order.total)
        case CancelledOrder(refunded=True):
            ORDER_REFUNDS.labels(order.currency_code).inc(order.total)
            ORDERS_CANCELLED.labels("refunded").inc()
        case CancelledOrder():
            expired = state.reason == EXPIRED_REASON
            ORDERS_CANCELLED.labels("expired" if expired else "requested").inc()


class OrderService:
    def __init__(self, platform: Platform, payments: PaymentProviders | None = None) -> None:
        self._platform = platform
        self._payments = payments if payments is not None else payment_providers(platform)

    async def list_page(
        self,
        *,
        page: int,
        per_page: int,
        customer_id: uuid.UUID | None = None,
        status: str | None = None,
        filters: OrderFilter | None = None,
        sort: str = "-number",
    ) -> OrderPage:
        """``customer_id`` set: that customer's orders only (Own scope). ``filters``: the
        admin list's search and filters; ``sort``: a key of :data:`ORDER_SORTS`, "-" first
        for descending."""
        statement = order_filter(filters or OrderFilter(status=status))
        if customer_id is not None:
            statement = statement.where(Order.customer_id == customer_id)
        column = ORDER_SORTS[sort.removeprefix("-")]
        if sort.startswith("-"):
            statement = statement.order_by(column.desc(), Order.id.desc())
        else:
            statement = statement.order_by(column.asc(), Order.id.asc())
        async with self._platform.db.read_session() as session:
            rows, total = await fetch_page(session, statement, page=page, per_page=per_page)
            items = await order_reads(session, rows)
        return OrderPage(items=items, page=page, per_page=per_page, total=total)

    async def get(self, order_id: uuid.UUID, *, customer_id: uuid.UUID | None = None) -> OrderRead:
        async with self._platform.db.read_session() as session:
            order = await session.get(Order, order_id)
            if order is None or (customer_id is not None and order.customer_id != customer_id):
                raise NotFound("no such order")  # another customer's order does not exist
            (read,) = await order_reads(session, [order])
            return read

    async def confirm(self, order_id: uuid.UUID) -> OrderRead:
        return await self._transition(order_id, "confirm", {})

    async def pay(self, order_id: uuid.UUID, data: OrderPay) -> OrderRead:
        return await self._transition(order_id, "pay", {"payment_id": data.payment_id})

    async def ship(self, order_id: uuid.UUID, data: OrderShip) -> OrderRead:
        details = {"tracking_number": data.tracking_number, "carrier": data.carrier}
        return await self._transition(order_id, "ship", details)

    async def deliver(self, order_id: uuid.UUID) -> OrderRead:
        return await self._transition(order_id, "deliver", {})

    async def cancel(self, order_id: uuid.UUID, data: OrderCancel) -> OrderRead:
        return await self._transition(order_id, "cancel", {"reason": data.reason})

    async def expire(self, order_id: uuid.UUID, *, placed_before: dt.datetime) -> bool:
        """Cancel a pending order placed before ``placed_before`` (reason ``expired``),
        releasing its stock. False when it was confirmed, cancelled or removed meanwhile:
        the row is re-checked under its lock, so a concurrent confirm wins cleanly."""
        async with self._platform.uow() as uow:
            order = await self._lock(uow, order_id)
            if order is None or order.status != "pending" or order.placed_at >= placed_before:
                return False
            new_state = await self._apply_transition(
                uow, order, "cancel", {"reason": EXPIRED_REASON}
            )
            await uow.commit()
        record_transition(order, new_state)
        return True

    async def _transition(
        self, order_id: uuid.UUID, action: OrderAction, details: dict[str, str | None]
    ) -> OrderRead:
        async with self._platform.uow() as uow:
            order = await self._lock(uow, order_id)
            if order is None:
                raise NotFound("no such order")
            new_state = await self._apply_transition(uow, order, action, details)
            (read,) = await order_reads(uow.session, [order])
            await uow.commit()
        record_transition(order, new_state)
        return read

    @staticmethod
    async def _lock(uow: UnitOfWork, order_id: uuid.UUID) -> Order | None:
        order: Order | None = await uow.session.scalar(
            select(Order).where(Order.id == order_id).with_for_update()
        )
        return order

    async def _apply_transition(
        self, uow: UnitOfWork, order: Order, action: OrderAction, details: dict[str, str | None]
    ) -> OrderState:
        """Move the locked ``order``: side effects, new state, history row and events."""
        state = load_order_state(order)
        old_status = status_of(state)
        new_state, data = await self._apply(uow, order, state, action, details)
        persist_state(order, new_state)
        order.updated_at = utcnow()
        new_status = status_of(new_state)
        uow.session.add(
            OrderHistory(
                order_id=order.id,
                action=action,
                from_status=old_status,
                to_status=new_status,
                actor_id=current_context().actor_id,
                data={k: v for k, v in data.items() if v is not None},
            )
        )
        uow.publish(
            OrderStatusChanged(order_id=order.id, old_status=old_status, new_status=new_status)
        )
        if isinstance(new_state, DeliveredOrder):
            uow.publish(OrderCompleted(order_id=order.id))
        elif isinstance(new_state, CancelledOrder):
            uow.publish(OrderCancelled(order_id=order.id, reason=new_state.reason))
        await uow.session.flush()
        return new_state

    async def _apply(
        self,
        uow: UnitOfWork,
        order: Order,
        state: OrderState,
        action: OrderAction,
        details: dict[str, str | None],
    ) -> tuple[OrderState, dict[str, Any]]:
        now = utcnow()
        match action:
            case "confirm" if isinstance(state, PendingOrder):
                return state.confirm(at=now), {}
            case "pay" if isinstance(state, ConfirmedOrder):
                payment = await order_payment(uow, order.id)
                payment_id = details.get("payment_id") or str(payment.id)
                paid = state.pay(payment_id=payment_id, at=now)  # the guard before the provider
                await capture_payment(uow, self._payments, payment)
                return paid, {"payment_id": payment_id, "capture": payment.capture_reference}
            case "ship" if isinstance(state, PaidOrder):
                shipped = state.ship(
                    tracking_number=details.get("tracking_number") or "",
                    carrier=details.get("carrier"), at=now,
                )  # fmt: skip
                await close_reservations(uow, order.id, "fulfilled", STOCK_ITEMS)
                return shipped, {
                    "tracking_number": shipped.tracking_number,
                    "carrier": shipped.carrier,
                }
            case "deliver" if isinstance(state, ShippedOrder):
                return state.deliver(at=now), {}
            case "cancel" if isinstance(state, PendingOrder | ConfirmedOrder):
                cancelled = state.cancel(reason=details.get("reason"), at=now)
                await self._undo_checkout(uow, order)
                await void_payment(uow, self._payments, await order_payment(uow, order.id))
                return cancelled, {"reason": cancelled.reason}
            case "cancel" if isinstance(state, PaidOrder):
                payment = await order_payment(uow, order.id)
                refund = await refund_payment(uow, self._payments, payment, details.get("reason"))
                cancelled = state.cancel_with_refund(
                    reason=details.get("reason"), refund_id=refund, at=now
                )
                await self._undo_checkout(uow, order)
                return cancelled, {"reason": cancelled.reason, "refund_id": refund}
        raise refuse(state, action)

    @staticmethod
    async def _undo_checkout(uow: UnitOfWork, order: Order) -> None:
        """Give the reserved stock and the discount use back."""
        await close_reservations(uow, order.id, "released", STOCK_ITEMS)
        if order.discount_id is not None:
            await release_usage(uow.session, order.discount_id)
