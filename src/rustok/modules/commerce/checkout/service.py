"""``CheckoutService.place_order``: a cart becomes a pending order, in one unit of work.

Steps, each inside the one transaction (STYLE section D):

1. lock the cart row (concurrent checkouts of one cart queue here), reading the record of
   the ``Idempotency-Key`` in the same statement;
2. a known ``Idempotency-Key`` of this cart returns the order it made (another body: 422);
   keys are scoped to their cart, so one cart's requests, queued on its lock, never race;
3. validate the cart and price it: lines, discount, region tax, flat-rate shipping;
4. complete the cart and plan the stock on the levels as read, locking none of them
   (inventory/stock.py: short variants → 409 ``INSUFFICIENT_INVENTORY`` naming them);
5. authorise the payment through its provider (a decline → 402, nothing kept): no stock
   row is locked during the provider's call;
6. hand the cart's snapshot to orders/placement.py, which creates the order through its
   state machine (``PendingOrder.place``); insert it, its lines, payment and idempotency
   record;
7. take the locks, late and briefly: the stock levels (one statement: locked in level-id
   order, the planned units added all or nothing; if a concurrent order took them since
   step 4, the order is planned again on the locked rows and a shortage is a 409), then the
   reservations are inserted; the discount's use (conditional UPDATE: exact under
   concurrency); the order's display number (the last lock, see orders/numbering.py);
8. raise ``order.placed``, ``payment.authorized``, ``cart.completed``,
   ``checkout.completed`` (after the ``inventory.*`` events of step 7); commit.

Any failure rolls everything back, events included; one after step 5 also voids the
authorisation at the provider. The number of SQL statements does not depend on the number
of lines. The locks follow commerce/locks.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import cast

import msgspec
from sqlalchemy import and_, bindparam, delete, select

from rustok.core.db import utcnow
from rustok.core.db.new_rows import insert_new
from rustok.core.errors import NotFound, RustokError, ValidationFailed
from rustok.core.ids import new_id
from rustok.core.logging import get_logger
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.carts.lines import PricedCart, load_lines, price_cart
from rustok.modules.commerce.carts.models import Cart
from rustok.modules.commerce.carts.service import CartAccess, can_access, lock_cart
from rustok.modules.commerce.checkout.models import IdempotencyRecord
from rustok.modules.commerce.checkout.schemas import CheckoutRequest
from rustok.modules.commerce.discounts.service import claim_usage
from rustok.modules.commerce.errors import CartNotOpen, IdempotencyKeyReused
from rustok.modules.commerce.events import CartCompleted, CheckoutCompleted
from rustok.modules.commerce.inventory.stock import (
    ReservationPlan,
    StockRequest,
    hold,
    plan_reservations,
)
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

_log = get_logger("rustok.commerce.checkout")


@dataclass(frozen=True, slots=True)
class AuthorizedCheckout:
    """A checkout whose stock is planned and payment authorised, its order not yet added."""

    snapshot: CartSnapshot
    plan: ReservationPlan
    payment: Payment
    at: dt.datetime


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
        async with self._platform.uow() as uow:
            cart, record = await _lock_cart_with_key(uow, cart_id, access, idempotency_key)
            if record is not None:
                return await self._replay(uow, record, cart, fingerprint)
            if cart.status != "open":
                raise CartNotOpen(f"the cart is {cart.status}: its order was placed already")
            lines = await load_lines(uow.session, cart)
            if not lines:
                raise ValidationFailed(errors={"items": ["the cart is empty"]})
            priced = await price_cart(
                uow.session, cart, lines=lines, strict=True,
                discount_code=data.discount_code or cart.discount_code,
                country_code=data.shipping_address.country_code,
                shipping_method_id=data.shipping_method or cart.shipping_method_id,
            )  # fmt: skip
            authorized = await self._authorize(uow, cart, priced, data, access, locale)
            new_record = None
            if idempotency_key is not None:
                new_record = IdempotencyRecord(
                    key=idempotency_key,
                    cart_id=cart.id,
                    request_hash=fingerprint,
                    order_id=authorized.snapshot.order_id,
                )
            try:
                placement = await _record(uow, authorized, new_record, priced)
            except Exception:
                await self._void(authorized.payment)  # nothing kept: nor the authorisation
                raise
            order, payment = placement.order, authorized.payment
            uow.publish(authorized_event(payment))
            uow.publish(CartCompleted(cart_id=cart.id, order_id=order.id))
            uow.publish(
                CheckoutCompleted(
                    cart_id=cart.id, order_id=order.id, idempotency_key=_short(idempotency_key)
                )
            )
            result = to_order_read(order, placement.lines, [placement.history], payment)
            token = lookup_token(cart.token, order.id)
            result = msgspec.structs.replace(result, lookup_token=token)
            await uow.commit()
        ORDERS_PLACED.labels(result.currency_code).inc()
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

    async def _replay(
        self, uow: UnitOfWork, record: IdempotencyRecord, cart: Cart, fingerprint: str
    ) -> OrderRead:
        if record.request_hash != fingerprint:
            raise IdempotencyKeyReused(
                "the Idempotency-Key was used before on this cart with another body"
            )
        order = await uow.session.get(Order, record.order_id)
        assert order is not None
        (read,) = await order_reads(uow.session, [order])
        return msgspec.structs.replace(read, lookup_token=lookup_token(cart.token, order.id))

    async def _authorize(
        self,
        uow: UnitOfWork,
        cart: Cart,
        priced: PricedCart,
        data: CheckoutRequest,
        access: CartAccess,
        locale: str,
    ) -> AuthorizedCheckout:
        """Complete the cart, plan the stock (a shortage is refused here) and authorise the
        payment: no stock row is locked yet, so none is held during the provider's call."""
        now = utcnow()
        snapshot = _snapshot(priced, data, access, locale, order_id=new_id())
        # Completed first: its UPDATE runs before the stock rows are locked (autoflush).
        cart.status, cart.completed_at, cart.order_id = "completed", now, snapshot.order_id
        cart.email = data.email
        plan = await plan_reservations(
            uow.session,
            snapshot.order_id,
            [
                StockRequest(
                    variant_id=line.row.variant_id,
                    product_id=line.row.product_id,
                    quantity=line.row.quantity,
                    policy=line.row.inventory_policy,
                )
                for line in priced.lines
            ],
        )
        payment = await authorize_payment(
            self._payments, order_id=snapshot.order_id, provider=data.payment_provider,
            amount=snapshot.totals.total, currency=cart.currency_code, token=data.payment_token,
        )  # fmt: skip
        return AuthorizedCheckout(snapshot, plan, payment, now)

    async def _void(self, payment: Payment) -> None:
        """Release an authorisation whose order was not placed (the stock or the discount
        was taken by a concurrent checkout since it was read). A provider that fails here
        keeps it until it lapses: the checkout's own error is the one reported."""
        reference = payment.provider_reference or str(payment.id)
        try:
            await self._payments.call(payment.provider, lambda p: p.void(reference))
        except (RustokError, TimeoutError, OSError):
            _log.warning("authorisation not voided", payment_id=str(payment.id))


