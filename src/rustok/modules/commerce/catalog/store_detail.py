"""The storefront product page: one active product in a locale (with fallback) and currency,
with its variants, prices and availability."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.errors import NotFound
from rustok.modules.commerce.catalog.models import (
    Category,
    Price,
    Product,
    ProductCategory,
    ProductImage,
    ProductTranslation,
)
from rustok.modules.commerce.catalog.queries import (
    available_by_variant,
    option_values_by_variant,
    options_by_product,
    variants_by_product,
)
from rustok.modules.commerce.interface import (
    StoreCategory,
    StoreImage,
    StoreOption,
    StoreProduct,
    StoreVariant,
)


def _pick(rows: Sequence[ProductTranslation], chain: Sequence[str]) -> ProductTranslation:
    by_locale = {r.locale: r for r in rows}
    for locale in chain:
        if locale in by_locale:
            return by_locale[locale]
    return min(rows, key=lambda r: r.locale)


async def product_detail(
    session: AsyncSession, product_id: uuid.UUID, chain: Sequence[str], currency: str
) -> StoreProduct:
    product = await session.get(Product, product_id)
    if product is None or product.status != "active":
        raise NotFound("no such product")
    translations = list(
        await session.scalars(
            select(ProductTranslation).where(ProductTranslation.product_id == product.id)
        )
    )
    text = _pick(translations, chain)
    variants = (await variants_by_product(session, [product.id])).get(product.id, [])
    ids = [v.id for v in variants]
    option_values = await option_values_by_variant(session, ids)
    available = await available_by_variant(session, ids)
    prices: dict[uuid.UUID, Price] = {}
    if ids:
        for row in await session.scalars(
            select(Price).where(
                Price.variant_id.in_(ids),
                Price.currency_code == currency,
                Price.price_list_id.is_(None),
                Price.min_quantity == 1,
            )
        ):
            prices[row.variant_id] = row
    store_variants = []
    for variant in variants:
        price = prices.get(variant.id)
        quantity = available.get(variant.id, 0)
        store_variants.append(
            StoreVariant(
                id=variant.id,
                sku=variant.sku,
                title=variant.title,
                options=dict(option_values.get(variant.id, {})),
                price=price.amount if price is not None else None,
                compare_at_price=price.compare_at_amount if price is not None else None,
                currency_code=currency,
                inventory_policy=variant.inventory_policy,
                available_quantity=max(quantity, 0),
                available=price is not None
                and (variant.inventory_policy == "continue" or quantity > 0),
            )
        )
    options = (await options_by_product(session, [product.id])).get(product.id, [])
    images = await session.scalars(
        select(ProductImage)
        .where(ProductImage.product_id == product.id)
        .order_by(ProductImage.position, ProductImage.id)
    )
    categories = await session.scalars(
        select(Category)
        .join(ProductCategory, ProductCategory.category_id == Category.id)
        .where(ProductCategory.product_id == product.id)
        .order_by(Category.position, Category.handle)
    )
    amounts = [v.price for v in store_variants if v.price is not None]
    return StoreProduct(
        id=product.id, handle=text.handle, locale=text.locale, title=text.title,
        description=text.description, meta_title=text.meta_title,
        meta_description=text.meta_description, vendor=product.vendor, currency_code=currency,
        price_min=min(amounts) if amounts else None, price_max=max(amounts) if amounts else None,
        in_stock=any(v.available for v in store_variants),
        options=[StoreOption(name=o.name, values=o.values) for o in options],
        variants=store_variants,
        images=[StoreImage(url=i.url, alt_text=i.alt_text) for i in images],
        categories=[StoreCategory(id=c.id, handle=c.handle, name=c.name) for c in categories],
    )  # fmt: skip
