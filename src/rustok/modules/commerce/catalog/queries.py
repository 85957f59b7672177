"""Batched reads of the catalogue: each function costs one query whatever the number of ids.

REST reads and the GraphQL DataLoaders both use these, so a list of 50 products with their
variants, prices and stock costs the same handful of queries as one product.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import BindParameter, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db.scoped_rows import fetch_scoped, in_list_size, in_list_values
from rustok.core.locales import pick_by_locale
from rustok.modules.commerce.catalog.models import (
    CollectionProduct,
    Price,
    Product,
    ProductCategory,
    ProductImage,
    ProductOption,
    ProductOptionValue,
    ProductTranslation,
    Variant,
    VariantOptionValue,
)
from rustok.modules.commerce.catalog.schemas import (
    ImageRead,
    OptionRead,
    PriceRead,
    ProductRead,
    TranslationRead,
    VariantRead,
)
from rustok.modules.commerce.catalog.state import parse_product_status
from rustok.modules.commerce.inventory.models import InventoryLevel

Ids = Sequence[uuid.UUID]


def to_translation_read(row: ProductTranslation) -> TranslationRead:
    return TranslationRead(
        locale=row.locale, title=row.title, handle=row.handle, description=row.description,
        meta_title=row.meta_title, meta_description=row.meta_description,
    )  # fmt: skip


def to_price_read(row: Price) -> PriceRead:
    return PriceRead(
        id=row.id, currency_code=row.currency_code, amount=row.amount,
        compare_at_amount=row.compare_at_amount, min_quantity=row.min_quantity,
        price_list_id=row.price_list_id,
    )  # fmt: skip


# Built once (the session adds the tenant's criteria when it runs).
_TRANSLATIONS = (
    select(ProductTranslation)
    .where(ProductTranslation.product_id.in_(bindparam("product_ids", expanding=True)))
    .order_by(ProductTranslation.locale)
)


class _Title(msgspec.Struct, array_like=True, frozen=True, gc=False):
    product_id: uuid.UUID
    locale: str
    title: str


def _titles(size: int) -> Select[Any]:
    ids: list[BindParameter[uuid.UUID]] = [bindparam(f"product_id{n}") for n in range(size)]
    return (
        select(ProductTranslation.product_id, ProductTranslation.locale, ProductTranslation.title)
        .where(ProductTranslation.product_id.in_(ids))
        .order_by(ProductTranslation.locale)
    )


def pick_title(translations: Sequence[tuple[str, str]], chain: Sequence[str]) -> str | None:
    """Of a product's (locale, title) pairs, the title :func:`pick_translation` picks."""
    chosen = pick_by_locale(translations, chain, lambda pair: pair[0])
    return None if chosen is None else chosen[1]


async def product_titles(
    session: AsyncSession, ids: Ids, chain: Sequence[str]
) -> dict[uuid.UUID, str | None]:
    """Each product's title in the first locale of ``chain`` it has, else its first (None:
    it has no translation), read as columns (a cart's lines need no more), compiled once
    per size of ``ids`` (core/db/scoped_rows.py)."""
    if not ids:
        return {}
    size = in_list_size(len(ids))
    rows = await fetch_scoped(
        session, ("product_titles", size), lambda: _titles(size),
        in_list_values("product_id", list(ids)),
    )  # fmt: skip
    found: dict[uuid.UUID, list[tuple[str, str]]] = {product_id: [] for product_id in ids}
    for row in msgspec.convert(rows, list[_Title], strict=False):  # SQLite: hex-digit UUIDs
        found[row.product_id].append((row.locale, row.title))
    return {product_id: pick_title(pairs, chain) for product_id, pairs in found.items()}


async def translations_by_product(
    session: AsyncSession, ids: Ids
) -> dict[uuid.UUID, list[ProductTranslation]]:
    found: dict[uuid.UUID, list[ProductTranslation]] = defaultdict(list)
    if ids:
        rows = await session.scalars(_TRANSLATIONS, {"product_ids": list(ids)})
        for row in rows:
            found[row.product_id].append(row)
    return found


async def options_by_product(session: AsyncSession, ids: Ids) -> dict[uuid.UUID, list[OptionRead]]:
    found: dict[uuid.UUID, list[OptionRead]] = defaultdict(list)
    if not ids:
        return found
    rows = await session.execute(
        select(ProductOption, ProductOptionValue.value)
        .outerjoin(ProductOptionValue, ProductOptionValue.option_id == ProductOption.id)
        .where(ProductOption.product_id.in_(ids))
        # Values added by variants share one position: their ids (time-ordered) break the
        # tie, or PostgreSQL hands them back in any order and the listing seems to drift.
        .order_by(
            ProductOption.position,
            ProductOption.name,
            ProductOptionValue.position,
            ProductOptionValue.id,
        )
    )
    values: dict[uuid.UUID, list[str]] = defaultdict(list)
    options: dict[uuid.UUID, ProductOption] = {}
    for option, value in rows.tuples():
        options[option.id] = option
        if value is not None:
            values[option.id].append(value)
    for option in options.values():
        found[option.product_id].append(
            OptionRead(
                id=option.id, name=option.name, position=option.position, values=values[option.id]
            )
        )
    return found


async def variants_by_product(session: AsyncSession, ids: Ids) -> dict[uuid.UUID, list[Variant]]:
    found: dict[uuid.UUID, list[Variant]] = defaultdict(list)
    if ids:
        rows = await session.scalars(
            select(Variant)
            .where(Variant.product_id.in_(ids))
            .order_by(Variant.position, Variant.id)
        )
        for row in rows:
            found[row.product_id].append(row)
    return found


