"""GraphQL: the catalogue for administrators and the storefront's product reads.

``Product.variants``, ``Variant.prices`` and friends resolve through the request's
DataLoaders, so a page of products with variants and prices costs one query per level.
"""

from __future__ import annotations

import uuid

import msgspec
import strawberry
from sqlalchemy import func, select
from strawberry.scalars import JSON

from rustok.auth.guard import Public, requires
from rustok.core.errors import NotFound
from rustok.core.graphql import RustokInfo
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog.graphql_types import (
    ProductConnection,
    ProductEdge,
    ProductType,
    StoreProductConnection,
    StoreProductEdge,
    StoreSummaryType,
    VariantType,
)
from rustok.modules.commerce.catalog.models import Product, Variant
from rustok.modules.commerce.catalog.reader import encode_cursor
from rustok.modules.commerce.catalog.schemas import PriceInput, ProductCreate, ProductUpdate
from rustok.modules.commerce.catalog.service import product_filter
from rustok.modules.commerce.catalog.state import ProductStateMachine
from rustok.modules.commerce.graphql_support import (
    MinorUnits,
    PageInfo,
    check_first,
    choice,
    convert,
    cursor_offset,
    offset_cursor,
    parse_id,
    runtime,
    search_term,
)
from rustok.modules.commerce.interface import StoreProduct, StoreProductQuery


async def _product(info: RustokInfo, product_id: uuid.UUID) -> ProductType:
    async with info.context.platform.db.read_session() as session:
        row = await session.get(Product, product_id)
    if row is None:
        raise NotFound("no such product")
    return ProductType.of(row)


@strawberry.type
class CatalogQuery:
    @strawberry.field(permission_classes=[requires(perm.PRODUCTS_LIST)])
    async def products(
        self, info: RustokInfo, first: int = 20, after: str | None = None,
        status: str | None = None, q: str | None = None,
    ) -> ProductConnection:  # fmt: skip
        check_first(first)
        start = cursor_offset(after)
        statement = product_filter(
            status=choice(status, list(ProductStateMachine), "status"), q=search_term(q)
        )
        async with info.context.platform.db.read_session() as session:
            total = await session.scalar(select(func.count()).select_from(statement.subquery()))
            rows = list(
                await session.scalars(
                    statement.order_by(Product.id.desc()).offset(start).limit(first)
                )
            )
        edges = [
            ProductEdge(cursor=offset_cursor(start + i), node=ProductType.of(r))
            for i, r in enumerate(rows)
        ]
        return ProductConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + len(rows) < (total or 0),
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total or 0,
        )

    @strawberry.field(permission_classes=[requires(perm.PRODUCTS_READ)])
    async def product(self, info: RustokInfo, id: strawberry.ID) -> ProductType:
        return await _product(info, parse_id(id))

    @strawberry.field(permission_classes=[Public], description="Storefront product list.")
    async def store_products(
        self, info: RustokInfo, first: int = 20, after: str | None = None,
        q: str | None = None, category: str | None = None, min_price: MinorUnits | None = None,
        max_price: MinorUnits | None = None, currency: str | None = None,
        in_stock: bool | None = None, locale: str | None = None, sort: str = "newest",
    ) -> StoreProductConnection:  # fmt: skip
        check_first(first)
        query: StoreProductQuery = convert(
            {"q": q, "category": category, "min_price": min_price, "max_price": max_price,
             "currency": currency, "in_stock": in_stock, "locale": locale, "sort": sort,
             "cursor": after, "limit": first},
            StoreProductQuery,
        )  # fmt: skip
        page = await runtime(info).reader.list_products(query)
        edges = [
            StoreProductEdge(
                # Each edge's own keyset cursor: paging ``after`` it continues right behind it.
                cursor=encode_cursor(
                    query.sort, p.price_min if query.sort.startswith("price") else None, p.id
                ),
                node=StoreSummaryType(
                    id=strawberry.ID(str(p.id)),
                    handle=p.handle,
                    title=p.title,
                    price_min=MinorUnits(p.price_min),
                    price_max=MinorUnits(p.price_max),
                    currency_code=p.currency_code,
                    in_stock=p.in_stock,
                    thumbnail=p.thumbnail,
                ),
            )
            for p in page.items
        ]
        return StoreProductConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.next_cursor is not None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(
        permission_classes=[Public], description="A storefront product by handle (JSON)."
    )
    async def store_product(
        self, info: RustokInfo, handle: str, locale: str | None = None,
        currency: str | None = None,
    ) -> JSON:  # fmt: skip
        found: StoreProduct = await runtime(info).reader.product_by_handle(
            handle, locale=locale, currency=currency
        )
        return JSON(msgspec.to_builtins(found))


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_CREATE)])
    async def create_product(self, info: RustokInfo, input: JSON) -> ProductType:
        """``input`` is the REST create body (``POST /api/commerce/products``)."""
        created = await runtime(info).catalog.create_product(convert(input, ProductCreate))
        return await _product(info, created.id)

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def update_product(self, info: RustokInfo, id: strawberry.ID, input: JSON) -> ProductType:
        await runtime(info).catalog.update_product(parse_id(id), convert(input, ProductUpdate))
        return await _product(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def publish_product(self, info: RustokInfo, id: strawberry.ID) -> ProductType:
        await runtime(info).catalog.transition(parse_id(id), "publish")
        return await _product(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def unpublish_product(self, info: RustokInfo, id: strawberry.ID) -> ProductType:
        await runtime(info).catalog.transition(parse_id(id), "unpublish")
        return await _product(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def archive_product(self, info: RustokInfo, id: strawberry.ID) -> ProductType:
        await runtime(info).catalog.transition(parse_id(id), "archive")
        return await _product(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_DELETE)])
    async def delete_product(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await runtime(info).catalog.delete_product(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def set_variant_prices(
        self, info: RustokInfo, variant_id: strawberry.ID, prices: JSON
    ) -> VariantType:
        """``prices``: ``[{currency_code, amount, compare_at_amount?}]``."""
        parsed = convert(prices, list[PriceInput])
        await runtime(info).variants.set_prices(parse_id(variant_id, "variant_id"), parsed)
        async with info.context.platform.db.read_session() as session:
            row = await session.get(Variant, parse_id(variant_id, "variant_id"))
        assert row is not None
        return VariantType.of(row)
