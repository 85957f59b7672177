"""GraphQL types of the catalogue. Nested fields resolve through the request's DataLoaders
(catalog/loaders.py): one query per level for any number of products."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry
from strawberry.scalars import JSON

from rustok.modules.commerce.catalog import loaders
from rustok.modules.commerce.catalog.models import Product, Variant
from rustok.modules.commerce.catalog.queries import pick_translation
from rustok.web.connections import PageInfo
from rustok.web.graphql import RustokInfo
from rustok.web.scalars import MinorUnits


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

    @strawberry.field  # available units over every location
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
    metadata: JSON
    published_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: Product) -> ProductType:
        return cls(
            id=strawberry.ID(str(row.id)), status=row.status, vendor=row.vendor,
            product_type=row.product_type, metadata=JSON(dict(row.meta)),
            published_at=row.published_at,
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

    @strawberry.field  # the title in `locale`, with the tenant's fallbacks
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
