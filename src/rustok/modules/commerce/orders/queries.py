"""Reading orders: rows → ``OrderRead``, batched (three queries for any page of orders)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.modules.commerce.orders.models import Order, OrderHistory, OrderLine
from rustok.modules.commerce.orders.schemas import OrderHistoryRead, OrderLineRead, OrderRead
from rustok.modules.commerce.orders.state import allowed_actions, parse_status
from rustok.modules.commerce.payments.models import Payment
from rustok.modules.commerce.payments.service import to_payment_read


def _strings(data: dict[str, Any] | None) -> dict[str, str | None] | None:
    if data is None:
        return None
    return {k: None if v is None else str(v) for k, v in data.items()}


def to_line_read(row: OrderLine) -> OrderLineRead:
    return OrderLineRead(
        id=row.id, variant_id=row.variant_id, product_id=row.product_id, sku=row.sku,
        title=row.title, variant_title=row.variant_title, quantity=row.quantity,
        unit_price=row.unit_price, subtotal=row.subtotal, discount_total=row.discount_total,
        total=row.total,
    )  # fmt: skip


def to_history_read(row: OrderHistory) -> OrderHistoryRead:
    return OrderHistoryRead(
        action=row.action, from_status=row.from_status, to_status=row.to_status,
        actor_id=row.actor_id, data=_strings(row.data) or {}, created_at=row.created_at,
    )  # fmt: skip


def to_order_read(
    order: Order,
    lines: Sequence[OrderLine],
    history: Sequence[OrderHistory],
    payment: Payment | None,
) -> OrderRead:
    status = parse_status(order.status)
    return OrderRead(
        id=order.id, display_number=order.display_number, status=status,
        allowed_actions=allowed_actions(status), email=order.email,
        customer_id=order.customer_id, currency_code=order.currency_code,
        subtotal=order.subtotal, discount_total=order.discount_total, tax_total=order.tax_total,
        shipping_total=order.shipping_total, total=order.total, tax_rate_bps=order.tax_rate_bps,
        discount_code=order.discount_code, shipping_method_id=order.shipping_method_id,
        shipping_method_name=order.shipping_method_name,
        shipping_address=_strings(order.shipping_address) or {},
        billing_address=_strings(order.billing_address),
        payment_provider=order.payment_provider,
        payment=to_payment_read(payment) if payment else None,
        inventory_reserved=order.inventory_reserved, payment_id=order.payment_id,
        tracking_number=order.tracking_number, carrier=order.carrier,
        cancel_reason=order.cancel_reason, refunded=order.refunded,
        lines=[to_line_read(x) for x in sorted(lines, key=lambda x: (x.position, x.id))],
        history=[to_history_read(h) for h in sorted(history, key=lambda h: (h.created_at, h.id))],
        placed_at=order.placed_at, confirmed_at=order.confirmed_at, paid_at=order.paid_at,
        shipped_at=order.shipped_at, delivered_at=order.delivered_at,
        cancelled_at=order.cancelled_at, updated_at=order.updated_at,
    )  # fmt: skip


async def order_reads(session: AsyncSession, orders: Sequence[Order]) -> list[OrderRead]:
    ids = [o.id for o in orders]
    lines: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
    history: dict[uuid.UUID, list[OrderHistory]] = defaultdict(list)
    payments: dict[uuid.UUID, Payment] = {}
    if ids:
        for line in await session.scalars(select(OrderLine).where(OrderLine.order_id.in_(ids))):
            lines[line.order_id].append(line)
        for entry in await session.scalars(
            select(OrderHistory).where(OrderHistory.order_id.in_(ids))
        ):
            history[entry.order_id].append(entry)
        for payment in await session.scalars(
            select(Payment).where(Payment.order_id.in_(ids)).order_by(Payment.id)
        ):
            payments[payment.order_id] = payment  # the latest one
    return [to_order_read(o, lines[o.id], history[o.id], payments.get(o.id)) for o in orders]