async def option_values_by_variant(
    session: AsyncSession, ids: Ids
) -> dict[uuid.UUID, dict[str, str]]:
    found: dict[uuid.UUID, dict[str, str]] = defaultdict(dict)
    if ids:
        rows = await session.execute(
            select(VariantOptionValue.variant_id, ProductOption.name, ProductOptionValue.value)
            .join(ProductOptionValue, ProductOptionValue.id == VariantOptionValue.option_value_id)
            .join(ProductOption, ProductOption.id == ProductOptionValue.option_id)
            .where(VariantOptionValue.variant_id.in_(ids))
        )
        for variant_id, name, value in rows.tuples():
            found[variant_id][name] = value
    return found


async def base_prices_by_variant(
    session: AsyncSession, ids: Ids
) -> dict[uuid.UUID, list[PriceRead]]:
    found: dict[uuid.UUID, list[PriceRead]] = defaultdict(list)
    if ids:
        rows = await session.scalars(
            select(Price)
            .where(Price.variant_id.in_(ids), Price.price_list_id.is_(None))
            .order_by(Price.currency_code, Price.min_quantity)
        )
        for row in rows:
            found[row.variant_id].append(to_price_read(row))
    return found


async def available_by_variant(session: AsyncSession, ids: Ids) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = await session.execute(
        select(
            InventoryLevel.variant_id,
            func.sum(InventoryLevel.stocked - InventoryLevel.reserved),
        )
        .where(InventoryLevel.variant_id.in_(ids))
        .group_by(InventoryLevel.variant_id)
    )
    return {variant_id: int(total or 0) for variant_id, total in rows.tuples()}


async def variant_reads(session: AsyncSession, variants: Sequence[Variant]) -> list[VariantRead]:
    """Variants with their options, base prices and availability: three queries."""
    ids = [v.id for v in variants]
    options = await option_values_by_variant(session, ids)
    prices = await base_prices_by_variant(session, ids)
    available = await available_by_variant(session, ids)
    return [
        VariantRead(
            id=v.id,
            product_id=v.product_id,
            sku=v.sku,
            title=v.title,
            barcode=v.barcode,
            weight_grams=v.weight_grams,
            length_mm=v.length_mm,
            width_mm=v.width_mm,
            height_mm=v.height_mm,
            inventory_policy=v.inventory_policy,
            position=v.position,
            options=dict(options.get(v.id, {})),
            prices=list(prices.get(v.id, [])),
            inventory_quantity=available.get(v.id, 0),
            created_at=v.created_at,
            updated_at=v.updated_at,
        )
        for v in variants
    ]


async def images_by_product(session: AsyncSession, ids: Ids) -> dict[uuid.UUID, list[ImageRead]]:
    found: dict[uuid.UUID, list[ImageRead]] = defaultdict(list)
    if ids:
        rows = await session.scalars(
            select(ProductImage)
            .where(ProductImage.product_id.in_(ids))
            .order_by(ProductImage.position, ProductImage.id)
        )
        for row in rows:
            found[row.product_id].append(
                ImageRead(
                    id=row.id,
                    url=row.url,
                    media_id=row.media_id,
                    alt_text=row.alt_text,
                    position=row.position,
                )
            )
    return found


async def memberships_by_product(
    session: AsyncSession, ids: Ids
) -> tuple[dict[uuid.UUID, list[uuid.UUID]], dict[uuid.UUID, list[uuid.UUID]]]:
    """Category ids and collection ids of each product (two queries)."""
    categories: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    collections: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if ids:
        for product_id, category_id in (
            await session.execute(
                select(ProductCategory.product_id, ProductCategory.category_id)
                .where(ProductCategory.product_id.in_(ids))
                .order_by(ProductCategory.category_id)
            )
        ).tuples():
            categories[product_id].append(category_id)
        for product_id, collection_id in (
            await session.execute(
                select(CollectionProduct.product_id, CollectionProduct.collection_id)
                .where(CollectionProduct.product_id.in_(ids))
                .order_by(CollectionProduct.collection_id)
            )
        ).tuples():
            collections[product_id].append(collection_id)
    return categories, collections


async def product_reads(session: AsyncSession, products: Sequence[Product]) -> list[ProductRead]:
    """Full product reads in a constant number of queries (nine)."""
    ids = [p.id for p in products]
    translations = await translations_by_product(session, ids)
    options = await options_by_product(session, ids)
    variants = await variants_by_product(session, ids)
    all_variants = [v for p in products for v in variants.get(p.id, [])]
    reads = {v.id: v for v in await variant_reads(session, all_variants)}
    images = await images_by_product(session, ids)
    categories, collections = await memberships_by_product(session, ids)
    return [
        ProductRead(
            id=p.id,
            status=parse_product_status(p.status),
            vendor=p.vendor,
            product_type=p.product_type,
            metadata={k: str(v) for k, v in p.meta.items()},
            translations=[to_translation_read(t) for t in translations.get(p.id, [])],
            options=list(options.get(p.id, [])),
            variants=[reads[v.id] for v in variants.get(p.id, [])],
            images=list(images.get(p.id, [])),
            category_ids=list(categories.get(p.id, [])),
            collection_ids=list(collections.get(p.id, [])),
            published_at=p.published_at,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )
        for p in products
    ]


def pick_translation(
    rows: Sequence[ProductTranslation], chain: Sequence[str]
) -> ProductTranslation | None:
    """The translation in the first locale of ``chain`` that has one, else any."""
    return pick_by_locale(rows, chain, lambda r: r.locale)
