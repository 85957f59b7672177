"""Carts: anonymous (``X-Cart-Token``) or a signed-in customer's; line items; merge on login.

A cart is visible to whoever presents its token and to the customer who owns it; anyone
else gets 404. Writes lock the cart row, so they serialise with each other and with
checkout, which completes the cart in the same way.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import UNSET
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.functions import coalesce

from rustok.core.context import current_context
from rustok.core.db import utcnow
from rustok.core.db.new_rows import insert_new
from rustok.core.db.scoped_rows import fetch_scoped
from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.ids import new_id
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.carts.lines import (
    VARIANT_COLUMNS,
    CartLine,
    LineRow,
    PricedCart,
    line_rows,
    price_cart,
    titled_lines,
)
from rustok.modules.commerce.carts.models import Cart, CartItem
from rustok.modules.commerce.carts.schemas import (
    CartCreate,
    CartItemCreate,
    CartItemRead,
    CartItemUpdate,
    CartRead,
    CartUpdate,
)
from rustok.modules.commerce.catalog.models import Product, Variant
from rustok.modules.commerce.catalog.unit_prices import unit_prices
from rustok.modules.commerce.discounts.service import find_discount
from rustok.modules.commerce.errors import CartNotOpen, InsufficientInventory
from rustok.modules.commerce.events import CartAbandoned, CartCreated, CartUpdated
from rustok.modules.commerce.inventory.models import InventoryLevel
from rustok.modules.commerce.metrics import CARTS_ABANDONED
from rustok.modules.commerce.money import MAX_CART_LINES, MAX_QUANTITY
from rustok.modules.commerce.pricing import check_applicable
from rustok.modules.commerce.regions.service import choose_shipping, find_region, shipping_options


@dataclass(frozen=True, slots=True)
class CartAccess:
    """Who asks: the cart token they sent and/or the signed-in customer."""

    token: str | None = None
    customer_id: uuid.UUID | None = None


def can_access(cart: Cart, access: CartAccess) -> bool:
    # Bytes: compare_digest refuses str with non-ASCII characters (headers are latin-1).
    if access.token is not None and hmac.compare_digest(cart.token.encode(), access.token.encode()):
        return True
    return access.customer_id is not None and cart.customer_id == access.customer_id


def to_cart_read(priced: PricedCart) -> CartRead:
    cart, totals = priced.cart, priced.totals
    by_item = {line.key: line for line in totals.lines}
    items = []
    for line in priced.lines:
        row = line.row
        figures = by_item[row.item_id]
        items.append(
            CartItemRead(
                id=row.item_id,
                variant_id=row.variant_id,
                product_id=row.product_id,
                sku=row.sku,
                title=line.title,
                variant_title=row.variant_title,
                quantity=row.quantity,
                unit_price=figures.unit_price,
                subtotal=figures.subtotal,
                discount=figures.discount,
                total=figures.total,
            )
        )
    return CartRead(
        id=cart.id, token=cart.token, status=cart.status, currency_code=cart.currency_code,
        email=cart.email, customer_id=cart.customer_id, country_code=cart.country_code,
        discount_code=cart.discount_code if priced.discount else None,
        shipping_method_id=priced.shipping.id if priced.shipping else None,
        region_id=priced.region.id if priced.region else None, items=items,
        item_count=sum(i.quantity for i in items), subtotal=totals.subtotal,
        discount_total=totals.discount_total, tax_total=totals.tax_total,
        shipping_total=totals.shipping_total, total=totals.total, order_id=cart.order_id,
        created_at=cart.created_at, updated_at=cart.updated_at,
    )  # fmt: skip


async def read_cart(
    session: AsyncSession, cart: Cart, *, lines: list[CartLine] | None = None
) -> CartRead:
    """The cart with today's prices; ``lines``: its lines, when the caller has them."""
    priced = await price_cart(
        session, cart, discount_code=cart.discount_code, country_code=cart.country_code,
        shipping_method_id=cart.shipping_method_id, lines=lines,
    )  # fmt: skip
    return to_cart_read(priced)


