"""REST: orders for administrators (``/api/commerce/orders``) and customers' own orders
(``/api/store/orders``). A principal whose grant is Own scope (customers) sees only their own
orders on either path; another customer's order answers 404."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce, own_scope
from rustok.modules.commerce.orders.lookup import OrderLookup
from rustok.modules.commerce.orders.schemas import (
    OrderCancel,
    OrderPage,
    OrderPay,
    OrderRead,
    OrderShip,
)
from rustok.modules.commerce.orders.state import OrderStatus
from rustok.web.deps import Caller
from rustok.web.pages import Page, PerPage


class AdminOrderController(Controller):
    path = "/api/commerce/orders"
    tags = ["commerce: orders"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.ORDERS_LIST, graphql_twin="orders")
    async def list_orders(
        self, commerce: Commerce, principal: Caller, page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20, status: FromQuery[OrderStatus | None] = None,
    ) -> OrderPage:  # fmt: skip
        """Orders, newest first (Own scope: the caller's own)."""
        own = own_scope(principal, perm.ORDERS_LIST)
        return await commerce.orders.list_page(
            page=page, per_page=per_page, status=status,
            customer_id=own.user_id if own else None,
        )  # fmt: skip

    @get("/{order_id:uuid}", permission=perm.ORDERS_READ, graphql_twin="order")
    async def get_order(
        self, commerce: Commerce, principal: Caller, order_id: FromPath[uuid.UUID]
    ) -> OrderRead:
        """One order with lines, payment and history."""
        own = own_scope(principal, perm.ORDERS_READ)
        return await commerce.orders.get(order_id, customer_id=own.user_id if own else None)

    @post(
        "/{order_id:uuid}/confirm",
        permission=perm.ORDERS_UPDATE,
        status_code=200,
        graphql_twin="confirmOrder",
    )
    async def confirm(self, commerce: Commerce, order_id: FromPath[uuid.UUID]) -> OrderRead:
        """pending → confirmed (needs its stock reserved)."""
        return await commerce.orders.confirm(order_id)

    @post(
        "/{order_id:uuid}/pay",
        permission=perm.ORDERS_UPDATE,
        status_code=200,
        graphql_twin="payOrder",
    )
    async def pay(
        self,
        commerce: Commerce,
        order_id: FromPath[uuid.UUID],
        data: JSONBody[OrderPay | None] = None,
    ) -> OrderRead:
        """confirmed → paid: captures the checkout's payment (``payment_id`` records an
        external one); the body may be left out."""
        return await commerce.orders.pay(order_id, data or OrderPay())

    @post(
        "/{order_id:uuid}/ship",
        permission=perm.ORDERS_UPDATE,
        status_code=200,
        graphql_twin="shipOrder",
    )
    async def ship(
        self, commerce: Commerce, order_id: FromPath[uuid.UUID], data: JSONBody[OrderShip]
    ) -> OrderRead:
        """paid → shipped: needs a tracking number; the reserved units leave the shelf."""
        return await commerce.orders.ship(order_id, data)

    @post(
        "/{order_id:uuid}/deliver",
        permission=perm.ORDERS_UPDATE,
        status_code=200,
        graphql_twin="deliverOrder",
    )
    async def deliver(self, commerce: Commerce, order_id: FromPath[uuid.UUID]) -> OrderRead:
        """shipped → delivered (terminal)."""
        return await commerce.orders.deliver(order_id)

    @post(
        "/{order_id:uuid}/cancel",
        permission=perm.ORDERS_UPDATE,
        status_code=200,
        graphql_twin="cancelOrder",
    )
    async def cancel(
        self, commerce: Commerce, order_id: FromPath[uuid.UUID], data: JSONBody[OrderCancel]
    ) -> OrderRead:
        """pending/confirmed → cancelled (stock released, payment voided); paid →
        cancelled with a refund through the provider."""
        return await commerce.orders.cancel(order_id, data)


class StoreOrderController(Controller):
    path = "/api/store/orders"
    tags = ["storefront"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.ORDERS_LIST, graphql_twin="myOrders")
    async def my_orders(
        self, commerce: Commerce, principal: Caller, page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> OrderPage:  # fmt: skip
        """The signed-in customer's orders, newest first."""
        return await commerce.orders.list_page(
            page=page, per_page=per_page, customer_id=principal.user_id
        )

    @get("/{order_id:uuid}", permission=perm.ORDERS_READ, graphql_twin="order")
    async def my_order(
        self, commerce: Commerce, principal: Caller, order_id: FromPath[uuid.UUID]
    ) -> OrderRead:
        """One of the customer's orders (404 for anybody else's)."""
        return await commerce.orders.get(order_id, customer_id=principal.user_id)

    @post(
        "/lookup",
        public=True,
        status_code=200,
        graphql_twin="guestOrder",
        read_over_post="the order's email and lookup token are secrets",
    )
    async def lookup(self, commerce: Commerce, data: JSONBody[OrderLookup]) -> OrderRead:
        """A guest's order, by its number, its email and the ``lookup_token`` of the checkout
        answer or the confirmation mail; any wrong part is a 404 like an unknown order.
        Throttled per address and per number (429)."""
        return await commerce.guest_orders.find(data)
