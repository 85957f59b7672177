"""A cart's lines with today's prices, and its totals: shared by cart reads and checkout.

Costs a fixed number of queries whatever the number of lines: the lines with their variants
and products, their titles, their prices, and (when set) the discount, the region and the
shipping methods. Lines are read as columns, compiled once and run on the session's
connection (core/db/scoped_rows.py), not as ORM objects: a cart write changes its items with
statements of its own, and building, tracking and flushing the objects cost more CPU than
the reads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import msgspec
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.context import current_context
from rustok.core.db import utcnow
from rustok.core.db.scoped_rows import fetch_scoped
from rustok.core.errors import Conflict, ValidationFailed
from rustok.modules.commerce.carts.models import Cart, CartItem
from rustok.modules.commerce.catalog.models import Product, ProductTranslation, Variant
from rustok.modules.commerce.catalog.queries import pick_title, product_titles
from rustok.modules.commerce.catalog.unit_prices import unit_prices
from rustok.modules.commerce.discounts.models import Discount
from rustok.modules.commerce.discounts.service import find_discount
from rustok.modules.commerce.errors import DiscountUnavailable
from rustok.modules.commerce.money import MAX_ORDER_TOTAL
from rustok.modules.commerce.pricing import (
    DiscountRule,
    PricedLine,
    Totals,
    check_applicable,
    compute_totals,
    rule_of,
)
from rustok.modules.commerce.regions.service import (
    CartRegion,
    ShippingOption,
    choose_shipping,
    find_region,
    shipping_options,
)


class LineRow(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """A cart item with what its variant and product say about it (the columns of
    ``_LINE_ROWS``, in its order)."""

    item_id: uuid.UUID
    quantity: int
    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    variant_title: str | None
    inventory_policy: str
    product_status: str


@dataclass(frozen=True, slots=True)
class CartLine:
    row: LineRow
    title: str
    unit_price: int | None


@dataclass(frozen=True, slots=True)
class PricedCart:
    cart: Cart
    lines: list[CartLine]
    totals: Totals
    discount: Discount | None
    region: CartRegion | None
    shipping: ShippingOption | None


# A variant as a cart line reads it (``LineRow``'s columns after the item's), with its
# product's status.
VARIANT_COLUMNS = (
    Variant.id,
    Variant.product_id,
    Variant.sku,
    Variant.title,
    Variant.inventory_policy,
    Product.status,
)
# Compiled once with the tenant's criteria, run with the cart's id: each line once per
# translation of its product (once, with no locale, when it has none), so the lines and their
# titles are one statement.
_LINE_ROWS = (
    select(
        CartItem.id,
        CartItem.quantity,
        *VARIANT_COLUMNS,
        ProductTranslation.locale,
        ProductTranslation.title,
    )
    .join(Variant, Variant.id == CartItem.variant_id)
    .join(Product, Product.id == Variant.product_id)
    .outerjoin(ProductTranslation, ProductTranslation.product_id == Product.id)
    .where(CartItem.cart_id == bindparam("cart_id"))
    .order_by(CartItem.id, ProductTranslation.locale)
)


class _TranslatedLine(LineRow, array_like=True, frozen=True, gc=False):
    """A row of ``_LINE_ROWS``: a :class:`LineRow`'s columns, then a translation's."""

    locale: str | None
    title: str | None


# Each product's title in the tenant's locales (None: it has no translation).
Titles = dict[uuid.UUID, str | None]


def _chain() -> list[str]:
    tenant = current_context().tenant
    return tenant.locale_chain() if tenant else []


async def line_rows(session: AsyncSession, cart: Cart) -> tuple[list[LineRow], Titles]:
    """The cart's items with their variants and products' statuses, oldest first, and
    their products' titles."""
    found = await fetch_scoped(session, _LINE_ROWS, lambda: _LINE_ROWS, {"cart_id": cart.id})
    rows: list[LineRow] = []
    translations: dict[uuid.UUID, dict[str, str]] = {}
    for r in msgspec.convert(found, list[_TranslatedLine], strict=False):  # SQLite: hex UUIDs
        if not rows or rows[-1].item_id != r.item_id:
            row = LineRow(
                item_id=r.item_id, quantity=r.quantity, variant_id=r.variant_id,
                product_id=r.product_id, sku=r.sku, variant_title=r.variant_title,
                inventory_policy=r.inventory_policy, product_status=r.product_status,
            )  # fmt: skip
            rows.append(row)
        pairs = translations.setdefault(r.product_id, {})
        if r.locale is not None and r.title is not None:
            pairs[r.locale] = r.title  # a product of two lines: its translations twice
    chain = _chain()
    titles = {p: pick_title(list(pairs.items()), chain) for p, pairs in translations.items()}
    return rows, titles


