"""The read phase of a checkout: the cart, the record of its ``Idempotency-Key``, its lines
priced — everything the order is made from, read before anything is written.

On SQLite the reads run on a read session, before the checkout's unit of work takes the
single writer lock: a checkout used to hold that lock through ~19 statements, each a trip
to the connection's thread during which every other writer of the process waited. Now the
lock covers the writes alone. What could change in between is re-checked under the lock:

- the cart: completed only by ``UPDATE … WHERE status = 'open' AND updated_at = <as read>``
  (every cart write sets ``updated_at`` under the cart's lock: carts/service.py), so a line
  added, a checkout or an abandonment in between is seen; the checkout then starts again
  with the cart locked from its first statement (``CartChanged``);
- stock and the discount's use count are not read here: they are checked by the write
  phase's own conditional statements (inventory/stock.py, discounts/service.py).

Prices, the discount's terms, the region and shipping are those of the read phase: the
order is priced as the cart read (the answer states every figure, the payment is authorised
for that total). PostgreSQL reads them the same way, without locks (READ COMMITTED), inside
the unit of work.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import cast

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.errors import NotFound, ValidationFailed
from rustok.modules.commerce.carts.lines import PricedCart, load_lines, price_cart
from rustok.modules.commerce.carts.models import Cart
from rustok.modules.commerce.carts.service import CartAccess, can_access
from rustok.modules.commerce.checkout.models import IdempotencyRecord
from rustok.modules.commerce.checkout.schemas import CheckoutRequest
from rustok.modules.commerce.errors import CartNotOpen


class CartChanged(Exception):
    """The cart changed between the read phase and the write lock: start again, locked."""


@dataclass(frozen=True, slots=True)
class Quote:
    """A priced open cart, and when it was last written as read (the write phase's check)."""

    cart: Cart
    priced: PricedCart
    seen_updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class KnownKey:
    """The cart's ``Idempotency-Key`` made an order already."""

    cart: Cart
    record: IdempotencyRecord


# Built once, run with parameters (the session adds the tenant's criteria to each).
_CART = select(Cart).where(Cart.id == bindparam("cart_id"))
_CART_WITH_KEY = select(Cart, IdempotencyRecord).outerjoin(
    IdempotencyRecord,
    and_(IdempotencyRecord.cart_id == Cart.id, IdempotencyRecord.key == bindparam("key")),
)
_LOCKED_CART = _CART.with_for_update()
_LOCKED_CART_WITH_KEY = _CART_WITH_KEY.where(Cart.id == bindparam("cart_id")).with_for_update(
    of=Cart
)
_CART_WITH_KEY = _CART_WITH_KEY.where(Cart.id == bindparam("cart_id"))
_KEY_RECORD = select(IdempotencyRecord).where(
    IdempotencyRecord.cart_id == bindparam("cart_id"), IdempotencyRecord.key == bindparam("key")
)


async def cart_with_key(
    session: AsyncSession, cart_id: uuid.UUID, access: CartAccess, key: str | None, *, lock: bool
) -> tuple[Cart, IdempotencyRecord | None]:
    """The cart (``lock``: locked) and the record of ``key`` on it, if any: one statement,
    unless the lock waited for a checkout that completed the cart. On PostgreSQL the joined
    record is then from before that checkout committed, so it is read again."""
    if key is None:
        cart = await session.scalar(_LOCKED_CART if lock else _CART, {"cart_id": cart_id})
        if cart is None or not can_access(cart, access):
            raise NotFound("no such cart")
        return cart, None
    statement = _LOCKED_CART_WITH_KEY if lock else _CART_WITH_KEY
    row = (await session.execute(statement, {"cart_id": cart_id, "key": key})).tuples().first()
    if row is None or not can_access(row[0], access):
        raise NotFound("no such cart")
    cart, record = row[0], cast("IdempotencyRecord | None", row[1])  # an outer join
    if lock and record is None and cart.status != "open":
        record = await session.scalar(_KEY_RECORD, {"cart_id": cart.id, "key": key})
    return cart, record


async def quote(
    session: AsyncSession,
    cart_id: uuid.UUID,
    access: CartAccess,
    data: CheckoutRequest,
    key: str | None,
    *,
    lock: bool,
) -> Quote | KnownKey:
    """The priced cart of a checkout, or the record of its key if that made an order."""
    cart, record = await cart_with_key(session, cart_id, access, key, lock=lock)
    if record is not None:
        return KnownKey(cart, record)
    if cart.status != "open":
        raise CartNotOpen(f"the cart is {cart.status}: its order was placed already")
    lines = await load_lines(session, cart)
    if not lines:
        raise ValidationFailed(errors={"items": ["the cart is empty"]})
    priced = await price_cart(
        session, cart, lines=lines, strict=True,
        discount_code=data.discount_code or cart.discount_code,
        country_code=data.shipping_address.country_code,
        shipping_method_id=data.shipping_method or cart.shipping_method_id,
    )  # fmt: skip
    return Quote(cart, priced, cart.updated_at)
