"""GraphQL: the catalogue for administrators and the storefront's product reads.

``Product.variants``, ``Variant.prices`` and friends resolve through the request's
DataLoaders, so a page of products with variants and prices costs one query per level.
"""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec
import strawberry
from sqlalchemy import func, select
from strawberry.scalars import JSON

from rustok.auth.guard import Public, requires
from rustok.core.errors import NotFound
from rustok.core.graphql import RustokInfo
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog import loaders
from rustok.modules.commerce.catalog.models import Product, Variant
from rustok.modules.commerce.catalog.reader import pick_translation
from rustok.modules.commerce.catalog.schemas import PriceInput, ProductCreate, ProductUpdate
from rustok.modules.commerce.catalog.service import product_filter
from rustok.modules.commerce.graphql_support import (
    MinorUnits,
    PageInfo,
    check_first,
    convert,
    cursor_offset,
    offset_cursor,
    parse_id,
    runtime,
)
from rustok.modules.commerce.interface import StoreProduct, StoreProductQuery


@strawberry.type(name="Price")
class PriceType:
    currency_code: str
    amount: MinorUnits
    compare_at_amount: MinorUnits | None
    min_quantity: int


@strawberry.type(name="ProductTranslation")
class TranslationType:
    locale: str
    title: str
    handle: str
    description: str | None
    meta_title: str | None
    meta_description: str | None


@strawberry.type(name="ProductOption")
class OptionType:
    name: str
    values: list[str]


@strawberry.type(name="OptionValue")
class OptionValueType:
    name: str
    value: str


@strawberry.type(name="ProductImage")
class ImageType:
    id: strawberry.ID
    url: str
    alt_text: str | None
    position: int


@strawberry.type(name="Variant")
class VariantType:
    id: strawberry.ID
    product_id: strawberry.ID
    sku: str
    title: str | None
    barcode: str | None
    weight_grams: int | None
    inventory_policy: str
    position: int

    @classmethod
    def of(cls, row: Variant) -> VariantType:
        return cls(
            id=strawberry.ID(str(row.id)), product_id=strawberry.ID(str(row.product_id)),
            sku=row.sku, title=row.title, barcode=row.barcode, weight_grams=row.weight_grams,
            inventory_policy=row.inventory_policy, position=row.position,
        )  # fmt: skip

    @strawberry.field
    async def prices(self, info: RustokInfo) -> list[PriceType]:
        rows = await loaders.prices_by_variant_id(info).load(uuid.UUID(self.id))
        return [
            PriceType(
                currency_code=p.currency_code,
                amount=MinorUnits(p.amount),
                compare_at_amount=None
                if p.compare_at_amount is None
                else MinorUnits(p.compare_at_amount),
                min_quantity=p.min_quantity,
            )
            for p in rows
        ]

    @strawberry.field(description="Available units over every location.")
    async def inventory_quantity(self, info: RustokInfo) -> int:
        return await loaders.available_by_variant_id(info).load(uuid.UUID(self.id))

    @strawberry.field
    async def options(self, info: RustokInfo) -> list[OptionValueType]:
        values = await loaders.option_values_by_variant_id(info).load(uuid.UUID(self.id))
        return [OptionValueType(name=k, value=v) for k, v in sorted(values.items())]


@strawberry.type(name="Product")
class ProductType:
    id: strawberry.ID
    status: str
    vendor: str | None
    product_type: str | None
    published_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: Product) -> ProductType:
        return cls(
            id=strawberry.ID(str(row.id)), status=row.status, vendor=row.vendor,
            product_type=row.product_type, published_at=row.published_at,
            created_at=row.created_at, updated_at=row.updated_at,
        )  # fmt: skip

    @strawberry.field
    async def translations(self, info: RustokInfo) -> list[TranslationType]:
        rows = await loaders.translations_by_product_id(info).load(uuid.UUID(self.id))
        return [
            TranslationType(
                locale=t.locale,
                title=t.title,
                handle=t.handle,
                description=t.description,
                meta_title=t.meta_title,
                meta_description=t.meta_description,
            )
            for t in rows
        ]

    @strawberry.field(description="The title in `locale`, with the tenant's fallbacks.")
    async def title(self, info: RustokInfo, locale: str | None = None) -> str | None:
        rows = await loaders.translations_by_product_id(info).load(uuid.UUID(self.id))
        tenant = info.context.request_context.tenant
        chosen = pick_translation(rows, tenant.locale_chain(locale) if tenant else [])
        return chosen.title if chosen else None

    @strawberry.field
    async def options(self, info: RustokInfo) -> list[OptionType]:
        rows = await loaders.options_by_product_id(info).load(uuid.UUID(self.id))
        return [OptionType(name=o.name, values=o.values) for o in rows]

    @strawberry.field
    async def variants(self, info: RustokInfo) -> list[VariantType]:
        rows = await loaders.variants_by_product_id(info).load(uuid.UUID(self.id))
        return [VariantType.of(v) for v in rows]

    @strawberry.field
    async def images(self, info: RustokInfo) -> list[ImageType]:
        rows = await loaders.images_by_product_id(info).load(uuid.UUID(self.id))
        return [
            ImageType(
                id=strawberry.ID(str(i.id)), url=i.url, alt_text=i.alt_text, position=i.position
            )
            for i in rows
        ]


@strawberry.type
class ProductEdge:
    cursor: str
    node: ProductType


@strawberry.type
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(name="StoreProductSummary")
class StoreSummaryType:
    id: strawberry.ID
    handle: str
    title: str
    price_min: MinorUnits
    price_max: MinorUnits
    currency_code: str
    in_stock: bool
    thumbnail: str | None


@strawberry.type
class StoreProductEdge:
    cursor: str
    node: StoreSummaryType


@strawberry.type
class StoreProductConnection:
    edges: list[StoreProductEdge]
    page_info: PageInfo


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
        statement = product_filter(status=status, q=q)
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
                cursor=page.next_cursor or "",
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
                has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor
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