async def load_lines(session: AsyncSession, cart: Cart) -> list[CartLine]:
    rows, titles = await line_rows(session, cart)
    if not rows:
        return []
    quantities = {row.variant_id: row.quantity for row in rows}
    prices = await unit_prices(session, cart.currency_code, quantities)
    return await titled_lines(session, rows, prices, titles)


async def titled_lines(
    session: AsyncSession, rows: list[LineRow], prices: dict[uuid.UUID, int | None],
    titles: Titles,
) -> list[CartLine]:  # fmt: skip
    """``rows`` as lines with their titles (read for the products ``titles`` lacks: one
    query) and the given unit prices."""
    missing = list({row.product_id for row in rows if row.product_id not in titles})
    if missing:
        titles = titles | await product_titles(session, missing, _chain())
    lines = []
    for row in rows:
        title = titles.get(row.product_id)
        lines.append(
            CartLine(
                row=row,
                title=row.sku if title is None else title,
                unit_price=prices.get(row.variant_id),
            )
        )
    return lines


def unsellable(lines: list[CartLine]) -> list[uuid.UUID]:
    return [
        line.row.variant_id
        for line in lines
        if line.row.product_status != "active" or line.unit_price is None
    ]


async def _discount(
    session: AsyncSession, code: str | None, cart: Cart, subtotal: int, *, strict: bool
) -> tuple[Discount | None, DiscountRule | None]:
    if code is None:
        return None, None
    try:
        row = await find_discount(session, code)
        check_applicable(row, cart.currency_code, subtotal, utcnow())
    except DiscountUnavailable:
        if strict:
            raise
        return None, None  # a cart read shows no discount once the code stopped applying
    return row, rule_of(row)


async def price_cart(
    session: AsyncSession,
    cart: Cart,
    *,
    discount_code: str | None,
    country_code: str | None,
    shipping_method_id: uuid.UUID | None,
    strict: bool = False,
    lines: list[CartLine] | None = None,
) -> PricedCart:
    """Totals of ``cart``; ``strict`` (checkout) refuses what a read only leaves out."""
    if lines is None:
        lines = await load_lines(session, cart)
    if strict:
        missing = unsellable(lines)
        if missing:
            raise Conflict(
                "some items are no longer for sale in this currency",
                code="VARIANT_UNAVAILABLE",
                errors={str(v): ["not for sale"] for v in missing},
            )
    priced = [
        PricedLine(
            key=line.row.item_id, unit_price=line.unit_price or 0, quantity=line.row.quantity
        )
        for line in lines
    ]
    subtotal = sum(p.unit_price * p.quantity for p in priced)
    discount, rule = await _discount(session, discount_code, cart, subtotal, strict=strict)
    region = await find_region(session, cart.currency_code, country_code)
    shipping = None
    if lines:
        options = await shipping_options(session, cart.currency_code, region.id if region else None)
        try:
            shipping = choose_shipping(options, shipping_method_id)
        except ValidationFailed:
            if strict:
                raise
            shipping = choose_shipping(options, None)
    totals = compute_totals(
        priced,
        discount=rule,
        tax_rate_bps=region.tax_rate_bps if region else 0,
        shipping=shipping.amount if shipping else 0,
    )
    if totals.total > MAX_ORDER_TOTAL:
        raise ValidationFailed(errors={"items": [f"a cart totals at most {MAX_ORDER_TOTAL}"]})
    return PricedCart(cart, lines, totals, discount, region, shipping)