# The statements of every cart write, built once and run with parameters (building them
# cost more CPU than running them); the session adds the tenant's criteria to each.
_LOCK_CART = select(Cart).where(Cart.id == bindparam("cart_id")).with_for_update()
# The variant with its product's status and its units available over all locations (the
# levels outer-joined: compiled, every table read gets the tenant's criteria).
_VARIANT_FOR_SALE = (
    select(
        *VARIANT_COLUMNS,
        coalesce(func.sum(InventoryLevel.stocked - InventoryLevel.reserved), 0),
    )
    .join(Product, Product.id == Variant.product_id)
    .outerjoin(InventoryLevel, InventoryLevel.variant_id == Variant.id)
    .where(Variant.id == bindparam("variant_id"))
    .group_by(*VARIANT_COLUMNS)
)


class _ForSale(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """A row of ``_VARIANT_FOR_SALE``."""

    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    title: str | None
    inventory_policy: str
    product_status: str
    available: Any  # PostgreSQL sums the levels' bigints as a numeric (a Decimal)


_SET_QUANTITY = (
    update(CartItem)
    .where(CartItem.id == bindparam("item_id"))
    .values(quantity=bindparam("quantity"))
    .execution_options(synchronize_session=False)
)


async def lock_cart(uow: UnitOfWork, cart_id: uuid.UUID, access: CartAccess) -> Cart:
    cart = await uow.session.scalar(_LOCK_CART, {"cart_id": cart_id})
    if cart is None or not can_access(cart, access):
        raise NotFound("no such cart")
    return cart


async def _variant_for_sale(
    session: AsyncSession, variant_id: uuid.UUID
) -> tuple[LineRow, int] | None:
    """The variant as a new line of no quantity yet, and its units available (over all
    locations)."""
    found = await fetch_scoped(
        session, _VARIANT_FOR_SALE, lambda: _VARIANT_FOR_SALE, {"variant_id": variant_id}
    )
    if not found:
        return None
    (variant,) = msgspec.convert(found, list[_ForSale], strict=False)  # SQLite: hex UUIDs
    row = LineRow(
        item_id=new_id(), quantity=0, variant_id=variant.variant_id,
        product_id=variant.product_id, sku=variant.sku, variant_title=variant.title,
        inventory_policy=variant.inventory_policy, product_status=variant.product_status,
    )  # fmt: skip
    return row, int(variant.available)


def _open(cart: Cart) -> Cart:
    if cart.status != "open":
        raise CartNotOpen(f"the cart is {cart.status}")
    return cart


class CartService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def create(self, data: CartCreate, access: CartAccess) -> CartRead:
        tenant = current_context().tenant
        assert tenant is not None
        async with self._platform.uow() as uow:
            cart = Cart(
                token=secrets.token_urlsafe(32), customer_id=access.customer_id,
                email=data.email, currency_code=data.currency_code or tenant.currency_code,
                status="open",
            )  # fmt: skip
            uow.session.add(cart)
            await uow.session.flush()
            uow.publish(
                CartCreated(
                    cart_id=cart.id, currency=cart.currency_code, customer_id=cart.customer_id
                )
            )
            result = await read_cart(uow.session, cart, lines=[])  # a new cart has none
            await uow.commit()
        return result

    async def get(self, cart_id: uuid.UUID, access: CartAccess) -> CartRead:
        async with self._platform.db.read_session() as session:
            cart = await session.get(Cart, cart_id)
            if cart is None or not can_access(cart, access):
                raise NotFound("no such cart")
            return await read_cart(session, cart)

    async def _finish(
        self, uow: UnitOfWork, cart: Cart, *, lines: list[CartLine] | None = None
    ) -> CartRead:
        cart.updated_at = utcnow()
        await uow.session.flush()
        result = await read_cart(uow.session, cart, lines=lines)
        uow.publish(
            CartUpdated(
                cart_id=cart.id,
                item_count=result.item_count,
                subtotal=result.subtotal,
                currency=cart.currency_code,
            )
        )
        await uow.commit()
        return result

    async def _check_sellable(
        self, uow: UnitOfWork, cart: Cart, variant_id: uuid.UUID, quantity: int
    ) -> None:
        found = await _variant_for_sale(uow.session, variant_id)  # with its stock: one read
        if found is None or found[0].product_status != "active":
            raise ValidationFailed(errors={"variant_id": ["no such product for sale"]})
        variant, available = found
        price = await unit_prices(uow.session, cart.currency_code, {variant_id: quantity})
        if price.get(variant_id) is None:
            raise ValidationFailed(errors={"variant_id": [f"not for sale in {cart.currency_code}"]})
        if variant.inventory_policy == "deny" and quantity > available:
            raise InsufficientInventory([(variant_id, quantity, max(available, 0))])

    async def add_item(
        self, cart_id: uuid.UUID, access: CartAccess, data: CartItemCreate
    ) -> CartRead:
        """Add units of a variant: the cart's lines, the variant with its stock and the
        prices are read once, and serve both the checks and the answer."""
        async with self._platform.uow() as uow:
            cart = _open(await lock_cart(uow, cart_id, access))
            rows, titles = await line_rows(uow.session, cart)
            index = next((n for n, r in enumerate(rows) if r.variant_id == data.variant_id), None)
            quantity = data.quantity + (rows[index].quantity if index is not None else 0)
            if quantity > MAX_QUANTITY:
                raise ValidationFailed(errors={"quantity": [f"at most {MAX_QUANTITY} per line"]})
            found = await _variant_for_sale(uow.session, data.variant_id)
            if found is None or found[0].product_status != "active":
                raise ValidationFailed(errors={"variant_id": ["no such product for sale"]})
            variant, available = found
            quantities = {r.variant_id: r.quantity for r in rows} | {variant.variant_id: quantity}
            prices = await unit_prices(uow.session, cart.currency_code, quantities)
            if prices.get(variant.variant_id) is None:
                currency = cart.currency_code
                raise ValidationFailed(errors={"variant_id": [f"not for sale in {currency}"]})
            if variant.inventory_policy == "deny" and quantity > available:
                raise InsufficientInventory([(variant.variant_id, quantity, max(available, 0))])
            if index is None:
                if len(rows) >= MAX_CART_LINES:
                    raise ValidationFailed(
                        errors={"items": [f"a cart holds at most {MAX_CART_LINES} lines"]}
                    )
                row = msgspec.structs.replace(variant, quantity=quantity)
                item = CartItem(
                    id=row.item_id, cart_id=cart.id, variant_id=row.variant_id, quantity=quantity
                )
                await insert_new(uow.session, [item])
                rows.append(row)
            else:
                row = rows[index] = msgspec.structs.replace(rows[index], quantity=quantity)
                await uow.session.execute(
                    _SET_QUANTITY, {"item_id": row.item_id, "quantity": quantity}
                )
            rows.sort(key=lambda r: r.item_id)  # as line_rows orders them
            lines = await titled_lines(uow.session, rows, prices, titles)
            return await self._finish(uow, cart, lines=lines)

    async def _item(self, uow: UnitOfWork, cart: Cart, item_id: uuid.UUID) -> CartItem:
        item = await uow.session.get(CartItem, item_id)
        if item is None or item.cart_id != cart.id:
            raise NotFound("no such cart item")
        return item

    async def update_item(
        self, cart_id: uuid.UUID, item_id: uuid.UUID, access: CartAccess, data: CartItemUpdate
    ) -> CartRead:
        async with self._platform.uow() as uow:
            cart = _open(await lock_cart(uow, cart_id, access))
            item = await self._item(uow, cart, item_id)
            await self._check_sellable(uow, cart, item.variant_id, data.quantity)
            item.quantity = data.quantity
            return await self._finish(uow, cart)

    async def remove_item(
        self, cart_id: uuid.UUID, item_id: uuid.UUID, access: CartAccess
    ) -> CartRead:
        async with self._platform.uow() as uow:
            cart = _open(await lock_cart(uow, cart_id, access))
            await uow.session.delete(await self._item(uow, cart, item_id))
            return await self._finish(uow, cart)

    async def update(self, cart_id: uuid.UUID, access: CartAccess, data: CartUpdate) -> CartRead:
        async with self._platform.uow() as uow:
            cart = _open(await lock_cart(uow, cart_id, access))
            if data.email is not UNSET:
                cart.email = data.email
            if data.country_code is not UNSET:
                cart.country_code = data.country_code
            if data.shipping_method_id is not UNSET:
                cart.shipping_method_id = data.shipping_method_id
            if data.discount_code is not UNSET:
                code = data.discount_code.upper() if data.discount_code else None
                if code is not None:
                    priced = await price_cart(
                        uow.session, cart, discount_code=None, country_code=None,
                        shipping_method_id=None,
                    )  # fmt: skip
                    found = await find_discount(uow.session, code)
                    check_applicable(found, cart.currency_code, priced.totals.subtotal, utcnow())
                cart.discount_code = code
            if cart.shipping_method_id is not None:
                region = await find_region(uow.session, cart.currency_code, cart.country_code)
                options = await shipping_options(
                    uow.session, cart.currency_code, region.id if region else None
                )
                if all(option.id != cart.shipping_method_id for option in options):
                    if data.shipping_method_id is not UNSET:
                        choose_shipping(options, cart.shipping_method_id)  # raises: 400
                    cart.shipping_method_id = None  # the new country has other methods
            return await self._finish(uow, cart)

    async def merge(self, access: CartAccess) -> CartRead:
        """Fold the anonymous cart of ``access.token`` into the customer's open cart."""
        if access.customer_id is None or access.token is None:
            raise ValidationFailed(errors={"X-Cart-Token": ["send the cart token and sign in"]})
        async with self._platform.uow() as uow:
            anonymous = await uow.session.scalar(
                select(Cart).where(Cart.token == access.token).with_for_update()
            )
            if anonymous is None or anonymous.customer_id not in (None, access.customer_id):
                raise NotFound("no such cart")
            _open(anonymous)
            target = await uow.session.scalar(
                select(Cart)
                .where(
                    Cart.customer_id == access.customer_id,
                    Cart.status == "open",
                    Cart.currency_code == anonymous.currency_code,
                    Cart.id != anonymous.id,
                )
                .order_by(Cart.id.desc())
                .limit(1)
                .with_for_update()
            )
            if target is None:
                anonymous.customer_id = access.customer_id
                return await self._finish(uow, anonymous)
            await self._move_items(uow, anonymous, target)
            anonymous.status = "abandoned"
            uow.publish(CartAbandoned(cart_id=anonymous.id))
            target.discount_code = target.discount_code or anonymous.discount_code
            target.email = target.email or anonymous.email
            return await self._finish(uow, target)

    async def abandon_idle(self, *, updated_before: dt.datetime, limit: int) -> int:
        """Mark up to ``limit`` open carts untouched since ``updated_before`` abandoned, one
        ``cart.abandoned`` each. The UPDATE re-checks the status, so a cart written or
        checked out meanwhile (it holds the row lock) stays as that write left it."""
        idle = (Cart.status == "open", Cart.updated_at < updated_before)
        oldest = select(Cart.id).where(*idle).order_by(Cart.updated_at).limit(limit)
        async with self._platform.uow() as uow:
            abandoned = list(
                await uow.session.scalars(
                    update(Cart)
                    .where(Cart.id.in_(oldest), *idle)
                    .values(status="abandoned", updated_at=utcnow())
                    .returning(Cart.id)
                    .execution_options(synchronize_session=False)
                )
            )
            for cart_id in abandoned:
                uow.publish(CartAbandoned(cart_id=cart_id))
            await uow.commit()
        CARTS_ABANDONED.inc(len(abandoned))
        return len(abandoned)

    @staticmethod
    async def _move_items(uow: UnitOfWork, source: Cart, target: Cart) -> None:
        theirs = {
            i.variant_id: i
            for i in await uow.session.scalars(
                select(CartItem).where(CartItem.cart_id == target.id)
            )
        }
        for item in list(
            await uow.session.scalars(select(CartItem).where(CartItem.cart_id == source.id))
        ):
            existing = theirs.get(item.variant_id)
            if existing is None:
                item.cart_id = target.id
                theirs[item.variant_id] = item
            else:
                existing.quantity = min(existing.quantity + item.quantity, MAX_QUANTITY)
                await uow.session.delete(item)
        if len(theirs) > MAX_CART_LINES:
            raise ValidationFailed(
                errors={"items": [f"a cart holds at most {MAX_CART_LINES} lines"]}
            )
        await uow.session.flush()
