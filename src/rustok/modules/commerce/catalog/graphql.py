"""GraphQL: the catalogue for administrators (the storefront reads the index module).

``Product.variants``, ``Variant.prices`` and friends resolve through the request's
DataLoaders, so a page of products with variants and prices costs one query per level.
"""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy import func, select

from rustok.core.errors import NotFound
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog.graphql_inputs import (
    PriceInputType,
    ProductCreateInputType,
    ProductUpdateInputType,
    product_create,
    product_update,
)
from rustok.modules.commerce.catalog.graphql_inputs import prices as price_inputs
from rustok.modules.commerce.catalog.graphql_types import (
    ProductConnection,
    ProductEdge,
    ProductType,
    VariantType,
)
from rustok.modules.commerce.catalog.models import Product, Variant
from rustok.modules.commerce.catalog.service import product_filter
from rustok.modules.commerce.catalog.state import ProductStateMachine
from rustok.modules.commerce.catalog.visibility import HiddenStatus, ensure_visible, status_filter
from rustok.modules.commerce.graphql_support import choice, runtime, search_term
from rustok.web.connections import PageInfo, check_first, offset_edges, offset_page_info
from rustok.web.cursors import offset_after
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.permissions import requires
from rustok.web.principals import graphql_principal


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
        start = offset_after(after)
        requested = choice(status, list(ProductStateMachine), "status")
        try:
            shown = status_filter(graphql_principal(info), requested)
        except HiddenStatus:
            nothing = PageInfo(has_next_page=False, end_cursor=None)
            return ProductConnection(edges=[], page_info=nothing, total_count=0)
        statement = product_filter(status=shown, q=search_term(q))
        async with info.context.platform.db.read_session() as session:
            total = await session.scalar(select(func.count()).select_from(statement.subquery()))
            rows = list(
                await session.scalars(
                    statement.order_by(Product.id.desc()).offset(start).limit(first)
                )
            )
        edges = [
            ProductEdge(cursor=c, node=ProductType.of(r)) for c, r in offset_edges(rows, start)
        ]
        return ProductConnection(
            edges=edges,
            page_info=offset_page_info(start, len(rows), total or 0),
            total_count=total or 0,
        )

    @strawberry.field(permission_classes=[requires(perm.PRODUCTS_READ)])
    async def product(self, info: RustokInfo, id: strawberry.ID) -> ProductType:
        found = await _product(info, parse_id(id))
        ensure_visible(graphql_principal(info), found.status)
        return found


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_CREATE)])
    async def create_product(self, info: RustokInfo, input: ProductCreateInputType) -> ProductType:
        """The REST create body (``POST /api/commerce/products``) as a typed input."""
        created = await runtime(info).catalog.create_product(product_create(input))
        return await _product(info, created.id)

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def update_product(
        self, info: RustokInfo, id: strawberry.ID, input: ProductUpdateInputType
    ) -> ProductType:
        await runtime(info).catalog.update_product(parse_id(id), product_update(input))
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
        self, info: RustokInfo, variant_id: strawberry.ID, prices: list[PriceInputType]
    ) -> VariantType:
        """Replace the variant's base prices (one per currency)."""
        parsed = price_inputs(prices)
        await runtime(info).variants.set_prices(parse_id(variant_id, "variant_id"), parsed)
        async with info.context.platform.db.read_session() as session:
            row = await session.get(Variant, parse_id(variant_id, "variant_id"))
        assert row is not None
        return VariantType.of(row)
