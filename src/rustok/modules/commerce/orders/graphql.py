"""GraphQL: orders (admin list/detail with Own scope, the customer's own, transitions)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.graphql_support import choice, principal, runtime
from rustok.modules.commerce.orders.lookup import OrderLookup
from rustok.modules.commerce.orders.schemas import (
    OrderCancel,
    OrderPage,
    OrderPay,
    OrderRead,
    OrderShip,
)
from rustok.modules.commerce.orders.state import OrderStateMachine
from rustok.web.connections import PageInfo, check_first, offset_edges, offset_page_info
from rustok.web.cursors import offset_after
from rustok.web.graphql import RustokInfo, no_store, parse_id
from rustok.web.inputs import convert
from rustok.web.permissions import Public, requires
from rustok.web.scalars import MinorUnits


@strawberry.type(name="OrderLine")
class OrderLineType:
    sku: str
    title: str
    variant_title: str | None
    variant_id: strawberry.ID | None
    quantity: int
    unit_price: MinorUnits
    subtotal: MinorUnits
    discount_total: MinorUnits
    total: MinorUnits


@strawberry.type(name="OrderTransition")
class OrderHistoryType:
    action: str
    from_status: str | None
    to_status: str
    data: JSON
    created_at: dt.datetime


@strawberry.type(name="Order")
class OrderType:
    id: strawberry.ID
    display_number: int
    status: str
    allowed_actions: list[str]
    email: str
    currency_code: str
    subtotal: MinorUnits
    discount_total: MinorUnits
    tax_total: MinorUnits
    shipping_total: MinorUnits
    total: MinorUnits
    discount_code: str | None
    shipping_address: JSON
    payment_provider: str
    payment_status: str | None
    payment_id: str | None
    tracking_number: str | None
    carrier: str | None
    cancel_reason: str | None
    refunded: bool
    lines: list[OrderLineType]
    history: list[OrderHistoryType]
    placed_at: dt.datetime
    # In the checkout's answer only (orders/lookup.py).
    secret_lookup_token: strawberry.Private[str | None] = None

    @strawberry.field
    def lookup_token(self, info: RustokInfo) -> str | None:
        if self.secret_lookup_token is not None:
            no_store(info)  # it finds the guest's order: the answer is never kept
        return self.secret_lookup_token

    @classmethod
    def of(cls, order: OrderRead) -> OrderType:
        return cls(
            id=strawberry.ID(str(order.id)), display_number=order.display_number,
            status=order.status, allowed_actions=list(order.allowed_actions), email=order.email,
            currency_code=order.currency_code, subtotal=MinorUnits(order.subtotal),
            discount_total=MinorUnits(order.discount_total),
            tax_total=MinorUnits(order.tax_total),
            shipping_total=MinorUnits(order.shipping_total), total=MinorUnits(order.total),
            discount_code=order.discount_code, shipping_address=JSON(dict(order.shipping_address)),
            payment_provider=order.payment_provider,
            payment_status=order.payment.status if order.payment else None,
            payment_id=order.payment_id, tracking_number=order.tracking_number,
            carrier=order.carrier, cancel_reason=order.cancel_reason, refunded=order.refunded,
            lines=[
                OrderLineType(
                    sku=line.sku, title=line.title, variant_title=line.variant_title,
                    variant_id=strawberry.ID(str(line.variant_id)) if line.variant_id else None,
                    quantity=line.quantity, unit_price=MinorUnits(line.unit_price),
                    subtotal=MinorUnits(line.subtotal),
                    discount_total=MinorUnits(line.discount_total), total=MinorUnits(line.total),
                )
                for line in order.lines
            ],
            history=[
                OrderHistoryType(
                    action=h.action, from_status=h.from_status, to_status=h.to_status,
                    data=JSON(dict(h.data)), created_at=h.created_at,
                )
                for h in order.history
            ],
            placed_at=order.placed_at, secret_lookup_token=order.lookup_token,
        )  # fmt: skip


@strawberry.type
class OrderEdge:
    cursor: str
    node: OrderType


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int


def _connection(page: OrderPage, start: int) -> OrderConnection:
    edges = [OrderEdge(cursor=c, node=OrderType.of(o)) for c, o in offset_edges(page.items, start)]
    return OrderConnection(
        edges=edges,
        page_info=offset_page_info(start, len(edges), page.total),
        total_count=page.total,
    )


def _offset_page(first: int, after: str | None) -> tuple[int, int]:
    """(page, start) for offset cursors; pages are ``first`` long."""
    check_first(first)
    start = offset_after(after)
    if start % first:
        start -= start % first  # a cursor from a page of another size: its page start
    return start // first + 1, start


@strawberry.type
class OrdersQuery:
    @strawberry.field(permission_classes=[requires(perm.ORDERS_LIST)])
    async def orders(
        self, info: RustokInfo, first: int = 20, after: str | None = None, status: str | None = None
    ) -> OrderConnection:
        """Orders, newest first (a customer: only their own)."""
        page_number, start = _offset_page(first, after)
        caller = principal(info)
        own = caller.scope(perm.ORDERS_LIST) == "own"
        wanted = choice(status, list(OrderStateMachine), "status")
        page = await runtime(info).orders.list_page(
            page=page_number, per_page=first, status=wanted,
            customer_id=caller.user_id if own else None,
        )  # fmt: skip
        return _connection(page, start)

    @strawberry.field(permission_classes=[requires(perm.ORDERS_READ)])
    async def order(self, info: RustokInfo, id: strawberry.ID) -> OrderType:
        caller = principal(info)
        own = caller.scope(perm.ORDERS_READ) == "own"
        found = await runtime(info).orders.get(
            parse_id(id), customer_id=caller.user_id if own else None
        )
        return OrderType.of(found)

    @strawberry.field(permission_classes=[requires(perm.ORDERS_LIST)])
    async def my_orders(
        self, info: RustokInfo, first: int = 20, after: str | None = None
    ) -> OrderConnection:
        """The signed-in customer's own orders."""
        page_number, start = _offset_page(first, after)
        page = await runtime(info).orders.list_page(
            page=page_number, per_page=first, customer_id=principal(info).user_id
        )
        return _connection(page, start)

    @strawberry.field(permission_classes=[Public])
    async def guest_order(self, info: RustokInfo, number: int, email: str, token: str) -> OrderType:
        """An order found by its number, its email and the lookup token of its confirmation
        (no account needed); a wrong one is NOT_FOUND like an unknown order."""
        body = convert({"number": number, "email": email, "token": token}, OrderLookup)
        return OrderType.of(await runtime(info).guest_orders.find(body))


