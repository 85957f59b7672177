"""Guest order lookup (orders/lookup.py has the token and the throttle): the order named by
number, email and lookup token, the last derived from the order's cart, so here where both
carts and orders are in reach."""

from __future__ import annotations

from sqlalchemy import select

from rustok.core.errors import NotFound
from rustok.core.platform import Platform
from rustok.modules.commerce.carts.models import Cart
from rustok.modules.commerce.orders.lookup import (
    LookupThrottle,
    OrderLookup,
    lookup_token,
    token_matches,
)
from rustok.modules.commerce.orders.models import Order
from rustok.modules.commerce.orders.queries import order_reads
from rustok.modules.commerce.orders.schemas import OrderRead
from rustok.modules.commerce.settings import CommerceSettings


class GuestOrders:
    """Finds a guest's order again without an account."""

    def __init__(self, platform: Platform) -> None:
        self._platform = platform
        limit = platform.settings.of(CommerceSettings).order_lookup_rate_limit
        self._throttle = LookupThrottle(limit)

    async def find(self, data: OrderLookup) -> OrderRead:
        """The order ``data`` names, or 404 (the same for any wrong part); 429 when this
        address or this number asked too often."""
        await self._throttle.admit(data.number)
        async with self._platform.db.read_session() as session:
            row = (
                await session.execute(
                    select(Order, Cart.token)
                    .outerjoin(Cart, Cart.id == Order.cart_id)
                    .where(Order.display_number == data.number)
                )
            ).first()
            order, cart_token = (row[0], row[1]) if row is not None else (None, None)
            expected = lookup_token(cart_token, order.id) if order is not None else None
            matches = token_matches(expected, data.token)  # compared even with no order
            if order is None or not matches or order.email.casefold() != data.email.casefold():
                raise NotFound("no such order")
            (read,) = await order_reads(session, [order])
            return read