async def _record(
    uow: UnitOfWork,
    authorized: AuthorizedCheckout,
    record: IdempotencyRecord | None,
    priced: PricedCart,
) -> Placement:
    """Insert the order with its rows, then take the locks, late and in LOCK_ORDER: the
    stock levels (one statement), the discount's use count, the order number."""
    snapshot, plan, payment = authorized.snapshot, authorized.plan, authorized.payment
    placement = await place(uow, snapshot, payment, reserved=plan.variants, at=authorized.at)
    await insert_new(uow.session, [payment] if record is None else [payment, record])
    await insert_new(uow.session, await hold(uow, plan))
    if priced.discount is not None:
        await claim_usage(uow.session, priced.discount.id)
    return await announce(uow, placement)


# Built once, run with parameters (the session adds the tenant's criteria to each).
_CART_WITH_KEY = (
    select(Cart, IdempotencyRecord)
    .outerjoin(
        IdempotencyRecord,
        and_(IdempotencyRecord.cart_id == Cart.id, IdempotencyRecord.key == bindparam("key")),
    )
    .where(Cart.id == bindparam("cart_id"))
    .with_for_update(of=Cart)
)
_KEY_RECORD = select(IdempotencyRecord).where(
    IdempotencyRecord.cart_id == bindparam("cart_id"), IdempotencyRecord.key == bindparam("key")
)


async def _lock_cart_with_key(
    uow: UnitOfWork, cart_id: uuid.UUID, access: CartAccess, key: str | None
) -> tuple[Cart, IdempotencyRecord | None]:
    """The locked cart and the record of ``key`` on it, if any: one statement, unless the
    lock waited for a checkout that completed the cart. On PostgreSQL the joined record is
    then from before that checkout committed, so it is read again."""
    if key is None:
        return await lock_cart(uow, cart_id, access), None
    found = await uow.session.execute(_CART_WITH_KEY, {"cart_id": cart_id, "key": key})
    row = found.tuples().first()
    if row is None or not can_access(row[0], access):
        raise NotFound("no such cart")
    cart, record = row[0], cast("IdempotencyRecord | None", row[1])  # an outer join
    if record is None and cart.status != "open":
        record = await uow.session.scalar(_KEY_RECORD, {"cart_id": cart.id, "key": key})
    return cart, record


def _snapshot(
    priced: PricedCart, data: CheckoutRequest, access: CartAccess, locale: str, *,
    order_id: uuid.UUID,
) -> CartSnapshot:  # fmt: skip
    """What the order keeps of the priced cart and the request."""
    cart, totals = priced.cart, priced.totals
    figures = {line.key: line for line in totals.lines}
    lines = tuple(
        LineSnapshot(
            variant_id=line.row.variant_id,
            product_id=line.row.product_id,
            sku=line.row.sku,
            title=line.title,
            variant_title=line.row.variant_title,
            figures=figures[line.row.item_id],
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
