"""Order tools: list and read orders, move one through its state machine
(SM-2: confirm, pay, ship, deliver, cancel)."""

from __future__ import annotations

import uuid
from typing import Literal

import msgspec

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.commerce_runtime import commerce_runtime
from rustok.modules.commerce.deps import own_scope
from rustok.modules.commerce.fields import Text
from rustok.modules.commerce.orders.schemas import (
    OrderCancel,
    OrderPage,
    OrderPay,
    OrderRead,
    OrderShip,
    Reason,
)
from rustok.modules.commerce.orders.state import OrderStatus
from rustok.web.mcp import McpCall, McpTool, Page, PerPage


class OrderList(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    status: OrderStatus | None = None
    page: Page = 1
    per_page: PerPage = 20


class OrderId(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: uuid.UUID


class OrderTransition(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``ship`` needs ``tracking_number``; ``pay`` may name an external ``payment_id``."""

    id: uuid.UUID
    action: Literal["confirm", "pay", "ship", "deliver", "cancel"]
    payment_id: Text | None = None
    tracking_number: Text | None = None
    carrier: Text | None = None
    reason: Reason | None = None


async def list_orders(call: McpCall, args: OrderList) -> OrderPage:
    own = own_scope(call.principal, perm.ORDERS_LIST)
    return await commerce_runtime(call.platform).orders.list_page(
        page=args.page, per_page=args.per_page, status=args.status,
        customer_id=own.user_id if own else None,
    )  # fmt: skip


async def get_order(call: McpCall, args: OrderId) -> OrderRead:
    own = own_scope(call.principal, perm.ORDERS_READ)
    return await commerce_runtime(call.platform).orders.get(
        args.id, customer_id=own.user_id if own else None
    )


async def transition_order(call: McpCall, args: OrderTransition) -> OrderRead:
    orders = commerce_runtime(call.platform).orders
    if args.action == "confirm":
        return await orders.confirm(args.id)
    if args.action == "pay":
        return await orders.pay(args.id, OrderPay(payment_id=args.payment_id))
    if args.action == "ship":
        if args.tracking_number is None:
            raise ValidationFailed(
                "ship needs a tracking number", errors={"tracking_number": ["is required"]}
            )
        return await orders.ship(
            args.id, OrderShip(tracking_number=args.tracking_number, carrier=args.carrier)
        )
    if args.action == "deliver":
        return await orders.deliver(args.id)
    return await orders.cancel(args.id, OrderCancel(reason=args.reason))


ORDER_TOOLS = (
    McpTool(
        "list_orders", "Orders newest first, optionally by status. Needs orders:list.",
        OrderList, list_orders, permission=perm.ORDERS_LIST,
    ),
    McpTool(
        "get_order", "One order with lines, payment and history. Needs orders:read.",
        OrderId, get_order, permission=perm.ORDERS_READ,
    ),
    McpTool(
        "transition_order", "Move an order on: confirm (pending), pay (confirmed), ship "
        "(paid; tracking_number), deliver (shipped) or cancel (pending, confirmed, paid). "
        "Needs orders:update.", OrderTransition, transition_order,
        permission=perm.ORDERS_UPDATE, read_only=False,
    ),
)  # fmt: skip
