"""``CheckoutService.place_order``: a cart becomes a pending order (STYLE section D).

Read phase (checkout/quote.py): the cart with the record of its ``Idempotency-Key``, its
lines priced (discount, region tax, flat-rate shipping). On SQLite it runs on a read
session before the writer lock is taken, so the lock is held for the writes alone.

1. a known ``Idempotency-Key`` of this cart returns the order it made (another body: 422);
2. in the unit of work: complete the cart if it is as read (``UPDATE … WHERE status =
   'open' AND updated_at = <as read>``: concurrent checkouts of one cart queue on its row
   here); a cart changed since the read starts the checkout again with the cart locked
   from its first statement, as every checkout was before (its key's record found then
   answers with that order: keys are scoped to their cart, so one cart's requests never
   race past its lock);
3. reserve stock (inventory/stock.py: level rows locked in id order, one conditional
   UPDATE; short variants → 409 ``INSUFFICIENT_INVENTORY`` naming them);
4. count the discount use (conditional UPDATE: exact under concurrency);
5. authorise the payment through its provider (a decline → 402, nothing kept);
6. hand the cart's snapshot to orders/placement.py, which creates the order through its
   state machine (``PendingOrder.place``);
7. insert the reservations, payment and idempotency record; give the order its display
   number (the last lock, see orders/numbering.py); raise ``order.placed``,
   ``payment.authorized``, ``cart.completed``, ``checkout.completed`` (after the
   ``inventory.*`` events of step 3); commit.

Any failure rolls everything back, events included. The number of SQL statements does not
depend on the number of lines. The locks follow commerce/locks.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

import msgspec
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import utcnow
from rustok.core.ids import new_id
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.carts.lines import PricedCart
from rustok.modules.commerce.carts.models import Cart
from rustok.modules.commerce.carts.service import CartAccess
from rustok.modules.commerce.checkout.models import IdempotencyRecord
from rustok.modules.commerce.checkout.quote import CartChanged, KnownKey, Quote, quote
from rustok.modules.commerce.checkout.schemas import CheckoutRequest
from rustok.modules.commerce.discounts.service import claim_usage
from rustok.modules.commerce.errors import IdempotencyKeyReused
from rustok.modules.commerce.events import CartCompleted, CheckoutCompleted
from rustok.modules.commerce.inventory.stock import StockRequest, reserve
from rustok.modules.commerce.metrics import ORDERS_PLACED
from rustok.modules.commerce.notifications import customer_locale
from rustok.modules.commerce.orders.lookup import lookup_token
from rustok.modules.commerce.orders.models import Order
from rustok.modules.commerce.orders.placement import (
    CartSnapshot,
    LineSnapshot,
    Placement,
    announce,
    place,
)
from rustok.modules.commerce.orders.queries import order_reads, to_order_read
from rustok.modules.commerce.orders.schemas import OrderRead
from rustok.modules.commerce.payments.models import Payment
from rustok.modules.commerce.payments.providers import PaymentProviders, payment_providers
from rustok.modules.commerce.payments.service import authorize_payment, authorized_event


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    placement: Placement
    payment: Payment


def request_fingerprint(cart_id: uuid.UUID, data: CheckoutRequest) -> str:
    body = msgspec.json.encode(data)
    return hashlib.sha256(cart_id.bytes + body).hexdigest()


class CheckoutService:
    def __init__(self, platform: Platform, payments: PaymentProviders | None = None) -> None:
        self._platform = platform
        self._payments = payments if payments is not None else payment_providers(platform)

    async def place_order(
        self,
        cart_id: uuid.UUID,
        access: CartAccess,
        data: CheckoutRequest,
        idempotency_key: str | None = None,
        *,
        accept_language: str | None = None,
    ) -> OrderRead:
        self._payments.get(data.payment_provider)  # an unknown provider is a 400, up front
        locale = customer_locale(data.locale, accept_language)  # an unknown one: 400, too
        fingerprint = request_fingerprint(cart_id, data)
        attempt = _Attempt(cart_id, access, data, idempotency_key, locale, fingerprint)
        try:
            result = await self._attempt(attempt, locked=False)
        except CartChanged:
            result = await self._attempt(attempt, locked=True)
        ORDERS_PLACED.labels(result.currency_code).inc()
        return result

    async def _attempt(self, attempt: _Attempt, *, locked: bool) -> OrderRead:
        """One try at the checkout. Not ``locked``: the cart is read without a lock, and
        ``CartChanged`` says it changed before the write phase (checkout/quote.py); on
        SQLite the reads then run before the writer lock, on a read session of their own."""
        a = attempt
        if self._platform.db.is_sqlite and not locked:
            async with self._platform.db.read_session() as session:
                found = await quote(session, a.cart_id, a.access, a.data, a.key, lock=False)
                if isinstance(found, KnownKey):
                    return await _replay(session, found, a.fingerprint)
            async with self._platform.uow() as uow:
                return await self._write(uow, found, a)
        async with self._platform.uow() as uow:
            found = await quote(uow.session, a.cart_id, a.access, a.data, a.key, lock=locked)
            if isinstance(found, KnownKey):
                return await _replay(uow.session, found, a.fingerprint)
            return await self._write(uow, found, a)

    async def _write(self, uow: UnitOfWork, found: Quote, a: _Attempt) -> OrderRead:
        """The write phase: complete the cart if it is as read, then place the order."""
        cart = found.cart
        placed = await self._place(uow, found, a)
        order = placed.placement.order
        if a.key is not None:
            uow.session.add(
                IdempotencyRecord(
                    key=a.key, cart_id=cart.id, request_hash=a.fingerprint, order_id=order.id
                )
            )
        await uow.session.flush()
        placement = await announce(uow, placed.placement)
        uow.publish(authorized_event(placed.payment))
        uow.publish(CartCompleted(cart_id=cart.id, order_id=order.id))
        uow.publish(
            CheckoutCompleted(cart_id=cart.id, order_id=order.id, idempotency_key=_short(a.key))
        )
        result = to_order_read(order, placement.lines, [placement.history], placed.payment)
        token = lookup_token(cart.token, order.id)
        result = msgspec.structs.replace(result, lookup_token=token)
        await uow.commit()
        return result

    async def forget_keys(self, *, created_before: dt.datetime, limit: int) -> int:
        """Delete up to ``limit`` idempotency records older than ``created_before``. The key's
        cart is completed, so a late retry gets 409 ``CART_NOT_OPEN``, never a second order."""
        oldest = (
            select(IdempotencyRecord.id)
            .where(IdempotencyRecord.created_at < created_before)
            .order_by(IdempotencyRecord.created_at)
            .limit(limit)
        )
        async with self._platform.uow() as uow:
            forgotten = list(
                await uow.session.scalars(
                    delete(IdempotencyRecord)
                    .where(IdempotencyRecord.id.in_(oldest))
                    .returning(IdempotencyRecord.id)
                    .execution_options(synchronize_session=False)
                )
            )
            await uow.commit()
        return len(forgotten)

    async def _place(self, uow: UnitOfWork, found: Quote, a: _Attempt) -> PlacedOrder:
        cart, priced, data = found.cart, found.priced, a.data
        now = utcnow()
        snapshot = _snapshot(priced, data, a.access, a.locale, order_id=new_id())
        # Completed first: its UPDATE runs before the stock rows are locked.
        await _complete_cart(uow, found, snapshot.order_id, data.email, now)
        reservations = await reserve(
            uow,
            snapshot.order_id,
            [
                StockRequest(
                    variant_id=line.variant.id,
                    product_id=line.variant.product_id,
                    quantity=line.item.quantity,
                    policy=line.variant.inventory_policy,
                )
                for line in priced.lines
            ],
        )
        if priced.discount is not None:
            await claim_usage(uow.session, priced.discount.id)
        payment = await authorize_payment(
            self._payments, order_id=snapshot.order_id, provider=data.payment_provider,
            amount=snapshot.totals.total, currency=cart.currency_code, token=data.payment_token,
        )  # fmt: skip
        reserved = {r.variant_id for r in reservations}
        placement = await place(uow, snapshot, payment, reserved=reserved, at=now)
        uow.session.add_all([*reservations, payment])
        return PlacedOrder(placement, payment)


@dataclass(frozen=True, slots=True)
class _Attempt:
    """What a checkout was asked, for each of its tries."""

    cart_id: uuid.UUID
    access: CartAccess
    data: CheckoutRequest
    key: str | None
    locale: str
    fingerprint: str


# Built once, run with parameters (the session adds the tenant's criteria).
_COMPLETE_CART = (
    update(Cart)
    .where(
        Cart.id == bindparam("cart_id"),
        Cart.status == "open",
        Cart.updated_at == bindparam("seen_updated_at"),
    )
    .values(
        status="completed",
        completed_at=bindparam("now"),
        order_id=bindparam("order_id"),
        email=bindparam("email"),
        updated_at=bindparam("now"),
    )
    .execution_options(synchronize_session=False)
)


async def _complete_cart(
    uow: UnitOfWork, found: Quote, order_id: uuid.UUID, email: str, now: dt.datetime
) -> None:
    """Complete the cart if it is still as the read phase saw it, else ``CartChanged``."""
    params = {"cart_id": found.cart.id, "seen_updated_at": found.seen_updated_at, "now": now,
              "order_id": order_id, "email": email}  # fmt: skip
    result = await uow.session.execute(_COMPLETE_CART, params)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise CartChanged


async def _replay(session: AsyncSession, known: KnownKey, fingerprint: str) -> OrderRead:
    if known.record.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "the Idempotency-Key was used before on this cart with another body"
        )
    order = await session.get(Order, known.record.order_id)
    assert order is not None
    (read,) = await order_reads(session, [order])
    return msgspec.structs.replace(read, lookup_token=lookup_token(known.cart.token, order.id))


def _snapshot(
    priced: PricedCart, data: CheckoutRequest, access: CartAccess, locale: str, *,
    order_id: uuid.UUID,
) -> CartSnapshot:  # fmt: skip
    """What the order keeps of the priced cart and the request."""
    cart, totals = priced.cart, priced.totals
    figures = {line.key: line for line in totals.lines}
    lines = tuple(
        LineSnapshot(
            variant_id=line.variant.id,
            product_id=line.variant.product_id,
            sku=line.variant.sku,
            title=line.title,
            variant_title=line.variant.title,
            figures=figures[line.item.id],
        )
        for line in priced.lines
    )
    discount, region, shipping = priced.discount, priced.region, priced.shipping
    return CartSnapshot(
        order_id=order_id, cart_id=cart.id, customer_id=access.customer_id or cart.customer_id,
        placed_by=access.customer_id, email=data.email, locale=locale,
        currency_code=cart.currency_code,
        lines=lines, totals=totals, tax_rate_bps=region.tax_rate_bps if region else 0,
        discount_id=discount.id if discount else None,
        discount_code=discount.code if discount else None,
        region_id=region.id if region else None,
        shipping_method_id=shipping.id if shipping else None,
        shipping_method_name=shipping.name if shipping else None,
        shipping_address=msgspec.to_builtins(data.shipping_address),
        billing_address=msgspec.to_builtins(data.billing_address or data.shipping_address),
    )  # fmt: skip


def _short(key: str | None) -> str | None:
    # The event keeps at most 64 characters of the key (enough to trace duplicates).
    return key[:64] if key else None
