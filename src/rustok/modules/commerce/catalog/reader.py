"""``CatalogReader`` over the write model: the storefront product list and product page.

The list is keyset-paginated (``next_cursor`` encodes the sort key and the last id, so pages
neither skip nor repeat rows when products are added) and costs three queries: the page,
its translations, its thumbnails.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.context import TenantRef, current_context
from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.platform import Platform
from rustok.modules.commerce.catalog.models import (
    Category,
    Price,
    Product,
    ProductCategory,
    ProductImage,
    ProductTranslation,
    Variant,
)
from rustok.modules.commerce.catalog.store_detail import product_detail
from rustok.modules.commerce.interface import (
    StoreProduct,
    StoreProductPage,
    StoreProductQuery,
    StoreProductSummary,
)
from rustok.modules.commerce.inventory.models import InventoryLevel

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def _tenant() -> TenantRef:
    tenant = current_context().tenant
    if tenant is None:
        raise RuntimeError("storefront read without a tenant")
    return tenant


def encode_cursor(sort: str, key: int | None, last_id: uuid.UUID) -> str:
    raw = json.dumps({"s": sort, "k": key, "i": str(last_id)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[int | None, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data: Any = json.loads(base64.urlsafe_b64decode(padded.encode()))
        key, last = data["k"], uuid.UUID(data["i"])
        if data["s"] != sort or not (key is None or isinstance(key, int)):
            raise ValueError("cursor of another sort")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(errors={"cursor": ["not a cursor of this list"]}) from exc
    return key, last


def pick_translation(
    rows: Sequence[ProductTranslation], chain: Sequence[str]
) -> ProductTranslation | None:
    """The translation in the first locale of ``chain`` that has one, else any."""
    by_locale = {r.locale: r for r in rows}
    for locale in chain:
        if locale in by_locale:
            return by_locale[locale]
    return min(rows, key=lambda r: r.locale) if rows else None


def in_stock_clause() -> ColumnElement[bool]:
    return exists(
        select(InventoryLevel.id)
        .join(Variant, Variant.id == InventoryLevel.variant_id)
        .where(
            Variant.product_id == Product.id,
            or_(
                Variant.inventory_policy == "continue",
                InventoryLevel.stocked - InventoryLevel.reserved > 0,
            ),
        )
    )


class WriteModelCatalogReader:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    def _filtered(self, query: StoreProductQuery, currency: str) -> Any:
        prices = (
            select(
                Variant.product_id.label("product_id"),
                func.min(Price.amount).label("price_min"),
                func.max(Price.amount).label("price_max"),
            )
            .join(Price, Price.variant_id == Variant.id)
            .where(
                Price.currency_code == currency,
                Price.price_list_id.is_(None),
                Price.min_quantity == 1,
            )
            .group_by(Variant.product_id)
            .subquery()
        )
        in_stock = in_stock_clause()
        statement = (
            select(Product.id, prices.c.price_min, prices.c.price_max, in_stock.label("in_stock"))
            .join(prices, prices.c.product_id == Product.id)
            .where(Product.status == "active")
        )
        if query.q:
            pattern = f"%{query.q.strip().lower()}%"
            statement = statement.where(
                Product.id.in_(
                    select(ProductTranslation.product_id).where(
                        func.lower(ProductTranslation.title).like(pattern)
                    )
                )
            )
        if query.category:
            statement = statement.where(Product.id.in_(self._category_members(query.category)))
        if query.min_price is not None:
            statement = statement.where(prices.c.price_max >= query.min_price)
        if query.max_price is not None:
            statement = statement.where(prices.c.price_min <= query.max_price)
        if query.in_stock is not None:
            statement = statement.where(in_stock if query.in_stock else ~in_stock)
        return statement, prices

    @staticmethod
    def _category_members(category: str) -> Any:
        try:
            match: ColumnElement[bool] = Category.id == uuid.UUID(category)
        except ValueError:
            match = Category.handle == category
        return (
            select(ProductCategory.product_id)
            .join(Category, Category.id == ProductCategory.category_id)
            .where(match)
        )

    @staticmethod
    def _keyset(statement: Any, prices: Any, query: StoreProductQuery) -> Any:
        sort = query.sort
        key_column = prices.c.price_min
        descending = sort in ("newest", "price_desc")
        if query.cursor:
            key, last = decode_cursor(query.cursor, sort)
            after_id = Product.id < last if descending else Product.id > last
            if sort in ("price_asc", "price_desc"):
                if key is None:
                    raise ValidationFailed(errors={"cursor": ["not a cursor of this list"]})
                beyond = key_column < key if descending else key_column > key
                statement = statement.where(or_(beyond, and_(key_column == key, after_id)))
            else:
                statement = statement.where(after_id)
        if sort in ("price_asc", "price_desc"):
            order = key_column.desc() if descending else key_column.asc()
            return statement.order_by(order, Product.id.desc() if descending else Product.id)
        return statement.order_by(Product.id.desc() if descending else Product.id)

    async def list_products(self, query: StoreProductQuery) -> StoreProductPage:
        tenant = _tenant()
        currency = query.currency or tenant.currency_code
        chain = tenant.locale_chain(query.locale)
        statement, prices = self._filtered(query, currency)
        statement = self._keyset(statement, prices, query).limit(query.limit + 1)
        async with self._platform.db.read_session() as session:
            rows = (await session.execute(statement)).tuples().all()
            page = rows[: query.limit]
            ids = [row[0] for row in page]
            titles = await self._translations(session, ids)
            thumbs = await self._thumbnails(session, ids)
        items = []
        for product_id, price_min, price_max, in_stock in page:
            chosen = pick_translation(titles.get(product_id, []), chain)
            items.append(
                StoreProductSummary(
                    id=product_id,
                    handle=chosen.handle if chosen else str(product_id),
                    title=chosen.title if chosen else "",
                    price_min=int(price_min),
                    price_max=int(price_max),
                    currency_code=currency,
                    in_stock=bool(in_stock),
                    thumbnail=thumbs.get(product_id),
                )
            )
        next_cursor = None
        if len(rows) > query.limit and page:
            last_id, last_min = page[-1][0], int(page[-1][1])
            key = last_min if query.sort in ("price_asc", "price_desc") else None
            next_cursor = encode_cursor(query.sort, key, last_id)
        return StoreProductPage(items=items, next_cursor=next_cursor)

    @staticmethod
    async def _translations(
        session: AsyncSession, ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[ProductTranslation]]:
        found: dict[uuid.UUID, list[ProductTranslation]] = {}
        if ids:
            for row in await session.scalars(
                select(ProductTranslation).where(ProductTranslation.product_id.in_(ids))
            ):
                found.setdefault(row.product_id, []).append(row)
        return found

    @staticmethod
    async def _thumbnails(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        found: dict[uuid.UUID, str] = {}
        if ids:
            rows = await session.execute(
                select(ProductImage.product_id, ProductImage.url)
                .where(ProductImage.product_id.in_(ids))
                .order_by(ProductImage.position.desc(), ProductImage.id.desc())
            )
            for product_id, url in rows.tuples():
                found[product_id] = url  # the last write wins: the lowest position
        return found

    async def product_by_handle(
        self, handle: str, *, locale: str | None = None, currency: str | None = None
    ) -> StoreProduct:
        tenant = _tenant()
        chain = tenant.locale_chain(locale)
        code = currency or tenant.currency_code
        if not CURRENCY_RE.match(code):
            raise ValidationFailed(errors={"currency": ["an upper-case ISO 4217 code"]})
        if "\x00" in handle or len(handle) > 255:
            raise NotFound(f"no product with handle {handle!r}")
        async with self._platform.db.read_session() as session:
            matches = list(
                await session.scalars(
                    select(ProductTranslation)
                    .join(Product, Product.id == ProductTranslation.product_id)
                    .where(ProductTranslation.handle == handle, Product.status == "active")
                )
            )
            found = pick_translation(matches, chain)
            if found is None:
                raise NotFound(f"no product with handle {handle!r}")
            return await product_detail(session, found.product_id, chain, code)
