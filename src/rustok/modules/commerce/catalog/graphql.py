"""GraphQL: the catalogue for administrators (the storefront reads the index module).

``Product.variants``, ``Variant.prices`` and friends resolve through the request's
DataLoaders, so a page of products with variants and prices costs one query per level.
"""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy import func, select

from rustok.auth.guard import graphql_principal, requires
from rustok.core.errors import NotFound
from rustok.core.graphql import RustokInfo
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
from rustok.modules.commerce.catalog.service import CatalogService, product_filter
from rustok.modules.commerce.catalog.state import ProductStateMachine
from rustok.modules.commerce.catalog.variants import VariantService
from rustok.modules.commerce.catalog.visibility import HiddenStatus, ensure_visible, status_filter
from rustok.modules.commerce.graphql_support import (
    PageInfo,
    check_first,
    choice,
    cursor_offset,
    offset_cursor,
    parse_id,
    search_term,
)


def _catalog(info: RustokInfo) -> CatalogService:
    return CatalogService(info.context.platform)


def _variants(info: RustokInfo) -> VariantService:
    return VariantService(info.context.platform)


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
        found = await _product(info, parse_id(id))
        ensure_visible(graphql_principal(info), found.status)
        return found


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_CREATE)])
    async def create_product(self, info: RustokInfo, input: ProductCreateInputType) -> ProductType:
        """The REST create body (``POST /api/commerce/products``) as a typed input."""
        created = await _catalog(info).create_product(product_create(input))
        return await _product(info, created.id)

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def update_product(
        self, info: RustokInfo, id: strawberry.ID, input: ProductUpdateInputType
    ) -> ProductType:
        await _catalog(info).update_product(parse_id(id), product_update(input))
        return await _product(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def publish_product(self, info: RustokInfo, id: strawberry.ID) -> ProductType:
        await _catalog(info).transition(parse_id(id), "publish")
        return await _product(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def unpublish_product(self, info: RustokInfo, id: strawberry.ID) -> ProductType:
        await _catalog(info).transition(parse_id(id), "unpublish")
        return await _product(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def archive_product(self, info: RustokInfo, id: strawberry.ID) -> ProductType:
        await _catalog(info).transition(parse_id(id), "archive")
        return await _product(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_DELETE)])
    async def delete_product(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _catalog(info).delete_product(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def set_variant_prices(
        self, info: RustokInfo, variant_id: strawberry.ID, prices: list[PriceInputType]
    ) -> VariantType:
        """Replace the variant's base prices (one per currency)."""
        parsed = price_inputs(prices)
        await _variants(info).set_prices(parse_id(variant_id, "variant_id"), parsed)
        async with info.context.platform.db.read_session() as session:
            row = await session.get(Variant, parse_id(variant_id, "variant_id"))
        assert row is not None
        return VariantType.of(row)
