"""REST: orders for administrators (``/api/commerce/orders``) and customers' own orders
(``/api/store/orders``). A principal whose grant is Own scope (customers) sees only their own
orders on either path; another customer's order answers 404."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.deps import Caller, Page, PerPage, own_scope
from rustok.modules.commerce.orders.schemas import (
    OrderCancel,
    OrderPage,
    OrderPay,
    OrderRead,
    OrderShip,
)
from rustok.modules.commerce.orders.service import OrderService
from rustok.modules.commerce.orders.state import OrderStatus

Orders = NamedDependency[OrderService]


class AdminOrderController(Controller):
    path = "/api/commerce/orders"
    tags = ["commerce: orders"]

    @get("/", permission=perm.ORDERS_LIST)
    async def list_orders(
        self, orders: Orders, principal: Caller, page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20, status: FromQuery[OrderStatus | None] = None,
    ) -> OrderPage:  # fmt: skip
        """Orders, newest first (Own scope: the caller's own)."""
        own = own_scope(principal, perm.ORDERS_LIST)
        return await orders.list_page(
            page=page, per_page=per_page, status=status,
            customer_id=own.user_id if own else None,
        )  # fmt: skip

    @get("/{order_id:uuid}", permission=perm.ORDERS_READ)
    async def get_order(
        self, orders: Orders, principal: Caller, order_id: FromPath[uuid.UUID]
    ) -> OrderRead:
        """One order with lines, payment and history."""
        own = own_scope(principal, perm.ORDERS_READ)
        return await orders.get(order_id, customer_id=own.user_id if own else None)

    @post("/{order_id:uuid}/confirm", permission=perm.ORDERS_UPDATE, status_code=200)
    async def confirm(self, orders: Orders, order_id: FromPath[uuid.UUID]) -> OrderRead:
        """pending → confirmed (needs its stock reserved)."""
        return await orders.confirm(order_id)

    @post("/{order_id:uuid}/pay", permission=perm.ORDERS_UPDATE, status_code=200)
    async def pay(
        self, orders: Orders, order_id: FromPath[uuid.UUID], data: JSONBody[OrderPay]
    ) -> OrderRead:
        """confirmed → paid: captures the checkout's payment (``payment_id`` records an
        external one)."""
        return await orders.pay(order_id, data)

    @post("/{order_id:uuid}/ship", permission=perm.ORDERS_UPDATE, status_code=200)
    async def ship(
        self, orders: Orders, order_id: FromPath[uuid.UUID], data: JSONBody[OrderShip]
    ) -> OrderRead:
        """paid → shipped: needs a tracking number; the reserved units leave the shelf."""
        return await orders.ship(order_id, data)

    @post("/{order_id:uuid}/deliver", permission=perm.ORDERS_UPDATE, status_code=200)
    async def deliver(self, orders: Orders, order_id: FromPath[uuid.UUID]) -> OrderRead:
        """shipped → delivered (terminal)."""
        return await orders.deliver(order_id)

    @post("/{order_id:uuid}/cancel", permission=perm.ORDERS_UPDATE, status_code=200)
    async def cancel(
        self, orders: Orders, order_id: FromPath[uuid.UUID], data: JSONBody[OrderCancel]
    ) -> OrderRead:
        """pending/confirmed → cancelled (stock released, payment voided); paid →
        cancelled with a refund through the provider."""
        return await orders.cancel(order_id, data)


class StoreOrderController(Controller):
    path = "/api/store/orders"
    tags = ["storefront"]

    @get("/", permission=perm.ORDERS_LIST)
    async def my_orders(
        self, orders: Orders, principal: Caller, page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> OrderPage:  # fmt: skip
        """The signed-in customer's orders, newest first."""
        return await orders.list_page(page=page, per_page=per_page, customer_id=principal.user_id)

    @get("/{order_id:uuid}", permission=perm.ORDERS_READ)
    async def my_order(
        self, orders: Orders, principal: Caller, order_id: FromPath[uuid.UUID]
    ) -> OrderRead:
        """One of the customer's orders (404 for anybody else's)."""
        return await orders.get(order_id, customer_id=principal.user_id)