@strawberry.type
class OrdersMutation:
    @strawberry.mutation(permission_classes=[requires(perm.ORDERS_UPDATE)])
    async def confirm_order(self, info: RustokInfo, id: strawberry.ID) -> OrderType:
        return OrderType.of(await runtime(info).orders.confirm(parse_id(id)))

    @strawberry.mutation(permission_classes=[requires(perm.ORDERS_UPDATE)])
    async def pay_order(
        self, info: RustokInfo, id: strawberry.ID, payment_id: str | None = None
    ) -> OrderType:
        body = convert({"payment_id": payment_id}, OrderPay)
        return OrderType.of(await runtime(info).orders.pay(parse_id(id), body))

    @strawberry.mutation(permission_classes=[requires(perm.ORDERS_UPDATE)])
    async def ship_order(
        self, info: RustokInfo, id: strawberry.ID, tracking_number: str, carrier: str | None = None
    ) -> OrderType:
        body = convert({"tracking_number": tracking_number, "carrier": carrier}, OrderShip)
        return OrderType.of(await runtime(info).orders.ship(parse_id(id), body))

    @strawberry.mutation(permission_classes=[requires(perm.ORDERS_UPDATE)])
    async def deliver_order(self, info: RustokInfo, id: strawberry.ID) -> OrderType:
        return OrderType.of(await runtime(info).orders.deliver(parse_id(id)))

    @strawberry.mutation(permission_classes=[requires(perm.ORDERS_UPDATE)])
    async def cancel_order(
        self, info: RustokInfo, id: strawberry.ID, reason: str | None = None
    ) -> OrderType:
        body = convert({"reason": reason}, OrderCancel)
        return OrderType.of(await runtime(info).orders.cancel(parse_id(id), body))
